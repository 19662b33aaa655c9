#!/usr/bin/env python3
"""Independent derivation of WireTest's golden packets, with libsodium (ctypes) and hashlib.

Writes each packet from PROTOCOL.md 4.2-4.7 byte by byte, without any of our Java code, from the
same fixed keys and nonces as WireTest. Run: python3 wire_golden.py (needs libsodium.so).
"""
import ctypes
import ctypes.util
import hashlib
import struct

na = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so")
assert na.sodium_init() >= 0


def seq(start, n=32):
    return bytes((start + i) & 0xFF for i in range(n))


def pk(sk):
    out = ctypes.create_string_buffer(32)
    assert na.crypto_scalarmult_base(out, sk) == 0
    return out.raw


def beforenm(their_pk, my_sk):
    out = ctypes.create_string_buffer(32)
    assert na.crypto_box_beforenm(out, their_pk, my_sk) == 0
    return out.raw


def seal(key, nonce, plain):
    out = ctypes.create_string_buffer(len(plain) + 16)
    assert na.crypto_box_easy_afternm(out, plain, ctypes.c_ulonglong(len(plain)), nonce, key) == 0
    return out.raw


# The fixtures of WireTest (secret keys and nonces are counting byte sequences).
A_REAL_SK, A_DHT_SK = seq(0x10), seq(0x30)
B_REAL_SK, B_DHT_SK = seq(0x50), seq(0x70)
A_SESSION_SK, B_SESSION_SK = seq(0x90), seq(0xB0)
COOKIE_KEY = seq(0xD0)
N1, N2, N3, N4 = seq(0x01, 24), seq(0x41, 24), seq(0x81, 24), seq(0xC1, 24)
BASE_NONCE = seq(0xE1, 24)
ECHO = 0x0102030405060708
TIME = 1_700_000_000

a_real, a_dht, b_real, b_dht = pk(A_REAL_SK), pk(A_DHT_SK), pk(B_REAL_SK), pk(B_DHT_SK)
a_session, b_session = pk(A_SESSION_SK), pk(B_SESSION_SK)
dht_ab = beforenm(b_dht, A_DHT_SK)
real_ab = beforenm(b_real, A_REAL_SK)
session = beforenm(b_session, A_SESSION_SK)

# 4.2 cookie request, A -> B
cookie_request = (
    b"\x18" + a_dht + N1 + seal(dht_ab, N1, a_real + bytes(32) + struct.pack("<Q", ECHO))
)
assert len(cookie_request) == 145
# 4.4 cookie minted by B (its cookie key) for A
cookie = N2 + seal(COOKIE_KEY, N2, struct.pack("<Q", TIME) + a_real + a_dht)
assert len(cookie) == 112
# 4.3 cookie response, B -> A
cookie_response = b"\x19" + N3 + seal(dht_ab, N3, cookie + struct.pack("<Q", ECHO))
assert len(cookie_response) == 161
# 4.5 handshake, A -> B; the other cookie stands in for one A minted (bytes are opaque here)
other_cookie = seq(0x20, 112)
hs_plain = BASE_NONCE + a_session + hashlib.sha512(cookie).digest() + other_cookie
handshake = b"\x1a" + cookie + N4 + seal(real_ab, N4, hs_plain)
assert len(handshake) == 385


# 4.7 data, A -> B
def data(send_nonce, buffer_start, num, d):
    pad = (1373 - len(d)) % 8
    plain = struct.pack(">II", buffer_start, num) + bytes(pad) + d
    return b"\x1b" + send_nonce[22:24] + seal(session, send_nonce, plain)


SEND_NONCE = seq(0x61, 22) + b"\xfe\xff"
data_hi = data(SEND_NONCE, 0x01020304, 0xFFFFFFFE, b"\xa0hi")
data_alive = data(SEND_NONCE, 0, 0, b"\x10")
assert len(data_hi) == 32 and len(data_alive) == 32

for name, v in [
    ("A_REAL_PK", a_real),
    ("A_DHT_PK", a_dht),
    ("COOKIE_REQUEST", cookie_request),
    ("COOKIE", cookie),
    ("COOKIE_RESPONSE", cookie_response),
    ("HANDSHAKE", handshake),
    ("DATA_HI", data_hi),
    ("DATA_ALIVE", data_alive),
]:
    print(name, v.hex())
