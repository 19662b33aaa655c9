package org.toxreactive.transport.tcp;

import io.netty.buffer.ByteBuf;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.SharedKey;

/**
 * The encrypted state of one relay link after the handshake: one session key for both directions
 * and two nonce counters. "The base nonce you send is your own send counter": each side encrypts
 * its frames starting at the base nonce it sent in its handshake half, and decrypts the peer's
 * frames starting at the base nonce the peer sent. Each counter is incremented (big-endian) once
 * per frame.
 *
 * <p>Not thread-safe: owned by the link's event loop.
 */
public final class SecureSession {
  private final SharedKey key;
  private final byte[] sendNonce;
  private final byte[] recvNonce;
  private final CryptoBox box = new CryptoBox();

  SecureSession(SharedKey key, Nonce ownBaseNonce, Nonce peerBaseNonce) {
    this.key = key;
    this.sendNonce = ownBaseNonce.toArray();
    this.recvNonce = peerBaseNonce.toArray();
  }

  /**
   * Encrypts {@code len} readable bytes of {@code plaintext} into a frame, {@code u16 BE length ‖
   * MAC ‖ ciphertext}, appended to {@code out}, and advances the send nonce. Borrows both buffers;
   * {@code plaintext}'s indices do not move.
   */
  public void seal(ByteBuf plaintext, int len, ByteBuf out) {
    if (len > RelayProtocol.MAX_PLAINTEXT) {
      throw new IllegalArgumentException(
          "relay packet of " + len + " bytes exceeds " + RelayProtocol.MAX_PLAINTEXT);
    }
    out.writeShort(len + CryptoBox.MAC_SIZE);
    box.seal(key, sendNonce, plaintext, len, out);
    Nonce.incrementInPlace(sendNonce);
  }

  /**
   * Decrypts one frame body (MAC ‖ ciphertext, without the length prefix: all readable bytes of
   * {@code frame}) into {@code out} and advances the receive nonce. Borrows both buffers.
   *
   * @return false if the frame does not authenticate; the receive nonce is then unchanged and the
   *     link must be closed
   */
  public boolean open(ByteBuf frame, ByteBuf out) {
    if (!box.open(key, recvNonce, frame, frame.readableBytes(), out)) {
      return false;
    }
    Nonce.incrementInPlace(recvNonce);
    return true;
  }
}
