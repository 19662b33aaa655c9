package org.toxreactive.transport.tcp;

import java.time.Duration;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;

/**
 * Constants of the Tox TCP relay protocol (docs/protocol.md section 2), derived from their parts.
 */
public final class RelayProtocol {
  private RelayProtocol() {}

  /** Plaintext of either handshake half: temporary public key then base nonce. */
  public static final int HANDSHAKE_PLAIN_SIZE = PublicKey.SIZE + Nonce.SIZE; // 56

  /** Client hello: client DHT key, nonce, boxed plaintext. Sent raw, no length prefix. */
  public static final int CLIENT_HELLO_SIZE =
      PublicKey.SIZE + Nonce.SIZE + CryptoBox.MAC_SIZE + HANDSHAKE_PLAIN_SIZE; // 128

  /** Server response: nonce, boxed plaintext. Sent raw. */
  public static final int SERVER_RESPONSE_SIZE =
      Nonce.SIZE + CryptoBox.MAC_SIZE + HANDSHAKE_PLAIN_SIZE; // 96

  /** Size of the big-endian length prefix of every frame after the handshake. */
  public static final int LENGTH_FIELD_SIZE = 2;

  /** Largest allowed frame length L (ciphertext = MAC + plaintext); larger kills the connection. */
  public static final int MAX_FRAME_LENGTH = 2048;

  /** Largest plaintext packet: 2048 - 16 = 2032. */
  public static final int MAX_PLAINTEXT = MAX_FRAME_LENGTH - CryptoBox.MAC_SIZE;

  /** Ids 0..15 are control packets; 16..255 are connection ids. */
  public static final int NUM_RESERVED_IDS = 16;

  /** Routing slots per client: connection ids 16..255. */
  public static final int NUM_CLIENT_CONNECTIONS = 256 - NUM_RESERVED_IDS; // 240

  /** Largest OOB payload. */
  public static final int MAX_OOB_DATA = 1024;

  /** Largest forward-request payload (id 10). */
  public static final int MAX_FORWARD_DATA = 1792;

  /** Client: from socket creation (including proxy negotiation) to an accepted server response. */
  public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);

  /** Both sides ping every 30 s. */
  public static final Duration PING_INTERVAL = Duration.ofSeconds(30);

  /** ... and drop the link if the pong has not come 10 s after the ping. */
  public static final Duration PING_TIMEOUT = Duration.ofSeconds(10);
}
