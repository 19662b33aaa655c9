/*
 * udp_count: an LD_PRELOAD library that counts the UDP payload bytes a process sends and receives,
 * for friend_idle.sh (onion + DHT bandwidth per idle friend, ours and c-toxcore's measured the same
 * way). It wraps sendto, sendmsg, sendmmsg, recvfrom, recvmsg and recvmmsg, counts what they moved
 * on datagram sockets (SO_TYPE == SOCK_DGRAM; TCP and Unix sockets are left out) and, at most once
 * a second, from whichever call comes first, appends one line to $UDP_COUNT_FILE:
 *
 *   <monotonic ms> <bytes sent> <bytes received> <datagrams sent> <datagrams received>
 *
 * (totals since the process started). Without UDP_COUNT_FILE it counts nothing. No other effect
 * on the calls: the real function runs first and its result is returned unchanged.
 *
 *   gcc -O2 -Wall -shared -fPIC -o udp_count.so udp_count.c -ldl -lpthread
 *   UDP_COUNT_FILE=/tmp/counts LD_PRELOAD=./udp_count.so tox_peer ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

static ssize_t (*real_sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
static int (*real_sendmmsg)(int, struct mmsghdr *, unsigned int, int);
static ssize_t (*real_recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
static ssize_t (*real_recvmsg)(int, struct msghdr *, int);
static int (*real_recvmmsg)(int, struct mmsghdr *, unsigned int, int, struct timespec *);

static atomic_llong sent_bytes, recv_bytes, sent_packets, recv_packets;
static atomic_llong last_line_ms;
static const char *out_path;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((constructor)) static void init(void)
{
    real_sendto = dlsym(RTLD_NEXT, "sendto");
    real_sendmsg = dlsym(RTLD_NEXT, "sendmsg");
    real_sendmmsg = dlsym(RTLD_NEXT, "sendmmsg");
    real_recvfrom = dlsym(RTLD_NEXT, "recvfrom");
    real_recvmsg = dlsym(RTLD_NEXT, "recvmsg");
    real_recvmmsg = dlsym(RTLD_NEXT, "recvmmsg");
    out_path = getenv("UDP_COUNT_FILE");
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int is_udp(int fd)
{
    int type = 0;
    socklen_t len = sizeof type;
    return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM;
}

/* Appends the totals when a second has passed since the last line. */
static void maybe_write(void)
{
    long long now = now_ms();
    long long last = atomic_load(&last_line_ms);
    if (now - last < 1000 || !atomic_compare_exchange_strong(&last_line_ms, &last, now)) {
        return;
    }
    pthread_mutex_lock(&out_lock);
    FILE *f = fopen(out_path, "a");
    if (f != NULL) {
        fprintf(f, "%lld %lld %lld %lld %lld\n", now, atomic_load(&sent_bytes), atomic_load(&recv_bytes),
                atomic_load(&sent_packets), atomic_load(&recv_packets));
        fclose(f);
    }
    pthread_mutex_unlock(&out_lock);
}

static void count(int fd, long long bytes, long long packets, int sending)
{
    if (out_path == NULL || bytes < 0 || !is_udp(fd)) {
        return;
    }
    atomic_fetch_add(sending ? &sent_bytes : &recv_bytes, bytes);
    atomic_fetch_add(sending ? &sent_packets : &recv_packets, packets);
    maybe_write();
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)
{
    ssize_t n = real_sendto(fd, buf, len, flags, to, tolen);
    if (n >= 0) {
        count(fd, n, 1, 1);
    }
    return n;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
    ssize_t n = real_sendmsg(fd, msg, flags);
    if (n >= 0) {
        count(fd, n, 1, 1);
    }
    return n;
}

int sendmmsg(int fd, struct mmsghdr *msgs, unsigned int vlen, int flags)
{
    int n = real_sendmmsg(fd, msgs, vlen, flags);
    long long bytes = 0;
    for (int i = 0; i < n; i++) {
        bytes += msgs[i].msg_len;
    }
    if (n > 0) {
        count(fd, bytes, n, 1);
    }
    return n;
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
{
    ssize_t n = real_recvfrom(fd, buf, len, flags, from, fromlen);
    if (n >= 0 && !(flags & MSG_PEEK)) {
        count(fd, n, 1, 0);
    }
    return n;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
    ssize_t n = real_recvmsg(fd, msg, flags);
    if (n >= 0 && !(flags & (MSG_PEEK | MSG_ERRQUEUE))) {
        count(fd, n, 1, 0);
    }
    return n;
}

int recvmmsg(int fd, struct mmsghdr *msgs, unsigned int vlen, int flags, struct timespec *timeout)
{
    int n = real_recvmmsg(fd, msgs, vlen, flags, timeout);
    long long bytes = 0;
    for (int i = 0; i < n; i++) {
        bytes += msgs[i].msg_len;
    }
    if (n > 0) {
        count(fd, bytes, n, 0);
    }
    return n;
}
