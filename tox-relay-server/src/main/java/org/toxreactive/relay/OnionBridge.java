package org.toxreactive.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.function.LongFunction;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.SharedKey;
import org.toxreactive.core.ToxProtocolException;
import org.toxreactive.transport.tcp.packet.ForwardRequest;
import org.toxreactive.transport.tcp.packet.Forwarding;
import org.toxreactive.transport.tcp.packet.OnionRequest;
import org.toxreactive.transport.tcp.packet.OnionResponse;

/**
 * Bridges onion and forwarding packets between TCP clients and the UDP network (docs/protocol.md
 * 5). The relay acts as onion node 1 for its clients:
 *
 * <pre>
 * TCP 8  (nonce ‖ IP_Port(19) ‖ rest)  -> UDP 0x81 ‖ nonce ‖ rest ‖ RETURN_1
 * UDP 0x8E ‖ RETURN_1(59) ‖ inner       -> TCP 9 ‖ inner        (inner id 0x84, 0x86 or 0x88 only)
 * TCP 10 (IP_Port ‖ data)               -> UDP 0x91 ‖ 45 ‖ sendback(45) ‖ data
 * UDP 0x92 ‖ 45 ‖ sendback(45) ‖ data   -> TCP 11 ‖ data
 *
 * RETURN_1 = nonce(24) ‖ box(onion key, nonce, 19-byte return address)   onion key renewed every 2 h
 * return address = 0x0B ‖ client id (u64 BE) ‖ 10 zero bytes             ids are never reused
 * sendback = HMAC-SHA256(forward key, hour ‖ tail)(32) ‖ tail(13 = 0x02 ‖ 0000 ‖ client id u64)
 * </pre>
 *
 * <p>The return address names the router's client id, which is unique for the relay's lifetime: a
 * response for a client that has gone, or whose key reconnected, finds nobody and is dropped. Runs
 * on the router's thread; not thread-safe.
 */
final class OnionBridge {
  static final int ONION_MAX_PACKET_SIZE = 1400;
  static final int SIZE_IPPORT = IpPort.FIXED_SIZE;
  static final int RETURN_1 = Nonce.SIZE + SIZE_IPPORT + CryptoBox.MAC_SIZE; // 59

  /** Onion request plaintext (after the TCP id and nonce) accepted: 154..1335. */
  static final int MIN_ONION_PLAIN = 154;

  static final int MAX_ONION_PLAIN = 1335;
  static final byte ONION_SEND_1 = (byte) 0x81;
  static final byte ONION_RECV_1 = (byte) 0x8E;
  static final byte FORWARDING = (byte) 0x91;
  static final byte FORWARD_REPLY = (byte) 0x92;
  static final byte TCP_CLIENT_FAMILY = 11;
  static final byte SENDBACK_TCP = 2;
  static final int SENDBACK_TAIL = 1 + 4 + 8;
  static final int SENDBACK_SIZE = 32 + SENDBACK_TAIL; // 45
  static final long KEY_LIFETIME_MILLIS = 2 * 3600_000L;
  static final long SENDBACK_BUCKET_MILLIS = 3600_000L;

  /** Sends a datagram; the bridge owns the buffer until it is passed here. */
  interface UdpOut {
    void send(ByteBuf datagram, InetSocketAddress to);
  }

  /** Delivers a packet to a live client (via the router's output). */
  interface ClientOut<C> {
    void send(RelayRouter.Client<C> client, org.toxreactive.transport.tcp.packet.RelayPacket p);
  }

  private final LongFunction<RelayRouter.Client<?>> clients;
  private final UdpOut udp;
  private final ClientOut<Object> toClient;
  private final boolean forwarding;
  private final CryptoBox box = new CryptoBox();
  private final Mac hmac;
  private SharedKey onionKey = SharedKey.random();
  private SharedKey previousOnionKey;
  private long onionKeyCreated;

  @SuppressWarnings("unchecked")
  <C> OnionBridge(
      LongFunction<RelayRouter.Client<?>> clients,
      UdpOut udp,
      ClientOut<C> toClient,
      boolean forwarding,
      long now) {
    this.clients = clients;
    this.udp = udp;
    this.toClient = (ClientOut<Object>) (ClientOut<?>) toClient;
    this.forwarding = forwarding;
    this.onionKeyCreated = now;
    try {
      hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(SharedKey.random().toArray(), "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  boolean forwardingEnabled() {
    return forwarding;
  }

  /** Renews the onion key every 2 hours; the previous key stays valid for replies in flight. */
  void maybeRotate(long now) {
    if (now - onionKeyCreated >= KEY_LIFETIME_MILLIS) {
      previousOnionKey = onionKey;
      onionKey = SharedKey.random();
      onionKeyCreated = now;
    }
  }

  /**
   * TCP id 8 -> UDP 0x81.
   *
   * @return null if the request went out, else why it was discarded (bad size or address)
   */
  RelayMetrics.Discard onionRequest(RelayRouter.Client<?> client, OnionRequest r, long now) {
    maybeRotate(now);
    byte[] plain = r.payload().toArray();
    if (plain.length < MIN_ONION_PLAIN || plain.length > MAX_ONION_PLAIN) {
      return RelayMetrics.Discard.ONION_SIZE;
    }
    IpPort dest;
    ByteBuf view = Unpooled.wrappedBuffer(plain);
    try {
      dest = IpPort.readFixed19(view);
    } catch (ToxProtocolException e) {
      return RelayMetrics.Discard.ONION_ADDRESS;
    } finally {
      view.release();
    }
    byte[] returnAddress = new byte[SIZE_IPPORT];
    returnAddress[0] = TCP_CLIENT_FAMILY;
    ByteBuffer.wrap(returnAddress, 1, 8).putLong(client.id());
    Nonce returnNonce = Nonce.random();
    byte[] sealed = box.seal(onionKey, returnNonce, returnAddress);

    int len = 1 + Nonce.SIZE + (plain.length - SIZE_IPPORT) + RETURN_1;
    ByteBuf out = Unpooled.buffer(len);
    out.writeByte(ONION_SEND_1);
    r.nonce().writeTo(out);
    out.writeBytes(plain, SIZE_IPPORT, plain.length - SIZE_IPPORT);
    returnNonce.writeTo(out);
    out.writeBytes(sealed);
    udp.send(out, new InetSocketAddress(dest.address(), dest.port()));
    return null;
  }

  /** TCP id 10 -> UDP 0x91. */
  void forwardRequest(RelayRouter.Client<?> client, ForwardRequest r, long now) {
    byte[] tail = new byte[SENDBACK_TAIL];
    tail[0] = SENDBACK_TCP;
    ByteBuffer.wrap(tail, 5, 8).putLong(client.id());
    byte[] mac = mac(now / SENDBACK_BUCKET_MILLIS, tail);
    ByteBuf out = Unpooled.buffer(2 + SENDBACK_SIZE + r.data().length());
    out.writeByte(FORWARDING);
    out.writeByte(SENDBACK_SIZE);
    out.writeBytes(mac);
    out.writeBytes(tail);
    r.data().writeTo(out);
    udp.send(out, new InetSocketAddress(r.destination().address(), r.destination().port()));
  }

  /**
   * A datagram on the relay's UDP port: 0x8E onion responses and 0x92 forwarding replies are
   * delivered to their client; anything else is ignored. Borrows {@code packet}.
   *
   * @return true if it was delivered to a client
   */
  boolean onDatagram(ByteBuf packet, long now) {
    if (!packet.isReadable()) {
      return false;
    }
    byte id = packet.getByte(packet.readerIndex());
    if (id == ONION_RECV_1) {
      return onOnionResponse(packet, now);
    }
    if (id == FORWARD_REPLY && forwarding) {
      return onForwardReply(packet, now);
    }
    return false;
  }

  private boolean onOnionResponse(ByteBuf packet, long now) {
    maybeRotate(now);
    int length = packet.readableBytes();
    if (length > ONION_MAX_PACKET_SIZE || length <= 1 + RETURN_1) {
      return false;
    }
    byte[] all = new byte[length];
    packet.getBytes(packet.readerIndex(), all);
    Nonce nonce = Nonce.of(java.util.Arrays.copyOfRange(all, 1, 1 + Nonce.SIZE));
    byte[] sealed = java.util.Arrays.copyOfRange(all, 1 + Nonce.SIZE, 1 + RETURN_1);
    byte[] address = box.open(onionKey, nonce, sealed);
    if (address == null && previousOnionKey != null) {
      address = box.open(previousOnionKey, nonce, sealed);
    }
    if (address == null || address[0] != TCP_CLIENT_FAMILY) {
      return false;
    }
    int inner = all[1 + RETURN_1] & 0xFF;
    if (inner != 0x84 && inner != 0x86 && inner != 0x88) {
      return false;
    }
    RelayRouter.Client<?> c = clients.apply(ByteBuffer.wrap(address, 1, 8).getLong());
    if (c == null || !c.isAlive()) {
      return false;
    }
    toClient.send(cast(c), new OnionResponse(Bytes.of(all, 1 + RETURN_1, length - 1 - RETURN_1)));
    return true;
  }

  private boolean onForwardReply(ByteBuf packet, long now) {
    int length = packet.readableBytes();
    if (length < 2 + SENDBACK_SIZE) {
      return false;
    }
    byte[] all = new byte[length];
    packet.getBytes(packet.readerIndex(), all);
    if ((all[1] & 0xFF) != SENDBACK_SIZE) {
      return false;
    }
    byte[] tail = java.util.Arrays.copyOfRange(all, 2 + 32, 2 + SENDBACK_SIZE);
    byte[] mac = java.util.Arrays.copyOfRange(all, 2, 2 + 32);
    long bucket = now / SENDBACK_BUCKET_MILLIS;
    if (!MessageDigest.isEqual(mac, mac(bucket, tail))
        && !MessageDigest.isEqual(mac, mac(bucket - 1, tail))) {
      return false;
    }
    if (tail[0] != SENDBACK_TCP) {
      return false;
    }
    RelayRouter.Client<?> c = clients.apply(ByteBuffer.wrap(tail, 5, 8).getLong());
    if (c == null || !c.isAlive()) {
      return false;
    }
    int dataLen = length - 2 - SENDBACK_SIZE;
    if (1 + dataLen > org.toxreactive.transport.tcp.RelayProtocol.MAX_PLAINTEXT) {
      return false;
    }
    toClient.send(cast(c), new Forwarding(Bytes.of(all, 2 + SENDBACK_SIZE, dataLen)));
    return true;
  }

  private byte[] mac(long bucket, byte[] tail) {
    hmac.update(ByteBuffer.allocate(8).putLong(bucket).array());
    hmac.update(tail);
    return hmac.doFinal();
  }

  @SuppressWarnings("unchecked")
  private static RelayRouter.Client<Object> cast(RelayRouter.Client<?> c) {
    return (RelayRouter.Client<Object>) c;
  }
}
