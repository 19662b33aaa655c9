/*
 * A minimal c-toxcore client for OnionClientInteropTest (tox-reactive, our own code): it announces
 * itself on the onion like any Tox client, adds friends by Tox ID with a request message
 * (tox_friend_add) or by key (tox_friend_add_norequest), and prints what the onion brought:
 *
 *   READY pk=<64 hex> dht=<64 hex> address=<76 hex> udp_port=<n> version=<x.y.z>
 *   SELF_CONNECTION NONE|TCP|UDP
 *   FRIEND_CONNECTION <n> NONE|TCP|UDP
 *   FRIEND_REQUEST <64 hex> <message, non-printable bytes as '?'>
 *   EXIT <reason>
 *
 * Options: --secret-key HEX, --udp on|off, --bootstrap HOST:PORT:KEY, --tcp-relay HOST:PORT:KEY,
 * --add TOXID MESSAGE, --friend KEY, --seconds N. LAN discovery, IPv6 and hole punching are off.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tox/tox.h>

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "onion_peer: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    printf("EXIT error %s\n", what);
    exit(2);
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

/* HOST:PORT:KEY */
static void parse_node(const char *spec, char *host, size_t host_size, uint16_t *port, uint8_t *key)
{
    const char *c1 = strchr(spec, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c1 || !c2 || (size_t)(c1 - spec) >= host_size) {
        die("a node is HOST:PORT:KEY", spec);
    }
    memcpy(host, spec, (size_t)(c1 - spec));
    host[c1 - spec] = 0;
    *port = (uint16_t)atoi(c1 + 1);
    if (!parse_hex(c2 + 1, key, TOX_PUBLIC_KEY_SIZE)) {
        die("a node key is 64 hex digits", spec);
    }
}

static void on_self_connection(Tox *tox, Tox_Connection status, void *user)
{
    printf("SELF_CONNECTION %s\n", kind(status));
}

static void on_friend_connection(Tox *tox, uint32_t friend_number, Tox_Connection status, void *user)
{
    printf("FRIEND_CONNECTION %u %s\n", friend_number, kind(status));
}

static void on_friend_request(Tox *tox, const uint8_t *public_key, const uint8_t *message,
                              size_t length, void *user)
{
    printf("FRIEND_REQUEST ");
    print_hex(public_key, TOX_PUBLIC_KEY_SIZE);
    putchar(' ');
    for (size_t i = 0; i < length; i++) {
        putchar(message[i] >= 0x20 && message[i] < 0x7F ? message[i] : '?');
    }
    putchar('\n');
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
    tox_options_set_hole_punching_enabled(opts, false);
    uint8_t secret[TOX_SECRET_KEY_SIZE];
    int have_secret = 0;
    long seconds = 120;
    for (int i = 1; i < argc; i++) { /* first pass: options for tox_new */
        const char *a = argv[i];
        if (i + 1 >= argc) {
            die("option needs a value", a);
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--secret-key")) {
            if (!parse_hex(v, secret, sizeof secret)) { die("--secret-key needs 64 hex digits", v); }
            have_secret = 1;
        } else if (!strcmp(a, "--udp")) {
            if (strcmp(v, "on") && strcmp(v, "off")) { die("--udp takes on|off", v); }
            tox_options_set_udp_enabled(opts, !strcmp(v, "on"));
        } else if (!strcmp(a, "--seconds")) {
            seconds = atol(v);
        } else if (!strcmp(a, "--add")) {
            if (i + 1 >= argc) { die("--add needs TOXID MESSAGE", v); }
            ++i;
        } else if (strcmp(a, "--friend") && strcmp(a, "--tcp-relay") && strcmp(a, "--bootstrap")) {
            die("unknown option", a);
        }
    }
    if (have_secret) {
        tox_options_set_savedata_type(opts, TOX_SAVEDATA_TYPE_SECRET_KEY);
        tox_options_set_savedata_data(opts, secret, sizeof secret);
    }
    Tox_Err_New err_new;
    Tox *tox = tox_new(opts, &err_new);
    tox_options_free(opts);
    if (!tox) {
        die("tox_new failed", NULL);
    }
    tox_callback_self_connection_status(tox, on_self_connection);
    tox_callback_friend_connection_status(tox, on_friend_connection);
    tox_callback_friend_request(tox, on_friend_request);

    for (int i = 1; i < argc; i++) { /* second pass: nodes and friends, in command-line order */
        const char *a = argv[i];
        const char *v = argv[++i];
        uint8_t key[TOX_PUBLIC_KEY_SIZE];
        char host[256];
        uint16_t port;
        if (!strcmp(a, "--add")) {
            uint8_t address[TOX_ADDRESS_SIZE];
            const char *message = argv[++i];
            Tox_Err_Friend_Add e;
            if (!parse_hex(v, address, sizeof address)) { die("--add needs a 76-hex Tox ID", v); }
            tox_friend_add(tox, address, (const uint8_t *)message, strlen(message), &e);
            if (e != TOX_ERR_FRIEND_ADD_OK) {
                char code[16];
                snprintf(code, sizeof code, "%d", e);
                die("tox_friend_add failed with Tox_Err_Friend_Add", code);
            }
        } else if (!strcmp(a, "--friend")) {
            Tox_Err_Friend_Add e;
            if (!parse_hex(v, key, sizeof key)) { die("--friend needs 64 hex digits", v); }
            tox_friend_add_norequest(tox, key, &e);
            if (e != TOX_ERR_FRIEND_ADD_OK) { die("tox_friend_add_norequest failed for", v); }
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

    uint8_t pk[TOX_PUBLIC_KEY_SIZE], dht[TOX_PUBLIC_KEY_SIZE], address[TOX_ADDRESS_SIZE];
    tox_self_get_public_key(tox, pk);
    tox_self_get_dht_id(tox, dht);
    tox_self_get_address(tox, address);
    Tox_Err_Get_Port err_port;
    uint16_t udp_port = tox_self_get_udp_port(tox, &err_port);
    printf("READY pk=");
    print_hex(pk, sizeof pk);
    printf(" dht=");
    print_hex(dht, sizeof dht);
    printf(" address=");
    print_hex(address, sizeof address);
    printf(" udp_port=%u version=%u.%u.%u\n", err_port == TOX_ERR_GET_PORT_OK ? udp_port : 0,
           tox_version_major(), tox_version_minor(), tox_version_patch());

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    const char *reason = "timeout";
    while (!stop_signal) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec >= seconds) {
            break;
        }
        tox_iterate(tox, NULL);
        long wait_ms = tox_iteration_interval(tox);
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
