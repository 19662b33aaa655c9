package org.toxreactive.dht.packet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.ToxProtocolException;

/**
 * Bootstrap info, packet 0xF0 (c-toxcore other/bootstrap_node_packets.c; docs/protocol.md,
 * "Bootstrap info"). Not encrypted. The request is any packet of exactly 78 bytes whose first byte
 * is 0xF0 (the rest is ignored; clients send zeros). The response:
 *
 * <pre>
 * Offset | Length  | Content
 * ------ | ------- | -------
 * 0      | 1       | 0xF0
 * 1      | 4       | version, big-endian (tox-bootstrapd: 1AAABBBCCC, 0.2.18 = 1000002018)
 * 5      | 0..256  | MOTD (tox-bootstrapd sends the string and its terminating NUL)
 * </pre>
 */
public record BootstrapInfo(long version, byte[] motd) {
  /** Length of a request: 0xF0 and 77 zero bytes, as c-toxcore sends it. */
  public static final int REQUEST_SIZE = 78;

  /** Longest MOTD in bytes, as tox-bootstrapd. */
  public static final int MAX_MOTD = 256;

  /** Response header: the id byte and the 4-byte version. */
  public static final int HEADER = 1 + 4;

  /**
   * A response; the MOTD is copied.
   *
   * @param version the version number, unsigned 32 bits (see {@link #daemonVersion})
   * @param motd the MOTD bytes, at most {@link #MAX_MOTD}
   * @throws IllegalArgumentException if the version does not fit 32 bits or the MOTD is too long
   */
  public BootstrapInfo {
    if (version < 0 || version > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("version must be a u32, got " + version);
    }
    if (motd.length > MAX_MOTD) {
      throw new IllegalArgumentException("MOTD of " + motd.length + " bytes, at most 256");
    }
    motd = motd.clone();
  }

  /**
   * tox-bootstrapd's version number for c-toxcore major.minor.patch: 1AAABBBCCC.
   *
   * @param major major version
   * @param minor minor version, 0 to 999
   * @param patch patch version, 0 to 999
   * @return the version number, e.g. 1000002018 for 0.2.18, as tox-bootstrapd computes it
   */
  public static long daemonVersion(int major, int minor, int patch) {
    return 1_000_000_000L + major * 1_000_000L + minor * 1_000L + patch;
  }

  /**
   * True for a valid request: 78 bytes starting with 0xF0.
   *
   * @param in the datagram (borrowed; indices unchanged)
   * @return whether it is a bootstrap info request
   */
  public static boolean isRequest(ByteBuf in) {
    return in.readableBytes() == REQUEST_SIZE
        && in.getUnsignedByte(in.readerIndex()) == DhtPacketKind.BOOTSTRAP_INFO.id();
  }

  /**
   * A request as clients send it: 0xF0 and 77 zeros.
   *
   * @return a new heap buffer the caller owns and must release (or write)
   */
  public static ByteBuf request() {
    ByteBuf b = Unpooled.buffer(REQUEST_SIZE);
    b.writeByte(DhtPacketKind.BOOTSTRAP_INFO.id());
    b.writeZero(REQUEST_SIZE - 1);
    return b;
  }

  /**
   * Encodes the response: 0xF0, the version big-endian, the MOTD.
   *
   * @return a new heap buffer the caller owns and must release (or write)
   */
  public ByteBuf encode() {
    ByteBuf b = Unpooled.buffer(HEADER + motd.length);
    b.writeByte(DhtPacketKind.BOOTSTRAP_INFO.id());
    b.writeInt((int) version);
    b.writeBytes(motd);
    return b;
  }

  /**
   * Decodes a response; borrows {@code in}.
   *
   * @throws ToxProtocolException (one line) if it is not 5..261 bytes starting with 0xF0
   * @param in the whole response datagram (borrowed)
   * @return the response
   */
  public static BootstrapInfo decode(ByteBuf in) {
    int length = in.readableBytes();
    if (length < HEADER || length > HEADER + MAX_MOTD) {
      throw new ToxProtocolException("bootstrap info of " + length + " bytes, must be 5..261");
    }
    int at = in.readerIndex();
    if (in.getUnsignedByte(at) != DhtPacketKind.BOOTSTRAP_INFO.id()) {
      throw new ToxProtocolException("not a bootstrap info packet");
    }
    byte[] motd = new byte[length - HEADER];
    in.getBytes(at + HEADER, motd);
    return new BootstrapInfo(in.getUnsignedInt(at + 1), motd);
  }

  /**
   * The MOTD text: without a trailing NUL, UTF-8.
   *
   * @return the text
   */
  public String motdText() {
    int n = motd.length;
    if (n > 0 && motd[n - 1] == 0) {
      n--;
    }
    return new String(motd, 0, n, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof BootstrapInfo b && b.version == version && Arrays.equals(b.motd, motd);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(version) * 31 + Arrays.hashCode(motd);
  }

  @Override
  public String toString() {
    return "BootstrapInfo[version=" + version + ", motd=" + motdText() + "]";
  }
}
