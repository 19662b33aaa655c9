package org.toxreactive.test.sim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;

/**
 * A seeded, simulated packet network for deterministic tests on virtual time. Nodes are named;
 * links are one-way, created on first use, and lose, duplicate, reorder, delay, corrupt and
 * rate-limit packets as scripted. Nodes can be partitioned apart, killed and revived.
 *
 * <pre>{@code
 * VirtualTimeScheduler vts = VirtualTimeScheduler.create();
 * SimNetwork net = SimNetwork.create(42, vts);
 * SimNode alice = net.node("alice");
 * SimNode bob = net.node("bob");
 * net.defaults().delay(10, 30);
 * net.link("alice", "bob").loss(0.2).reorder(0.1, 50);
 * bob.receive().subscribe(p -> log.add(vts.now(MILLISECONDS) + " " + p));
 * alice.send("bob", new byte[] {1, 2, 3});
 * vts.advanceTimeBy(Duration.ofMillis(100));   // delivers
 * net.link("alice", "bob").stats();             // sent, delivered, lost, duplicated, corrupted
 * }</pre>
 *
 * <p>Determinism: all randomness comes from the seed, one stream per link (so adding traffic on one
 * link never changes another's fates); all delays run on the given scheduler; copies due at the
 * same instant arrive in the order they were sent. The same seed and the same script (on a {@code
 * VirtualTimeScheduler}, driven from one thread) give the same deliveries at the same times.
 *
 * <p>What is checked when: a dead sender drops at send; a dead, partitioned or missing receiver
 * drops both at send and at arrival (a packet in flight when a partition starts is lost; one sent
 * during a partition stays lost after {@link #heal}).
 */
public final class SimNetwork {
  private record LinkKey(String from, String to) {}

  /** One copy on its way; {@code seq} orders copies due at the same time. */
  private record Event(long atNanos, long seq, SimLink link, SimPacket packet) {}

  private record Delivery(SimNode node, SimPacket packet) {}

  private static final Comparator<Event> DUE_ORDER =
      Comparator.comparingLong(Event::atNanos).thenComparingLong(Event::seq);

  private final long seed;
  private final Scheduler scheduler;
  private final Object lock = new Object();
  private final SimLink defaults;
  private final Map<String, SimNode> nodes = new HashMap<>();
  private final Map<LinkKey, SimLink> links = new LinkedHashMap<>();
  private final Set<String> dead = new HashSet<>();
  private final Set<LinkKey> partitions = new HashSet<>();
  private final PriorityQueue<Event> inFlight = new PriorityQueue<>(DUE_ORDER);
  private final Queue<SimNode> closing = new ConcurrentLinkedQueue<>();
  private final AtomicInteger drainers = new AtomicInteger();

  /** Latest time whose timer has fired: copies due by then are delivered, whatever now() says. */
  private final AtomicLong firedUpTo = new AtomicLong(Long.MIN_VALUE);

  private long nextSeq;

  private SimNetwork(long seed, Scheduler scheduler) {
    this.seed = seed;
    this.scheduler = scheduler;
    this.defaults = new SimLink(lock, "*", "*", null, new SplittableRandom(seed));
  }

  /**
   * @param seed every random choice derives from it
   * @param scheduler the clock and the timer of every delay, normally a {@code
   *     VirtualTimeScheduler}
   * @return the network
   */
  public static SimNetwork create(long seed, Scheduler scheduler) {
    return new SimNetwork(seed, Objects.requireNonNull(scheduler, "scheduler"));
  }

  /**
   * The seed every random choice derives from.
   *
   * @return the seed
   */
  public long seed() {
    return seed;
  }

  /**
   * The clock and executor of the network.
   *
   * @return the scheduler
   */
  public Scheduler scheduler() {
    return scheduler;
  }

  /**
   * The node called {@code name}, created on first call (alive, with no subscriber).
   *
   * @param name the node's name
   * @return the node
   */
  public SimNode node(String name) {
    Objects.requireNonNull(name, "name");
    synchronized (lock) {
      return nodes.computeIfAbsent(name, n -> new SimNode(this, n));
    }
  }

  /**
   * The one-way link from {@code from} to {@code to}; the nodes need not exist.
   *
   * @param from the sender's name
   * @param to the receiver's name
   * @return the link
   */
  public SimLink link(String from, String to) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    synchronized (lock) {
      return linkLocked(from, to);
    }
  }

  /**
   * Settings every link uses unless it sets its own. Its own {@link SimLink#stats()} stay zero: see
   * {@link #totals()}.
   *
   * @return the default link
   */
  public SimLink defaults() {
    return defaults;
  }

  /**
   * Sum of the counters of every link.
   *
   * @return the totals
   */
  public LinkStats totals() {
    synchronized (lock) {
      LinkStats sum = LinkStats.ZERO;
      for (SimLink l : links.values()) {
        sum = sum.plus(l.stats());
      }
      return sum;
    }
  }

  /**
   * Cuts {@code a} and {@code b} apart, both ways, in-flight packets included.
   *
   * @param a one node's name
   * @param b the other's
   */
  public void partition(String a, String b) {
    synchronized (lock) {
      partitions.add(new LinkKey(a, b));
      partitions.add(new LinkKey(b, a));
    }
  }

  /**
   * Undoes {@link #partition(String, String)}.
   *
   * @param a one node's name
   * @param b the other's
   */
  public void heal(String a, String b) {
    synchronized (lock) {
      partitions.remove(new LinkKey(a, b));
      partitions.remove(new LinkKey(b, a));
    }
  }

  /** Undoes every partition. */
  public void healAll() {
    synchronized (lock) {
      partitions.clear();
    }
  }

  /**
   * Takes the node named {@code name} down: it drops everything it sends and everything to it.
   *
   * @param name the node's name
   */
  public void kill(String name) {
    synchronized (lock) {
      dead.add(Objects.requireNonNull(name, "name"));
    }
  }

  /**
   * Brings a killed node back. Packets lost while it was down stay lost.
   *
   * @param name the node's name
   */
  public void revive(String name) {
    synchronized (lock) {
      dead.remove(name);
    }
  }

  /**
   * Whether the node is up (not killed).
   *
   * @param name the node's name
   * @return whether it is alive
   */
  public boolean isAlive(String name) {
    synchronized (lock) {
      return !dead.contains(name);
    }
  }

  // ---------------------------------------------------------------- sending and delivery

  void send(SimNode sender, String to, byte[] data) {
    Objects.requireNonNull(to, "to");
    byte[] copy = data.clone();
    String from = sender.name();
    List<Event> sent = new ArrayList<>(2);
    long now;
    synchronized (lock) {
      now = now();
      boolean blocked = sender.isDisposed() || dead.contains(from) || !reachable(from, to);
      SimLink link = linkLocked(from, to);
      for (SimLink.Arrival a : link.transmit(now, copy, blocked)) {
        Event e = new Event(a.atNanos(), nextSeq++, link, new SimPacket(from, to, a.data()));
        inFlight.add(e);
        sent.add(e);
      }
    }
    // Outside the lock: a virtual-time scheduler runs a task that is due at once right here.
    for (Event e : sent) {
      scheduler.schedule(() -> drain(e.atNanos()), e.atNanos() - now, TimeUnit.NANOSECONDS);
    }
  }

  void remove(SimNode node) {
    synchronized (lock) {
      nodes.remove(node.name(), node);
    }
    closing.add(node);
    drain(Long.MIN_VALUE);
  }

  /**
   * Delivers every copy that is due, in (time, send order), once the timer for {@code firedAt} has
   * fired. One thread at a time: a drain that finds another running leaves its work to it, so
   * deliveries (and completions) are serialised and a subscriber that sends from {@code onNext}
   * does not recurse.
   */
  private void drain(long firedAt) {
    firedUpTo.accumulateAndGet(firedAt, Math::max);
    if (drainers.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      for (; ; ) {
        SimNode closed = closing.poll();
        if (closed != null) {
          closed.complete();
          continue;
        }
        Delivery next = nextDelivery();
        if (next == null) {
          break;
        }
        next.node().deliver(next.packet());
      }
      missed = drainers.addAndGet(-missed);
    } while (missed != 0);
  }

  /** The next due copy that reaches a node; counts the ones that do not. */
  private @Nullable Delivery nextDelivery() {
    synchronized (lock) {
      // A real clock may read a little earlier than the timer that fired: trust the timer.
      long due = Math.max(now(), firedUpTo.get());
      for (Event e; (e = inFlight.peek()) != null && e.atNanos() <= due; ) {
        inFlight.poll();
        SimNode node = nodes.get(e.packet().to());
        if (node == null || !reachable(e.packet().from(), e.packet().to())) {
          e.link().countLostInFlight();
          continue;
        }
        e.link().countDelivered();
        return new Delivery(node, e.packet());
      }
      return null;
    }
  }

  private boolean reachable(String from, String to) {
    return !dead.contains(to) && !partitions.contains(new LinkKey(from, to));
  }

  private SimLink linkLocked(String from, String to) {
    return links.computeIfAbsent(
        new LinkKey(from, to),
        k -> new SimLink(lock, from, to, defaults, new SplittableRandom(linkSeed(seed, from, to))));
  }

  private long now() {
    return scheduler.now(TimeUnit.NANOSECONDS);
  }

  /** A seed for the link's own stream: the network seed mixed with the two names. */
  static long linkSeed(long seed, String from, String to) {
    long h = mix(seed);
    h = mix(h ^ fnv1a(from));
    h = mix(h ^ fnv1a(to));
    return h;
  }

  private static long fnv1a(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xFF)) * 0x100000001b3L;
    }
    return h;
  }

  /** SplitMix64's finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
