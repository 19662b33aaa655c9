/*
 * relay_ceiling: the C ceiling of a Tox TCP relay on this machine, for BENCHMARKS.md's ratios.
 *
 * A minimal relay in the wire format of docs/protocol.md section 2 (handshake, routing request and
 * response, connect and disconnect notifications, ping/pong, data), on libsodium, one thread,
 * epoll, non-blocking sockets with TCP_NODELAY. Every data frame is opened and re-sealed under the
 * receiver's key, as any relay must: what is left is the least a relay can do per packet. Reads
 * are taken 64 KiB at a time and every frame they hold is processed before the writes of that
 * epoll round are flushed (batching as a relay under load does). No limits, no onion, no OOB: it
 * is a yardstick for tox-benchmarks/c/relay_load.c, not a relay to run.
 *
 *   relay_ceiling [--port N] [--seconds S]
 *
 * Listens on 127.0.0.1 (port 0: any), prints "RELAY 127.0.0.1:PORT:PUBLIC_KEY_HEX" and serves for
 * --seconds (default 600) or until SIGTERM/SIGINT. Build:
 *   gcc -std=c11 -O2 -Wall -o relay_ceiling relay_ceiling.c $(pkg-config --cflags --libs libsodium)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define KEY 32
#define NONCE crypto_box_NONCEBYTES
#define MAC crypto_box_MACBYTES
#define HELLO_SIZE 128   /* client pk (32) + nonce (24) + box (72) */
#define RESPONSE_SIZE 96 /* nonce (24) + box (72) */
#define HS_PLAIN 56      /* temporary pk (32) + base nonce (24) */
#define MAX_FRAME 2048
#define RBUF (64 * 1024)
#define WLIMIT (1024 * 1024) /* a receiver this far behind loses data frames (like any relay) */
#define SLOTS 240            /* connection ids 16..255 */
#define MAXC 8192

enum { ID_ROUTE_REQ = 0, ID_ROUTE_RESP = 1, ID_CONNECT = 2, ID_DISCONNECT = 3, ID_PING = 4,
       ID_PONG = 5, ID_FIRST_DATA = 16 };

typedef struct {
  uint8_t used, online;
  uint8_t pk[KEY];
  int peer;      /* client index of the other end, when online */
  int peer_slot; /* the other end's slot for us */
} slot;

typedef struct {
  int fd, index, confirmed, dirty, want_out;
  uint8_t pk[KEY], k[KEY], sn[NONCE], rn[NONCE];
  uint8_t rbuf[RBUF];
  size_t rlen;
  uint8_t *wbuf;
  size_t wlen, woff, wcap;
  slot slots[SLOTS];
} client;

static uint8_t relay_pk[KEY], relay_sk[KEY];
static client *clients[MAXC];
static int dirty[MAXC], ndirty;
static int dropped[MAXC], ndropped;
static int epfd;
static volatile sig_atomic_t stop;

static void on_signal(int sig) {
  (void)sig;
  stop = 1;
}

static void die(const char *what) {
  fprintf(stderr, "relay_ceiling: %s: %s\n", what, strerror(errno));
  exit(1);
}

/* Tox nonces are big-endian counters (docs/protocol.md 2.3) */
static void nonce_inc(uint8_t n[NONCE]) {
  for (int i = NONCE - 1; i >= 0; i--) {
    if (++n[i] != 0) {
      break;
    }
  }
}

static void mark_dirty(client *c) {
  if (!c->dirty) {
    c->dirty = 1;
    dirty[ndirty++] = c->index;
  }
}

static uint8_t *wreserve(client *c, size_t n) {
  if (c->woff > 0 && c->wlen + n > c->wcap) {
    memmove(c->wbuf, c->wbuf + c->woff, c->wlen - c->woff);
    c->wlen -= c->woff;
    c->woff = 0;
  }
  if (c->wlen + n > c->wcap) {
    size_t cap = c->wcap ? c->wcap : 65536;
    while (cap < c->wlen + n) {
      cap *= 2;
    }
    uint8_t *b = realloc(c->wbuf, cap);
    if (!b) {
      fprintf(stderr, "relay_ceiling: out of memory\n");
      exit(1);
    }
    c->wbuf = b;
    c->wcap = cap;
  }
  return c->wbuf + c->wlen;
}

/* Seals plain (n bytes) into a frame on c's write buffer. */
static void send_frame(client *c, const uint8_t *plain, size_t n) {
  uint8_t *d = wreserve(c, 2 + MAC + n);
  d[0] = (uint8_t)((MAC + n) >> 8);
  d[1] = (uint8_t)(MAC + n);
  crypto_box_easy_afternm(d + 2, plain, n, c->sn, c->k);
  nonce_inc(c->sn);
  c->wlen += 2 + MAC + n;
  mark_dirty(c);
}

static void set_out(client *c, int on) {
  if (c->want_out != on) {
    struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
    c->want_out = on;
  }
}

static void drop(client *c);

static void flush(client *c) {
  while (c->woff < c->wlen) {
    ssize_t w = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        set_out(c, 1);
        return;
      }
      drop(c);
      return;
    }
    c->woff += (size_t)w;
  }
  c->woff = c->wlen = 0;
  set_out(c, 0);
}

static void unlink_slot(client *c, int i, int notify_peer) {
  slot *s = &c->slots[i];
  if (s->online) {
    client *p = clients[s->peer];
    if (p) {
      slot *ps = &p->slots[s->peer_slot];
      ps->online = 0;
      if (notify_peer) {
        uint8_t n[2] = {ID_DISCONNECT, (uint8_t)(ID_FIRST_DATA + s->peer_slot)};
        send_frame(p, n, 2);
      }
    }
  }
  s->online = 0;
}

static void drop(client *c) {
  if (c->fd < 0) {
    return;
  }
  for (int i = 0; i < SLOTS; i++) {
    if (c->slots[i].used) {
      unlink_slot(c, i, 1);
    }
  }
  epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  c->fd = -1; /* freed after this epoll round: events of the same round may still name it */
  dropped[ndropped++] = c->index;
}

static void route_request(client *c, const uint8_t *pk) {
  int i, free_slot = -1;
  for (i = 0; i < SLOTS; i++) {
    if (c->slots[i].used && memcmp(c->slots[i].pk, pk, KEY) == 0) {
      break;
    }
    if (!c->slots[i].used && free_slot < 0) {
      free_slot = i;
    }
  }
  uint8_t resp[2 + KEY];
  resp[0] = ID_ROUTE_RESP;
  memcpy(resp + 2, pk, KEY);
  if (i == SLOTS) {
    if (free_slot < 0) {
      resp[1] = 0; /* refused: no slot */
      send_frame(c, resp, sizeof resp);
      return;
    }
    i = free_slot;
    c->slots[i].used = 1;
    c->slots[i].online = 0;
    memcpy(c->slots[i].pk, pk, KEY);
  }
  resp[1] = (uint8_t)(ID_FIRST_DATA + i);
  send_frame(c, resp, sizeof resp);
  if (c->slots[i].online) {
    return;
  }
  /* the other end online and routing to us: both get a connect notification */
  for (int j = 0; j < MAXC; j++) {
    client *p = clients[j];
    if (!p || p == c || p->fd < 0 || !p->confirmed || memcmp(p->pk, pk, KEY) != 0) {
      continue;
    }
    for (int k = 0; k < SLOTS; k++) {
      slot *ps = &p->slots[k];
      if (ps->used && !ps->online && memcmp(ps->pk, c->pk, KEY) == 0) {
        ps->online = 1;
        ps->peer = c->index;
        ps->peer_slot = i;
        c->slots[i].online = 1;
        c->slots[i].peer = p->index;
        c->slots[i].peer_slot = k;
        uint8_t n1[2] = {ID_CONNECT, (uint8_t)(ID_FIRST_DATA + i)};
        uint8_t n2[2] = {ID_CONNECT, (uint8_t)(ID_FIRST_DATA + k)};
        send_frame(c, n1, 2);
        send_frame(p, n2, 2);
        return;
      }
    }
  }
}

static void on_packet(client *c, uint8_t *p, size_t n) {
  if (n == 0) {
    return;
  }
  if (p[0] >= ID_FIRST_DATA) {
    slot *s = &c->slots[p[0] - ID_FIRST_DATA];
    if (!s->online) {
      return;
    }
    client *to = clients[s->peer];
    if (!to || to->fd < 0 || to->wlen - to->woff > WLIMIT) {
      return; /* a receiver this far behind loses data, as on any relay */
    }
    p[0] = (uint8_t)(ID_FIRST_DATA + s->peer_slot);
    send_frame(to, p, n);
    return;
  }
  switch (p[0]) {
  case ID_ROUTE_REQ:
    if (n == 1 + KEY) {
      route_request(c, p + 1);
    }
    break;
  case ID_DISCONNECT:
    if (n == 2 && p[1] >= ID_FIRST_DATA && c->slots[p[1] - ID_FIRST_DATA].used) {
      unlink_slot(c, p[1] - ID_FIRST_DATA, 1);
      c->slots[p[1] - ID_FIRST_DATA].used = 0;
    }
    break;
  case ID_PING:
    if (n == 9) {
      p[0] = ID_PONG;
      send_frame(c, p, 9);
    }
    break;
  default: /* pongs and the rest: nothing to do */
    break;
  }
}

/* The client hello: answer it and derive the session (docs/protocol.md 2.2). -1: drop. */
static int handshake(client *c) {
  uint8_t lt[KEY], plain[HS_PLAIN], tpk[KEY], tsk[KEY], reply[HS_PLAIN], n2[NONCE];
  memcpy(c->pk, c->rbuf, KEY);
  if (crypto_box_beforenm(lt, c->pk, relay_sk) != 0 ||
      crypto_box_open_easy_afternm(plain, c->rbuf + KEY + NONCE, HELLO_SIZE - KEY - NONCE,
                                   c->rbuf + KEY, lt) != 0) {
    return -1;
  }
  crypto_box_keypair(tpk, tsk);
  memcpy(reply, tpk, KEY);
  randombytes_buf(c->sn, NONCE); /* we send from our own base nonce */
  memcpy(reply + KEY, c->sn, NONCE);
  memcpy(c->rn, plain + KEY, NONCE); /* and receive from the client's */
  if (crypto_box_beforenm(c->k, plain, tsk) != 0) {
    return -1;
  }
  randombytes_buf(n2, NONCE);
  uint8_t *d = wreserve(c, RESPONSE_SIZE);
  memcpy(d, n2, NONCE);
  crypto_box_easy_afternm(d + NONCE, reply, HS_PLAIN, n2, lt);
  c->wlen += RESPONSE_SIZE;
  mark_dirty(c);
  sodium_memzero(tsk, sizeof tsk);
  c->confirmed = 1;
  return 0;
}

static void on_readable(client *c) {
  static uint8_t plain[MAX_FRAME];
  for (;;) {
    ssize_t r = recv(c->fd, c->rbuf + c->rlen, RBUF - c->rlen, 0);
    if (r == 0) {
      drop(c);
      return;
    }
    if (r < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        drop(c);
      }
      return;
    }
    c->rlen += (size_t)r;
    size_t at = 0;
    if (!c->confirmed) {
      if (c->rlen < HELLO_SIZE) {
        continue;
      }
      if (handshake(c) != 0) {
        drop(c);
        return;
      }
      at = HELLO_SIZE;
    }
    while (c->rlen - at >= 2) {
      size_t l = ((size_t)c->rbuf[at] << 8) | c->rbuf[at + 1];
      if (l == 0) {
        at += 2;
        continue;
      }
      if (l > MAX_FRAME || l < MAC) {
        drop(c);
        return;
      }
      if (c->rlen - at < 2 + l) {
        break;
      }
      if (crypto_box_open_easy_afternm(plain, c->rbuf + at + 2, l, c->rn, c->k) != 0) {
        drop(c);
        return;
      }
      nonce_inc(c->rn);
      at += 2 + l;
      on_packet(c, plain, l - MAC);
      if (c->fd < 0) {
        return;
      }
    }
    memmove(c->rbuf, c->rbuf + at, c->rlen - at);
    c->rlen -= at;
    if ((size_t)r < RBUF / 2) {
      return; /* drained (short read): back to epoll */
    }
  }
}

static void accept_all(int lfd) {
  for (;;) {
    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      return;
    }
    int idx = -1;
    for (int i = 0; i < MAXC; i++) {
      if (!clients[i]) {
        idx = i;
        break;
      }
    }
    if (idx < 0) {
      close(fd);
      continue;
    }
    client *c = calloc(1, sizeof *c);
    if (!c) {
      close(fd);
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->fd = fd;
    c->index = idx;
    clients[idx] = c;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
      close(fd);
      clients[idx] = NULL;
      free(c);
    }
  }
}

int main(int argc, char **argv) {
  long port = 0;
  double seconds = 600;
  for (int i = 1; i < argc; i++) {
    char *end = NULL;
    if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      errno = 0;
      port = strtol(argv[++i], &end, 10);
      if (errno || end == argv[i] || *end || port < 0 || port > 65535) {
        fprintf(stderr, "relay_ceiling: --port must be 0..65535, got '%s'\n", argv[i]);
        return 2;
      }
    } else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = strtod(argv[++i], &end);
      if (end == argv[i] || *end || !(seconds > 0 && seconds <= 86400)) {
        fprintf(stderr, "relay_ceiling: --seconds must be in (0, 86400], got '%s'\n", argv[i]);
        return 2;
      }
    } else {
      fprintf(stderr, "relay_ceiling: unknown argument '%s' (usage: relay_ceiling [--port N]"
              " [--seconds S])\n", argv[i]);
      return 2;
    }
  }
  if (sodium_init() < 0) {
    fprintf(stderr, "relay_ceiling: sodium_init failed\n");
    return 1;
  }
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  signal(SIGPIPE, SIG_IGN);
  crypto_box_keypair(relay_pk, relay_sk);
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t alen = sizeof a;
  if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 1024) != 0 ||
      getsockname(lfd, (struct sockaddr *)&a, &alen) != 0) {
    die("listen");
  }
  epfd = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
  if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &lev) != 0) {
    die("epoll");
  }
  char hex[2 * KEY + 1];
  for (int i = 0; i < KEY; i++) {
    sprintf(hex + 2 * i, "%02X", relay_pk[i]);
  }
  printf("RELAY 127.0.0.1:%d:%s\n", ntohs(a.sin_port), hex);
  fflush(stdout);
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  struct epoll_event evs[256];
  while (!stop) {
    int n = epoll_wait(epfd, evs, 256, 100);
    for (int i = 0; i < n; i++) {
      client *c = evs[i].data.ptr;
      if (!c) {
        accept_all(lfd);
        continue;
      }
      if (c->fd < 0) {
        continue;
      }
      if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        on_readable(c);
      }
      if (c->fd >= 0 && (evs[i].events & EPOLLOUT)) {
        mark_dirty(c);
      }
    }
    for (int i = 0; i < ndirty; i++) { /* the round's writes, one send per client */
      client *c = clients[dirty[i]];
      if (c) {
        c->dirty = 0;
        if (c->fd >= 0) {
          flush(c);
        }
      }
    }
    ndirty = 0;
    for (int i = 0; i < ndropped; i++) { /* free what this round dropped */
      client *c = clients[dropped[i]];
      free(c->wbuf);
      free(c);
      clients[dropped[i]] = NULL;
    }
    ndropped = 0;
    clock_gettime(CLOCK_MONOTONIC, &t);
    if ((double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 > seconds) {
      break;
    }
  }
  return 0;
}
