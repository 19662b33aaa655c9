package org.toxreactive.test.sim;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A packet on the simulated network: who sent it, to whom, and its bytes (copied in and out, so a
 * packet is a value).
 */
public record SimPacket(String from, String to, byte[] data) {
  /**
   * Copies {@code data}.
   *
   * @param from the sender's name
   * @param to the receiver's name
   * @param data the bytes
   */
  public SimPacket {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    data = data.clone();
  }

  /**
   * A copy of the bytes.
   *
   * @return a new array
   */
  @Override
  public byte[] data() {
    return data.clone();
  }

  /**
   * The packet's size.
   *
   * @return the number of bytes
   */
  public int length() {
    return data.length;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SimPacket p
        && from.equals(p.from)
        && to.equals(p.to)
        && Arrays.equals(data, p.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(from, to, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return from + "->" + to + "[" + HexFormat.of().formatHex(data) + "]";
  }
}
