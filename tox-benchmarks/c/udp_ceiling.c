/*
 * udp_ceiling: the C ceiling of a net_crypto-shaped UDP transfer on this machine, for
 * BENCHMARKS.md's ratios (the UDP counterpart of relay_ceiling.c).
 *
 * Two threads, one per core of a 2-core machine, each with its own UDP socket on 127.0.0.1: a
 * sender and a receiver. The sender seals data packets of --size bytes on the wire in the shape of
 * a net_crypto data packet (docs/protocol.md 3: one kind byte, the low two bytes of the nonce, then
 * crypto_box_easy_afternm over a 4-byte buffer start, a 4-byte packet number and the payload), and
 * sends them with sendmmsg in batches of --batch. The receiver takes them with recvmmsg, rebuilds
 * each nonce from its two bytes, opens the box, checks the packet number, and after each batch
 * seals and sends the sender an acknowledgement (the next packet number it expects, in the same
 * packet shape), which the sender opens: crypto and syscalls in both directions, as between two
 * net_crypto peers. Flow control: at most --window packets unacknowledged; a packet lost in the
 * kernel is sent again (go back N, re-sealed under a new nonce as net_crypto does) when no
 * acknowledgement has come for 20 ms. No congestion control, no RTT estimate, no packet
 * buffers: what is left is the least such a transfer can do per packet.
 *
 *   udp_ceiling [--mb N] [--size BYTES] [--batch N] [--window N] [--seconds S]
 *
 * Sends --mb MB (10^6 payload bytes, default 100) and prints
 *   RESULT bytes=... seconds=... mbps=... packets=... resent=... peak_mbps=... first_second_mbps=...
 * mbps counting payload bytes received in order, as TransferLoad's mbps does. Stops after
 * --seconds (default 120) whatever it has sent (then exit 1). Build:
 *   gcc -std=c11 -O2 -Wall -pthread -o udp_ceiling udp_ceiling.c $(pkg-config --cflags --libs libsodium)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define KEY 32
#define NONCE crypto_box_NONCEBYTES
#define MAC crypto_box_MACBYTES
#define HEAD 3          /* kind byte + low two nonce bytes */
#define INNER 8         /* buffer start + packet number */
#define KIND_DATA 0x1b  /* net_crypto data packet */
#define MAX_WIRE 2048
#define MAX_BATCH 256
#define RESEND_NS 20000000L

static long long mb = 100;
static int size = 1400, batch = 32, window = 2048;
static double seconds = 120;
static long long total_packets;
static int payload;

/* each direction has its own precomputed key (as both peers' session keys would be) and nonce */
static uint8_t k_data[KEY], k_ack[KEY];
static uint8_t data_nonce0[NONCE], ack_nonce0[NONCE];
static int fd_send, fd_recv;
static struct sockaddr_in addr_send, addr_recv;

static volatile int done;
static volatile long long acked; /* written by the sender thread from opened acks */
static double t_start;
static long long resent;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Tox nonces are big-endian counters (docs/protocol.md 2.3): n += by */
static void nonce_add(uint8_t n[NONCE], uint32_t by) {
  uint32_t carry = by;
  for (int i = NONCE - 1; i >= 0 && carry; i--) {
    uint32_t s = n[i] + (carry & 0xff);
    n[i] = (uint8_t)s;
    carry = (carry >> 8) + (s >> 8);
  }
}

/* Seals inner (INNER + n bytes at plain) into wire under nonce; returns the wire length. */
static int seal(uint8_t *wire, const uint8_t *plain, int n, const uint8_t nonce[NONCE],
                const uint8_t k[KEY]) {
  wire[0] = KIND_DATA;
  wire[1] = nonce[NONCE - 2];
  wire[2] = nonce[NONCE - 1];
  crypto_box_easy_afternm(wire + HEAD, plain, (unsigned long long)n, nonce, k);
  return HEAD + MAC + n;
}

/*
 * Opens wire (len bytes) into plain with the nonce rebuilt from its two bytes against base (the
 * next nonce expected); on success base becomes the nonce after the one used. -1: forged or stale.
 */
static int open_packet(uint8_t *plain, const uint8_t *wire, int len, uint8_t base[NONCE],
                       const uint8_t k[KEY]) {
  if (len < HEAD + MAC + INNER || wire[0] != KIND_DATA) {
    return -1;
  }
  uint16_t low = (uint16_t)((base[NONCE - 2] << 8) | base[NONCE - 1]);
  uint16_t got = (uint16_t)((wire[1] << 8) | wire[2]);
  uint8_t n[NONCE];
  memcpy(n, base, NONCE);
  nonce_add(n, (uint16_t)(got - low));
  if (crypto_box_open_easy_afternm(plain, wire + HEAD, (unsigned long long)(len - HEAD), n, k) !=
      0) {
    return -1;
  }
  memcpy(base, n, NONCE);
  nonce_add(base, 1);
  return len - HEAD - MAC;
}

static void *receiver(void *arg) {
  (void)arg;
  static uint8_t bufs[MAX_BATCH][MAX_WIRE];
  static uint8_t plain[MAX_WIRE];
  struct mmsghdr msgs[MAX_BATCH];
  struct iovec iov[MAX_BATCH];
  uint8_t nonce[NONCE], ack_nonce[NONCE];
  memcpy(nonce, data_nonce0, NONCE);
  memcpy(ack_nonce, ack_nonce0, NONCE);
  long long expect = 0, bytes = 0, last_bytes = 0;
  double last = now(), first_second = -1, peak = 0;
  uint8_t ack_plain[INNER], ack_wire[HEAD + MAC + INNER];
  while (expect < total_packets && !done) {
    for (int i = 0; i < batch; i++) {
      iov[i].iov_base = bufs[i];
      iov[i].iov_len = MAX_WIRE;
      memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    struct pollfd pfd = {.fd = fd_recv, .events = POLLIN};
    if (poll(&pfd, 1, 100) <= 0) {
      continue;
    }
    int n = recvmmsg(fd_recv, msgs, (unsigned)batch, MSG_DONTWAIT, NULL);
    if (n <= 0) {
      continue;
    }
    for (int i = 0; i < n; i++) {
      int len = open_packet(plain, bufs[i], (int)msgs[i].msg_len, nonce, k_data);
      if (len < INNER) {
        continue;
      }
      if (get32(plain + 4) == (uint32_t)expect) { /* in order: delivered */
        expect++;
        bytes += len - INNER;
      }
    }
    put32(ack_plain, (uint32_t)expect); /* buffer start: what we want next */
    put32(ack_plain + 4, 0);
    int wl = seal(ack_wire, ack_plain, INNER, ack_nonce, k_ack);
    nonce_add(ack_nonce, 1);
    sendto(fd_recv, ack_wire, (size_t)wl, 0, (struct sockaddr *)&addr_send, sizeof addr_send);
    double t = now();
    if (t - last >= 1.0) {
      double rate = (bytes - last_bytes) / 1e6 / (t - last);
      if (first_second < 0) {
        first_second = rate;
      }
      if (rate > peak) {
        peak = rate;
      }
      last = t;
      last_bytes = bytes;
    }
  }
  double secs = now() - t_start;
  double mbps = bytes / 1e6 / secs;
  if (expect >= total_packets) {
    printf("RESULT bytes=%lld seconds=%.3f mbps=%.2f packets=%lld resent=%lld peak_mbps=%.2f"
           " first_second_mbps=%.2f\n",
           bytes, secs, mbps, expect, resent, peak > mbps ? peak : mbps,
           first_second < 0 ? mbps : first_second);
  } else {
    fprintf(stderr, "udp_ceiling: timed out after %.1f s with %lld of %lld packets\n", secs,
            expect, total_packets);
  }
  fflush(stdout);
  done = 1;
  return (void *)(intptr_t)(expect >= total_packets ? 0 : 1);
}

static void sender(void) {
  static uint8_t bufs[MAX_BATCH][MAX_WIRE];
  static uint8_t plain[MAX_WIRE];
  static uint8_t ack_in[MAX_WIRE], ack_plain[MAX_WIRE];
  struct mmsghdr msgs[MAX_BATCH];
  struct iovec iov[MAX_BATCH];
  uint8_t nonce[NONCE], ack_nonce[NONCE];
  memcpy(nonce, data_nonce0, NONCE);
  memcpy(ack_nonce, ack_nonce0, NONCE);
  randombytes_buf(plain + INNER, (size_t)payload);
  long long next = 0;
  double last_progress = now();
  while (!done) {
    /* the acknowledgements that have come */
    for (;;) {
      ssize_t r = recv(fd_send, ack_in, sizeof ack_in, MSG_DONTWAIT);
      if (r < 0) {
        break;
      }
      if (open_packet(ack_plain, ack_in, (int)r, ack_nonce, k_ack) == INNER) {
        long long a = get32(ack_plain);
        if (a > acked) {
          acked = a;
          last_progress = now();
        }
      }
    }
    if (acked >= total_packets) {
      break;
    }
    if (next < acked) {
      next = acked;
    }
    double t = now();
    if (t - t_start > seconds) { /* bounded in time whatever was sent */
      done = 1;
      break;
    }
    if (t - last_progress > RESEND_NS / 1e9) { /* lost in the kernel: go back to what is wanted */
      resent += next - acked;
      next = acked;
      last_progress = t;
    }
    int n = 0;
    while (n < batch && next < total_packets && next - acked < window) {
      put32(plain, (uint32_t)acked);
      put32(plain + 4, (uint32_t)next);
      int wl = seal(bufs[n], plain, INNER + payload, nonce, k_data);
      nonce_add(nonce, 1);
      iov[n].iov_base = bufs[n];
      iov[n].iov_len = (size_t)wl;
      memset(&msgs[n].msg_hdr, 0, sizeof msgs[n].msg_hdr);
      msgs[n].msg_hdr.msg_iov = &iov[n];
      msgs[n].msg_hdr.msg_iovlen = 1;
      n++;
      next++;
    }
    if (n == 0) { /* window full (or all sent): wait for an acknowledgement */
      struct pollfd pfd = {.fd = fd_send, .events = POLLIN};
      poll(&pfd, 1, 5);
      continue;
    }
    int at = 0;
    while (at < n) {
      int s = sendmmsg(fd_send, msgs + at, (unsigned)(n - at), 0);
      if (s < 0) {
        if (errno == EINTR) {
          continue;
        }
        break; /* ENOBUFS and the like: what was not sent is sent again after the timeout */
      }
      at += s;
    }
  }
}

static int udp_socket(struct sockaddr_in *a) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int buf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
  memset(a, 0, sizeof *a);
  a->sin_family = AF_INET;
  a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t alen = sizeof *a;
  if (fd < 0 || bind(fd, (struct sockaddr *)a, sizeof *a) != 0 ||
      getsockname(fd, (struct sockaddr *)a, &alen) != 0) {
    fprintf(stderr, "udp_ceiling: cannot bind a UDP socket on 127.0.0.1: %s\n", strerror(errno));
    exit(1);
  }
  return fd;
}

static long arg_long(const char *name, const char *v, long lo, long hi) {
  char *end = NULL;
  errno = 0;
  long x = strtol(v, &end, 10);
  if (errno || end == v || *end || x < lo || x > hi) {
    fprintf(stderr, "udp_ceiling: %s must be %ld..%ld, got '%s'\n", name, lo, hi, v);
    exit(2);
  }
  return x;
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (i + 1 >= argc) {
      fprintf(stderr, "udp_ceiling: unknown argument or missing value '%s' (usage: udp_ceiling"
              " [--mb N] [--size BYTES] [--batch N] [--window N] [--seconds S])\n", a);
      return 2;
    }
    if (strcmp(a, "--mb") == 0) {
      mb = arg_long("--mb", argv[++i], 1, 100000);
    } else if (strcmp(a, "--size") == 0) {
      size = (int)arg_long("--size", argv[++i], HEAD + MAC + INNER + 1, 1400);
    } else if (strcmp(a, "--batch") == 0) {
      batch = (int)arg_long("--batch", argv[++i], 1, MAX_BATCH);
    } else if (strcmp(a, "--window") == 0) {
      window = (int)arg_long("--window", argv[++i], 1, 60000);
    } else if (strcmp(a, "--seconds") == 0) {
      seconds = (double)arg_long("--seconds", argv[++i], 1, 3600);
    } else {
      fprintf(stderr, "udp_ceiling: unknown argument '%s' (usage: udp_ceiling [--mb N]"
              " [--size BYTES] [--batch N] [--window N] [--seconds S])\n", a);
      return 2;
    }
  }
  if (sodium_init() < 0) {
    fprintf(stderr, "udp_ceiling: sodium_init failed\n");
    return 1;
  }
  payload = size - HEAD - MAC - INNER;
  total_packets = (mb * 1000000LL + payload - 1) / payload;
  if (total_packets > 0xffffffffLL) {
    fprintf(stderr, "udp_ceiling: --mb too large for 32-bit packet numbers\n");
    return 2;
  }
  /* two key pairs, each direction's key precomputed (crypto_box_beforenm) as net_crypto does */
  uint8_t pa[KEY], sa[KEY], pb[KEY], sb[KEY];
  crypto_box_keypair(pa, sa);
  crypto_box_keypair(pb, sb);
  if (crypto_box_beforenm(k_data, pb, sa) != 0 || crypto_box_beforenm(k_ack, pa, sb) != 0) {
    fprintf(stderr, "udp_ceiling: beforenm failed\n");
    return 1;
  }
  randombytes_buf(data_nonce0, NONCE);
  randombytes_buf(ack_nonce0, NONCE);
  fd_send = udp_socket(&addr_send);
  fd_recv = udp_socket(&addr_recv);
  if (connect(fd_send, (struct sockaddr *)&addr_recv, sizeof addr_recv) != 0) {
    fprintf(stderr, "udp_ceiling: connect: %s\n", strerror(errno));
    return 1;
  }
  t_start = now();
  pthread_t rt;
  if (pthread_create(&rt, NULL, receiver, NULL) != 0) {
    fprintf(stderr, "udp_ceiling: cannot start the receiver thread\n");
    return 1;
  }
  sender();
  void *rc = NULL;
  pthread_join(rt, &rc);
  return (int)(intptr_t)rc;
}
