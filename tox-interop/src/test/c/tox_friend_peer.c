/*
 * tox_friend_peer: a small libtoxcore client that meets its friend by Tox ID, for the interop tests
 * of issue 13 (ToxIdInteropTest.java). Builds against c-toxcore 0.2.18 and later. Loopback only:
 * LAN discovery and IPv6 are always off.
 *
 *   --secret-key HEX       64 hex digits (default: a new identity)
 *   --bootstrap H:P:KEY    tox_bootstrap (repeatable)
 *   --tcp-relay H:P:KEY    tox_add_tcp_relay (repeatable)
 *   --udp on|off           UDP enabled (default on)
 *   --add TOXID            tox_friend_add: a friend request to this Tox ID (76 hex digits)
 *   --message TEXT         the request's message (default "c-toxcore says hi")
 *   --accept               accept every friend request (tox_friend_add_norequest in the callback)
 *   --send N               once friend 0 is online, send "msg-0" .. "msg-<N-1>", one per 20 ms
 *   --echo                 send every received message back to its sender
 *   --seconds S            exit after S seconds (default 60)
 *   --verbose              toxcore's log on stderr
 *
 * stdout (line-buffered): READY address=<76 hex> pk=<hex> dht=<hex> udp_port=<n> version=<x.y.z>,
 * SELF_CONNECTION <NONE|TCP|UDP>, FRIEND_REQUEST <pk> <message>, FRIEND_ADDED <friend>,
 * FRIEND_CONNECTION <friend> <NONE|TCP|UDP>, RECV <friend> <text>, SENT <friend> <text>,
 * EXIT <reason>. Exit status 0 after --seconds or SIGTERM/SIGINT; 2 on setup errors.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tox/tox.h>

#define MAX_QUEUE 256

typedef struct {
    uint32_t friend_number;
    size_t length;
    uint8_t text[TOX_MAX_MESSAGE_LENGTH];
} Outgoing;

static Outgoing queue[MAX_QUEUE];
static size_t queue_head, queue_len;
static int echo_mode, accept_mode;
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "tox_friend_peer: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    printf("EXIT error %s\n", what);
    exit(2);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static const char *kind(Tox_Connection c)
{
    return c == TOX_CONNECTION_TCP ? "TCP" : c == TOX_CONNECTION_UDP ? "UDP" : "NONE";
}

static void print_hex(const uint8_t *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("%02X", bytes[i]);
    }
}

static void print_text(const uint8_t *text, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        putchar(text[i] >= 0x20 && text[i] < 0x7F ? text[i] : '?');
    }
    putchar('\n');
}

static int parse_hex(const char *hex, uint8_t *out, size_t n)
{
    if (strlen(hex) != 2 * n) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned int b;
        if (sscanf(hex + 2 * i, "%2x", &b) != 1) {
            return 0;
        }
        out[i] = (uint8_t)b;
    }
    return 1;
}

static void parse_node(const char *spec, char *host, size_t host_size, uint16_t *port, uint8_t *key)
{
    const char *c1 = strchr(spec, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c1 || !c2 || (size_t)(c1 - spec) >= host_size) {
        die("expected HOST:PORT:KEY", spec);
    }
    memcpy(host, spec, c1 - spec);
    host[c1 - spec] = '\0';
    long p = strtol(c1 + 1, NULL, 10);
    if (p <= 0 || p > 65535 || !parse_hex(c2 + 1, key, TOX_PUBLIC_KEY_SIZE)) {
        die("bad port or key in", spec);
    }
    *port = (uint16_t)p;
}

static void enqueue(uint32_t friend_number, const uint8_t *text, size_t length)
{
    if (queue_len == MAX_QUEUE || length == 0 || length > TOX_MAX_MESSAGE_LENGTH) {
        fprintf(stderr, "tox_friend_peer: dropping a message (queue full or bad length %zu)\n", length);
        return;
    }
    Outgoing *o = &queue[(queue_head + queue_len++) % MAX_QUEUE];
    o->friend_number = friend_number;
    o->length = length;
    memcpy(o->text, text, length);
}

/* Sends the oldest queued message; returns 1 if it left the queue (sent or hopeless). */
static int send_one(Tox *tox)
{
    Outgoing *o = &queue[queue_head];
    Tox_Err_Friend_Send_Message err;
    tox_friend_send_message(tox, o->friend_number, TOX_MESSAGE_TYPE_NORMAL, o->text, o->length, &err);
    if (err == TOX_ERR_FRIEND_SEND_MESSAGE_SENDQ || err == TOX_ERR_FRIEND_SEND_MESSAGE_FRIEND_NOT_CONNECTED) {
        return 0;
    }
    if (err == TOX_ERR_FRIEND_SEND_MESSAGE_OK) {
        printf("SENT %u ", o->friend_number);
        print_text(o->text, o->length);
    } else {
        fprintf(stderr, "tox_friend_peer: tox_friend_send_message failed: %d\n", err);
    }
    queue_head = (queue_head + 1) % MAX_QUEUE;
    queue_len--;
    return 1;
}

static void on_self_connection(Tox *tox, Tox_Connection status, void *user_data)
{
    printf("SELF_CONNECTION %s\n", kind(status));
}

static void on_friend_connection(Tox *tox, uint32_t friend_number, Tox_Connection status, void *user_data)
{
    printf("FRIEND_CONNECTION %u %s\n", friend_number, kind(status));
}

static void on_friend_request(Tox *tox, const uint8_t *public_key, const uint8_t *message, size_t length,
                              void *user_data)
{
    printf("FRIEND_REQUEST ");
    print_hex(public_key, TOX_PUBLIC_KEY_SIZE);
    putchar(' ');
    print_text(message, length);
    if (accept_mode) {
        Tox_Err_Friend_Add err;
        uint32_t f = tox_friend_add_norequest(tox, public_key, &err);
        if (err == TOX_ERR_FRIEND_ADD_OK) {
            printf("FRIEND_ADDED %u\n", f);
        } else {
            fprintf(stderr, "tox_friend_peer: tox_friend_add_norequest failed: %d\n", err);
        }
    }
}

static void on_friend_message(Tox *tox, uint32_t friend_number, Tox_Message_Type type, const uint8_t *message,
                              size_t length, void *user_data)
{
    printf("RECV %u ", friend_number);
    print_text(message, length);
    if (echo_mode) {
        enqueue(friend_number, message, length);
    }
}

static void on_log(Tox *tox, Tox_Log_Level level, const char *file, uint32_t line, const char *func,
                   const char *message, void *user_data)
{
    fprintf(stderr, "%d %s:%u %s: %s\n", (int)level, file, line, func, message);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct Tox_Options *opts = tox_options_new(NULL);
    if (!opts) {
        die("tox_options_new failed", NULL);
    }
    tox_options_set_local_discovery_enabled(opts, false);
    tox_options_set_ipv6_enabled(opts, false);

    uint8_t secret[TOX_SECRET_KEY_SIZE];
    int have_secret = 0, verbose = 0;
    long to_send = 0, seconds = 60;
    const char *message = "c-toxcore says hi";
    for (int i = 1; i < argc; i++) { /* first pass: options that tox_new needs */
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--echo")) { echo_mode = 1; continue; }
        if (!strcmp(a, "--accept")) { accept_mode = 1; continue; }
        if (!strcmp(a, "--verbose")) { verbose = 1; continue; }
        if (!v) { die("missing value for", a); }
        i++;
        if (!strcmp(a, "--secret-key")) {
            if (!parse_hex(v, secret, sizeof secret)) { die("--secret-key needs 64 hex digits", v); }
            have_secret = 1;
        } else if (!strcmp(a, "--udp")) {
            if (strcmp(v, "on") && strcmp(v, "off")) { die("--udp takes on|off", v); }
            tox_options_set_udp_enabled(opts, !strcmp(v, "on"));
        } else if (!strcmp(a, "--send")) {
            to_send = strtol(v, NULL, 10);
        } else if (!strcmp(a, "--seconds")) {
            seconds = strtol(v, NULL, 10);
        } else if (!strcmp(a, "--message")) {
            message = v;
        } else if (strcmp(a, "--add") && strcmp(a, "--tcp-relay") && strcmp(a, "--bootstrap")) {
            die("unknown option", a);
        }
    }
    if (have_secret) {
        tox_options_set_savedata_type(opts, TOX_SAVEDATA_TYPE_SECRET_KEY);
        tox_options_set_savedata_data(opts, secret, sizeof secret);
    }
    if (verbose) {
        tox_options_set_log_callback(opts, on_log);
    }
    Tox_Err_New err_new;
    Tox *tox = tox_new(opts, &err_new);
    tox_options_free(opts);
    if (!tox) {
        char code[16];
        snprintf(code, sizeof code, "%d", err_new);
        die("tox_new failed with Tox_Err_New", code);
    }
    tox_callback_self_connection_status(tox, on_self_connection);
    tox_callback_friend_connection_status(tox, on_friend_connection);
    tox_callback_friend_request(tox, on_friend_request);
    tox_callback_friend_message(tox, on_friend_message);

    for (int i = 1; i < argc; i++) { /* second pass: friends and nodes, in command-line order */
        const char *a = argv[i];
        if (!strcmp(a, "--echo") || !strcmp(a, "--accept") || !strcmp(a, "--verbose")) {
            continue;
        }
        const char *v = argv[++i];
        uint8_t key[TOX_PUBLIC_KEY_SIZE];
        uint8_t address[TOX_ADDRESS_SIZE];
        char host[256];
        uint16_t port;
        if (!strcmp(a, "--add")) {
            Tox_Err_Friend_Add e;
            if (!parse_hex(v, address, sizeof address)) { die("--add needs 76 hex digits", v); }
            uint32_t f = tox_friend_add(tox, address, (const uint8_t *)message, strlen(message), &e);
            if (e != TOX_ERR_FRIEND_ADD_OK) {
                char code[16];
                snprintf(code, sizeof code, "%d", e);
                die("tox_friend_add failed with Tox_Err_Friend_Add", code);
            }
            printf("FRIEND_ADDED %u\n", f);
        } else if (!strcmp(a, "--tcp-relay") || !strcmp(a, "--bootstrap")) {
            Tox_Err_Bootstrap e;
            parse_node(v, host, sizeof host, &port, key);
            if (!strcmp(a, "--tcp-relay")) {
                tox_add_tcp_relay(tox, host, port, key, &e);
            } else {
                tox_bootstrap(tox, host, port, key, &e);
            }
            if (e != TOX_ERR_BOOTSTRAP_OK) { die(a, v); }
        }
    }

    uint8_t address[TOX_ADDRESS_SIZE], pk[TOX_PUBLIC_KEY_SIZE], dht[TOX_PUBLIC_KEY_SIZE];
    tox_self_get_address(tox, address);
    tox_self_get_public_key(tox, pk);
    tox_self_get_dht_id(tox, dht);
    Tox_Err_Get_Port err_port;
    uint16_t udp_port = tox_self_get_udp_port(tox, &err_port);
    printf("READY address=");
    print_hex(address, sizeof address);
    printf(" pk=");
    print_hex(pk, sizeof pk);
    printf(" dht=");
    print_hex(dht, sizeof dht);
    printf(" udp_port=%u version=%u.%u.%u\n", err_port == TOX_ERR_GET_PORT_OK ? udp_port : 0,
           tox_version_major(), tox_version_minor(), tox_version_patch());

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    double start = now_ms(), last_send = 0;
    long queued = 0;
    const char *reason = "timeout";
    while (!stop_signal) {
        double now = now_ms();
        if (now - start >= seconds * 1000.0) {
            break;
        }
        tox_iterate(tox, NULL);
        while (queued < to_send && queue_len < MAX_QUEUE / 2 && tox_self_get_friend_list_size(tox) > 0
               && tox_friend_get_connection_status(tox, 0, NULL) != TOX_CONNECTION_NONE) {
            char text[32];
            int n = snprintf(text, sizeof text, "msg-%ld", queued++);
            enqueue(0, (const uint8_t *)text, (size_t)n);
        }
        if (queue_len > 0 && now - last_send >= 20 && send_one(tox)) {
            last_send = now;
        }
        long wait_ms = queue_len > 0 ? 20 : tox_iteration_interval(tox);
        if (wait_ms > tox_iteration_interval(tox)) {
            wait_ms = tox_iteration_interval(tox);
        }
        struct timespec ts = {wait_ms / 1000, (wait_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (stop_signal) {
        reason = stop_signal == SIGTERM ? "SIGTERM" : "SIGINT";
    }
    tox_kill(tox);
    printf("EXIT %s\n", reason);
    return 0;
}
