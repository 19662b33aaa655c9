package org.toxreactive.netcrypto.packet;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.NetCryptoPacketKind;

/**
 * The packet request (data id 1, docs/protocol.md 4.10): the receiver's list of holes, run-length
 * coded in bytes, relative to its {@code buffer_start}. Encoder and decoder walk positions with a
 * counter {@code n} starting at 1: a hole writes {@code n} and resets it; a run of 255 present
 * packets writes 0.
 */
public final class PacketRequest {
  /** The data id of a packet request. */
  public static final byte ID = 1;

  /** MAX_CRYPTO_DATA_SIZE: 1373. */
  public static final int MAX_DATA = NetCryptoPacketKind.MAX_DATA_SIZE;

  private PacketRequest() {}

  /** What a request asks for. {@code lastRequested} is meaningless when none is requested. */
  public record Requested(int[] requestedNumbers, int lastRequested) {}

  /**
   * The request for the holes of {@code receiveRing}, starting with the id byte.
   *
   * @param receiveRing our receive ring
   * @return the request, id byte first
   */
  public static byte[] encode(PacketRing<?> receiveRing) {
    return encode(receiveRing, false);
  }

  /**
   * The request for the holes of {@code receiveRing}; with {@code frontier}, also for the position
   * just past the newest packet received (which we do not have, by definition). That tells the
   * sender that everything between the last hole and the newest packet has arrived, so those leave
   * its window at once instead of after the repair: a loss then costs no round trip of idle window.
   * (A c-toxcore sender resends the frontier packet once per request while holes are open; a sender
   * that waits an RTT before resending, as ours does, does not.)
   *
   * <p>Allocates a 1373-byte buffer and the result; {@link #encode(PacketRing, boolean, byte[])}
   * allocates nothing. (A per-thread buffer instead of the first made this method 35% slower in
   * PacketRequestBenchmark.)
   *
   * @param receiveRing our receive ring
   * @param frontier whether to request the position just past the newest packet too
   * @return the request, id byte first
   */
  public static byte[] encode(PacketRing<?> receiveRing, boolean frontier) {
    byte[] buf = new byte[MAX_DATA];
    return Arrays.copyOf(buf, encode(receiveRing, frontier, buf));
  }

  /**
   * As {@link #encode(PacketRing, boolean)}, into {@code out} (from index 0, at most {@code
   * min(out.length, MAX_DATA)} bytes) without allocating. Returns the request's length.
   *
   * @param receiveRing our receive ring
   * @param frontier as for {@link #encode(PacketRing, boolean)}
   * @param out where to write the request
   * @return the request's length in bytes
   */
  public static int encode(PacketRing<?> receiveRing, boolean frontier, byte[] out) {
    int max = Math.min(out.length, MAX_DATA);
    if (max < 1) {
      throw new IllegalArgumentException("no room for the id byte");
    }
    out[0] = ID;
    int len = 1;
    int n = 1;
    int end = receiveRing.end();
    for (int i = receiveRing.start(); i != end && len < max; i++) {
      if (receiveRing.get(i) == null) {
        out[len++] = (byte) n;
        n = 0;
      } else if (n == 255) {
        out[len++] = 0;
        n = 0;
      }
      n++;
    }
    if (frontier && len < max && receiveRing.span() != 0) {
      out[len++] = (byte) n;
    }
    return len;
  }

  /**
   * Decodes a request (starting with the id byte) relative to {@code bufferStart}, walking at most
   * to {@code bufferEnd}. Returns null if a byte is not zero where a 255-run requires it.
   *
   * @param data the request, id byte first
   * @param bufferStart the start of our send ring
   * @param bufferEnd the end of our send ring
   * @return the requested numbers, or null for a malformed request
   */
  public static @Nullable Requested decode(byte[] data, int bufferStart, int bufferEnd) {
    int[] found = new int[Math.max(0, data.length - 1)];
    int count = decode(data, bufferStart, bufferEnd, found);
    if (count < 0) {
      return null;
    }
    return new Requested(
        Arrays.copyOf(found, count), count == 0 ? bufferStart - 1 : found[count - 1]);
  }

  /**
   * As {@link #decode(byte[], int, int)} without allocating: writes the requested numbers, in
   * ascending ring order, to {@code into} (which needs room for {@code data.length - 1}; the last
   * one is the last requested) and returns how many there are, or -1 if a byte is not zero where a
   * 255-run requires it.
   *
   * @param data the request, id byte first
   * @param bufferStart the start of our send ring
   * @param bufferEnd the end of our send ring
   * @param into where the requested numbers go, in ascending ring order
   * @return how many numbers were written, or -1 for a malformed request
   */
  public static int decode(byte[] data, int bufferStart, int bufferEnd, int[] into) {
    int count = 0;
    int idx = 1;
    int n = 1;
    for (int pos = bufferStart; pos != bufferEnd && idx < data.length; pos++) {
      if (n == (data[idx] & 0xFF)) {
        into[count++] = pos;
        idx++;
        n = 0;
      }
      if (n == 255) {
        n = 1;
        if (data[idx] != 0) {
          return -1;
        }
        idx++;
      } else {
        n++;
      }
    }
    return count;
  }
}
