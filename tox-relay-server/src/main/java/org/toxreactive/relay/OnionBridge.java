package org.toxreactive.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.onion.ClosestNodes;
import org.toxreactive.onion.OnionNode;
import org.toxreactive.onion.OnionNode.Outcome;
import org.toxreactive.transport.tcp.RelayProtocol;
import org.toxreactive.transport.tcp.packet.ForwardRequest;
import org.toxreactive.transport.tcp.packet.Forwarding;
import org.toxreactive.transport.tcp.packet.OnionRequest;
import org.toxreactive.transport.tcp.packet.OnionResponse;

/**
 * Connects the relay to its onion node ({@link OnionNode}, docs/protocol.md 5 and 12): TCP clients'
 * onion and forward requests go to the node, which acts as their onion node 1, and every onion or
 * forwarding datagram on the relay's UDP port (ids 0x80..0x8E, 0x90..0x98) is handled by the node,
 * so the relay is a full onion node for UDP peers too (hops, announce store, data route,
 * forwarding, and announce.c's data search / retrieve / store of 0.2.18+). The relay's key is the
 * node's key, as in tox-bootstrapd.
 *
 * <pre>
 * TCP 8  (nonce ‖ IP_Port(19) ‖ rest)  -> UDP 0x81 ‖ nonce ‖ rest ‖ RETURN_1
 * UDP 0x8E ‖ RETURN_1(59) ‖ inner       -> TCP 9 ‖ inner        (inner id 0x84, 0x86 or 0x88 only)
 * TCP 10 (IP_Port ‖ data)               -> UDP 0x91 ‖ 45 ‖ sendback(45) ‖ data
 * UDP 0x92 ‖ 45 ‖ sendback(45) ‖ data   -> TCP 11 ‖ data
 * other onion / forwarding datagrams    -> the node's hop, announce and forwarding logic
 *
 * return address of a TCP client = 0x0B ‖ client id (u64 BE) ‖ 10 zero bytes   ids are never reused
 * </pre>
 *
 * <p>A datagram the node addresses to the relay's own UDP address (a path through this node twice,
 * node 1 then 2 or 3) is handed straight back to the node instead of the socket. The client id in a
 * return address is unique for the relay's lifetime: a response for a client that has gone finds
 * nobody and is dropped. Runs on the router's thread; not thread-safe.
 */
final class OnionBridge {
  /** Sends a datagram; the bridge owns the buffer until it is passed here. */
  interface UdpOut {
    void send(ByteBuf datagram, InetSocketAddress to);
  }

  /** Delivers a packet to a live client (via the router's output). */
  interface ClientOut<C> {
    void send(RelayRouter.Client<C> client, org.toxreactive.transport.tcp.packet.RelayPacket p);
  }

  /** Loops of the node through itself are bounded by the onion's layers; this is a backstop. */
  private static final int MAX_LOCAL_HOPS = 16;

  private static final IpPort UNKNOWN_SOURCE = new IpPort(InetAddress.getLoopbackAddress(), 0);

  private final LongFunction<RelayRouter.Client<?>> clients;
  private final UdpOut udp;
  private final ClientOut<Object> toClient;
  private final boolean forwarding;
  private final OnionNode node;
  private final ArrayDeque<Object[]> local = new ArrayDeque<>();
  private @Nullable InetSocketAddress localAddress;
  private boolean draining;
  private long now;

  @SuppressWarnings("unchecked")
  <C> OnionBridge(
      KeyPair keys,
      ClosestNodes dht,
      LongFunction<RelayRouter.Client<?>> clients,
      UdpOut udp,
      ClientOut<C> toClient,
      boolean forwarding,
      long now) {
    this.clients = clients;
    this.udp = udp;
    this.toClient = (ClientOut<Object>) (ClientOut<?>) toClient;
    this.forwarding = forwarding;
    this.now = now;
    this.node = new OnionNode(keys, dht, new NodeOut(), OnionNode.Limits.DEFAULT, now);
  }

  /** The relay's bound UDP address, so that datagrams to ourselves skip the socket. */
  void localAddress(InetSocketAddress address) {
    this.localAddress = address;
  }

  boolean forwardingEnabled() {
    return forwarding;
  }

  OnionNode node() {
    return node;
  }

  /**
   * TCP id 8 -> UDP 0x81.
   *
   * @return null if the request went out, else why it was discarded (bad size or address)
   */
  RelayMetrics.@Nullable Discard onionRequest(
      RelayRouter.Client<?> client, OnionRequest r, long now) {
    this.now = now;
    Outcome o = node.onTcpOnionRequest(client.id(), r.nonce(), r.payload().toArray(), now);
    drain();
    return switch (o) {
      case FORWARDED -> null;
      case BAD_ADDRESS -> RelayMetrics.Discard.ONION_ADDRESS;
      default -> RelayMetrics.Discard.ONION_SIZE;
    };
  }

  /** TCP id 10 -> UDP 0x91. */
  void forwardRequest(RelayRouter.Client<?> client, ForwardRequest r, long now) {
    this.now = now;
    node.onTcpForwardRequest(client.id(), r.destination(), r.data().toArray(), now);
    drain();
  }

  /**
   * A datagram on the relay's UDP port whose source is not known: only replies (0x8E, and 0x92 when
   * forwarding is on) are handled. Borrows {@code packet}.
   *
   * @return true if it was delivered to a client
   */
  boolean onDatagram(ByteBuf packet, long now) {
    if (!packet.isReadable()) {
      return false;
    }
    int id = packet.getUnsignedByte(packet.readerIndex());
    if (id != 0x8E && id != 0x92) {
      return false;
    }
    return onDatagram(packet, null, now);
  }

  /**
   * An onion, forwarding or announce.c datagram from {@code from} on the relay's UDP port (ids
   * 0x80..0x8E and 0x90..0x98, the last two ranges only with forwarding on, as c-toxcore's
   * announce.c needs its forwarding; anything else is ignored). Borrows {@code packet}.
   *
   * @return true if the node passed it on, answered it or delivered it
   */
  boolean onDatagram(ByteBuf packet, @Nullable InetSocketAddress from, long now) {
    if (!packet.isReadable()) {
      return false;
    }
    int id = packet.getUnsignedByte(packet.readerIndex());
    if (!OnionNode.handles(id) || (!forwarding && id >= 0x90)) {
      return false;
    }
    this.now = now;
    IpPort source = from == null ? UNKNOWN_SOURCE : new IpPort(from.getAddress(), from.getPort());
    Outcome o = node.onUdp(packet, source, now);
    drain();
    return o == Outcome.FORWARDED || o == Outcome.ANSWERED || o == Outcome.DELIVERED;
  }

  private boolean isSelf(IpPort to) {
    InetSocketAddress self = localAddress;
    if (self == null || to.port() != self.getPort()) {
      return false;
    }
    InetAddress a = to.address();
    return a.equals(self.getAddress())
        || (self.getAddress().isAnyLocalAddress()
            && (a.isLoopbackAddress() || a.isAnyLocalAddress()));
  }

  /** Hands datagrams the node sent to itself back to it, iteratively. */
  private void drain() {
    if (draining) {
      return;
    }
    draining = true;
    try {
      for (int hops = 0; hops < MAX_LOCAL_HOPS && !local.isEmpty(); hops++) {
        Object[] d = local.poll();
        // only a datagram to our own address is queued here (isSelf), so the address is known
        InetSocketAddress at = Objects.requireNonNull(localAddress, "no local address");
        IpPort self = new IpPort(at.getAddress(), at.getPort());
        node.onUdpFromSelf((byte[]) d[0], self, now);
      }
      local.clear();
    } finally {
      draining = false;
    }
  }

  private final class NodeOut implements OnionNode.Out {
    @Override
    public void udp(byte[] datagram, IpPort to) {
      if (isSelf(to)) {
        local.add(new Object[] {datagram});
        return;
      }
      udp.send(Unpooled.wrappedBuffer(datagram), new InetSocketAddress(to.address(), to.port()));
    }

    @Override
    public void tcpOnionResponse(long clientId, byte[] response) {
      RelayRouter.Client<?> c = clients.apply(clientId);
      if (c == null || !c.isAlive() || 1 + response.length > RelayProtocol.MAX_PLAINTEXT) {
        return;
      }
      toClient.send(cast(c), new OnionResponse(Bytes.of(response)));
    }

    @Override
    public void tcpForwarding(long clientId, byte[] data) {
      RelayRouter.Client<?> c = clients.apply(clientId);
      if (!forwarding
          || c == null
          || !c.isAlive()
          || 1 + data.length > RelayProtocol.MAX_PLAINTEXT) {
        return;
      }
      toClient.send(cast(c), new Forwarding(Bytes.of(data)));
    }
  }

  @SuppressWarnings("unchecked")
  private static RelayRouter.Client<Object> cast(RelayRouter.Client<?> c) {
    return (RelayRouter.Client<Object>) c;
  }
}
