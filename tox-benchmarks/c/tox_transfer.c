/*
 * tox_transfer: c-toxcore's file transfer speed, for tox-benchmarks/transfer.sh. Two Tox instances
 * in one process on loopback become friends (tox_friend_add_norequest both ways); A sends a file of
 * --mb MB to B with tox_file_send, answering chunk requests from memory; B counts the bytes.
 *
 *   --mb N                 file size in MB (10^6 bytes; default 50)
 *   --timeout S            give up after S seconds in all (default 120)
 *   --relay H:P:KEY        relayed mode: UDP off on both, tox_add_tcp_relay to H:P with KEY
 *   --bootstrap H:P:KEY    relayed mode: tox_bootstrap to this DHT node (a tox-bootstrapd's UDP side;
 *                          repeatable). Without --relay both use UDP on 127.0.0.1 and bootstrap to
 *                          each other.
 *   --verbose              progress on stderr once a second
 *   --side send|recv       one instance only, in this process (with --relay; the other side is
 *                          another process): send the file, or receive it. Needs --secret-key
 *                          and --friend. The receiver prints RESULT; the sender prints SENT once
 *                          its last chunk was requested and exits 3 s later.
 *   --secret-key HEX       (--side) this instance's secret key, 64 hex digits
 *   --friend HEX           (--side) the other side's public key, 64 hex digits
 *   --keygen               print a new "<secret key hex> <public key hex>" and exit
 *   --rtt N                round trips instead of a file: A sends a friend message (NORMAL, its
 *                          sequence number as text), B's friend_message callback echoes it, A
 *                          times it with CLOCK_MONOTONIC, one at a time; N recorded rounds
 *   --rtt-warm-up W        unrecorded rounds before them (default 20)
 *
 * stdout: CONNECTED kind=<UDP|TCP> seconds=<since start>, then
 *   RESULT bytes=<n> seconds=<from tox_file_send to the last chunk> mbps=<10^6 bytes/s>
 *          max_gap_ms=<the longest time without a received chunk, from tox_file_send on>
 *          cpu_s=<CPU seconds, user + system, this process used from its start>
 * (--side send prints SENT bytes=.. seconds=.. cpu_s=.. instead)
 * or, with --rtt,
 *   RTT count=N p50_ms=.. p99_ms=.. max_ms=.. mean_ms=..   (nearest-rank percentiles)
 * Exit status 0 on success; 1 on timeout or a cancelled transfer (FAIL reason=... on stdout);
 * 2 on setup errors.
 *
 * Written against the public tox.h API only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/resource.h>

#include <tox/tox.h>

#define MAX_NODES 8
#define PENDING_MAX 4096

typedef struct {
    char host[64];
    uint16_t port;
    uint8_t key[TOX_PUBLIC_KEY_SIZE];
} Node;

static uint64_t file_size;
static uint64_t received;
static int done, cancelled;
static double send_started, finished_at;
/* the longest time between two received chunks (or the transfer's start and the first one) */
static double last_chunk_at, max_gap;
static Tox_Connection a_friend = TOX_CONNECTION_NONE, b_friend = TOX_CONNECTION_NONE;
static uint8_t chunk_data[TOX_MAX_CUSTOM_PACKET_SIZE * 2];

/* --rtt: round trip number rtt_next is in flight while rtt_waiting, sent at rtt_sent_at */
static long rtt_total, rtt_warm = 20, rtt_next, rtt_bad;
static int rtt_waiting;
static double rtt_sent_at;
static double *rtt_samples;

/* chunk requests that tox_file_send_chunk refused (send queue full): retried every iteration */
static struct {
    uint32_t friend_number, file_number;
    uint64_t position;
    size_t length;
} pending[PENDING_MAX];
static size_t pending_len;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "tox_transfer: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    printf("FAIL reason=%s\n", what);
    exit(2);
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

static void parse_node(const char *spec, Node *n)
{
    const char *c1 = strchr(spec, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c1 || !c2 || (size_t)(c1 - spec) >= sizeof n->host) {
        die("expected HOST:PORT:KEY", spec);
    }
    memcpy(n->host, spec, c1 - spec);
    n->host[c1 - spec] = '\0';
    long p = strtol(c1 + 1, NULL, 10);
    if (p <= 0 || p > 65535 || !parse_hex(c2 + 1, n->key, TOX_PUBLIC_KEY_SIZE)) {
        die("bad port or key in", spec);
    }
    n->port = (uint16_t)p;
}

static const char *kind(Tox_Connection c)
{
    return c == TOX_CONNECTION_TCP ? "TCP" : c == TOX_CONNECTION_UDP ? "UDP" : "NONE";
}

static void on_friend_connection_a(Tox *tox, uint32_t f, Tox_Connection status, void *u)
{
    a_friend = status;
}

static void on_friend_connection_b(Tox *tox, uint32_t f, Tox_Connection status, void *u)
{
    b_friend = status;
}

static int send_chunk(Tox *tox, uint32_t friend_number, uint32_t file_number, uint64_t position, size_t length)
{
    Tox_Err_File_Send_Chunk err;
    size_t offset = (size_t)(position % TOX_MAX_CUSTOM_PACKET_SIZE);
    tox_file_send_chunk(tox, friend_number, file_number, position, chunk_data + offset, length, &err);
    if (err == TOX_ERR_FILE_SEND_CHUNK_SENDQ) {
        return 0;
    }
    if (err != TOX_ERR_FILE_SEND_CHUNK_OK) {
        fprintf(stderr, "tox_transfer: tox_file_send_chunk failed: %d\n", err);
    }
    return 1;
}

static double all_sent_at; /* --side send: when the length-0 chunk request came */

static void on_chunk_request(Tox *tox, uint32_t friend_number, uint32_t file_number, uint64_t position,
                             size_t length, void *user_data)
{
    if (length == 0) {
        if (all_sent_at == 0) {
            all_sent_at = now_s();
        }
        return; /* the whole file was sent */
    }
    if (pending_len > 0 || !send_chunk(tox, friend_number, file_number, position, length)) {
        if (pending_len == PENDING_MAX) {
            die("too many refused chunks", NULL);
        }
        pending[pending_len].friend_number = friend_number;
        pending[pending_len].file_number = file_number;
        pending[pending_len].position = position;
        pending[pending_len].length = length;
        pending_len++;
    }
}

static void retry_pending(Tox *tox)
{
    size_t i = 0;
    while (i < pending_len &&
           send_chunk(tox, pending[i].friend_number, pending[i].file_number, pending[i].position, pending[i].length)) {
        i++;
    }
    memmove(pending, pending + i, (pending_len - i) * sizeof pending[0]);
    pending_len -= i;
}

static void on_file_recv(Tox *tox, uint32_t friend_number, uint32_t file_number, uint32_t kind_, uint64_t size,
                         const uint8_t *filename, size_t filename_length, void *user_data)
{
    Tox_Err_File_Control err;
    if (send_started == 0) {
        send_started = now_s(); /* --side recv: the transfer starts here */
        file_size = size;
    }
    tox_file_control(tox, friend_number, file_number, TOX_FILE_CONTROL_RESUME, &err);
    if (err != TOX_ERR_FILE_CONTROL_OK) {
        fprintf(stderr, "tox_transfer: tox_file_control failed: %d\n", err);
    }
}

static void on_recv_chunk(Tox *tox, uint32_t friend_number, uint32_t file_number, uint64_t position,
                          const uint8_t *data, size_t length, void *user_data)
{
    if (length == 0) {
        if (!done) {
            done = 1;
            finished_at = now_s();
        }
        return;
    }
    double now = now_s();
    double since = last_chunk_at > 0 ? last_chunk_at : send_started;
    if (since > 0 && now - since > max_gap) {
        max_gap = now - since;
    }
    last_chunk_at = now;
    received += length;
    if (received >= file_size && !done) {
        done = 1;
        finished_at = now_s();
    }
}

static void on_recv_control(Tox *tox, uint32_t friend_number, uint32_t file_number, Tox_File_Control control,
                            void *user_data)
{
    if (control == TOX_FILE_CONTROL_CANCEL) {
        cancelled = 1;
    }
}

/* B: echo every message back on its own friend connection */
static void on_message_b(Tox *tox, uint32_t friend_number, Tox_Message_Type type, const uint8_t *message,
                         size_t length, void *user_data)
{
    Tox_Err_Friend_Send_Message err;
    tox_friend_send_message(tox, friend_number, type, message, length, &err);
    if (err != TOX_ERR_FRIEND_SEND_MESSAGE_OK) {
        fprintf(stderr, "tox_transfer: echo failed: %d\n", err);
        rtt_bad++;
    }
}

/* A: the echo of the round trip in flight */
static void on_message_a(Tox *tox, uint32_t friend_number, Tox_Message_Type type, const uint8_t *message,
                         size_t length, void *user_data)
{
    double now = now_s();
    char text[32];
    if (length >= sizeof text) {
        rtt_bad++;
        return;
    }
    memcpy(text, message, length);
    text[length] = '\0';
    if (!rtt_waiting || strtol(text, NULL, 10) != rtt_next) {
        rtt_bad++;
        return;
    }
    if (rtt_next >= rtt_warm) {
        rtt_samples[rtt_next - rtt_warm] = now - rtt_sent_at;
    }
    rtt_next++;
    rtt_waiting = 0;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* nearest rank */
static double percentile(const double *sorted, long n, double p)
{
    long rank = (long)(p / 100.0 * n + 0.999999);
    if (rank < 1) {
        rank = 1;
    }
    return sorted[(rank > n ? n : rank) - 1];
}

static Tox *new_tox(int udp, const uint8_t *secret_key)
{
    struct Tox_Options *opts = tox_options_new(NULL);
    if (!opts) {
        die("tox_options_new failed", NULL);
    }
    if (secret_key) {
        tox_options_set_savedata_type(opts, TOX_SAVEDATA_TYPE_SECRET_KEY);
        tox_options_set_savedata_data(opts, secret_key, TOX_SECRET_KEY_SIZE);
    }
    tox_options_set_local_discovery_enabled(opts, false);
    tox_options_set_ipv6_enabled(opts, false);
    tox_options_set_hole_punching_enabled(opts, false);
    tox_options_set_udp_enabled(opts, udp);
    Tox_Err_New err;
    Tox *tox = tox_new(opts, &err);
    tox_options_free(opts);
    if (!tox) {
        char code[16];
        snprintf(code, sizeof code, "%d", err);
        die("tox_new failed with Tox_Err_New", code);
    }
    return tox;
}

/* CPU seconds (user + system) this process has used so far */
static double cpu_seconds(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) {
        return -1;
    }
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    long mb = 50, timeout = 120;
    int verbose = 0, have_relay = 0, side = 0; /* side: 0 both, 1 send, 2 recv */
    uint8_t self_sk[TOX_SECRET_KEY_SIZE], friend_pk[TOX_PUBLIC_KEY_SIZE];
    int have_sk = 0, have_friend = 0;
    Node relay, nodes[MAX_NODES];
    size_t n_nodes = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--verbose")) { verbose = 1; continue; }
        if (!strcmp(a, "--keygen")) {
            /* a fresh identity for --side: "<secret key hex> <public key hex>" */
            Tox *t = new_tox(0, NULL);
            uint8_t sk[TOX_SECRET_KEY_SIZE], pk[TOX_PUBLIC_KEY_SIZE];
            tox_self_get_secret_key(t, sk);
            tox_self_get_public_key(t, pk);
            for (size_t k = 0; k < sizeof sk; k++) { printf("%02X", sk[k]); }
            printf(" ");
            for (size_t k = 0; k < sizeof pk; k++) { printf("%02X", pk[k]); }
            printf("\n");
            tox_kill(t);
            return 0;
        }
        if (!v) { die("missing value for", a); }
        i++;
        if (!strcmp(a, "--mb")) {
            mb = strtol(v, NULL, 10);
            if (mb < 1 || mb > 100000) { die("bad --mb", v); }
        } else if (!strcmp(a, "--timeout")) {
            timeout = strtol(v, NULL, 10);
            if (timeout < 1) { die("bad --timeout", v); }
        } else if (!strcmp(a, "--relay")) {
            parse_node(v, &relay);
            have_relay = 1;
        } else if (!strcmp(a, "--rtt")) {
            rtt_total = strtol(v, NULL, 10);
            if (rtt_total < 1 || rtt_total > 1000000) { die("bad --rtt", v); }
        } else if (!strcmp(a, "--rtt-warm-up")) {
            rtt_warm = strtol(v, NULL, 10);
            if (rtt_warm < 0 || rtt_warm > 1000000) { die("bad --rtt-warm-up", v); }
        } else if (!strcmp(a, "--side")) {
            if (!strcmp(v, "send")) { side = 1; }
            else if (!strcmp(v, "recv")) { side = 2; }
            else { die("--side is send or recv, not", v); }
        } else if (!strcmp(a, "--secret-key")) {
            if (!parse_hex(v, self_sk, TOX_SECRET_KEY_SIZE)) { die("bad --secret-key", NULL); }
            have_sk = 1;
        } else if (!strcmp(a, "--friend")) {
            if (!parse_hex(v, friend_pk, TOX_PUBLIC_KEY_SIZE)) { die("bad --friend", v); }
            have_friend = 1;
        } else if (!strcmp(a, "--bootstrap")) {
            if (n_nodes == MAX_NODES) { die("too many --bootstrap", v); }
            parse_node(v, &nodes[n_nodes++]);
        } else {
            die("unknown option", a);
        }
    }
    if (side && (!have_relay || !have_sk || !have_friend || rtt_total > 0)) {
        die("--side needs --relay, --secret-key and --friend, and no --rtt", NULL);
    }
    file_size = (uint64_t)mb * 1000000ULL;
    if (rtt_total > 0) {
        rtt_samples = calloc((size_t)rtt_total, sizeof *rtt_samples);
        if (!rtt_samples) { die("out of memory", NULL); }
    }
    for (size_t i = 0; i < sizeof chunk_data; i++) {
        chunk_data[i] = (uint8_t)(i * 7 + 3);
    }

    double start = now_s();
    Tox *a = side == 2 ? NULL : new_tox(!have_relay, side ? self_sk : NULL);
    Tox *b = side == 1 ? NULL : new_tox(!have_relay, side ? self_sk : NULL);
    uint8_t a_pk[TOX_PUBLIC_KEY_SIZE], b_pk[TOX_PUBLIC_KEY_SIZE];
    if (side) {
        memcpy(a_pk, friend_pk, sizeof a_pk);
        memcpy(b_pk, friend_pk, sizeof b_pk);
    } else {
        tox_self_get_public_key(a, a_pk);
        tox_self_get_public_key(b, b_pk);
    }
    Tox_Err_Friend_Add err_add;
    if (a) {
        tox_friend_add_norequest(a, b_pk, &err_add);
        if (err_add != TOX_ERR_FRIEND_ADD_OK) { die("tox_friend_add_norequest failed on A", NULL); }
    }
    if (b) {
        tox_friend_add_norequest(b, a_pk, &err_add);
        if (err_add != TOX_ERR_FRIEND_ADD_OK) { die("tox_friend_add_norequest failed on B", NULL); }
    }

    Tox_Err_Bootstrap err_bs;
    if (have_relay) {
        Tox *both[2] = {a, b};
        for (int t = 0; t < 2; t++) {
            if (!both[t]) {
                continue;
            }
            tox_add_tcp_relay(both[t], relay.host, relay.port, relay.key, &err_bs);
            if (err_bs != TOX_ERR_BOOTSTRAP_OK) { die("tox_add_tcp_relay failed", relay.host); }
            for (size_t i = 0; i < n_nodes; i++) {
                tox_bootstrap(both[t], nodes[i].host, nodes[i].port, nodes[i].key, &err_bs);
                if (err_bs != TOX_ERR_BOOTSTRAP_OK) { die("tox_bootstrap failed", nodes[i].host); }
            }
        }
    } else {
        uint8_t a_dht[TOX_PUBLIC_KEY_SIZE], b_dht[TOX_PUBLIC_KEY_SIZE];
        tox_self_get_dht_id(a, a_dht);
        tox_self_get_dht_id(b, b_dht);
        Tox_Err_Get_Port err_port;
        uint16_t a_port = tox_self_get_udp_port(a, &err_port);
        uint16_t b_port = tox_self_get_udp_port(b, &err_port);
        tox_bootstrap(a, "127.0.0.1", b_port, b_dht, &err_bs);
        if (err_bs != TOX_ERR_BOOTSTRAP_OK) { die("tox_bootstrap A->B failed", NULL); }
        tox_bootstrap(b, "127.0.0.1", a_port, a_dht, &err_bs);
        if (err_bs != TOX_ERR_BOOTSTRAP_OK) { die("tox_bootstrap B->A failed", NULL); }
    }

    if (a) {
        tox_callback_friend_connection_status(a, on_friend_connection_a);
        tox_callback_file_chunk_request(a, on_chunk_request);
        tox_callback_file_recv_control(a, on_recv_control);
        tox_callback_friend_message(a, on_message_a);
    } else {
        a_friend = TOX_CONNECTION_TCP; /* the other process's side */
    }
    if (b) {
        tox_callback_friend_connection_status(b, on_friend_connection_b);
        tox_callback_file_recv(b, on_file_recv);
        tox_callback_file_recv_chunk(b, on_recv_chunk);
        tox_callback_file_recv_control(b, on_recv_control);
        tox_callback_friend_message(b, on_message_b);
    } else {
        b_friend = TOX_CONNECTION_TCP;
    }

    int sending = 0;
    double last_report = start;
    uint64_t last_bytes = 0;
    while (!done) {
        double now = now_s();
        if (now - start > timeout) {
            if (rtt_total > 0) {
                printf("FAIL reason=timeout after %ld s: %s, %ld of %ld round trips (friend connection A:%s B:%s)\n",
                       timeout, sending ? "round trips incomplete" : "friends never connected", rtt_next,
                       rtt_warm + rtt_total, kind(a_friend), kind(b_friend));
                return 1;
            }
            double gap = sending ? now - (last_chunk_at > 0 ? last_chunk_at : send_started) : 0;
            printf("FAIL reason=timeout after %ld s: %s, %llu of %llu bytes received max_gap_ms=%.0f\n", timeout,
                   sending ? "transfer incomplete" : "friends never connected", (unsigned long long)received,
                   (unsigned long long)file_size, (gap > max_gap ? gap : max_gap) * 1e3);
            return 1;
        }
        if (cancelled) {
            printf("FAIL reason=transfer cancelled after %llu bytes (friend connection A:%s B:%s) max_gap_ms=%.0f\n",
                   (unsigned long long)received, kind(a_friend), kind(b_friend), max_gap * 1e3);
            return 1;
        }
        if (rtt_bad > 0) {
            printf("FAIL reason=round trip %ld: %ld unexpected or failed messages\n", rtt_next, rtt_bad);
            return 1;
        }
        if (rtt_total > 0 && !sending && a_friend != TOX_CONNECTION_NONE && b_friend != TOX_CONNECTION_NONE) {
            printf("CONNECTED kind=%s seconds=%.2f\n", kind(a_friend), now - start);
            sending = 1;
        }
        if (rtt_total > 0 && sending && !rtt_waiting) {
            if (rtt_next == rtt_warm + rtt_total) {
                break;
            }
            char text[32];
            int len = snprintf(text, sizeof text, "%ld", rtt_next);
            Tox_Err_Friend_Send_Message err_msg;
            rtt_sent_at = now_s();
            tox_friend_send_message(a, 0, TOX_MESSAGE_TYPE_NORMAL, (const uint8_t *)text, (size_t)len, &err_msg);
            if (err_msg == TOX_ERR_FRIEND_SEND_MESSAGE_OK) {
                rtt_waiting = 1;
            } else if (err_msg != TOX_ERR_FRIEND_SEND_MESSAGE_SENDQ &&
                       err_msg != TOX_ERR_FRIEND_SEND_MESSAGE_FRIEND_NOT_CONNECTED) {
                char code[16];
                snprintf(code, sizeof code, "%d", err_msg);
                die("tox_friend_send_message failed", code);
            } /* else: retried next iteration */
        }
        if (side == 1 && all_sent_at > 0 && now - all_sent_at > 3.0) {
            break;
        }
        if (side == 2 && !sending && b_friend != TOX_CONNECTION_NONE) {
            printf("CONNECTED kind=%s seconds=%.2f\n", kind(b_friend), now - start);
            sending = 1;
        }
        if (side != 2 && rtt_total == 0 && !sending && a_friend != TOX_CONNECTION_NONE && b_friend != TOX_CONNECTION_NONE) {
            printf("CONNECTED kind=%s seconds=%.2f\n", kind(a_friend), now - start);
            Tox_Err_File_Send err_send;
            const uint8_t name[] = "tox_transfer.bin";
            tox_file_send(a, 0, TOX_FILE_KIND_DATA, file_size, NULL, name, sizeof name - 1, &err_send);
            if (err_send != TOX_ERR_FILE_SEND_OK) {
                char code[16];
                snprintf(code, sizeof code, "%d", err_send);
                die("tox_file_send failed", code);
            }
            sending = 1;
            send_started = now_s();
        }
        if (verbose && now - last_report >= 1.0) {
            fprintf(stderr, "t=%.1f A:%s B:%s received=%.1f MB (%.2f MB/s) pending=%zu\n", now - start,
                    kind(a_friend), kind(b_friend), received / 1e6, (received - last_bytes) / 1e6 / (now - last_report),
                    pending_len);
            last_report = now;
            last_bytes = received;
        }
        uint32_t ia = UINT32_MAX, ib = UINT32_MAX;
        if (a) {
            tox_iterate(a, NULL);
            retry_pending(a);
            ia = tox_iteration_interval(a);
        }
        if (b) {
            tox_iterate(b, NULL);
            ib = tox_iteration_interval(b);
        }
        sleep_ms(ia < ib ? ia : ib);
    }
    if (rtt_total > 0) {
        double sum = 0;
        for (long i = 0; i < rtt_total; i++) {
            sum += rtt_samples[i];
        }
        qsort(rtt_samples, (size_t)rtt_total, sizeof *rtt_samples, cmp_double);
        printf("RTT count=%ld p50_ms=%.3f p99_ms=%.3f max_ms=%.3f mean_ms=%.3f\n", rtt_total,
               percentile(rtt_samples, rtt_total, 50) * 1e3, percentile(rtt_samples, rtt_total, 99) * 1e3,
               rtt_samples[rtt_total - 1] * 1e3, sum / rtt_total * 1e3);
        free(rtt_samples);
        tox_kill(a);
        tox_kill(b);
        return 0;
    }
    if (side == 1) {
        printf("SENT bytes=%llu seconds=%.3f cpu_s=%.2f\n", (unsigned long long)file_size, all_sent_at - send_started,
               cpu_seconds());
        tox_kill(a);
        return 0;
    }
    double seconds = finished_at - send_started;
    printf("RESULT bytes=%llu seconds=%.3f mbps=%.2f max_gap_ms=%.0f cpu_s=%.2f\n", (unsigned long long)received,
           seconds, received / 1e6 / seconds, max_gap * 1e3, cpu_seconds());
    if (a) {
        tox_kill(a);
    }
    if (b) {
        tox_kill(b);
    }
    return 0;
}
