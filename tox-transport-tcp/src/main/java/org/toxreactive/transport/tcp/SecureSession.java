package org.toxreactive.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.SharedKey;
import org.toxreactive.transport.tcp.packet.RelayPacket;

/**
 * The encrypted state of one relay link after the handshake: one session key for both directions
 * and two nonce counters. "The base nonce you send is your own send counter": each side encrypts
 * its frames starting at the base nonce it sent in its handshake half, and decrypts the peer's
 * frames starting at the base nonce the peer sent. Each counter is incremented (big-endian) once
 * per frame.
 *
 * <p>Not thread-safe: owned by the link's event loop. A link holds only its key and its two nonces
 * (about 150 bytes); the cipher state and the frame scratch buffer belong to the thread (one per
 * event loop), so an idle link costs no crypto memory.
 */
public final class SecureSession {
  /** Per thread: the cipher and a buffer one frame long, where frames are encoded and opened. */
  private static final FastThreadLocal<Workspace> WORKSPACE =
      new FastThreadLocal<>() {
        @Override
        protected Workspace initialValue() {
          return new Workspace();
        }
      };

  private static final class Workspace {
    final CryptoBox box = new CryptoBox();

    /**
     * Direct memory with libsodium (frames are sealed from it into the pooled frame and opened from
     * the pooled frame into it, with no Java copy), heap with pure Java (sealed and opened in place
     * in its array).
     */
    final boolean direct = box.prefersDirectBuffers();

    final ByteBuf frame =
        Unpooled.unreleasableBuffer(
            direct
                // a wrapped ByteBuffer: freed by the GC with its thread, which an event loop's
                // FastThreadLocal does not always see end (no leak-tracked allocator buffer)
                ? Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(RelayProtocol.MAX_FRAME_LENGTH))
                    .clear()
                : Unpooled.buffer(RelayProtocol.MAX_FRAME_LENGTH));
  }

  private final SharedKey key;
  private final byte[] sendNonce;
  private final byte[] recvNonce;

  SecureSession(SharedKey key, Nonce ownBaseNonce, Nonce peerBaseNonce) {
    this.key = key;
    this.sendNonce = ownBaseNonce.toArray();
    this.recvNonce = peerBaseNonce.toArray();
  }

  /**
   * Encrypts {@code len} readable bytes of {@code plaintext} into a frame, {@code u16 BE length ‖
   * MAC ‖ ciphertext}, appended to {@code out}, and advances the send nonce. Borrows both buffers;
   * {@code plaintext}'s indices do not move.
   *
   * @param plaintext the bytes to seal (the caller's)
   * @param len how many of them
   * @param out where the frame goes (the caller's)
   */
  public void seal(ByteBuf plaintext, int len, ByteBuf out) {
    if (len > RelayProtocol.MAX_PLAINTEXT) {
      throw new IllegalArgumentException(
          "relay packet of " + len + " bytes exceeds " + RelayProtocol.MAX_PLAINTEXT);
    }
    out.writeShort(len + CryptoBox.MAC_SIZE);
    WORKSPACE.get().box.seal(key, sendNonce, plaintext, len, out);
    Nonce.incrementInPlace(sendNonce);
  }

  /**
   * Encodes {@code packet}, seals it and returns the frame ({@code u16 BE length ‖ MAC ‖
   * ciphertext}) in a new buffer from {@code alloc}, which the caller owns. The plaintext is built
   * in this thread's scratch buffer; with libsodium it is sealed from there into the frame (no Java
   * copy), with pure Java sealed in place and copied into the frame. Nothing is allocated but the
   * frame.
   *
   * @throws IllegalArgumentException if the packet encodes to more than {@link
   *     RelayProtocol#MAX_PLAINTEXT} bytes
   * @param packet the packet
   * @param alloc allocates the frame
   * @return the frame; the caller releases it
   */
  public ByteBuf sealFrame(RelayPacket packet, ByteBufAllocator alloc) {
    int len = packet.encodedLength();
    if (len > RelayProtocol.MAX_PLAINTEXT) {
      throw new IllegalArgumentException(
          "relay packet of " + len + " bytes exceeds " + RelayProtocol.MAX_PLAINTEXT);
    }
    Workspace w = WORKSPACE.get();
    ByteBuf s = w.frame;
    if (w.direct) {
      s.clear();
      packet.encode(s);
      checkEncoded(s.writerIndex(), len);
      ByteBuf frame = alloc.buffer(RelayProtocol.LENGTH_FIELD_SIZE + CryptoBox.MAC_SIZE + len);
      frame.writeShort(CryptoBox.MAC_SIZE + len);
      w.box.seal(key, sendNonce, s, len, frame);
      Nonce.incrementInPlace(sendNonce);
      return frame;
    }
    s.setIndex(0, CryptoBox.MAC_SIZE);
    packet.encode(s);
    checkEncoded(s.writerIndex() - CryptoBox.MAC_SIZE, len);
    w.box.sealInPlace(key, sendNonce, s.array(), s.arrayOffset(), len);
    Nonce.incrementInPlace(sendNonce);
    ByteBuf frame = alloc.buffer(RelayProtocol.LENGTH_FIELD_SIZE + CryptoBox.MAC_SIZE + len);
    frame.writeShort(CryptoBox.MAC_SIZE + len);
    frame.writeBytes(s.array(), s.arrayOffset(), CryptoBox.MAC_SIZE + len);
    return frame;
  }

  /**
   * Seals the readable bytes of {@code plaintext}, a whole packet encoded already (a data packet
   * copied there from a caller's array), into a new frame ({@code u16 BE length ‖ MAC ‖
   * ciphertext}) from {@code alloc}, which the caller owns, and advances the send nonce. Borrows
   * {@code plaintext}: neither released nor are its indices moved. With libsodium and direct
   * buffers it is sealed where it lies into the frame; otherwise through the box's scratch. Nothing
   * is allocated but the frame.
   *
   * @throws IllegalArgumentException if there are more than {@link RelayProtocol#MAX_PLAINTEXT}
   *     bytes
   * @param plaintext the encoded packet (the caller's)
   * @param alloc allocates the frame
   * @return the frame; the caller releases it
   */
  public ByteBuf sealEncoded(ByteBuf plaintext, ByteBufAllocator alloc) {
    int len = plaintext.readableBytes();
    if (len > RelayProtocol.MAX_PLAINTEXT) {
      throw new IllegalArgumentException(
          "relay packet of " + len + " bytes exceeds " + RelayProtocol.MAX_PLAINTEXT);
    }
    ByteBuf frame = alloc.buffer(RelayProtocol.LENGTH_FIELD_SIZE + CryptoBox.MAC_SIZE + len);
    frame.writeShort(CryptoBox.MAC_SIZE + len);
    WORKSPACE.get().box.seal(key, sendNonce, plaintext, len, frame);
    Nonce.incrementInPlace(sendNonce);
    return frame;
  }

  private static void checkEncoded(int wrote, int declared) {
    if (wrote != declared) {
      throw new IllegalStateException("encoder wrote " + wrote + " bytes, declared " + declared);
    }
  }

  /**
   * Decrypts one frame body (MAC ‖ ciphertext, all readable bytes of {@code frame}, at most {@link
   * RelayProtocol#MAX_FRAME_LENGTH}) into this thread's scratch buffer and advances the receive
   * nonce. Borrows {@code frame}.
   *
   * @return the plaintext, valid only until the next frame is sealed or opened on this thread (do
   *     not keep or release it), or null if the frame does not authenticate (the receive nonce is
   *     then unchanged and the link must be closed)
   * @param frame the frame (the caller's)
   */
  public @Nullable ByteBuf openFrame(ByteBuf frame) {
    int len = frame.readableBytes();
    if (len < CryptoBox.MAC_SIZE || len > RelayProtocol.MAX_FRAME_LENGTH) {
      return null;
    }
    Workspace w = WORKSPACE.get();
    ByteBuf s = w.frame;
    if (w.direct) { // libsodium from the received frame straight into the direct scratch
      s.setIndex(CryptoBox.MAC_SIZE, CryptoBox.MAC_SIZE);
      if (!w.box.open(key, recvNonce, frame, len, s)) {
        return null;
      }
      Nonce.incrementInPlace(recvNonce);
      return s;
    }
    byte[] a = s.array();
    int at = s.arrayOffset();
    frame.getBytes(frame.readerIndex(), a, at, len);
    if (!w.box.openInPlace(key, recvNonce, a, at, len)) {
      return null;
    }
    Nonce.incrementInPlace(recvNonce);
    return s.setIndex(CryptoBox.MAC_SIZE, len);
  }

  /**
   * Decrypts one frame body (MAC ‖ ciphertext, without the length prefix: all readable bytes of
   * {@code frame}) into {@code out} and advances the receive nonce. Borrows both buffers.
   *
   * @return false if the frame does not authenticate; the receive nonce is then unchanged and the
   *     link must be closed
   * @param frame the frame (the caller's)
   * @param out where the plaintext goes (the caller's)
   */
  public boolean open(ByteBuf frame, ByteBuf out) {
    if (!WORKSPACE.get().box.open(key, recvNonce, frame, frame.readableBytes(), out)) {
      return false;
    }
    Nonce.incrementInPlace(recvNonce);
    return true;
  }
}
