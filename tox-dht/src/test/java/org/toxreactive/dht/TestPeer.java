package org.toxreactive.dht;

import io.netty.buffer.ByteBuf;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.dht.packet.DhtEnvelope;
import org.toxreactive.dht.packet.DhtMessage;
import org.toxreactive.dht.packet.NodesRequest;
import org.toxreactive.dht.packet.PingRequest;

/** A hand-driven DHT peer: builds packets for a core and opens its answers. Test-only. */
final class TestPeer {
  final KeyPair keys;
  final IpPort address;
  final CryptoBox box = new CryptoBox();

  TestPeer(IpPort address) {
    this(address, KeyPair.generate());
  }

  /** A peer with given keys (tests whose outcome must not depend on random keys). */
  TestPeer(IpPort address, KeyPair keys) {
    this.address = address;
    this.keys = keys;
  }

  PublicKey key() {
    return keys.publicKey();
  }

  ByteBuf seal(DhtMessage m, PublicKey to) {
    return DhtEnvelope.seal(
        box,
        m.kind(),
        key(),
        CryptoBox.beforenm(to, keys.secretKey()),
        Nonce.random(),
        m.plaintext());
  }

  ByteBuf nodesRequest(PublicKey to, PublicKey target, long id) {
    return seal(new NodesRequest(target, id), to);
  }

  ByteBuf ping(PublicKey to, long id) {
    return seal(new PingRequest(id), to);
  }

  /** Opens a packet a core sent us; throws if it does not authenticate. */
  DhtMessage open(ByteBuf packet) {
    if (packet.readableBytes() == 82 && packet.getUnsignedByte(0) == 0x04) {
      return openEmptyNodes(packet); // a 0-node response, which DhtEnvelope.parse refuses
    }
    DhtEnvelope env = DhtEnvelope.parse(packet);
    byte[] plain = env.open(box, CryptoBox.beforenm(env.sender(), keys.secretKey()));
    if (plain == null) {
      throw new AssertionError("does not authenticate");
    }
    return DhtMessage.decode(env.kind(), plain);
  }

  private DhtMessage openEmptyNodes(ByteBuf packet) {
    byte[] all = io.netty.buffer.ByteBufUtil.getBytes(packet);
    PublicKey sender = PublicKey.of(java.util.Arrays.copyOfRange(all, 1, 33));
    Nonce nonce = Nonce.of(java.util.Arrays.copyOfRange(all, 33, 57));
    byte[] plain =
        box.open(
            CryptoBox.beforenm(sender, keys.secretKey()),
            nonce,
            java.util.Arrays.copyOfRange(all, 57, 82));
    if (plain == null || plain[0] != 0) {
      throw new AssertionError("bad 0-node response");
    }
    long id = 0;
    for (int i = 8; i >= 1; i--) {
      id = (id << 8) | (plain[i] & 0xFF);
    }
    return new org.toxreactive.dht.packet.NodesResponse(java.util.List.of(), id);
  }
}
