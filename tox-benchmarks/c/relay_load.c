/*
 * relay_load: a cheap load generator for Tox TCP relays (ours or c-toxcore's tox-bootstrapd).
 *
 * Written from docs/protocol.md section 2 (TCP relay wire protocol); no c-toxcore code.
 * Single process, single thread, epoll, non-blocking sockets, libsodium for the crypto
 * (crypto_box_beforenm + crypto_box_easy_afternm / crypto_box_open_easy_afternm, ~1 us per
 * 1400-byte frame), so that the load generator costs much less CPU per packet than the relay it
 * measures. Same modes, options and RESULT keys as the Java tool (RelayLoad throughput, latency,
 * handshakes).
 *
 *   relay_load throughput --relay 127.0.0.1:PORT:KEY [--pairs 8] [--seconds 10] [--warmup 2]
 *                         [--size 1400] [--e2e-window 32] [--bidirectional] [--relay-pid PID]
 *   relay_load latency    --relay 127.0.0.1:PORT:KEY [--pairs 8] [--rate 1000] [--seconds 10]
 *                         [--warmup 2] [--size 1400]
 *   relay_load handshakes --relay 127.0.0.1:PORT:KEY [--concurrency 32] [--seconds 10]
 *                         [--warmup 2] [--timeout 10] [--relay-pid PID]
 *
 * Exit codes: 0 measured, 1 measurement failed (setup timed out, nothing delivered/completed,
 * hard timeout), 2 usage error.
 *
 * Build: gcc -std=c11 -O2 -Wall -o relay_load relay_load.c $(pkg-config --cflags --libs libsodium)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

/* ---------------------------------------------------------------- protocol constants (2.2-2.4) */
#define HELLO_SIZE 128    /* client hello */
#define RESPONSE_SIZE 96  /* server response */
#define HS_PLAIN 56       /* temporary pk (32) + base nonce (24) */
#define MAX_FRAME 2048    /* bound on the length prefix L */
#define MAC crypto_box_MACBYTES
#define NONCE crypto_box_NONCEBYTES
#define KEY 32

enum { ID_ROUTE_REQ = 0, ID_ROUTE_RESP = 1, ID_CONNECT = 2, ID_DISCONNECT = 3, ID_PING = 4,
       ID_PONG = 5, ID_FIRST_DATA = 16 };

/* ---------------------------------------------------------------- tool limits */
#define RBUF 16384               /* per-connection read buffer (>= 2 + MAX_FRAME) */
#define WLIMIT (64 * 1024)       /* data frames are not queued beyond this many pending bytes */
#define SETUP_TIMEOUT_NS 10000000000LL /* pairs: every connect notification within 10 s */
#define SETUP_CONCURRENCY 64     /* handshakes in flight while setting pairs up */
#define WATCHDOG_NS 200000000LL  /* throughput: write off what did not arrive in 200 ms */
#define MAX_PAIRS 2000
#define MAX_CONCURRENCY 4096

enum { ST_IDLE, ST_CONNECTING, ST_HELLO, ST_CONFIRMED };
enum { MODE_THROUGHPUT, MODE_LATENCY, MODE_HANDSHAKES };

typedef struct flow flow;

typedef struct conn {
  int fd;
  int state;
  int index;                 /* pairs: link number (2i = A, 2i+1 = B); handshakes: slot */
  const uint8_t *pk, *sk;    /* long-term (DHT) key pair */
  uint8_t tsk[KEY];          /* temporary secret key of this session */
  uint8_t lt[KEY];           /* beforenm(relay pk, sk): the handshake key */
  uint8_t k[KEY];            /* session key */
  uint8_t sn[NONCE], rn[NONCE]; /* send / receive nonce counters */
  uint8_t *rbuf;
  size_t rlen;
  uint8_t *wbuf;
  size_t woff, wlen, wcap;
  int want_out;              /* EPOLLOUT registered */
  int peer_id;               /* connection id towards the partner, once online (0 = not) */
  uint8_t ping[8];           /* our outstanding ping id (handshakes) */
  long long started;         /* ns: cycle start (handshakes) */
  long rounds;               /* cycles done by this slot */
  unsigned gen;              /* bumped on every open and close: a callback may recycle the slot */
  flow *inbound;             /* throughput: the flow whose packets arrive here */
} conn;

struct flow {
  conn *from, *to;
  unsigned long long sent, delivered, written_off, tick_delivered;
  int running;
};

/* ---------------------------------------------------------------- options */
static int mode;
static struct sockaddr_in relay_addr;
static uint8_t relay_pk[KEY];
static int opt_pairs = 8, opt_size = 1400, opt_e2e = 32, opt_bidi = 0;
static int opt_concurrency = 32, opt_sources = 16, opt_per_source = 50;
static double opt_seconds = 10, opt_warmup = 2, opt_rate = 1000, opt_timeout = 10;
static long opt_relay_pid = -1;

/* ---------------------------------------------------------------- state */
static int epfd = -1;
static conn *conns;
static int nconns;
static flow *flows;
static int nflows;
static int sources;
static long long links_lost;
static unsigned long long rx_packets, rx_bytes;
static uint8_t *keypool; /* pk(32) sk(32) per entry */

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "relay_load: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(code);
}

static void on_alarm(int sig) {
  (void)sig;
  static const char msg[] = "relay_load: hard timeout\n";
  ssize_t r = write(2, msg, sizeof msg - 1);
  (void)r;
  _exit(1);
}

/* 192-bit big-endian increment (docs/protocol.md 1: not sodium_increment, which is little-endian). */
static void nonce_inc(uint8_t n[NONCE]) {
  for (int i = NONCE - 1; i >= 0; i--) {
    if (++n[i] != 0) {
      break;
    }
  }
}

/* CPU ns (utime + stime) used by pid, or -1. */
static long long process_cpu_ns(long pid) {
  if (pid <= 0) {
    return -1;
  }
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%ld/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f) {
    return -1;
  }
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  if (!p) {
    return -1;
  }
  p += 2; /* field 3 (state) */
  unsigned long long ut = 0, st = 0;
  /* fields 3..15: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
  if (sscanf(p, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2) {
    return -1;
  }
  long hz = sysconf(_SC_CLK_TCK);
  return (long long)((ut + st) * (1000000000ULL / (unsigned long long)(hz > 0 ? hz : 100)));
}

static double micros_per(long long before, long long after, unsigned long long units) {
  if (before < 0 || after < 0 || units == 0) {
    return -1;
  }
  return (after - before) / 1e3 / (double)units;
}

/* ---------------------------------------------------------------- connections */
static void wreserve(conn *c, size_t n) {
  if (c->woff == c->wlen) {
    c->woff = c->wlen = 0;
  }
  if (c->wcap - c->wlen >= n) {
    return;
  }
  if (c->woff > 0) {
    memmove(c->wbuf, c->wbuf + c->woff, c->wlen - c->woff);
    c->wlen -= c->woff;
    c->woff = 0;
    if (c->wcap - c->wlen >= n) {
      return;
    }
  }
  size_t cap = c->wcap ? c->wcap : WLIMIT + 4096;
  while (cap - c->wlen < n) {
    cap *= 2;
  }
  uint8_t *b = realloc(c->wbuf, cap);
  if (!b) {
    die(1, "out of memory");
  }
  c->wbuf = b;
  c->wcap = cap;
}

static size_t pending(const conn *c) { return c->wlen - c->woff; }

/* Queues one encrypted frame: uint16 BE length ‖ box(plain) with the send nonce, then increments. */
static void send_frame(conn *c, const uint8_t *plain, size_t n) {
  size_t l = n + MAC;
  wreserve(c, 2 + l);
  uint8_t *d = c->wbuf + c->wlen;
  d[0] = (uint8_t)(l >> 8);
  d[1] = (uint8_t)l;
  crypto_box_easy_afternm(d + 2, plain, n, c->sn, c->k);
  nonce_inc(c->sn);
  c->wlen += 2 + l;
}

static void set_out(conn *c, int on) {
  if (c->want_out == on) {
    return;
  }
  struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c};
  epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
  c->want_out = on;
}

/* Writes what is pending; 0 ok (maybe partially, EPOLLOUT then armed), -1 on a socket error. */
static int flush(conn *c) {
  if (c->state == ST_IDLE || c->state == ST_CONNECTING) {
    return 0;
  }
  while (c->woff < c->wlen) {
    ssize_t w = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff, MSG_NOSIGNAL);
    if (w > 0) {
      c->woff += (size_t)w;
    } else if (w < 0 && errno == EINTR) {
      continue;
    } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      set_out(c, 1);
      return 0;
    } else {
      return -1;
    }
  }
  c->woff = c->wlen = 0;
  set_out(c, 0);
  return 0;
}

static struct sockaddr_in source_address(int k) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
  /* 127.1.(k / 250).(k % 250 + 1), as the Java tool's LoadTarget.sourceAddress */
  a.sin_addr.s_addr = htonl((127u << 24) | (1u << 16) | ((unsigned)(k / 250) << 8) |
                            (unsigned)(k % 250 + 1));
  return a;
}

/* Starts a connection: socket bound to source k, non-blocking connect, hello queued. */
static int conn_open(conn *c, int source, const uint8_t *pk, const uint8_t *sk) {
  c->gen++;
  c->pk = pk;
  c->sk = sk;
  c->rlen = 0;
  c->woff = c->wlen = 0;
  c->peer_id = 0;
  c->want_out = 1;
  c->started = now_ns();
  if (!c->rbuf && !(c->rbuf = malloc(RBUF))) {
    die(1, "out of memory");
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  /* the port is picked at connect time, per 4-tuple: TIME_WAIT ports of a source are reusable */
  setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  struct sockaddr_in src = source_address(source);
  if (bind(fd, (struct sockaddr *)&src, sizeof src) != 0 ||
      (connect(fd, (struct sockaddr *)&relay_addr, sizeof relay_addr) != 0 &&
       errno != EINPROGRESS)) {
    close(fd);
    return -1;
  }
  c->fd = fd;
  c->state = ST_CONNECTING;
  struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
    close(fd);
    c->state = ST_IDLE;
    return -1;
  }
  /* hello (2.2): C ‖ n1 ‖ box(beforenm(S, c_sk), n1, Ct ‖ Nc) */
  uint8_t plain[HS_PLAIN], n1[NONCE];
  if (crypto_box_beforenm(c->lt, relay_pk, sk) != 0) {
    die(2, "the relay key is not a usable Curve25519 public key");
  }
  crypto_box_keypair(plain, c->tsk);
  randombytes_buf(c->sn, NONCE);
  memcpy(plain + KEY, c->sn, NONCE);
  randombytes_buf(n1, NONCE);
  wreserve(c, HELLO_SIZE);
  uint8_t *d = c->wbuf + c->wlen;
  memcpy(d, pk, KEY);
  memcpy(d + KEY, n1, NONCE);
  crypto_box_easy_afternm(d + KEY + NONCE, plain, HS_PLAIN, n1, c->lt);
  c->wlen += HELLO_SIZE;
  return 0;
}

static void conn_close(conn *c) {
  c->gen++;
  if (c->state != ST_IDLE) {
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
    c->state = ST_IDLE;
  }
  c->want_out = 0;
  c->peer_id = 0;
}

/* ---------------------------------------------------------------- mode hooks */
static void on_confirmed(conn *c);
static void on_packet(conn *c, const uint8_t *p, size_t n);
static void on_failed(conn *c, const char *why);

/* Parses what is in rbuf: the server response, then frames. -1: the connection is dead. */
static int process(conn *c) {
  size_t at = 0;
  static uint8_t plain[MAX_FRAME];
  unsigned gen = c->gen;
  while (c->gen == gen) {
    size_t avail = c->rlen - at;
    if (c->state == ST_HELLO) {
      if (avail < RESPONSE_SIZE) {
        break;
      }
      /* response: n2 ‖ box(lt, n2, St ‖ Ns) */
      uint8_t hs[HS_PLAIN];
      if (crypto_box_open_easy_afternm(hs, c->rbuf + at + NONCE, RESPONSE_SIZE - NONCE,
                                       c->rbuf + at, c->lt) != 0) {
        on_failed(c, "server response does not decrypt");
        return -1;
      }
      if (crypto_box_beforenm(c->k, hs, c->tsk) != 0) {
        on_failed(c, "bad server temporary key");
        return -1;
      }
      memcpy(c->rn, hs + KEY, NONCE);
      at += RESPONSE_SIZE;
      c->state = ST_CONFIRMED;
      on_confirmed(c);
      if (c->gen != gen) {
        return -1;
      }
      continue;
    }
    if (avail < 2) {
      break;
    }
    size_t l = ((size_t)c->rbuf[at] << 8) | c->rbuf[at + 1];
    if (l == 0) { /* 2.3: a zero length is skipped */
      at += 2;
      continue;
    }
    if (l > MAX_FRAME || l <= MAC) {
      on_failed(c, "bad frame length");
      return -1;
    }
    if (avail < 2 + l) {
      break;
    }
    if (crypto_box_open_easy_afternm(plain, c->rbuf + at + 2, l, c->rn, c->k) != 0) {
      on_failed(c, "frame does not decrypt");
      return -1;
    }
    nonce_inc(c->rn);
    at += 2 + l;
    on_packet(c, plain, l - MAC);
  }
  if (c->gen != gen) {
    return -1; /* closed (and maybe reopened) by a callback: its buffer is not ours any more */
  }
  if (at > 0) {
    memmove(c->rbuf, c->rbuf + at, c->rlen - at);
    c->rlen -= at;
  }
  return 0;
}

static void on_event(conn *c, uint32_t events) {
  unsigned gen = c->gen;
  if (c->state == ST_CONNECTING) {
    if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
      return;
    }
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      on_failed(c, strerror(err));
      return;
    }
    c->state = ST_HELLO;
    if (flush(c) != 0) {
      on_failed(c, "write failed");
      return;
    }
  }
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
    for (int round = 0; round < 8 && c->gen == gen; round++) {
      size_t space = RBUF - c->rlen;
      ssize_t r = recv(c->fd, c->rbuf + c->rlen, space, 0);
      if (r == 0) {
        on_failed(c, "closed by the relay");
        return;
      }
      if (r < 0) {
        if (errno == EINTR) {
          continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          break;
        }
        on_failed(c, strerror(errno));
        return;
      }
      c->rlen += (size_t)r;
      if (process(c) != 0) {
        return;
      }
      if ((size_t)r < space) {
        break;
      }
    }
  }
  if (c->gen == gen && (events & EPOLLOUT) && flush(c) != 0) {
    on_failed(c, "write failed");
  }
}

static void send_ping(conn *c) {
  uint8_t p[9];
  p[0] = ID_PING;
  do {
    randombytes_buf(c->ping, 8);
  } while (!(c->ping[0] | c->ping[1] | c->ping[2] | c->ping[3] | c->ping[4] | c->ping[5] |
             c->ping[6] | c->ping[7]));
  memcpy(p + 1, c->ping, 8);
  send_frame(c, p, 9);
}

/* Handles the control packets every mode shares; returns 1 if handled. */
static int control_packet(conn *c, const uint8_t *p, size_t n) {
  switch (p[0]) {
  case ID_PING: /* the relay's keepalive: answer or it kills the link */
    if (n == 9) {
      uint8_t pong[9];
      memcpy(pong, p, 9);
      pong[0] = ID_PONG;
      send_frame(c, pong, 9);
    }
    return 1;
  case ID_ROUTE_RESP:
    if (n == 34 && p[1] < ID_FIRST_DATA) {
      on_failed(c, "routing request refused");
    }
    return 1;
  case ID_CONNECT:
    if (n == 2 && p[1] >= ID_FIRST_DATA) {
      c->peer_id = p[1];
    }
    return 1;
  case ID_DISCONNECT:
    if (n == 2 && p[1] == c->peer_id) {
      c->peer_id = 0;
      links_lost++;
    }
    return 1;
  default:
    return p[0] < ID_FIRST_DATA;
  }
}

/* ---------------------------------------------------------------- pairs (throughput, latency) */
static int setup_done;
static long long lat_from = 0x7fffffffffffffffLL, lat_to = 0x7fffffffffffffffLL;
static unsigned long long lat_received;
static uint32_t *hist_us; /* 1 us buckets below HIST_US_MAX, 1 ms buckets above */
#define HIST_US_MAX 2000000
#define HIST_MS_MAX 60000
static uint32_t *hist_ms;
static long long lat_max_ns;
static double lat_sum_ns;

static uint64_t be64(const uint8_t *b) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) {
    v = (v << 8) | b[i];
  }
  return v;
}

static void put_be64(uint8_t *b, uint64_t v) {
  for (int i = 7; i >= 0; i--) {
    b[i] = (uint8_t)v;
    v >>= 8;
  }
}

static void record_latency(long long d) {
  if (d < 0) {
    d = 0;
  }
  if (d > lat_max_ns) {
    lat_max_ns = d;
  }
  lat_sum_ns += (double)d;
  long long us = d / 1000;
  if (us < HIST_US_MAX) {
    hist_us[us]++;
  } else {
    long long ms = d / 1000000;
    hist_ms[ms < HIST_MS_MAX ? ms : HIST_MS_MAX - 1]++;
  }
}

/* Upper bound (ns) of the bucket holding the value at percentile pct. */
static long long percentile(double pct) {
  unsigned long long total = 0;
  for (int i = 0; i < HIST_US_MAX; i++) {
    total += hist_us[i];
  }
  for (int i = 0; i < HIST_MS_MAX; i++) {
    total += hist_ms[i];
  }
  if (total == 0) {
    return 0;
  }
  unsigned long long want = (unsigned long long)(pct / 100.0 * (double)total + 0.999999);
  if (want < 1) {
    want = 1;
  }
  unsigned long long seen = 0;
  for (int i = 0; i < HIST_US_MAX; i++) {
    seen += hist_us[i];
    if (seen >= want) {
      long long v = (long long)(i + 1) * 1000;
      return v < lat_max_ns ? v : lat_max_ns;
    }
  }
  for (int i = 0; i < HIST_MS_MAX; i++) {
    seen += hist_ms[i];
    if (seen >= want) {
      long long v = (long long)(i + 1) * 1000000;
      return v < lat_max_ns ? v : lat_max_ns;
    }
  }
  return lat_max_ns;
}

static void pairs_confirmed(conn *c) {
  /* A routes to B's key and B to A's; the relay pairs them (2.5) */
  conn *partner = &conns[c->index ^ 1];
  uint8_t req[1 + KEY];
  req[0] = ID_ROUTE_REQ;
  memcpy(req + 1, partner->pk, KEY);
  send_frame(c, req, sizeof req);
}

static void pairs_packet(conn *c, const uint8_t *p, size_t n) {
  if (control_packet(c, p, n)) {
    return;
  }
  /* data: p[0] is our connection id, the payload follows */
  if (mode == MODE_THROUGHPUT) {
    rx_packets++;
    rx_bytes += n - 1;
    if (c->inbound) {
      c->inbound->delivered++;
    }
  } else if (n >= 1 + 16) {
    long long now = now_ns();
    long long stamp = (long long)be64(p + 1);
    if (stamp >= lat_from && stamp < lat_to) {
      record_latency(now - stamp);
      lat_received++;
    }
  }
}

static void pairs_failed(conn *c, const char *why) {
  if (!setup_done) {
    die(1, "link %d failed during setup: %s", c->index, why);
  }
  fprintf(stderr, "relay_load: link %d lost: %s\n", c->index, why);
  links_lost++;
  for (int i = 0; i < nflows; i++) {
    if (flows[i].from == c || flows[i].to == c) {
      flows[i].running = 0;
    }
  }
  conn_close(c);
}

/* Connects 2 * pairs links (at most SETUP_CONCURRENCY handshakes at once) and waits until every
 * link has its connect notification. */
static void setup_pairs(void) {
  nconns = 2 * opt_pairs;
  conns = calloc((size_t)nconns, sizeof *conns);
  keypool = malloc((size_t)nconns * 2 * KEY);
  if (!conns || !keypool) {
    die(1, "out of memory");
  }
  for (int i = 0; i < nconns; i++) {
    crypto_box_keypair(keypool + i * 2 * KEY, keypool + i * 2 * KEY + KEY);
    conns[i].index = i;
    conns[i].fd = -1;
  }
  long long deadline = now_ns() + SETUP_TIMEOUT_NS;
  int next = 0;
  struct epoll_event evs[256];
  for (;;) {
    int handshaking = 0, online = 0;
    for (int i = 0; i < next; i++) {
      if (conns[i].state == ST_CONNECTING || conns[i].state == ST_HELLO) {
        handshaking++;
      }
      if (conns[i].peer_id) {
        online++;
      }
    }
    if (online == nconns) {
      break;
    }
    while (next < nconns && handshaking < SETUP_CONCURRENCY) {
      if (conn_open(&conns[next], next % sources, keypool + next * 2 * KEY,
                    keypool + next * 2 * KEY + KEY) != 0) {
        die(1, "cannot connect link %d: %s", next, strerror(errno));
      }
      next++;
      handshaking++;
    }
    for (int i = 0; i < next; i++) {
      if (pending(&conns[i]) && !conns[i].want_out && flush(&conns[i]) != 0) {
        die(1, "link %d: write failed", i);
      }
    }
    if (now_ns() > deadline) {
      die(1, "setup timed out: %d of %d links online after 10 s", online, nconns);
    }
    int n = epoll_wait(epfd, evs, 256, 10);
    for (int i = 0; i < n; i++) {
      if (evs[i].data.ptr) {
        on_event(evs[i].data.ptr, evs[i].events);
      }
    }
  }
  setup_done = 1;
}

static void flush_all(void) {
  for (int i = 0; i < nconns; i++) {
    conn *c = &conns[i];
    if (c->state >= ST_HELLO && pending(c) && !c->want_out && flush(c) != 0) {
      on_failed(c, "write failed");
    }
  }
}

static int poll_once(int timeout_ms) {
  struct epoll_event evs[256];
  int n = epoll_wait(epfd, evs, 256, timeout_ms);
  for (int i = 0; i < n; i++) {
    if (evs[i].data.ptr) {
      on_event(evs[i].data.ptr, evs[i].events);
    }
  }
  return n;
}

static unsigned long long max_packets;
static uint8_t *data_plain;

static void pump(flow *f) {
  conn *c = f->from;
  if (!f->running || c->state != ST_CONFIRMED || !c->peer_id) {
    return;
  }
  data_plain[0] = (uint8_t)c->peer_id;
  while (f->sent < max_packets && pending(c) < WLIMIT &&
         (opt_e2e <= 0 || f->sent - f->delivered - f->written_off < (unsigned long long)opt_e2e)) {
    put_be64(data_plain + 1, f->sent);
    send_frame(c, data_plain, 1 + (size_t)opt_size);
    f->sent++;
  }
}

static int run_throughput(void) {
  printf("throughput: %d pairs, %d B, relay %s:%d (%d source addresses, C generator)\n", opt_pairs,
         opt_size, inet_ntoa(relay_addr.sin_addr), ntohs(relay_addr.sin_port), sources);
  fflush(stdout);
  setup_pairs();
  nflows = opt_bidi ? 2 * opt_pairs : opt_pairs;
  flows = calloc((size_t)nflows, sizeof *flows);
  data_plain = calloc(1, 1 + (size_t)opt_size);
  if (!flows || !data_plain) {
    die(1, "out of memory");
  }
  for (int i = 0; i < nflows; i++) {
    int p = opt_bidi ? i / 2 : i;
    int reverse = opt_bidi && (i & 1);
    flows[i].from = &conns[2 * p + reverse];
    flows[i].to = &conns[2 * p + 1 - reverse];
    flows[i].to->inbound = &flows[i];
    flows[i].running = 1;
  }
  max_packets = (unsigned long long)((opt_warmup + opt_seconds) * 2000000);
  long long start = now_ns();
  long long t0 = start + (long long)(opt_warmup * 1e9);
  long long t1 = t0 + (long long)(opt_seconds * 1e9);
  long long next_tick = start + WATCHDOG_NS;
  long long cpu0 = -1, cpu1 = -1, m0 = -1, m1 = -1;
  unsigned long long b0 = 0, p0 = 0, b1 = 0, p1 = 0;
  for (;;) {
    long long now = now_ns();
    if (m0 < 0 && now >= t0) {
      cpu0 = process_cpu_ns(opt_relay_pid);
      b0 = rx_bytes;
      p0 = rx_packets;
      m0 = now_ns();
    }
    if (m0 >= 0 && now >= t1) {
      b1 = rx_bytes;
      p1 = rx_packets;
      m1 = now_ns();
      cpu1 = process_cpu_ns(opt_relay_pid);
      break;
    }
    if (now >= next_tick) {
      for (int i = 0; i < nflows; i++) {
        flow *f = &flows[i];
        if (f->delivered == f->tick_delivered) {
          unsigned long long lost = f->sent - f->delivered - f->written_off;
          f->written_off += lost;
        }
        f->tick_delivered = f->delivered;
      }
      next_tick = now + WATCHDOG_NS;
    }
    for (int i = 0; i < nflows; i++) {
      pump(&flows[i]);
    }
    flush_all();
    poll_once(2);
  }
  for (int i = 0; i < nflows; i++) {
    flows[i].running = 0;
  }
  /* drain: until 200 ms pass with nothing arriving (at most 2 s) */
  long long drain_end = now_ns() + 2000000000LL, quiet_since = now_ns();
  unsigned long long last = rx_packets;
  while (now_ns() < drain_end && now_ns() - quiet_since < 200000000LL) {
    flush_all();
    poll_once(10);
    if (rx_packets != last) {
      last = rx_packets;
      quiet_since = now_ns();
    }
  }
  unsigned long long sent = 0;
  for (int i = 0; i < nflows; i++) {
    sent += flows[i].sent;
  }
  double secs = (m1 - m0) / 1e9;
  double mbps = (double)(b1 - b0) / secs / 1e6, pps = (double)(p1 - p0) / secs;
  unsigned long long lost = sent > rx_packets ? sent - rx_packets : 0;
  printf("throughput: %.2f MB/s, %.0f packets/s delivered (%llu sent, %llu delivered, %llu lost,"
         " %lld links lost)\n",
         mbps, pps, sent, rx_packets, lost, links_lost);
  printf("RESULT mode=throughput mb_per_s=%.3f packets_per_s=%.1f sent=%llu delivered=%llu"
         " lost=%llu refused=0 links_lost=%lld pairs=%d size=%d seconds=%.1f"
         " relay_cpu_us_per_packet=%.2f generator=c\n",
         mbps, pps, sent, rx_packets, lost, links_lost, opt_pairs, opt_size, secs,
         micros_per(cpu0, cpu1, p1 - p0));
  fflush(stdout);
  return rx_packets > 0 ? 0 : 1;
}

static int run_latency(void) {
  printf("latency: %d pairs, %.1f packets/s, relay %s:%d (%d source addresses, C generator)\n",
         opt_pairs, opt_rate, inet_ntoa(relay_addr.sin_addr), ntohs(relay_addr.sin_port),
         sources);
  fflush(stdout);
  hist_us = calloc(HIST_US_MAX, sizeof *hist_us);
  hist_ms = calloc(HIST_MS_MAX, sizeof *hist_ms);
  data_plain = calloc(1, 1 + (size_t)opt_size);
  if (!hist_us || !hist_ms || !data_plain) {
    die(1, "out of memory");
  }
  setup_pairs();
  int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (tfd < 0) {
    die(1, "timerfd: %s", strerror(errno));
  }
  struct epoll_event tev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, &tev);
  long long interval = (long long)(1e9 / opt_rate);
  if (interval < 1) {
    interval = 1;
  }
  long long begin = now_ns();
  long long from = begin + (long long)(opt_warmup * 1e9);
  long long to = from + (long long)(opt_seconds * 1e9);
  lat_to = to;
  lat_from = from;
  unsigned long long maxp = (unsigned long long)(opt_rate * ((to - begin) / 1e9)) + 1;
  unsigned long long i = 0, measured = 0, refused = 0;
  long long next = begin;
  for (;;) {
    long long now = now_ns();
    if (now >= to || i >= maxp) {
      break;
    }
    while (next <= now && i < maxp) {
      conn *c = &conns[2 * (int)(i % (unsigned long long)opt_pairs)];
      long long stamp = now_ns();
      if (c->state == ST_CONFIRMED && c->peer_id && pending(c) < WLIMIT) {
        data_plain[0] = (uint8_t)c->peer_id;
        put_be64(data_plain + 1, (uint64_t)stamp);
        put_be64(data_plain + 9, i);
        send_frame(c, data_plain, 1 + (size_t)opt_size);
      } else if (stamp >= from && stamp < to) {
        refused++;
      }
      if (stamp >= from && stamp < to) {
        measured++;
      }
      i++;
      next += interval;
    }
    flush_all();
    struct itimerspec its = {{0, 0}, {next / 1000000000LL, next % 1000000000LL}};
    timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
    struct epoll_event evs[256];
    int n = epoll_wait(epfd, evs, 256, 100);
    for (int k = 0; k < n; k++) {
      if (evs[k].data.ptr) {
        on_event(evs[k].data.ptr, evs[k].events);
      } else {
        uint64_t x;
        ssize_t r = read(tfd, &x, sizeof x);
        (void)r;
      }
    }
  }
  /* stragglers: a polling relay may hold packets for tens of ms (at most 1 s) */
  long long settle = now_ns() + 1000000000LL, quiet_since = now_ns();
  unsigned long long last = lat_received;
  while (now_ns() < settle && now_ns() - quiet_since < 200000000LL) {
    flush_all();
    poll_once(10);
    if (lat_received != last) {
      last = lat_received;
      quiet_since = now_ns();
    }
  }
  close(tfd);
  double ms = 1e6;
  double p50 = percentile(50) / ms, p99 = percentile(99) / ms, p999 = percentile(99.9) / ms;
  double mx = lat_max_ns / ms, mean = lat_received ? lat_sum_ns / (double)lat_received / ms : 0;
  unsigned long long lost = measured > lat_received ? measured - lat_received : 0;
  double rate = (double)measured / ((to - from) / 1e9);
  printf("latency: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms (%llu sent, %llu"
         " received, %llu refused, %.0f packets/s)\n",
         p50, p99, p999, mx, measured, lat_received, refused, rate);
  printf("RESULT mode=latency p50_ms=%.4f p99_ms=%.4f p999_ms=%.4f max_ms=%.4f mean_ms=%.4f"
         " sent=%llu received=%llu lost=%llu refused=%llu rate=%.1f pairs=%d size=%d"
         " generator=c\n",
         p50, p99, p999, mx, mean, measured, lat_received, lost, refused, rate, opt_pairs,
         opt_size);
  fflush(stdout);
  return lat_received > 0 ? 0 : 1;
}

/* ---------------------------------------------------------------- handshakes */
#define KEYS_PER_SLOT 4
static unsigned long long hs_completed, hs_failed;
static long long hs_stop_at; /* no new cycle starts after this */
static int hs_next_source;
static long hs_max_cycles;

static void hs_start(conn *c) {
  if (now_ns() >= hs_stop_at || c->rounds >= hs_max_cycles) {
    return;
  }
  for (int attempt = 0; attempt < 3; attempt++) {
    const uint8_t *k = keypool + (size_t)(c->index * KEYS_PER_SLOT + c->rounds % KEYS_PER_SLOT) *
                                     2 * KEY;
    c->rounds++;
    int src = hs_next_source++ % sources;
    if (conn_open(c, src, k, k + KEY) == 0) {
      return;
    }
    hs_failed++;
  }
}

static void hs_confirmed(conn *c) { send_ping(c); }

static void hs_packet(conn *c, const uint8_t *p, size_t n) {
  if (p[0] == ID_PONG && n == 9 && memcmp(p + 1, c->ping, 8) == 0) {
    hs_completed++;
    conn_close(c);
    hs_start(c);
    return;
  }
  control_packet(c, p, n);
}

static void hs_failed_cb(conn *c, const char *why) {
  (void)why;
  hs_failed++;
  conn_close(c);
  hs_start(c);
}

static int run_handshakes(void) {
  printf("handshakes: %d concurrent, relay %s:%d (%d source addresses, C generator)\n",
         opt_concurrency, inet_ntoa(relay_addr.sin_addr), ntohs(relay_addr.sin_port), sources);
  fflush(stdout);
  nconns = opt_concurrency;
  conns = calloc((size_t)nconns, sizeof *conns);
  keypool = malloc((size_t)nconns * KEYS_PER_SLOT * 2 * KEY);
  if (!conns || !keypool) {
    die(1, "out of memory");
  }
  /* the client key pairs are made before the measured window; the temporary key pair and both
   * precomputes of every handshake are the generator's cost and stay in it */
  for (int i = 0; i < nconns * KEYS_PER_SLOT; i++) {
    crypto_box_keypair(keypool + i * 2 * KEY, keypool + i * 2 * KEY + KEY);
  }
  long long start = now_ns();
  long long t0 = start + (long long)(opt_warmup * 1e9);
  long long t1 = t0 + (long long)(opt_seconds * 1e9);
  long long timeout = (long long)(opt_timeout * 1e9);
  hs_stop_at = t1;
  hs_max_cycles = (long)((opt_warmup + opt_seconds) * 200000) + 1;
  for (int i = 0; i < nconns; i++) {
    conns[i].index = i;
    conns[i].fd = -1;
    hs_start(&conns[i]);
  }
  long long cpu0 = -1, cpu1 = -1, m0 = -1, m1 = -1;
  unsigned long long c0 = 0, c1 = 0;
  long long last_check = start;
  for (;;) {
    long long now = now_ns();
    if (m0 < 0 && now >= t0) {
      cpu0 = process_cpu_ns(opt_relay_pid);
      c0 = hs_completed;
      m0 = now_ns();
    }
    if (m0 >= 0 && m1 < 0 && now >= t1) {
      c1 = hs_completed;
      m1 = now_ns();
      cpu1 = process_cpu_ns(opt_relay_pid);
    }
    int active = 0;
    for (int i = 0; i < nconns; i++) {
      active += conns[i].state != ST_IDLE;
    }
    if (m1 >= 0 && (active == 0 || now > t1 + timeout + 1000000000LL)) {
      break;
    }
    if (now - last_check > 100000000LL) { /* cycle timeouts, every 100 ms */
      for (int i = 0; i < nconns; i++) {
        if (conns[i].state != ST_IDLE && now - conns[i].started > timeout) {
          hs_failed_cb(&conns[i], "timeout");
        }
      }
      last_check = now;
    }
    flush_all();
    poll_once(2);
  }
  for (int i = 0; i < nconns; i++) {
    conn_close(&conns[i]);
  }
  double secs = (m1 - m0) / 1e9;
  unsigned long long n = c1 - c0;
  printf("handshakes: %.0f/s (%llu completed in the measured %.1f s; %llu completed, %llu failed"
         " in the whole run)\n",
         n / secs, n, secs, hs_completed, hs_failed);
  printf("RESULT mode=handshakes per_s=%.1f completed=%llu failed=%llu concurrency=%d seconds=%.1f"
         " relay_cpu_us_per_handshake=%.1f generator=c\n",
         n / secs, n, hs_failed, opt_concurrency, secs, micros_per(cpu0, cpu1, n));
  fflush(stdout);
  return n > 0 ? 0 : 1;
}

/* ---------------------------------------------------------------- dispatch */
static void on_confirmed(conn *c) {
  if (mode == MODE_HANDSHAKES) {
    hs_confirmed(c);
  } else {
    pairs_confirmed(c);
  }
}

static void on_packet(conn *c, const uint8_t *p, size_t n) {
  if (n < 1) {
    return;
  }
  if (mode == MODE_HANDSHAKES) {
    hs_packet(c, p, n);
  } else {
    pairs_packet(c, p, n);
  }
}

static void on_failed(conn *c, const char *why) {
  if (mode == MODE_HANDSHAKES) {
    hs_failed_cb(c, why);
  } else {
    pairs_failed(c, why);
  }
}

/* ---------------------------------------------------------------- command line */
static void usage(FILE *f) {
  fprintf(f,
          "Usage: relay_load MODE --relay HOST:PORT:KEY [options]\n"
          "\n"
          "A C (libsodium, epoll, one thread) load generator for a Tox TCP relay, loopback only.\n"
          "Same modes and RESULT keys as the Java tool (RelayLoad).\n"
          "\n"
          "Modes:\n"
          "  throughput  N pairs of links routed to each other; A sends --size byte data packets\n"
          "              to B with at most --e2e-window packets between sender and receiver.\n"
          "              MB/s (10^6 payload bytes) and packets/s delivered after --warmup;\n"
          "              lost = sent - delivered after a 200 ms drain.\n"
          "  latency     --rate packets/s in total, round robin over N pairs, each stamped with\n"
          "              CLOCK_MONOTONIC; p50/p99/p99.9/max one-way delay in ms (1 us buckets).\n"
          "  handshakes  --concurrency cycles in flight: connect, relay handshake, ping, wait for\n"
          "              the pong, close; handshakes/s after --warmup.\n"
          "\n"
          "Options:\n"
          "  --relay HOST:PORT:KEY  relay address (loopback) and public key (64 hex digits)\n"
          "  --seconds S            measured seconds (10)\n"
          "  --warmup S             seconds of load before measuring (2)\n"
          "  --pairs N              link pairs, throughput/latency (8; at most %d)\n"
          "  --size B               payload bytes per packet, 1..2031; latency >= 16 (1400)\n"
          "  --e2e-window N         throughput: packets out per sender, 0 = only the 64 KiB\n"
          "                         write-buffer bound (32)\n"
          "  --bidirectional        throughput: B sends to A too\n"
          "  --rate R               latency: packets/s in total (1000)\n"
          "  --concurrency C        handshakes in flight (32; at most %d)\n"
          "  --timeout S            handshakes: seconds one cycle may take (10)\n"
          "  --relay-pid PID        report the relay's CPU (/proc/PID/stat) per packet/handshake\n"
          "  --sources N            source addresses 127.1.x.y (16; raised so that none holds\n"
          "                         more than --per-source connections at once)\n"
          "  --per-source N         most simultaneous connections per source address (50)\n"
          "  -h, --help             this text\n"
          "\n"
          "RESULT lines:\n"
          "  RESULT mode=throughput mb_per_s= packets_per_s= sent= delivered= lost= refused=\n"
          "         links_lost= pairs= size= seconds= relay_cpu_us_per_packet= generator=c\n"
          "  RESULT mode=latency p50_ms= p99_ms= p999_ms= max_ms= mean_ms= sent= received= lost=\n"
          "         refused= rate= pairs= size= generator=c\n"
          "  RESULT mode=handshakes per_s= completed= failed= concurrency= seconds=\n"
          "         relay_cpu_us_per_handshake= generator=c\n"
          "  relay_cpu_us_* is -1 without --relay-pid.\n"
          "\n"
          "Exit: 0 measured, 1 measurement failed (e.g. no connect notification within 10 s,\n"
          "nothing delivered), 2 usage error.\n",
          MAX_PAIRS, MAX_CONCURRENCY);
}

static void usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "relay_load: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, " (try --help)\n");
  exit(2);
}

static double num(const char *opt, const char *v, double lo, double hi) {
  char *end;
  errno = 0;
  double d = strtod(v, &end);
  if (errno || *end || end == v || d < lo || d > hi) {
    fprintf(stderr, "relay_load: bad value for %s: '%s' (%g..%g)\n", opt, v, lo, hi);
    exit(2);
  }
  return d;
}

static void parse_relay(const char *s) {
  char host[64];
  const char *c1 = strchr(s, ':');
  const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
  if (!c1 || !c2 || (size_t)(c1 - s) >= sizeof host) {
    usage_error("--relay wants HOST:PORT:KEY, got '%s'", s);
  }
  memcpy(host, s, (size_t)(c1 - s));
  host[c1 - s] = 0;
  if (strcmp(host, "localhost") == 0) {
    strcpy(host, "127.0.0.1");
  }
  memset(&relay_addr, 0, sizeof relay_addr);
  relay_addr.sin_family = AF_INET;
  if (inet_pton(AF_INET, host, &relay_addr.sin_addr) != 1 ||
      (ntohl(relay_addr.sin_addr.s_addr) >> 24) != 127) {
    usage_error("--relay host must be an IPv4 loopback address, got '%s'", host);
  }
  char port[16];
  if ((size_t)(c2 - c1 - 1) >= sizeof port) {
    usage_error("bad port in '%s'", s);
  }
  memcpy(port, c1 + 1, (size_t)(c2 - c1 - 1));
  port[c2 - c1 - 1] = 0;
  relay_addr.sin_port = htons((uint16_t)num("--relay port", port, 1, 65535));
  size_t bin_len = 0;
  if (strlen(c2 + 1) != 2 * KEY ||
      sodium_hex2bin(relay_pk, KEY, c2 + 1, 2 * KEY, NULL, &bin_len, NULL) != 0 ||
      bin_len != KEY) {
    usage_error("--relay key must be 64 hex digits, got '%s'", c2 + 1);
  }
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (strcmp(argv[1], "throughput") == 0) {
    mode = MODE_THROUGHPUT;
  } else if (strcmp(argv[1], "latency") == 0) {
    mode = MODE_LATENCY;
  } else if (strcmp(argv[1], "handshakes") == 0) {
    mode = MODE_HANDSHAKES;
  } else {
    usage_error("unknown mode '%s'", argv[1]);
  }
  int have_relay = 0;
  for (int i = 2; i < argc; i++) {
    const char *o = argv[i];
    if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
      usage(stdout);
      return 0;
    }
    if (strcmp(o, "--bidirectional") == 0) {
      opt_bidi = 1;
      continue;
    }
    if (i + 1 >= argc) {
      usage_error("%s needs a value", o);
    }
    const char *v = argv[++i];
    if (strcmp(o, "--relay") == 0) {
      parse_relay(v);
      have_relay = 1;
    } else if (strcmp(o, "--pairs") == 0) {
      opt_pairs = (int)num(o, v, 1, MAX_PAIRS);
    } else if (strcmp(o, "--seconds") == 0) {
      opt_seconds = num(o, v, 0.001, 600);
    } else if (strcmp(o, "--warmup") == 0) {
      opt_warmup = num(o, v, 0, 600);
    } else if (strcmp(o, "--size") == 0) {
      opt_size = (int)num(o, v, 1, 2031);
    } else if (strcmp(o, "--e2e-window") == 0) {
      opt_e2e = (int)num(o, v, 0, 1000000);
    } else if (strcmp(o, "--rate") == 0) {
      opt_rate = num(o, v, 0.001, 10000000);
    } else if (strcmp(o, "--concurrency") == 0) {
      opt_concurrency = (int)num(o, v, 1, MAX_CONCURRENCY);
    } else if (strcmp(o, "--timeout") == 0) {
      opt_timeout = num(o, v, 0.1, 600);
    } else if (strcmp(o, "--relay-pid") == 0) {
      opt_relay_pid = (long)num(o, v, 1, 4194304);
    } else if (strcmp(o, "--sources") == 0) {
      opt_sources = (int)num(o, v, 1, 62500);
    } else if (strcmp(o, "--per-source") == 0) {
      opt_per_source = (int)num(o, v, 1, 100000);
    } else {
      usage_error("unknown option '%s'", o);
    }
  }
  if (!have_relay) {
    usage_error("%s needs --relay HOST:PORT:KEY", argv[1]);
  }
  if (mode == MODE_LATENCY && opt_size < 16) {
    usage_error("%s needs --size >= 16 (a stamp and a sequence number)", "latency");
  }
  if (sodium_init() < 0) {
    die(1, "sodium_init failed");
  }
  signal(SIGPIPE, SIG_IGN);
  signal(SIGALRM, on_alarm);
  double limit = opt_warmup + opt_seconds + 30 + (mode == MODE_HANDSHAKES ? opt_timeout : 0);
  alarm((unsigned)limit);
  /* as the Java tool: spread so that no source address holds more than --per-source at once;
   * handshakes rotate over at least 64 (TIME_WAIT holds each closed client port) */
  int simultaneous = mode == MODE_HANDSHAKES
                         ? (opt_concurrency > 64 * 50 ? opt_concurrency : 64 * 50)
                         : 2 * opt_pairs;
  sources = opt_sources;
  int need = (simultaneous + opt_per_source - 1) / opt_per_source;
  if (need > sources) {
    sources = need;
  }
  if (sources > 250 * 250) {
    usage_error("too many source addresses needed (%s)", "raise --per-source");
  }
  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) {
    die(1, "epoll_create1: %s", strerror(errno));
  }
  switch (mode) {
  case MODE_THROUGHPUT:
    return run_throughput();
  case MODE_LATENCY:
    return run_latency();
  default:
    return run_handshakes();
  }
}
