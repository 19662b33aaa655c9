/*
 * golden_vectors: byte-exact packets for fixed keys and nonces, written field by field with
 * libsodium and nothing else, for GoldenVectorsTest (tox-interop).
 *
 * Build: gcc -O2 -o golden_vectors golden_vectors.c $(pkg-config --cflags --libs libsodium)
 * Run:   golden_vectors relay      the TCP relay handshake and six encrypted frames
 *        golden_vectors netcrypto  net_crypto's cookie request/response, cookie, handshake, data
 *
 * Output: one "NAME hex" line per value. The layouts are those of docs/protocol.md 2.2-2.4
 * (relay) and 4.2-4.7 (net_crypto); nothing here is shared with the Java code under test. All
 * secret keys and nonces are counting byte sequences seq(start, n) = start, start+1, ... (mod 256).
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define PK crypto_box_PUBLICKEYBYTES
#define NB crypto_box_NONCEBYTES
#define MAC crypto_box_MACBYTES

static void seq(unsigned char *out, unsigned start, size_t n)
{
    for (size_t i = 0; i < n; i++) out[i] = (unsigned char)(start + i);
}

static void put(const char *name, const unsigned char *b, size_t n)
{
    printf("%s ", name);
    for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
    putchar('\n');
}

static void pub(unsigned char *pk, const unsigned char *sk)
{
    if (crypto_scalarmult_base(pk, sk) != 0) { fprintf(stderr, "scalarmult_base\n"); exit(2); }
}

static void shared(unsigned char *k, const unsigned char *their_pk, const unsigned char *my_sk)
{
    if (crypto_box_beforenm(k, their_pk, my_sk) != 0) { fprintf(stderr, "beforenm\n"); exit(2); }
}

/* box = MAC || ciphertext, |plain| + 16 bytes. */
static void seal(unsigned char *out, const unsigned char *k, const unsigned char *n,
                 const unsigned char *plain, size_t len)
{
    if (crypto_box_easy_afternm(out, plain, len, n, k) != 0) { fprintf(stderr, "seal\n"); exit(2); }
}

static void be16(unsigned char *p, unsigned v) { p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v; }

static void be32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (24 - 8 * i));
}

static void be64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (56 - 8 * i));
}

static void le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* The nonce is one 192-bit big-endian integer (docs/protocol.md 1); written here on purpose. */
static void incr_be(unsigned char *n)
{
    for (size_t i = NB; i-- > 0;) {
        if (++n[i] != 0) return;
    }
}

/* ---------------------------------------------------------------- relay (protocol.md 2.2-2.4) */

static unsigned char send_nonce[NB];
static unsigned char frame_key[32];

/* One frame: BE u16 (|plain| + 16) || box(K, send nonce, plain); then the nonce advances. */
static void frame(const char *name, const unsigned char *plain, size_t len)
{
    unsigned char out[2 + MAC + 2048];
    be16(out, (unsigned)(len + MAC));
    seal(out + 2, frame_key, send_nonce, plain, len);
    put(name, out, 2 + MAC + len);
    incr_be(send_nonce);
}

static void relay(void)
{
    unsigned char client_sk[32], relay_sk[32], client_tmp_sk[32], relay_tmp_sk[32];
    unsigned char client_pk[PK], relay_pk[PK], client_tmp_pk[PK], relay_tmp_pk[PK];
    unsigned char n1[NB], n2[NB], nc[NB], ns[NB], peer[PK];
    seq(client_sk, 0x11, 32);
    seq(relay_sk, 0x22, 32);
    seq(client_tmp_sk, 0x33, 32);
    seq(relay_tmp_sk, 0x44, 32);
    seq(n1, 0x55, NB);
    seq(n2, 0x66, NB);
    seq(nc, 0x77, NB);
    nc[22] = 0xFF; /* the client's base nonce ends ff fe: its third frame carries two bytes */
    nc[23] = 0xFE;
    seq(ns, 0x99, NB);
    seq(peer, 0xA0, PK);
    pub(client_pk, client_sk);
    pub(relay_pk, relay_sk);
    pub(client_tmp_pk, client_tmp_sk);
    pub(relay_tmp_pk, relay_tmp_sk);
    put("CLIENT_PK", client_pk, PK);
    put("RELAY_PK", relay_pk, PK);

    unsigned char long_term[32];
    shared(long_term, relay_pk, client_sk);

    /* hello (128): client pk || n1 || box(long term, n1, client temp pk || nc) */
    unsigned char plain[PK + NB], hello[PK + NB + MAC + PK + NB];
    memcpy(plain, client_tmp_pk, PK);
    memcpy(plain + PK, nc, NB);
    memcpy(hello, client_pk, PK);
    memcpy(hello + PK, n1, NB);
    seal(hello + PK + NB, long_term, n1, plain, sizeof plain);
    put("HELLO", hello, sizeof hello);

    /* response (96): n2 || box(long term, n2, relay temp pk || ns) */
    unsigned char response[NB + MAC + PK + NB];
    memcpy(plain, relay_tmp_pk, PK);
    memcpy(plain + PK, ns, NB);
    memcpy(response, n2, NB);
    seal(response + NB, long_term, n2, plain, sizeof plain);
    put("RESPONSE", response, sizeof response);

    /* client -> relay frames, sealed with beforenm(relay temp pk, client temp sk) from nc on */
    shared(frame_key, relay_tmp_pk, client_tmp_sk);
    memcpy(send_nonce, nc, NB);
    unsigned char p[64];
    p[0] = 0x04; /* ping, BE u64 id */
    be64(p + 1, 0x0102030405060708ULL);
    frame("C2R_PING", p, 9);
    p[0] = 0x00; /* routing request: peer pk */
    memcpy(p + 1, peer, PK);
    frame("C2R_ROUTING_REQUEST", p, 1 + PK);
    p[0] = 0x10; /* data on connection id 16 */
    memcpy(p + 1, "hello relay", 11);
    frame("C2R_DATA", p, 12);

    /* relay -> client frames, the same key, from ns on */
    memcpy(send_nonce, ns, NB);
    p[0] = 0x05; /* pong */
    be64(p + 1, 0x0102030405060708ULL);
    frame("R2C_PONG", p, 9);
    p[0] = 0x01; /* routing response: connection id 16, peer pk */
    p[1] = 0x10;
    memcpy(p + 2, peer, PK);
    frame("R2C_ROUTING_RESPONSE", p, 2 + PK);
    p[0] = 0x10;
    memcpy(p + 1, "hi back", 7);
    frame("R2C_DATA", p, 8);
}

/* ---------------------------------------------------------- net_crypto (protocol.md 4.2-4.7) */

static void data_packet(const char *name, const unsigned char *key, const unsigned char *nonce,
                        uint32_t buffer_start, uint32_t num, const unsigned char *d, size_t len)
{
    /* plain: BE u32 buffer start || BE u32 packet number || zero padding || data, where the
     * padding makes (1373 - |data|) a multiple of 8 smaller */
    size_t pad = (1373 - len) % 8;
    unsigned char plain[8 + 8 + 1373], out[3 + MAC + sizeof plain];
    memset(plain, 0, sizeof plain);
    be32(plain, buffer_start);
    be32(plain + 4, num);
    memcpy(plain + 8 + pad, d, len);
    out[0] = 0x1b;
    out[1] = nonce[22];
    out[2] = nonce[23];
    seal(out + 3, key, nonce, plain, 8 + pad + len);
    put(name, out, 3 + MAC + 8 + pad + len);
}

static void netcrypto(void)
{
    unsigned char a_real_sk[32], a_dht_sk[32], b_real_sk[32], b_dht_sk[32], a_ses_sk[32],
        b_ses_sk[32], cookie_key[32];
    unsigned char a_real[PK], a_dht[PK], b_real[PK], b_dht[PK], a_ses[PK], b_ses[PK];
    unsigned char nn1[NB], nn2[NB], nn3[NB], nn4[NB], base[NB], send[NB];
    const uint64_t echo = 0x0102030405060708ULL, time = 1700000000ULL;
    seq(a_real_sk, 0x10, 32);
    seq(a_dht_sk, 0x30, 32);
    seq(b_real_sk, 0x50, 32);
    seq(b_dht_sk, 0x70, 32);
    seq(a_ses_sk, 0x90, 32);
    seq(b_ses_sk, 0xB0, 32);
    seq(cookie_key, 0xD0, 32);
    seq(nn1, 0x01, NB);
    seq(nn2, 0x41, NB);
    seq(nn3, 0x81, NB);
    seq(nn4, 0xC1, NB);
    seq(base, 0xE1, NB);
    seq(send, 0x61, NB);
    send[22] = 0xFE;
    send[23] = 0xFF;
    pub(a_real, a_real_sk);
    pub(a_dht, a_dht_sk);
    pub(b_real, b_real_sk);
    pub(b_dht, b_dht_sk);
    pub(a_ses, a_ses_sk);
    pub(b_ses, b_ses_sk);
    unsigned char dht_ab[32], real_ab[32], session[32];
    shared(dht_ab, b_dht, a_dht_sk);
    shared(real_ab, b_real, a_real_sk);
    shared(session, b_ses, a_ses_sk);
    put("A_REAL_PK", a_real, PK);
    put("A_DHT_PK", a_dht, PK);

    /* 4.2 cookie request (145): 0x18 || A dht pk || n1 || box(dht, n1, A real pk || 32 zeros || LE echo) */
    unsigned char req_plain[PK + 32 + 8], req[1 + PK + NB + MAC + sizeof req_plain];
    memcpy(req_plain, a_real, PK);
    memset(req_plain + PK, 0, 32);
    le64(req_plain + 64, echo);
    req[0] = 0x18;
    memcpy(req + 1, a_dht, PK);
    memcpy(req + 1 + PK, nn1, NB);
    seal(req + 1 + PK + NB, dht_ab, nn1, req_plain, sizeof req_plain);
    put("COOKIE_REQUEST", req, sizeof req);

    /* 4.4 cookie (112) minted by B for A: n2 || box(cookie key, n2, LE time || A real || A dht) */
    unsigned char cookie_plain[8 + PK + PK], cookie[NB + MAC + sizeof cookie_plain];
    le64(cookie_plain, time);
    memcpy(cookie_plain + 8, a_real, PK);
    memcpy(cookie_plain + 8 + PK, a_dht, PK);
    memcpy(cookie, nn2, NB);
    seal(cookie + NB, cookie_key, nn2, cookie_plain, sizeof cookie_plain);
    put("COOKIE", cookie, sizeof cookie);

    /* 4.3 cookie response (161): 0x19 || n3 || box(dht, n3, cookie || LE echo) */
    unsigned char resp_plain[sizeof cookie + 8], resp[1 + NB + MAC + sizeof resp_plain];
    memcpy(resp_plain, cookie, sizeof cookie);
    le64(resp_plain + sizeof cookie, echo);
    resp[0] = 0x19;
    memcpy(resp + 1, nn3, NB);
    seal(resp + 1 + NB, dht_ab, nn3, resp_plain, sizeof resp_plain);
    put("COOKIE_RESPONSE", resp, sizeof resp);

    /* 4.5 handshake (385): 0x1a || cookie || n4 || box(real, n4, base nonce || A session pk ||
     * sha512(cookie) || other cookie); the other cookie is opaque here: seq(0x20, 112) */
    unsigned char other[112], hs_plain[NB + PK + 64 + 112], hs[1 + 112 + NB + MAC + sizeof hs_plain];
    seq(other, 0x20, sizeof other);
    memcpy(hs_plain, base, NB);
    memcpy(hs_plain + NB, a_ses, PK);
    crypto_hash_sha512(hs_plain + NB + PK, cookie, sizeof cookie);
    memcpy(hs_plain + NB + PK + 64, other, sizeof other);
    hs[0] = 0x1a;
    memcpy(hs + 1, cookie, sizeof cookie);
    memcpy(hs + 1 + sizeof cookie, nn4, NB);
    seal(hs + 1 + sizeof cookie + NB, real_ab, nn4, hs_plain, sizeof hs_plain);
    put("HANDSHAKE", hs, sizeof hs);

    /* 4.7 data: 0x1b || send nonce[22..23] || box(session, send nonce, plain) */
    const unsigned char hi[] = {0xA0, 'h', 'i'}, alive[] = {0x10};
    data_packet("DATA_HI", session, send, 0x01020304u, 0xFFFFFFFEu, hi, sizeof hi);
    data_packet("DATA_ALIVE", session, send, 0, 0, alive, sizeof alive);
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) { fprintf(stderr, "sodium_init failed\n"); return 2; }
    if (argc == 2 && strcmp(argv[1], "relay") == 0) relay();
    else if (argc == 2 && strcmp(argv[1], "netcrypto") == 0) netcrypto();
    else { fprintf(stderr, "usage: golden_vectors relay|netcrypto\n"); return 2; }
    return fflush(stdout) == 0 ? 0 : 3;
}
