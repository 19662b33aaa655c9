package org.toxreactive.apptests;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.CryptoConnection;
import org.toxreactive.netcrypto.Message;
import org.toxreactive.netcrypto.NetCrypto;
import org.toxreactive.netcrypto.NetCryptoNode;
import org.toxreactive.test.sim.SimNetwork;
import org.toxreactive.testkit.SimTransport;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayPool;
import org.toxreactive.transport.udp.UdpTransport;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The README's code snippets, compiled and run by {@link ReadmeSnippetsTest}. The lines between a
 * {@code // README:name} and {@code // README:end} marker are what the README shows under that name
 * (ReadmeSnippetsTest checks that they match, indentation aside); the method parameters are what
 * the README leaves to the reader.
 */
final class ReadmeSnippets {
  private ReadmeSnippets() {}

  static void netCryptoInCode(
      KeyPair realKeys,
      KeyPair dhtKeys,
      RelayAddress relayA,
      RelayAddress relayB,
      Set<PublicKey> friends,
      PublicKey friendReal,
      PublicKey friendDht,
      InetSocketAddress friendAddress) {
    // README:netcrypto
    RelayPool relays =
        RelayPool.create(dhtKeys)
            .relays(List.of(relayA, relayB))
            .connectNow(Duration.ofSeconds(10)); // a relay link is up: sending can start
    UdpTransport udp = UdpTransport.create().host("127.0.0.1").port(0).bindNow();
    NetCryptoNode node =
        NetCrypto.create(realKeys, dhtKeys)
            .transport(udp)
            .transport(relays)
            .acceptor(peer -> friends.contains(peer.realKey()))
            .publishOn(Schedulers.boundedElastic()) // callbacks off the node's thread
            .bindNow();
    CryptoConnection c =
        node.connect(
                friendReal,
                friendDht,
                List.of(Path.udp(friendAddress), Path.relay(relayA.publicKey(), friendDht)))
            .block(Duration.ofSeconds(10));
    c.lossless().subscribe(m -> System.out.println(m.payload().toUtf8())); // in order, once
    c.status().subscribe(s -> System.out.println(s.kind() + " " + s.path())); // DIRECT, RELAYED..
    c.send(Flux.range(0, 1000).map(i -> Message.of(64, Bytes.ofUtf8("msg " + i))))
        .block(Duration.ofSeconds(30)); // every message acknowledged
    c.disposeNow(Duration.ofSeconds(5)); // kill packet; the peer's lossless() completes
    node.disposeNow(Duration.ofSeconds(5)); // transports are ours to dispose
    udp.disposeNow(Duration.ofSeconds(5));
    relays.disposeNow(Duration.ofSeconds(5));
    // README:end
  }

  static void relayPoolInCode(
      KeyPair dhtKeys,
      RelayAddress relayA,
      RelayAddress relayB,
      PublicKey friendDhtKey,
      Bytes packet) {
    // README:relaypool
    RelayPool pool =
        RelayPool.create(dhtKeys)
            .relays(List.of(relayA))
            .connectNow(Duration.ofSeconds(10)); // a link is up (with several: one of them)
    pool.receive().subscribe(d -> /* d.path() is Path.relay(relayKey, peerDhtKey) */ {});
    pool.route(friendDhtKey);
    pool.send(Path.relay(relayA.publicKey(), friendDhtKey), packet).block(Duration.ofSeconds(5));
    pool.disposeNow(Duration.ofSeconds(5));
    // README:end
  }

  static void simulatedNetworkTest(
      KeyPair aliceReal, KeyPair aliceDht, KeyPair bobReal, KeyPair bobDht) {
    // README:simnet
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    SimNetwork net = SimNetwork.create(42, clock); // seeded: the same losses on every run
    net.defaults().loss(0.1).delay(20, 80); // every link: 10 % loss, 20..80 ms
    NetCryptoNode alice =
        NetCrypto.create(aliceReal, aliceDht)
            .transport(SimTransport.on(net, "alice"))
            .scheduler(clock)
            .bindNow();
    NetCryptoNode bob =
        NetCrypto.create(bobReal, bobDht)
            .transport(SimTransport.on(net, "bob"))
            .scheduler(clock)
            .acceptor(peer -> peer.realKey().equals(aliceReal.publicKey()))
            .bindNow();
    Flux<String> received =
        bob.incoming()
            .take(1)
            .flatMap(CryptoConnection::lossless)
            .map(m -> m.payload().toUtf8())
            .take(100);
    StepVerifier.withVirtualTime(() -> received, () -> clock, Long.MAX_VALUE)
        .then(
            () ->
                alice
                    .connect(
                        bobReal.publicKey(),
                        bobDht.publicKey(),
                        List.of(SimTransport.pathOf("bob"))) // "bob" is bob's address
                    .flatMap(
                        c ->
                            c.send(
                                Flux.range(0, 100)
                                    .map(i -> Message.of(64, Bytes.ofUtf8("msg " + i)))))
                    .subscribe())
        .thenAwait(Duration.ofMinutes(1)) // a minute of protocol time, in milliseconds
        .expectNextSequence(IntStream.range(0, 100).mapToObj(i -> "msg " + i).toList())
        .expectComplete()
        .verify(Duration.ofSeconds(10)); // wall clock: the minute above takes milliseconds
    alice.dispose();
    bob.dispose();
    // README:end
  }
}
