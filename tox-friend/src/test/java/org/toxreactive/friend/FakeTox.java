package org.toxreactive.friend;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * A stand-in for the DHT and the onion of a whole network, for friend-layer tests: a friend's
 * DHT-PK reaches us once both of us look each other up (as a c-toxcore friend sends its DHT-PK only
 * to those it has added), the DHT "finds" a tracked key's simulated address, friend requests go
 * straight to the target. Everything it emits is delayed by {@link #DELAY} on the scheduler, as a
 * network would.
 */
final class FakeTox {
  static final Duration DELAY = Duration.ofMillis(50);

  private final Scheduler scheduler;
  private final Map<PublicKey, Onion> onions = new ConcurrentHashMap<>();
  private final Map<PublicKey, InetSocketAddress> addresses = new ConcurrentHashMap<>();
  final AtomicInteger requestsSent = new AtomicInteger();

  /** Whether the DHT finds addresses at all (false: friends meet through relays only). */
  volatile boolean dhtFinds = true;

  FakeTox(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Layers for a node whose simulated name is {@code name}. */
  ToxNode.Layers layers(String name) {
    return new ToxNode.Layers(
        ctx -> {
          addresses.put(ctx.dhtKeys().publicKey(), SimTransport.addressOf(name));
          return new Dht();
        },
        (ctx, dht) -> {
          Onion o = new Onion(ctx.realKeys().publicKey(), ctx.dhtKeys().publicKey());
          onions.put(o.real, o);
          return o;
        });
  }

  private void later(Runnable r) {
    scheduler.schedule(r, DELAY.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Changes a node's announced DHT key (as if it had restarted), telling its friends. */
  void announceNewDhtKey(PublicKey real, PublicKey newDhtKey, String name) {
    Onion o = onions.get(real);
    addresses.put(newDhtKey, SimTransport.addressOf(name));
    o.dhtKey = newDhtKey;
    for (PublicKey friend : o.looking) {
      Onion other = onions.get(friend);
      if (other != null && other.looking.contains(real)) {
        later(() -> other.pks.tryEmitNext(new OnionLayer.DhtPk(real, newDhtKey, o.relays)));
      }
    }
  }

  final class Dht implements DhtLayer {
    final Sinks.Many<Address> found = Sinks.many().multicast().directBestEffort();

    @Override
    public void bootstrap(InetSocketAddress address, PublicKey key) {}

    @Override
    public Disposable track(PublicKey friendDhtKey) {
      InetSocketAddress a = addresses.get(friendDhtKey);
      if (a != null && dhtFinds) {
        later(() -> found.tryEmitNext(new Address(friendDhtKey, a)));
      }
      return () -> {};
    }

    @Override
    public Flux<Address> friendAddresses() {
      return found.asFlux();
    }

    @Override
    public Flux<DhtPkPacket> dhtPkPackets() {
      return Flux.never();
    }

    @Override
    public List<PackedNode> randomNodes(int n) {
      return List.of();
    }

    @Override
    public List<PackedNode> closeNodes(int n) {
      return List.of();
    }

    @Override
    public List<PackedNode> closestNodes(PublicKey key, int n) {
      return List.of();
    }

    @Override
    public boolean sendDhtPk(PublicKey friendDhtKey, Bytes payload) {
      return false;
    }

    @Override
    public boolean connected() {
      return true;
    }

    @Override
    public void dispose() {
      found.tryEmitComplete();
    }
  }

  final class Onion implements OnionLayer {
    final PublicKey real;
    volatile PublicKey dhtKey;
    volatile List<PackedNode> relays = List.of();
    final Set<PublicKey> looking = ConcurrentHashMap.newKeySet();
    final Sinks.Many<DhtPk> pks = Sinks.many().multicast().directBestEffort();
    final Sinks.Many<Request> requests = Sinks.many().multicast().directBestEffort();

    Onion(PublicKey real, PublicKey dhtKey) {
      this.real = real;
      this.dhtKey = dhtKey;
    }

    /** New relays are announced again to every friend looking us up, as a DHT-PK would be. */
    @Override
    public void announceRelays(List<PackedNode> relays) {
      this.relays = List.copyOf(relays);
      for (PublicKey friend : looking) {
        Onion other = onions.get(friend);
        if (other != null && other.looking.contains(real)) {
          later(() -> other.pks.tryEmitNext(new DhtPk(real, dhtKey, this.relays)));
        }
      }
    }

    @Override
    public Disposable lookup(PublicKey friend) {
      looking.add(friend);
      Onion other = onions.get(friend);
      if (other != null && other.looking.contains(real)) {
        later(() -> pks.tryEmitNext(new DhtPk(friend, other.dhtKey, other.relays)));
        later(() -> other.pks.tryEmitNext(new DhtPk(real, dhtKey, relays)));
      }
      return () -> looking.remove(friend);
    }

    @Override
    public Flux<DhtPk> dhtPks() {
      return pks.asFlux();
    }

    @Override
    public Disposable sendFriendRequest(PublicKey friend, int nospam, Bytes message) {
      // resent every 5 s until disposed, as the onion client does (FRIENDREQUEST_TIMEOUT)
      return scheduler.schedulePeriodically(
          () -> {
            Onion other = onions.get(friend);
            if (other != null) {
              requestsSent.incrementAndGet();
              later(() -> other.requests.tryEmitNext(new Request(real, nospam, message)));
            }
          },
          0,
          5,
          TimeUnit.SECONDS);
    }

    @Override
    public void friendOnline(PublicKey friend, boolean online) {}

    @Override
    public void forgetFriendRequest(PublicKey from) {}

    @Override
    public void addBootstrapNode(PackedNode node) {}

    @Override
    public Flux<Request> friendRequests() {
      return requests.asFlux();
    }

    @Override
    public void onDhtPkPacket(PublicKey from, Bytes payload) {}

    @Override
    public boolean announced() {
      return true;
    }

    @Override
    public void dispose() {
      onions.remove(real, this);
      pks.tryEmitComplete();
      requests.tryEmitComplete();
    }
  }
}
