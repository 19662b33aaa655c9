package org.toxreactive.netcrypto.packet;

import java.util.Arrays;

/**
 * The packet request (data id 1, PROTOCOL.md 4.10): the receiver's list of holes, run-length coded
 * in bytes, relative to its {@code buffer_start}. Encoder and decoder walk positions with a counter
 * {@code n} starting at 1: a hole writes {@code n} and resets it; a run of 255 present packets
 * writes 0.
 */
public final class PacketRequest {
  public static final byte ID = 1;

  /** MAX_CRYPTO_DATA_SIZE. */
  public static final int MAX_DATA = 1373;

  private PacketRequest() {}

  /** What a request asks for. {@code lastRequested} is meaningless when none is requested. */
  public record Requested(int[] requestedNumbers, int lastRequested) {}

  /** The request for the holes of {@code receiveRing}, starting with the id byte. */
  public static byte[] encode(PacketRing<?> receiveRing) {
    byte[] out = new byte[MAX_DATA];
    out[0] = ID;
    int len = 1;
    int n = 1;
    for (int i = receiveRing.start(); i != receiveRing.end() && len < MAX_DATA; i++) {
      if (receiveRing.get(i) == null) {
        out[len++] = (byte) n;
        n = 0;
      } else if (n == 255) {
        out[len++] = 0;
        n = 0;
      }
      n++;
    }
    return Arrays.copyOf(out, len);
  }

  /**
   * Decodes a request (starting with the id byte) relative to {@code bufferStart}, walking at most
   * to {@code bufferEnd}. Returns null if a byte is not zero where a 255-run requires it.
   */
  public static Requested decode(byte[] data, int bufferStart, int bufferEnd) {
    int[] found = new int[Math.max(0, data.length - 1)];
    int count = 0;
    int idx = 1;
    int n = 1;
    int last = bufferStart - 1;
    for (int pos = bufferStart; pos != bufferEnd && idx < data.length; pos++) {
      if (n == (data[idx] & 0xFF)) {
        found[count++] = pos;
        last = pos;
        idx++;
        n = 0;
      }
      if (n == 255) {
        n = 1;
        if (data[idx] != 0) {
          return null;
        }
        idx++;
      } else {
        n++;
      }
    }
    return new Requested(Arrays.copyOf(found, count), last);
  }
}
