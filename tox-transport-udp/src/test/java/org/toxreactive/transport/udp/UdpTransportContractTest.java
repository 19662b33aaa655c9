package org.toxreactive.transport.udp;

import java.net.InetSocketAddress;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.testkit.PacketTransportContract;

/** {@link UdpTransport} against the {@link PacketTransport} contract, on 127.0.0.1. */
class UdpTransportContractTest extends PacketTransportContract {
  @Override
  protected Pair connectedPair() {
    UdpTransport a = UdpTransport.create().host("127.0.0.1").port(0).bindNow(timeout());
    UdpTransport b =
        UdpTransport.create().host("127.0.0.1").port(0).receiveQueue(16).bindNow(timeout());
    return new Pair(a, Path.udp(b.localAddress()), b, Path.udp(a.localAddress()));
  }

  @Override
  protected Path unservedPath(PacketTransport transport) {
    return Path.udp(InetSocketAddress.createUnresolved("nowhere.invalid", 33445));
  }

  @Override
  protected long droppedInbound(PacketTransport transport) {
    return ((UdpTransport) transport).droppedInbound();
  }
}
