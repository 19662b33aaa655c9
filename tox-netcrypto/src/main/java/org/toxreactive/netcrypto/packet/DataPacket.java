package org.toxreactive.netcrypto.packet;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.SharedKey;

/**
 * A data packet (docs/protocol.md 4.7), opened: the sender's cumulative ack, its packet number and
 * the data inside, a data id then its payload (see {@link DataKind}).
 *
 * <pre>
 * Offset | Length | Content
 * ------ | ------ | -------
 * 0      | 1      | 0x1B
 * 1      | 2      | bytes 22 and 23 of the sender's nonce (its low 16 bits, big-endian)
 * 3      | 16 + n | box(session key, the full nonce, plaintext of n)
 *
 * plaintext (n = 8 + p + L, at most 1381):
 * 0      | 4      | buffer_start, big-endian: the sender's receive ring start (a cumulative ack)
 * 4      | 4      | num, big-endian: the packet number (lossless), else the sender's send ring end
 * 8      | p      | zeros, p = (1373 - L) mod 8 (the receiver skips every leading zero)
 * 8 + p  | L      | data: data id ‖ payload, 1 &lt;= L &lt;= 1373
 * </pre>
 *
 * {@link #MIN_LENGTH} = 28 to {@link NetCryptoPacketKind#MAX_PACKET_SIZE} = 1400 bytes. Encoding
 * builds the box in place in one array; opening works in a caller's scratch array, so neither
 * copies the packet first.
 *
 * @param bufferStart the sender's receive ring start
 * @param num the packet number, or the sender's send ring end
 * @param data the data id, then the payload: a fresh array nobody else holds
 */
public record DataPacket(int bufferStart, int num, byte[] data) {
  /** Offset of the nonce fragment. */
  public static final int NONCE_FRAGMENT_OFFSET = Fields.KIND_SIZE;

  /** Offset of the box. */
  public static final int BOX_OFFSET = NONCE_FRAGMENT_OFFSET + 2;

  /** Plaintext offset of buffer_start. */
  static final int BUFFER_START_OFFSET = 0;

  /** Plaintext offset of num. */
  static final int NUM_OFFSET = BUFFER_START_OFFSET + 4;

  /** Plaintext offset of the padding (and, without padding, of the data). */
  static final int PADDING_OFFSET = NUM_OFFSET + 4;

  /** Everything but the data: 27 (CRYPTO_DATA_PACKET_MIN_SIZE). */
  public static final int OVERHEAD = BOX_OFFSET + CryptoBox.MAC_SIZE + PADDING_OFFSET;

  /** The shortest data packet: one data byte. */
  public static final int MIN_LENGTH = OVERHEAD + 1;

  /** At most this much data (data id plus payload) in one packet: 1373. */
  public static final int MAX_DATA = NetCryptoPacketKind.MAX_DATA_SIZE;

  /** Padding aligns the plaintext to this (CRYPTO_MAX_PADDING). */
  static final int PADDING_BLOCK = 8;

  /**
   * Checks the data.
   *
   * @param bufferStart the sender's receive ring start
   * @param num the packet number, or the sender's send ring end
   * @param data the data id, then the payload
   */
  public DataPacket {
    Objects.requireNonNull(data, "data");
  }

  /**
   * Whether a packet of {@code length} bytes may be a data packet.
   *
   * @param length a packet's length
   * @return whether it is {@link #MIN_LENGTH}..1400
   */
  public static boolean isLength(int length) {
    return length >= MIN_LENGTH && length <= NetCryptoPacketKind.MAX_PACKET_SIZE;
  }

  /**
   * The nonce fragment of a data packet.
   *
   * @param packet a data packet of at least {@link #BOX_OFFSET} bytes
   * @return the low 16 bits of the sender's nonce, 0..65535
   */
  public static int nonceFragment(Bytes packet) {
    return (packet.getUnsigned(NONCE_FRAGMENT_OFFSET) << 8)
        | packet.getUnsigned(NONCE_FRAGMENT_OFFSET + 1);
  }

  /**
   * A data packet carrying data id {@code id} and {@code payload}, the id and payload written
   * straight into the packet behind the box's tag slot, then sealed in place.
   *
   * @param sessionKey the session key
   * @param sendNonce our current send nonce, 24 bytes (the caller increments it afterwards)
   * @param bufferStart our receive ring start
   * @param num the packet number, or our send ring end
   * @param id the data id, 1..255
   * @param payload the payload; 1 + its length is at most {@link #MAX_DATA}
   * @param box the crypto to use
   * @return the packet
   * @throws IllegalArgumentException if the data is longer than {@link #MAX_DATA}
   */
  public static byte[] encode(
      SharedKey sessionKey,
      byte[] sendNonce,
      int bufferStart,
      int num,
      int id,
      Bytes payload,
      CryptoBox box) {
    byte[] out = new byte[length(payload)];
    encodeInto(sessionKey, sendNonce, bufferStart, num, id, payload, box, out);
    return out;
  }

  /**
   * As {@link #encode(SharedKey, byte[], int, int, int, Bytes, CryptoBox)}, into the start of
   * {@code out} instead of a new array: for a sender that seals every packet into one reused array
   * and hands it to a transport that copies it before returning ({@code PacketTransport.offer(path,
   * packet, offset, length)}).
   *
   * @param sessionKey the session key
   * @param sendNonce our current send nonce, 24 bytes (the caller increments it afterwards)
   * @param bufferStart our receive ring start
   * @param num the packet number, or our send ring end
   * @param id the data id, 1..255
   * @param payload the payload; 1 + its length is at most {@link #MAX_DATA}
   * @param box the crypto to use
   * @param out where the packet goes, at least {@link NetCryptoPacketKind#MAX_PACKET_SIZE} bytes
   *     (or the packet's length); bytes behind the packet are left as they were
   * @return the packet's length in {@code out}
   * @throws IllegalArgumentException if the data is longer than {@link #MAX_DATA}
   */
  public static int encodeInto(
      SharedKey sessionKey,
      byte[] sendNonce,
      int bufferStart,
      int num,
      int id,
      Bytes payload,
      CryptoBox box,
      byte[] out) {
    int total = length(payload);
    int length = 1 + payload.length();
    out[0] = NetCryptoPacketKind.DATA.idByte();
    out[NONCE_FRAGMENT_OFFSET] = sendNonce[Nonce.SIZE - 2];
    out[NONCE_FRAGMENT_OFFSET + 1] = sendNonce[Nonce.SIZE - 1];
    int plain = BOX_OFFSET + CryptoBox.MAC_SIZE;
    Fields.putBe32(out, plain + BUFFER_START_OFFSET, bufferStart);
    Fields.putBe32(out, plain + NUM_OFFSET, num);
    Arrays.fill(out, plain + PADDING_OFFSET, total - length, (byte) 0); // a reused array
    out[total - length] = (byte) id;
    payload.copyTo(0, out, total - payload.length(), payload.length());
    box.sealInPlace(sessionKey, sendNonce, out, BOX_OFFSET, total - plain);
    return total;
  }

  /** The packet's length for {@code payload} behind a data id, padding included. */
  private static int length(Bytes payload) {
    int length = 1 + payload.length();
    if (length > MAX_DATA) {
      throw new IllegalArgumentException("data of " + length + " bytes (1.." + MAX_DATA + ")");
    }
    int pad = (MAX_DATA - length) % PADDING_BLOCK;
    return OVERHEAD + pad + length;
  }

  /**
   * As {@link #encode(SharedKey, byte[], int, int, int, Bytes, CryptoBox)}, of data given as one
   * array (id first).
   *
   * @param sessionKey the session key
   * @param sendNonce our current send nonce
   * @param bufferStart our receive ring start
   * @param num the packet number, or our send ring end
   * @param data the data id then the payload, 1..{@link #MAX_DATA} bytes
   * @param box the crypto to use
   * @return the packet
   */
  public static byte[] encode(
      SharedKey sessionKey,
      byte[] sendNonce,
      int bufferStart,
      int num,
      byte[] data,
      CryptoBox box) {
    if (data.length < 1) {
      throw new IllegalArgumentException("data of 0 bytes (1.." + MAX_DATA + ")");
    }
    return encode(
        sessionKey,
        sendNonce,
        bufferStart,
        num,
        data[0] & 0xFF,
        Bytes.adopt(data, 1, data.length - 1),
        box);
  }

  /**
   * Opens a data packet with the expanded nonce, in {@code scratch} ({@code packet} stays as it
   * was).
   *
   * @param sessionKey the session key
   * @param nonce the full nonce the packet's fragment expands to
   * @param packet the packet, id byte first
   * @param scratch at least {@code packet.length() - 3} bytes the caller does not need any more
   * @param box the crypto to use
   * @return the packet, or null if it is not {@link #isLength a data packet's length}, does not
   *     open or holds nothing but zeros after its header
   */
  public static @Nullable DataPacket open(
      SharedKey sessionKey, byte[] nonce, Bytes packet, byte[] scratch, CryptoBox box) {
    if (!isLength(packet.length())) {
      return null;
    }
    int len = packet.length() - BOX_OFFSET;
    packet.copyTo(BOX_OFFSET, scratch, 0, len);
    if (!box.openInPlace(sessionKey, nonce, scratch, 0, len)) {
      return null;
    }
    int plain = CryptoBox.MAC_SIZE;
    int i = plain + PADDING_OFFSET;
    while (i < len && scratch[i] == 0) {
      i++;
    }
    if (i == len) {
      return null; // all padding
    }
    return new DataPacket(
        Fields.be32(scratch, plain + BUFFER_START_OFFSET),
        Fields.be32(scratch, plain + NUM_OFFSET),
        Arrays.copyOfRange(scratch, i, len));
  }

  /**
   * The kind of the data inside.
   *
   * @return the kind of {@code data[0]}
   */
  public DataKind kind() {
    return DataKind.ofId(data[0] & 0xFF);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof DataPacket d
        && bufferStart == d.bufferStart
        && num == d.num
        && Arrays.equals(data, d.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(bufferStart, num, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "DataPacket[bufferStart=" + bufferStart + ", num=" + num + ", " + data.length + " B]";
  }
}
