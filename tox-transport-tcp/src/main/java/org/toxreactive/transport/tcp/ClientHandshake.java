package org.toxreactive.transport.tcp;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;

/**
 * The client half of the relay handshake (docs/protocol.md 2.2).
 *
 * <pre>
 * hello (128, raw):    client DHT pk (32) ‖ nonce n1 (24) ‖ box(beforenm(S, c_sk), n1, Ct ‖ Nc) (72)
 * response (96, raw):  nonce n2 (24) ‖ box(same key, n2, St ‖ Ns) (72)
 * session key:         beforenm(St, Ct_sk); client sends with Nc, receives with Ns
 * </pre>
 */
public final class ClientHandshake {
  private final SharedKey longTermKey;
  private final KeyPair temporary;
  private final Nonce baseNonce;
  private final @Nullable Nonce helloNonce;
  private final PublicKey clientKey;
  private final CryptoBox box = new CryptoBox();

  /**
   * @param client the client's DHT key pair (its identity towards relays)
   * @param relayKey the relay's long-term public key
   */
  public ClientHandshake(KeyPair client, PublicKey relayKey) {
    this(client, relayKey, KeyPair.generate(), Nonce.random(), null);
  }

  private ClientHandshake(
      KeyPair client,
      PublicKey relayKey,
      KeyPair temporary,
      Nonce baseNonce,
      @Nullable Nonce helloNonce) {
    this.clientKey = client.publicKey();
    this.longTermKey = CryptoBox.beforenm(relayKey, client.secretKey());
    this.temporary = temporary;
    this.baseNonce = baseNonce;
    this.helloNonce = helloNonce;
  }

  /**
   * A handshake whose random inputs are given instead of drawn, so that its bytes can be compared
   * with golden vectors. Only for tests: a real client must never reuse a temporary key or nonce.
   *
   * @param client the client's DHT key pair
   * @param relayKey the relay's long-term public key
   * @param temporary the session key pair (Ct)
   * @param baseNonce the client's base send nonce (Nc)
   * @param helloNonce the nonce that seals the hello (n1)
   * @return a handshake that writes the same hello every time
   */
  public static ClientHandshake withFixedInputsForTesting(
      KeyPair client, PublicKey relayKey, KeyPair temporary, Nonce baseNonce, Nonce helloNonce) {
    return new ClientHandshake(client, relayKey, temporary, baseNonce, helloNonce);
  }

  /**
   * Writes the 128-byte hello to {@code out}.
   *
   * @param out the buffer (the caller's; not released)
   */
  public void writeHello(ByteBuf out) {
    Nonce n1 = helloNonce != null ? helloNonce : Nonce.random();
    byte[] plain = new byte[RelayProtocol.HANDSHAKE_PLAIN_SIZE];
    temporary.publicKey().copyTo(plain, 0);
    System.arraycopy(baseNonce.toArray(), 0, plain, PublicKey.SIZE, Nonce.SIZE);
    clientKey.writeTo(out);
    n1.writeTo(out);
    out.writeBytes(box.seal(longTermKey, n1, plain));
  }

  /**
   * Reads the 96-byte server response (exactly {@link RelayProtocol#SERVER_RESPONSE_SIZE} readable
   * bytes are consumed) and derives the session.
   *
   * @throws HandshakeException if it does not decrypt: the relay key is wrong or the bytes are bad
   * @param in the relay's 96-byte response (the caller's; not released)
   * @return the session keys of the link
   */
  public SecureSession readResponse(ByteBuf in) {
    Nonce n2 = Nonce.read(in);
    byte[] sealed = new byte[CryptoBox.MAC_SIZE + RelayProtocol.HANDSHAKE_PLAIN_SIZE];
    in.readBytes(sealed);
    byte[] plain = box.open(longTermKey, n2, sealed);
    if (plain == null) {
      throw new HandshakeException(
          "relay handshake response did not decrypt: wrong relay public key or corrupted reply");
    }
    byte[] st = new byte[PublicKey.SIZE];
    System.arraycopy(plain, 0, st, 0, PublicKey.SIZE);
    byte[] ns = new byte[Nonce.SIZE];
    System.arraycopy(plain, PublicKey.SIZE, ns, 0, Nonce.SIZE);
    SharedKey session;
    try {
      session = CryptoBox.beforenm(PublicKey.of(st), temporary.secretKey());
    } catch (IllegalArgumentException e) {
      throw new HandshakeException("relay sent a low-order temporary key");
    }
    return new SecureSession(session, baseNonce, Nonce.of(ns));
  }
}
