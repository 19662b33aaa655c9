package org.toxreactive.netcrypto;

import org.junit.jupiter.api.AfterEach;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.test.sim.SimNetwork;
import org.toxreactive.test.sim.SimNode;
import org.toxreactive.testkit.PacketTransportContract;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * {@link SimTransport} (the simulated network's transport) against the {@link PacketTransport}
 * contract. Perfect links on a real single-thread scheduler: the contract's waits are wall-clock.
 */
class SimTransportContractTest extends PacketTransportContract {
  private final Scheduler scheduler = Schedulers.newSingle("sim-contract");

  @AfterEach
  void stopScheduler() {
    scheduler.dispose();
  }

  @Override
  protected Pair connectedPair() {
    SimNetwork net = SimNetwork.create(15, scheduler);
    SimTransport a = new SimTransport(net.node("a"));
    SimTransport b = new SimTransport(net.node("b"));
    return new Pair(a, SimTransport.pathOf("b"), b, SimTransport.pathOf("a"));
  }

  @Override
  protected Path unservedPath(PacketTransport transport) {
    return Path.relay(KeyPair.generate().publicKey(), KeyPair.generate().publicKey());
  }

  @Override
  protected long droppedInbound(PacketTransport transport) {
    return ((SimTransport) transport).node().droppedInbound();
  }

  @Override
  protected int backpressureBurst() {
    return SimNode.RECEIVE_QUEUE + 300;
  }
}
