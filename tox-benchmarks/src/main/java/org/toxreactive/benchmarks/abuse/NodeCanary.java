package org.toxreactive.benchmarks.abuse;

import java.time.Duration;
import java.util.List;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.CryptoConnection;
import org.toxreactive.netcrypto.Message;
import org.toxreactive.netcrypto.NetCrypto;
import org.toxreactive.netcrypto.NetCryptoNode;
import org.toxreactive.transport.udp.UdpTransport;
import reactor.core.publisher.Sinks;

/**
 * An honest net_crypto peer of the echo node, connected before the attack over UDP from {@code
 * 127.0.9.3}: each probe is one lossless message (id 160, the 4-byte sequence number), answered
 * when the node's echo of it is delivered.
 */
final class NodeCanary extends Canary {
  static final int ID = 160;

  private final UdpTransport udp;
  private final NetCryptoNode node;
  private final CryptoConnection connection;
  private final Sinks.Many<Message> out = Sinks.many().unicast().onBackpressureBuffer();

  private NodeCanary(
      UdpTransport udp,
      NetCryptoNode node,
      CryptoConnection connection,
      Duration interval,
      Duration timeout,
      Duration maxRun) {
    super(interval, timeout, maxRun);
    this.udp = udp;
    this.node = node;
    this.connection = connection;
  }

  /** Connects to {@code target} (10 s at most) and starts probing. */
  static NodeCanary open(NodeTarget target, Duration interval, Duration timeout, Duration maxRun) {
    UdpTransport udp = UdpTransport.create().host("127.0.9.3").port(0).bindNow();
    NetCryptoNode node =
        NetCrypto.create(KeyPair.generate(), KeyPair.generate()).transport(udp).bindNow();
    CryptoConnection c;
    try {
      c =
          node.connect(target.realKey(), target.dhtKey(), List.of(Path.udp(target.address())))
              .block(Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      node.dispose();
      udp.disposeNow(Duration.ofSeconds(2));
      throw new IllegalStateException("canary could not connect to the node: " + e.getMessage());
    }
    NodeCanary canary = new NodeCanary(udp, node, c, interval, timeout, maxRun);
    c.lossless()
        .subscribe(
            m -> {
              Bytes p = m.payload();
              if (m.id() == ID && p.length() == 4) {
                canary.answered(
                    (p.getUnsigned(0) << 24)
                        | (p.getUnsigned(1) << 16)
                        | (p.getUnsigned(2) << 8)
                        | p.getUnsigned(3));
              }
            },
            e -> {});
    c.send(canary.out.asFlux()).subscribe(v -> {}, e -> {});
    return (NodeCanary) canary.start();
  }

  @Override
  protected void probe(int seq) {
    byte[] p = {(byte) (seq >>> 24), (byte) (seq >>> 16), (byte) (seq >>> 8), (byte) seq};
    out.tryEmitNext(Message.of(ID, Bytes.adopt(p)));
  }

  @Override
  protected void release() {
    out.tryEmitComplete();
    connection.dispose();
    node.dispose();
    udp.disposeNow(Duration.ofSeconds(2));
  }
}
