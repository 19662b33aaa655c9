package org.toxreactive.transport.tcp;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.BytesPool;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.transport.tcp.packet.Data;

/**
 * Where a {@link RelayPool}'s links take the payloads of relayed net_crypto data packets from while
 * the pool's {@link RelayPool#receiveLeased()} has a subscriber: arrays lent from a {@link
 * BytesPool} instead of new ones (docs/architecture.md 4). Shared by every link of the pool; each
 * link's {@link SecureFrameHandler} asks it for the routed data packets it opens.
 *
 * <p>Lends only while one subscription owns it ({@link #start}/{@link #stop} with that
 * subscription's token), and only routed data whose payload is a net_crypto data packet (first byte
 * 0x1B, the packet the engine opens into its own array and releases); everything else is decoded
 * (copied) as before. A relay server's lender ({@link #forRelay}) lends always, and every routed
 * data payload up to the pool's array size, since the relay only forwards the bytes. The ownership
 * only saves copies: a loan that reaches a plain {@code receive()} subscriber (a refused second
 * subscriber owning it for a moment) is never ended and costs its array, nothing else, since only
 * the holder of a loan can end it.
 */
final class PayloadLender {
  /** Free arrays the pool keeps at most: 1,024 x 1,400 bytes, 1.4 MB, as UDP's. */
  static final int POOL_CAPACITY = 1024;

  private static final byte NET_CRYPTO_DATA = NetCryptoPacketKind.DATA.idByte();

  /**
   * The owner of a relay server's lender: it lends from its creation on, to nobody in particular.
   */
  private static final Object RELAY = new Object();

  private final BytesPool pool;
  private final AtomicReference<@Nullable Object> owner = new AtomicReference<>();

  /** Whether every routed data payload is lent, not only a net_crypto data packet. */
  private final boolean anyPayload;

  /**
   * A lender for a pool whose receive queue holds {@code queueCapacity} datagrams.
   *
   * @param queueCapacity the pool's receive queue capacity, at least 1
   */
  PayloadLender(int queueCapacity) {
    // arrays of the largest net_crypto packet (a longer payload is copied as usual), enough free
    // ones for a window's burst in flight to the subscriber; none made before the first loan
    this.pool =
        new BytesPool(NetCryptoPacketKind.MAX_PACKET_SIZE, Math.min(queueCapacity, POOL_CAPACITY));
    this.anyPayload = false;
  }

  private PayloadLender(BytesPool pool) {
    this.pool = pool;
    this.anyPayload = true;
    this.owner.set(RELAY);
  }

  /**
   * A relay server's lender ({@link ServerHandshakeHandler}): lends every routed data packet's
   * payload from {@code pool}, from now on, whatever its first byte; the relay, which forwards the
   * packet, ends each loan once the packet is sealed into the destination's frame or dropped.
   *
   * @param pool the relay's pool
   * @return the lender
   */
  static PayloadLender forRelay(BytesPool pool) {
    return new PayloadLender(pool);
  }

  /** Lending starts for the subscription {@code token}, unless another one owns it. */
  void start(Object token) {
    owner.compareAndSet(null, token);
  }

  /** Lending stops if {@code token}'s subscription owns it. */
  void stop(Object token) {
    owner.compareAndSet(token, null);
  }

  /** Whether loans are made now. */
  boolean lending() {
    return owner.get() != null;
  }

  /** Arrays the pool has made so far (see {@link BytesPool#created()}). */
  long created() {
    return pool.created();
  }

  /** Free arrays in the pool now (see {@link BytesPool#free()}). */
  int free() {
    return pool.free();
  }

  /**
   * A routed data packet whose payload (a net_crypto data packet) is copied into an array lent from
   * the pool, or null if this plaintext is not one or nothing is lent now (the caller then decodes
   * it as usual). Borrows {@code plaintext} (a whole opened packet); on a loan its reader index
   * ends at its end, as after {@code RelayPacket.decode}.
   *
   * @param plaintext the opened packet (the caller's)
   * @return the packet with its payload on loan, or null
   */
  @Nullable Data lend(ByteBuf plaintext) {
    if (owner.get() == null || plaintext.readableBytes() < 2) {
      return null;
    }
    int at = plaintext.readerIndex();
    int connectionId = Data.connectionIdOf(plaintext);
    if (connectionId < RelayProtocol.NUM_RESERVED_IDS
        || (!anyPayload && plaintext.getByte(at + 1) != NET_CRYPTO_DATA)
        || plaintext.readableBytes() > RelayProtocol.MAX_PLAINTEXT) {
      return null;
    }
    plaintext.skipBytes(1);
    Data data = new Data(connectionId, pool.copyOf(plaintext));
    plaintext.skipBytes(plaintext.readableBytes());
    return data;
  }
}
