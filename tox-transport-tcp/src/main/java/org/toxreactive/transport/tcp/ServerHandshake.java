package org.toxreactive.transport.tcp;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;

/**
 * The relay (server) half of the handshake (docs/protocol.md 2.2): reads a 128-byte hello, answers
 * with 96 bytes, and derives the session. Any client key is accepted; the only check is that the
 * hello decrypts.
 *
 * <pre>{@code
 * ServerHandshake.Result r = ServerHandshake.accept(relayKeys, hello, responseBuf);
 * r.clientKey();   // the client's DHT public key
 * r.session();     // sends with Ns, receives with Nc
 * }</pre>
 */
public final class ServerHandshake {
  private ServerHandshake() {}

  /** The outcome of an accepted hello. */
  public record Result(PublicKey clientKey, SecureSession session) {}

  /**
   * Consumes exactly {@link RelayProtocol#CLIENT_HELLO_SIZE} bytes of {@code hello}, writes the
   * 96-byte response to {@code response}. Borrows both buffers.
   *
   * @throws HandshakeException if the hello does not decrypt with the relay's key
   * @param relay the relay's key pair
   * @param hello the client's 128-byte hello (the caller's)
   * @param response where the 96-byte response goes (the caller's)
   * @return the session, or why the hello was refused
   */
  public static Result accept(KeyPair relay, ByteBuf hello, ByteBuf response) {
    return accept(relay, hello, response, null, null, null); // drawn once the hello decrypts
  }

  /**
   * {@link #accept(KeyPair, ByteBuf, ByteBuf)} with its random inputs given instead of drawn, so
   * that the response can be compared with golden vectors. Only for tests: a real relay must never
   * reuse a temporary key or nonce.
   *
   * @param relay the relay's long-term key pair
   * @param hello the client's hello, exactly as for the three-argument method
   * @param response where the 96-byte response is written
   * @param temporary the session key pair (St)
   * @param ownBase the relay's base send nonce (Ns)
   * @param n2 the nonce that seals the response
   * @return the client's key and the session
   * @throws HandshakeException if the hello does not decrypt with the relay's key
   */
  public static Result acceptWithFixedInputsForTesting(
      KeyPair relay, ByteBuf hello, ByteBuf response, KeyPair temporary, Nonce ownBase, Nonce n2) {
    return accept(relay, hello, response, temporary, ownBase, n2);
  }

  private static Result accept(
      KeyPair relay,
      ByteBuf hello,
      ByteBuf response,
      @Nullable KeyPair fixedTemporary,
      @Nullable Nonce fixedBase,
      @Nullable Nonce fixedN2) {
    CryptoBox box = new CryptoBox();
    PublicKey clientKey = PublicKey.read(hello);
    Nonce n1 = Nonce.read(hello);
    byte[] sealed = new byte[CryptoBox.MAC_SIZE + RelayProtocol.HANDSHAKE_PLAIN_SIZE];
    hello.readBytes(sealed);
    SharedKey longTerm;
    try {
      longTerm = CryptoBox.beforenm(clientKey, relay.secretKey());
    } catch (IllegalArgumentException e) {
      throw new HandshakeException("client hello carries a low-order public key");
    }
    byte[] plain = box.open(longTerm, n1, sealed);
    if (plain == null) {
      throw new HandshakeException("client hello did not decrypt with this relay's key");
    }
    byte[] ct = new byte[PublicKey.SIZE];
    System.arraycopy(plain, 0, ct, 0, PublicKey.SIZE);
    byte[] nc = new byte[Nonce.SIZE];
    System.arraycopy(plain, PublicKey.SIZE, nc, 0, Nonce.SIZE);

    KeyPair temporary = fixedTemporary != null ? fixedTemporary : KeyPair.generate();
    SharedKey session;
    try {
      session = CryptoBox.beforenm(PublicKey.of(ct), temporary.secretKey());
    } catch (IllegalArgumentException e) {
      throw new HandshakeException("client hello carries a low-order temporary key");
    }
    Nonce ownBase = fixedBase != null ? fixedBase : Nonce.random();
    byte[] reply = new byte[RelayProtocol.HANDSHAKE_PLAIN_SIZE];
    temporary.publicKey().copyTo(reply, 0);
    System.arraycopy(ownBase.toArray(), 0, reply, PublicKey.SIZE, Nonce.SIZE);
    Nonce n2 = fixedN2 != null ? fixedN2 : Nonce.random();
    n2.writeTo(response);
    response.writeBytes(box.seal(longTerm, n2, reply));
    return new Result(clientKey, new SecureSession(session, ownBase, Nonce.of(nc)));
  }
}
