/*
 * tox_peer: a tiny libtoxcore client driven by command-line flags, for interop tests
 * (CToxcorePeer.java). Builds against c-toxcore 0.2.18 and later; the group (NGC) options exist
 * only when built against 0.2.19 or later. Loopback only: LAN discovery and hole punching are
 * always off, IPv6 is off unless --ipv6 on (then the socket is dual-stack; give ::1 nodes).
 *
 *   --secret-key HEX       64 hex digits; the identity (so the caller knows our public key)
 *   --friend PK_HEX        add a friend without a request (repeatable; friend numbers 0, 1, ...)
 *   --tcp-relay H:P:KEY    tox_add_tcp_relay (repeatable)
 *   --bootstrap H:P:KEY    tox_bootstrap (repeatable); an IPv6 host in brackets: [::1]:P:KEY
 *   --ipv6 on|off          IPv6 enabled (default off)
 *   --udp on|off           UDP enabled (default on); --udp-port N binds exactly port N
 *   --send N               once friend 0 is connected, send "msg-0" .. "msg-<N-1>" to it
 *   --send-on-connection K start --send the K-th time friend 0 comes online (default 1), e.g. 2 =
 *                          after it went offline and reconnected
 *   --spacing MS           at least MS milliseconds between two sent messages (default 20)
 *   --echo                 send every received message back to its sender, until a --send batch
 *                          starts (so that two echoing ends never play ping-pong)
 *   --seconds S            exit after S seconds (default 60)
 *   --verbose              toxcore's log on stderr
 *
 * Group chats (NGC, 0.2.19+; group number 0 is the first group created or joined):
 *   --name NAME            our nick in groups (default "peer")
 *   --group-create NAME    create a private group (GROUP_CREATED) once we are connected (a group's
 *                          TCP connections copy the relays connected at creation and re-copy them
 *                          every 10 s only when their own count changed: created before any relay
 *                          is connected, a TCP-only group never gets one); repeatable, group 0 is
 *                          the first
 *   --group-invite         invite every friend to group 0 the first time it is online, at least
 *                          --group-invite-delay ms after the group was created
 *   --group-invite-delay MS  (default 3000) the inviter's confirmation carries its group's
 *                          connected relays; with none yet it drops the invitee's acceptance
 *   --group-accept         accept every group invite (tox_group_invite_accept)
 *   --group-public         the --group-create groups are public (found by chat id through the
 *                          onion's group announces) instead of private
 *   --group-join CHAT_ID   join the public group with this chat id (64 hex digits) once we are
 *                          connected (GROUP_JOINING; no friend needed)
 *   --group-send N         once group 0 has --group-peers other peers, send "<name>-0" ..
 *                          "<name>-<N-1>" to the group, one per --spacing ms
 *   --group-peers P        how many other peers to wait for before --group-send (default 1)
 *   --group-send-after T   start --group-send only after T messages were received in group 0
 *                          (default 0)
 *
 * stdout (line-buffered): READY pk=<hex> dht=<hex> udp_port=<n> version=<x.y.z> (the loaded
 * library's), SELF_CONNECTION <NONE|TCP|UDP>, FRIEND_CONNECTION <friend> <NONE|TCP|UDP>,
 * RECV <friend> <text>, SENT <friend> <text>, GROUP_CREATED <g> chat_id=<hex>,
 * GROUP_INVITED <g> <friend>, GROUP_INVITE <friend>, GROUP_ACCEPTED <g>, GROUP_SELF_JOIN <g>,
 * GROUP_JOIN_FAIL <g> <code>, GROUP_PEER_JOIN <g> <peer> <name>, GROUP_PEER_EXIT <g> <peer>,
 * GROUP_RECV <g> <peer> <text>, GROUP_SENT <g> <text>, EXIT <reason>.
 * Exit status 0 after --seconds or SIGTERM/SIGINT; 2 on setup errors (stderr says why).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tox/tox.h>

#define MAX_QUEUE 256
#define DEFAULT_SPACING_MS 20
#define MAX_FRIENDS 16

#if TOX_VERSION_MAJOR > 0 || TOX_VERSION_MINOR > 2 || TOX_VERSION_PATCH >= 19
#define HAVE_GROUPS 1
#else
#define HAVE_GROUPS 0
#endif

typedef struct {
    uint32_t friend_number;
    size_t length;
    uint8_t text[TOX_MAX_MESSAGE_LENGTH];
} Outgoing;

static Outgoing queue[MAX_QUEUE]; /* FIFO of messages waiting to be sent */
static size_t queue_head, queue_len;
static int echo_mode;
static int sending;                      /* a --send batch has started: echo is off */
static long friend0_onlines;             /* times friend 0 went from NONE to TCP/UDP */
static Tox_Connection friend0_status = TOX_CONNECTION_NONE;
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "tox_peer: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
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

/* Prints a message on one line: control characters and non-ASCII bytes become '?'. */
static void print_text(const char *tag, uint32_t friend_number, const uint8_t *text, size_t length)
{
    printf("%s %u ", tag, friend_number);
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

/* Parses HOST:PORT:KEY (IPv4 host or name; no colons in HOST). */
static void parse_node(const char *spec, char *host, size_t host_size, uint16_t *port, uint8_t *key)
{
    if (spec[0] == '[') { /* [IPv6]:PORT:KEY */
        const char *end = strchr(spec, ']');
        if (!end || end[1] != ':' || (size_t)(end - spec - 1) >= host_size) {
            die("expected [IPV6]:PORT:KEY", spec);
        }
        memcpy(host, spec + 1, end - spec - 1);
        host[end - spec - 1] = '\0';
        char rest[256];
        snprintf(rest, sizeof rest, "x%s", end + 1);
        char ignored[8];
        parse_node(rest, ignored, sizeof ignored, port, key);
        return;
    }
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
        fprintf(stderr, "tox_peer: dropping a message (queue full or bad length %zu)\n", length);
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
        return 0; /* retry later */
    }
    if (err == TOX_ERR_FRIEND_SEND_MESSAGE_OK) {
        print_text("SENT", o->friend_number, o->text, o->length);
    } else {
        fprintf(stderr, "tox_peer: tox_friend_send_message failed: %d\n", err);
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
    if (friend_number == 0) {
        if (friend0_status == TOX_CONNECTION_NONE && status != TOX_CONNECTION_NONE) {
            friend0_onlines++;
        }
        friend0_status = status;
    }
}

static void on_friend_message(Tox *tox, uint32_t friend_number, Tox_Message_Type type, const uint8_t *message,
                              size_t length, void *user_data)
{
    print_text("RECV", friend_number, message, length);
    if (echo_mode && !sending) {
        enqueue(friend_number, message, length);
    }
}

static char self_name[64] = "peer";

#if HAVE_GROUPS
static int group_invite, group_accept, group_public;
static const char *group_join_id;        /* --group-join: chat id (hex) of a public group */
static long group_send, group_peers_wanted = 1, group_send_after;
static long group_sent, group_received, group_peers;
static long group_invite_delay = 3000;
static double group_created_at;
static int in_group;                     /* group 0 exists (created, or joined) */
static int invited[MAX_FRIENDS];

static void on_group_invite(Tox *tox, uint32_t friend_number, const uint8_t *invite_data, size_t length,
                            const uint8_t *group_name, size_t group_name_length, void *user_data)
{
    printf("GROUP_INVITE %u\n", friend_number);
    if (!group_accept) {
        return;
    }
    Tox_Err_Group_Invite_Accept err;
    uint32_t g = tox_group_invite_accept(tox, friend_number, invite_data, length, (const uint8_t *)self_name,
                                         strlen(self_name), NULL, 0, &err);
    if (err != TOX_ERR_GROUP_INVITE_ACCEPT_OK) {
        fprintf(stderr, "tox_peer: tox_group_invite_accept failed: %d\n", err);
        printf("GROUP_ACCEPT_FAILED %d\n", err);
        return;
    }
    in_group = 1;
    printf("GROUP_ACCEPTED %u\n", g);
}

static void on_group_self_join(Tox *tox, uint32_t group_number, void *user_data)
{
    printf("GROUP_SELF_JOIN %u\n", group_number);
}

static void on_group_join_fail(Tox *tox, uint32_t group_number, Tox_Group_Join_Fail fail_type, void *user_data)
{
    printf("GROUP_JOIN_FAIL %u %d\n", group_number, (int)fail_type);
}

static void on_group_peer_join(Tox *tox, uint32_t group_number, uint32_t peer_id, void *user_data)
{
    uint8_t name[TOX_MAX_NAME_LENGTH];
    Tox_Err_Group_Peer_Query err;
    size_t n = tox_group_peer_get_name_size(tox, group_number, peer_id, &err);
    if (err != TOX_ERR_GROUP_PEER_QUERY_OK || n > sizeof name
        || !tox_group_peer_get_name(tox, group_number, peer_id, name, &err)) {
        n = 0;
    }
    if (group_number == 0) {
        group_peers++;
    }
    printf("GROUP_PEER_JOIN %u %u ", group_number, peer_id);
    for (size_t i = 0; i < n; i++) {
        putchar(name[i] > 0x20 && name[i] < 0x7F ? name[i] : '?');
    }
    putchar('\n');
}

static void on_group_peer_exit(Tox *tox, uint32_t group_number, uint32_t peer_id, Tox_Group_Exit_Type exit_type,
                               const uint8_t *name, size_t name_length, const uint8_t *part_message,
                               size_t part_message_length, void *user_data)
{
    if (group_number == 0 && group_peers > 0) {
        group_peers--;
    }
    printf("GROUP_PEER_EXIT %u %u %d\n", group_number, peer_id, (int)exit_type);
}

static void on_group_message(Tox *tox, uint32_t group_number, uint32_t peer_id, Tox_Message_Type type,
                             const uint8_t *message, size_t length, uint32_t message_id, void *user_data)
{
    char tag[32];
    snprintf(tag, sizeof tag, "GROUP_RECV %u", group_number);
    print_text(tag, peer_id, message, length);
    if (group_number == 0) {
        group_received++;
    }
}

/* Creates the --group-create groups, in command-line order (group 0 first). */
static void create_groups(Tox *tox, int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--group-create")) {
            continue;
        }
        const char *gname = argv[++i];
        Tox_Err_Group_New e;
        uint32_t g = tox_group_new(tox, group_public ? TOX_GROUP_PRIVACY_STATE_PUBLIC : TOX_GROUP_PRIVACY_STATE_PRIVATE,
                                   (const uint8_t *)gname, strlen(gname),
                                   (const uint8_t *)self_name, strlen(self_name), &e);
        if (e != TOX_ERR_GROUP_NEW_OK) {
            char code[16];
            snprintf(code, sizeof code, "%d", e);
            die("tox_group_new failed with Tox_Err_Group_New", code);
        }
        uint8_t chat_id[TOX_GROUP_CHAT_ID_SIZE];
        tox_group_get_chat_id(tox, g, chat_id, NULL);
        printf("GROUP_CREATED %u chat_id=", g);
        print_hex(chat_id, sizeof chat_id);
        putchar('\n');
        in_group = 1;
        group_created_at = now_ms();
    }
    if (group_join_id) { /* a public group found by its chat id: through the onion's group announces */
        uint8_t chat_id[TOX_GROUP_CHAT_ID_SIZE];
        if (!parse_hex(group_join_id, chat_id, sizeof chat_id)) { die("--group-join needs 64 hex digits", group_join_id); }
        Tox_Err_Group_Join e;
        uint32_t g = tox_group_join(tox, chat_id, (const uint8_t *)self_name, strlen(self_name), NULL, 0, &e);
        if (e != TOX_ERR_GROUP_JOIN_OK) {
            char code[16];
            snprintf(code, sizeof code, "%d", e);
            die("tox_group_join failed with Tox_Err_Group_Join", code);
        }
        printf("GROUP_JOINING %u\n", g);
        in_group = 1;
    }
}

/* Invites each online friend to group 0 once; sends the next --group-send message when due.
 * Returns 1 if a group message left (for the spacing). */
static int group_tick(Tox *tox, double now, double *last_group_send, long spacing)
{
    if (!in_group) {
        return 0;
    }
    if (group_invite && now - group_created_at >= group_invite_delay) {
        size_t friends = tox_self_get_friend_list_size(tox);
        for (uint32_t f = 0; f < friends && f < MAX_FRIENDS; f++) {
            if (!invited[f] && tox_friend_get_connection_status(tox, f, NULL) != TOX_CONNECTION_NONE) {
                Tox_Err_Group_Invite_Friend err;
                if (tox_group_invite_friend(tox, 0, f, &err)) {
                    invited[f] = 1;
                    printf("GROUP_INVITED 0 %u\n", f);
                } else if (err != TOX_ERR_GROUP_INVITE_FRIEND_FAIL_SEND) {
                    invited[f] = 1;
                    fprintf(stderr, "tox_peer: tox_group_invite_friend(%u) failed: %d\n", f, err);
                }
            }
        }
    }
    if (group_sent < group_send && group_peers >= group_peers_wanted && group_received >= group_send_after
        && now - *last_group_send >= spacing) {
        char text[96];
        int n = snprintf(text, sizeof text, "%s-%ld", self_name, group_sent);
        Tox_Err_Group_Send_Message err;
        tox_group_send_message(tox, 0, TOX_MESSAGE_TYPE_NORMAL, (const uint8_t *)text, (size_t)n, &err);
        if (err == TOX_ERR_GROUP_SEND_MESSAGE_OK) {
            group_sent++;
            *last_group_send = now;
            printf("GROUP_SENT 0 %s\n", text);
            return 1;
        }
        if (err != TOX_ERR_GROUP_SEND_MESSAGE_DISCONNECTED) {
            fprintf(stderr, "tox_peer: tox_group_send_message failed: %d\n", err);
        }
    }
    return 0;
}
#endif

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
    tox_options_set_hole_punching_enabled(opts, false);

    uint8_t secret[TOX_SECRET_KEY_SIZE];
    int have_secret = 0, verbose = 0;
    long to_send = 0, seconds = 60, send_on = 1, spacing = DEFAULT_SPACING_MS;
    for (int i = 1; i < argc; i++) { /* first pass: options that tox_new needs */
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--echo")) { echo_mode = 1; continue; }
        if (!strcmp(a, "--verbose")) { verbose = 1; continue; }
#if HAVE_GROUPS
        if (!strcmp(a, "--group-invite")) { group_invite = 1; continue; }
        if (!strcmp(a, "--group-accept")) { group_accept = 1; continue; }
        if (!strcmp(a, "--group-public")) { group_public = 1; continue; }
#else
        if (!strncmp(a, "--group-", 8)) { die("this tox_peer was built without group support (c-toxcore < 0.2.19)", a); }
#endif
        if (!v) { die("missing value for", a); }
        i++;
        if (!strcmp(a, "--secret-key")) {
            if (!parse_hex(v, secret, sizeof secret)) { die("--secret-key needs 64 hex digits", v); }
            have_secret = 1;
        } else if (!strcmp(a, "--udp")) {
            if (strcmp(v, "on") && strcmp(v, "off")) { die("--udp takes on|off", v); }
            tox_options_set_udp_enabled(opts, !strcmp(v, "on"));
        } else if (!strcmp(a, "--ipv6")) {
            if (strcmp(v, "on") && strcmp(v, "off")) { die("--ipv6 takes on|off", v); }
            tox_options_set_ipv6_enabled(opts, !strcmp(v, "on"));
        } else if (!strcmp(a, "--udp-port")) {
            long p = strtol(v, NULL, 10);
            if (p <= 0 || p > 65535) { die("bad --udp-port", v); }
            tox_options_set_start_port(opts, (uint16_t)p);
            tox_options_set_end_port(opts, (uint16_t)p);
        } else if (!strcmp(a, "--send")) {
            to_send = strtol(v, NULL, 10);
        } else if (!strcmp(a, "--send-on-connection")) {
            send_on = strtol(v, NULL, 10);
            if (send_on < 1) { die("bad --send-on-connection", v); }
        } else if (!strcmp(a, "--spacing")) {
            spacing = strtol(v, NULL, 10);
            if (spacing < 1 || spacing > 10000) { die("bad --spacing", v); }
        } else if (!strcmp(a, "--seconds")) {
            seconds = strtol(v, NULL, 10);
        } else if (!strcmp(a, "--name")) {
            if (strlen(v) == 0 || strlen(v) >= sizeof self_name) { die("bad --name", v); }
            strcpy(self_name, v);
#if HAVE_GROUPS
        } else if (!strcmp(a, "--group-create")) {
            if (strlen(v) == 0 || strlen(v) > TOX_GROUP_MAX_GROUP_NAME_LENGTH) { die("bad --group-create", v); }
        } else if (!strcmp(a, "--group-send")) {
            group_send = strtol(v, NULL, 10);
        } else if (!strcmp(a, "--group-peers")) {
            group_peers_wanted = strtol(v, NULL, 10);
        } else if (!strcmp(a, "--group-invite-delay")) {
            group_invite_delay = strtol(v, NULL, 10);
            if (group_invite_delay < 0) { die("bad --group-invite-delay", v); }
        } else if (!strcmp(a, "--group-send-after")) {
            group_send_after = strtol(v, NULL, 10);
        } else if (!strcmp(a, "--group-join")) {
            group_join_id = v;
#endif
        } else if (strcmp(a, "--friend") && strcmp(a, "--tcp-relay") && strcmp(a, "--bootstrap")) {
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
    tox_callback_friend_message(tox, on_friend_message);
#if HAVE_GROUPS
    tox_callback_group_invite(tox, on_group_invite);
    tox_callback_group_self_join(tox, on_group_self_join);
    tox_callback_group_join_fail(tox, on_group_join_fail);
    tox_callback_group_peer_join(tox, on_group_peer_join);
    tox_callback_group_peer_exit(tox, on_group_peer_exit);
    tox_callback_group_message(tox, on_group_message);
#endif

    for (int i = 1; i < argc; i++) { /* second pass: friends and nodes, in command-line order */
        const char *a = argv[i];
        if (!strcmp(a, "--echo") || !strcmp(a, "--verbose") || !strcmp(a, "--group-invite")
            || !strcmp(a, "--group-accept") || !strcmp(a, "--group-public")) {
            continue;
        }
        const char *v = argv[++i]; /* present: checked in the first pass */
        uint8_t key[TOX_PUBLIC_KEY_SIZE];
        char host[256];
        uint16_t port;
        if (!strcmp(a, "--friend")) {
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

    uint8_t pk[TOX_PUBLIC_KEY_SIZE], dht[TOX_PUBLIC_KEY_SIZE];
    tox_self_get_public_key(tox, pk);
    tox_self_get_dht_id(tox, dht);
    Tox_Err_Get_Port err_port;
    uint16_t udp_port = tox_self_get_udp_port(tox, &err_port);
    printf("READY pk=");
    print_hex(pk, sizeof pk);
    printf(" dht=");
    print_hex(dht, sizeof dht);
    printf(" udp_port=%u version=%u.%u.%u\n", err_port == TOX_ERR_GET_PORT_OK ? udp_port : 0,
           tox_version_major(), tox_version_minor(), tox_version_patch());

#if HAVE_GROUPS
    double last_group_send = 0;
    int groups_created = 0;
#endif

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
        while (queued < to_send && queue_len < MAX_QUEUE / 2 && friend0_onlines >= send_on
               && tox_friend_get_connection_status(tox, 0, NULL) != TOX_CONNECTION_NONE) {
            char text[32];
            sending = 1;
            int n = snprintf(text, sizeof text, "msg-%ld", queued++);
            enqueue(0, (const uint8_t *)text, (size_t)n);
        }
        /* One message per --spacing ms at most, so the net_crypto send queue never overruns. */
        if (queue_len > 0 && now - last_send >= spacing && send_one(tox)) {
            last_send = now;
        }
        int group_busy = 0;
#if HAVE_GROUPS
        if (!groups_created && tox_self_get_connection_status(tox) != TOX_CONNECTION_NONE) {
            create_groups(tox, argc, argv);
            groups_created = 1;
        }
        group_tick(tox, now, &last_group_send, spacing);
        group_busy = group_sent < group_send;
#endif
        long wait_ms = queue_len > 0 || group_busy ? spacing : tox_iteration_interval(tox);
        if (wait_ms > tox_iteration_interval(tox)) {
            wait_ms = tox_iteration_interval(tox);
        }
        struct timespec ts = {wait_ms / 1000, (wait_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL); /* a signal cuts the sleep short */
    }
    if (stop_signal) {
        reason = stop_signal == SIGTERM ? "SIGTERM" : "SIGINT";
    }
    tox_kill(tox);
    printf("EXIT %s\n", reason);
    return 0;
}
