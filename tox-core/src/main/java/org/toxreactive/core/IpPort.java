package org.toxreactive.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An IP address and UDP port as Tox puts them on the wire. Addresses are built from raw bytes only,
 * so nothing here ever performs a DNS lookup.
 *
 * <p>Two wire forms exist (docs/protocol.md 2.4 and 5):
 *
 * <pre>
 * packed (TCP forward request, id 10)     fixed (onion, always 19 bytes)
 * Length | Content                        Length | Content
 * ------ | -------                        ------ | -------
 * 1      | family: 2 = IPv4, 10 = IPv6    1      | family: 2 = IPv4, 10 = IPv6
 * 4 / 16 | address, network order         16     | address; IPv4 in the first 4, then zeros
 * 2      | port, big-endian               2      | port, big-endian
 * </pre>
 *
 * <pre>{@code
 * IpPort node = IpPort.readPacked(buf);   // 7 or 19 bytes
 * node.writeFixed19(onionPlaintext);      // always 19 bytes
 * }</pre>
 *
 * <p>The family follows the address class: an {@link Inet6Address} is always written as family 10,
 * even when it is IPv4-mapped, and reading family 10 always yields an {@link Inet6Address}, so a
 * packet decodes and re-encodes to the same bytes.
 */
public record IpPort(InetAddress address, int port) {
  /** Wire family of IPv4. */
  public static final int FAMILY_IPV4 = 2;

  /** Wire family of IPv6. */
  public static final int FAMILY_IPV6 = 10;

  /** Wire family of a TCP relay's IPv4 address (DHT nodes). */
  public static final int FAMILY_TCP_IPV4 = 130;

  /** Wire family of a TCP relay's IPv6 address (DHT nodes). */
  public static final int FAMILY_TCP_IPV6 = 138;

  /** Largest port. */
  public static final int MAX_PORT = 0xFFFF;

  private static final int FAMILY_SIZE = 1;
  private static final int IPV4_SIZE = 4;
  private static final int IPV6_SIZE = 16;
  private static final int PORT_SIZE = Short.BYTES;

  /** Packed IPv4 form: 1 + 4 + 2 = 7. */
  public static final int PACKED_IPV4_SIZE = FAMILY_SIZE + IPV4_SIZE + PORT_SIZE;

  /** Packed IPv6 form: 1 + 16 + 2 = 19. */
  public static final int PACKED_IPV6_SIZE = FAMILY_SIZE + IPV6_SIZE + PORT_SIZE;

  /** The onion form ({@code SIZE_IPPORT}), 19 bytes for either family. */
  public static final int FIXED_SIZE = PACKED_IPV6_SIZE;

  /**
   * Checks the port.
   *
   * @param address the IP address
   * @param port 0..65535
   */
  public IpPort {
    Objects.requireNonNull(address, "address");
    if (port < 0 || port > MAX_PORT) {
      throw new IllegalArgumentException("port must be 0.." + MAX_PORT + ", got " + port);
    }
  }

  /**
   * Whether the address is IPv4.
   *
   * @return whether it is an {@link Inet4Address}
   */
  public boolean isIpv4() {
    return address instanceof Inet4Address;
  }

  /**
   * The wire family: {@link #FAMILY_IPV4} or {@link #FAMILY_IPV6}.
   *
   * @return 2 or 10
   */
  public int family() {
    return isIpv4() ? FAMILY_IPV4 : FAMILY_IPV6;
  }

  /**
   * Length of the packed form: 7 or 19.
   *
   * @return the length in bytes
   */
  public int packedLength() {
    return isIpv4() ? PACKED_IPV4_SIZE : PACKED_IPV6_SIZE;
  }

  /**
   * Writes the packed form ({@link #packedLength()} bytes) at {@code out}'s position, advancing it.
   *
   * @param out the buffer
   */
  public void writePacked(ByteBuffer out) {
    ByteBuf b = Unpooled.buffer(packedLength());
    writePacked(b);
    out.put(b.array(), b.arrayOffset(), b.readableBytes());
  }

  /**
   * Writes the 19-byte onion form at {@code out}'s position, advancing it.
   *
   * @param out the buffer
   */
  public void writeFixed19(ByteBuffer out) {
    ByteBuf b = Unpooled.buffer(FIXED_SIZE);
    writeFixed19(b);
    out.put(b.array(), b.arrayOffset(), b.readableBytes());
  }

  /**
   * Reads the packed form at {@code in}'s position, advancing it; failures as {@link
   * #readPacked(ByteBuf)} (the position is unchanged then).
   *
   * @param in the buffer
   * @return the address and port
   */
  public static IpPort readPacked(ByteBuffer in) {
    ByteBuf b = Unpooled.wrappedBuffer(in.duplicate());
    IpPort ip = readPacked(b);
    in.position(in.position() + b.readerIndex());
    return ip;
  }

  /**
   * Reads the 19-byte onion form at {@code in}'s position, advancing it; failures as {@link
   * #readPacked(ByteBuf)} (the position is unchanged then).
   *
   * @param in the buffer
   * @return the address and port
   */
  public static IpPort readFixed19(ByteBuffer in) {
    ByteBuf b = Unpooled.wrappedBuffer(in.duplicate());
    IpPort ip = readFixed19(b);
    in.position(in.position() + b.readerIndex());
    return ip;
  }

  /**
   * Writes the packed form ({@link #packedLength()} bytes).
   *
   * <p>Internal: for this project's Netty codecs (applications use {@link
   * #writePacked(ByteBuffer)}). The caller owns {@code out}: it is neither retained nor released.
   *
   * @param out the buffer
   */
  public void writePacked(ByteBuf out) {
    out.writeByte(family());
    out.writeBytes(address.getAddress());
    out.writeShort(port);
  }

  /**
   * Writes the 19-byte onion form.
   *
   * <p>Internal: for this project's Netty codecs (applications use {@link
   * #writeFixed19(ByteBuffer)}). The caller owns {@code out}: it is neither retained nor released.
   *
   * @param out the buffer
   */
  public void writeFixed19(ByteBuf out) {
    byte[] raw = address.getAddress();
    out.writeByte(family());
    out.writeBytes(raw);
    out.writeZero(IPV6_SIZE - raw.length);
    out.writeShort(port);
  }

  /**
   * Reads the packed form. On failure (truncated, or a family other than 2 and 10, including the
   * TCP families) throws {@link ToxProtocolException} and leaves the reader index unchanged.
   *
   * <p>Internal: for this project's Netty codecs (applications use {@link
   * #readPacked(ByteBuffer)}). The caller owns {@code in}: it is neither retained nor released.
   *
   * @param in the buffer
   * @return the address and port
   */
  public static IpPort readPacked(ByteBuf in) {
    int addressSize = addressSize(in, "packed");
    requireReadable(in, FAMILY_SIZE + addressSize + PORT_SIZE, "packed");
    in.skipBytes(FAMILY_SIZE);
    byte[] raw = new byte[addressSize];
    in.readBytes(raw);
    return new IpPort(toAddress(raw), in.readUnsignedShort());
  }

  /**
   * Reads the 19-byte onion form; for IPv4 the 12 padding bytes are skipped unchecked. Failures are
   * as for {@link #readPacked(ByteBuf)}.
   *
   * <p>Internal: for this project's Netty codecs (applications use {@link
   * #readFixed19(ByteBuffer)}). The caller owns {@code in}: it is neither retained nor released.
   *
   * @param in the buffer
   * @return the address and port
   */
  public static IpPort readFixed19(ByteBuf in) {
    int addressSize = addressSize(in, "fixed");
    requireReadable(in, FIXED_SIZE, "fixed");
    in.skipBytes(FAMILY_SIZE);
    byte[] raw = new byte[addressSize];
    in.readBytes(raw);
    in.skipBytes(IPV6_SIZE - addressSize);
    return new IpPort(toAddress(raw), in.readUnsignedShort());
  }

  private static int addressSize(ByteBuf in, String form) {
    requireReadable(in, FAMILY_SIZE, form);
    int family = in.getUnsignedByte(in.readerIndex());
    if (family == FAMILY_IPV4) {
      return IPV4_SIZE;
    }
    if (family == FAMILY_IPV6) {
      return IPV6_SIZE;
    }
    throw new ToxProtocolException("unsupported IP_Port family " + family);
  }

  private static void requireReadable(ByteBuf in, int size, String form) {
    if (in.readableBytes() < size) {
      throw new ToxProtocolException(
          "truncated " + form + " IP_Port: " + in.readableBytes() + " bytes, need " + size);
    }
  }

  /**
   * The address for 4 or 16 raw bytes, without any lookup; 16 bytes always give an {@link
   * Inet6Address}, IPv4-mapped ones included.
   *
   * @param raw 4 or 16 bytes
   * @return the address, without any lookup
   */
  public static InetAddress address(byte[] raw) {
    if (raw.length != IPV4_SIZE && raw.length != IPV6_SIZE) {
      throw new IllegalArgumentException("address must be 4 or 16 bytes, got " + raw.length);
    }
    return toAddress(raw);
  }

  private static InetAddress toAddress(byte[] raw) {
    try {
      // Inet6Address.getByAddress keeps IPv4-mapped addresses as IPv6, so family 10 round-trips.
      return raw.length == IPV4_SIZE
          ? InetAddress.getByAddress(raw)
          : Inet6Address.getByAddress(null, raw, -1);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("address length was checked", e);
    }
  }

  @Override
  public String toString() {
    return isIpv4()
        ? address.getHostAddress() + ":" + port
        : "[" + address.getHostAddress() + "]:" + port;
  }
}
