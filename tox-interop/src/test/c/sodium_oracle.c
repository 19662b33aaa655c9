/*
 * sodium_oracle: a line-oriented libsodium oracle for LibsodiumCrossCheckTest.
 *
 * Build: gcc -O2 -o sodium_oracle sodium_oracle.c $(pkg-config --cflags --libs libsodium)
 *
 * One command per stdin line, arguments hex-encoded and separated by single spaces; an empty
 * argument is written "-". One result line per command on stdout (hex, "-" for empty, "FAIL" when
 * libsodium refuses, "ERR <reason>" for a malformed command):
 *
 *   pub SK               crypto_scalarmult_base(SK)
 *   beforenm PK SK       crypto_box_beforenm(PK, SK)                 (32 bytes)
 *   seal K NONCE MSG     crypto_box_easy_afternm                     (MAC first, |MSG|+16)
 *   open K NONCE BOX     crypto_box_open_easy_afternm -> plaintext, or FAIL
 *   incr NONCE           c-toxcore increment_nonce: +1, one 192-bit big-endian integer
 *   addnum NONCE U32     c-toxcore increment_nonce_number: + U32 (8 hex digits, big-endian)
 *                        aligned to the last 4 bytes, big-endian carry
 *
 * The two nonce commands are written here independently of the Java code on purpose (and do NOT
 * use sodium_increment, which is little-endian).
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 4

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes a hex token ("-" = empty) into a fresh buffer; returns -1 on bad input. */
static long unhex(const char *tok, unsigned char **out)
{
    size_t n = strcmp(tok, "-") == 0 ? 0 : strlen(tok);
    if (n % 2 != 0) return -1;
    *out = malloc(n / 2 + 1); /* +1: never malloc(0) */
    if (*out == NULL) return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval((unsigned char)tok[2 * i]), lo = hexval((unsigned char)tok[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        (*out)[i] = (unsigned char)(hi << 4 | lo);
    }
    return (long)(n / 2);
}

static void put_hex(const unsigned char *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    if (n == 0) putchar('-');
    for (size_t i = 0; i < n; i++) {
        putchar(digits[b[i] >> 4]);
        putchar(digits[b[i] & 15]);
    }
    putchar('\n');
}

/* c-toxcore increment_nonce: the nonce is one big-endian integer; carry runs from byte 23 to 0. */
static void nonce_increment_be(unsigned char *n)
{
    unsigned int carry = 1;
    for (size_t i = crypto_box_NONCEBYTES; i-- > 0;) {
        carry += n[i];
        n[i] = (unsigned char)carry;
        carry >>= 8;
    }
}

/* c-toxcore increment_nonce_number: add x placed big-endian in the last four bytes. */
static void nonce_add_be(unsigned char *n, uint32_t x)
{
    unsigned char addend[crypto_box_NONCEBYTES] = {0};
    addend[crypto_box_NONCEBYTES - 4] = (unsigned char)(x >> 24);
    addend[crypto_box_NONCEBYTES - 3] = (unsigned char)(x >> 16);
    addend[crypto_box_NONCEBYTES - 2] = (unsigned char)(x >> 8);
    addend[crypto_box_NONCEBYTES - 1] = (unsigned char)x;
    unsigned int carry = 0;
    for (size_t i = crypto_box_NONCEBYTES; i-- > 0;) {
        carry += (unsigned int)n[i] + addend[i];
        n[i] = (unsigned char)carry;
        carry >>= 8;
    }
}

static void run(char *line)
{
    char *argv[MAX_ARGS + 1];
    int argc = 0;
    for (char *tok = strtok(line, " \t\r\n"); tok != NULL; tok = strtok(NULL, " \t\r\n")) {
        if (argc == MAX_ARGS + 1) {
            puts("ERR too many arguments");
            return;
        }
        argv[argc++] = tok;
    }
    if (argc == 0) {
        puts("ERR empty command");
        return;
    }

    unsigned char *a[MAX_ARGS] = {0};
    long len[MAX_ARGS] = {0};
    for (int i = 1; i < argc; i++) {
        len[i - 1] = unhex(argv[i], &a[i - 1]);
        if (len[i - 1] < 0) {
            printf("ERR bad hex in argument %d\n", i);
            goto done;
        }
    }
    const char *cmd = argv[0];
    int nargs = argc - 1;

    if (strcmp(cmd, "pub") == 0 && nargs == 1 && len[0] == crypto_scalarmult_SCALARBYTES) {
        unsigned char pk[crypto_scalarmult_BYTES];
        if (crypto_scalarmult_base(pk, a[0]) != 0) puts("FAIL");
        else put_hex(pk, sizeof pk);
    } else if (strcmp(cmd, "beforenm") == 0 && nargs == 2 && len[0] == crypto_box_PUBLICKEYBYTES
               && len[1] == crypto_box_SECRETKEYBYTES) {
        unsigned char k[crypto_box_BEFORENMBYTES];
        if (crypto_box_beforenm(k, a[0], a[1]) != 0) puts("FAIL");
        else put_hex(k, sizeof k);
    } else if (strcmp(cmd, "seal") == 0 && nargs == 3 && len[0] == crypto_box_BEFORENMBYTES
               && len[1] == crypto_box_NONCEBYTES) {
        unsigned char *out = malloc((size_t)len[2] + crypto_box_MACBYTES);
        if (out == NULL || crypto_box_easy_afternm(out, a[2], (unsigned long long)len[2], a[1], a[0]) != 0)
            puts("FAIL");
        else put_hex(out, (size_t)len[2] + crypto_box_MACBYTES);
        free(out);
    } else if (strcmp(cmd, "open") == 0 && nargs == 3 && len[0] == crypto_box_BEFORENMBYTES
               && len[1] == crypto_box_NONCEBYTES) {
        if (len[2] < crypto_box_MACBYTES) {
            puts("FAIL");
        } else {
            unsigned char *out = malloc((size_t)len[2] - crypto_box_MACBYTES + 1);
            if (out == NULL
                || crypto_box_open_easy_afternm(out, a[2], (unsigned long long)len[2], a[1], a[0]) != 0)
                puts("FAIL");
            else put_hex(out, (size_t)len[2] - crypto_box_MACBYTES);
            free(out);
        }
    } else if (strcmp(cmd, "incr") == 0 && nargs == 1 && len[0] == crypto_box_NONCEBYTES) {
        nonce_increment_be(a[0]);
        put_hex(a[0], crypto_box_NONCEBYTES);
    } else if (strcmp(cmd, "addnum") == 0 && nargs == 2 && len[0] == crypto_box_NONCEBYTES
               && len[1] == 4) {
        uint32_t x = (uint32_t)a[1][0] << 24 | (uint32_t)a[1][1] << 16 | (uint32_t)a[1][2] << 8
                     | (uint32_t)a[1][3];
        nonce_add_be(a[0], x);
        put_hex(a[0], crypto_box_NONCEBYTES);
    } else {
        printf("ERR unknown command or bad argument sizes: %s/%d\n", cmd, nargs);
    }
done:
    for (int i = 0; i < MAX_ARGS; i++) free(a[i]);
}

int main(void)
{
    if (sodium_init() < 0) {
        fputs("sodium_init failed\n", stderr);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, stdin) != -1) {
        run(line);
        fflush(stdout);
    }
    free(line);
    return 0;
}
