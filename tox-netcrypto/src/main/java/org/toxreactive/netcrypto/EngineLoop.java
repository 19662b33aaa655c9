package org.toxreactive.netcrypto;

import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.BytesPool;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.core.transport.Datagram;
import reactor.core.scheduler.Scheduler;

/**
 * The engine's single worker and what waits for it: the application's tasks and two bounded lanes
 * of inbound packets, classified by their first byte on the transport's thread. Data packets go in
 * one lane, control packets (cookie request and response, handshake) in the other. Each drain of
 * the worker takes the tasks first, then at most {@link #CONTROL_BUDGET} control packets, then up
 * to {@link #DATA_BUDGET} data packets, so a flood of handshakes or cookie requests cannot make the
 * data of live sessions wait long. A full lane drops (and counts) what arrives: nothing piles up
 * without bound when the worker falls behind.
 */
final class EngineLoop {
  private static final Logger log = LoggerFactory.getLogger(EngineLoop.class);

  /** Data packets one drain pass handles before it gives the worker's other tasks a turn. */
  static final int DATA_BUDGET = 256;

  /** Control packets (cookies, handshakes) one drain pass handles, after the data. */
  static final int CONTROL_BUDGET = 8;

  private final Scheduler.Worker worker;
  private final Consumer<Datagram> handler;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Queue<Datagram> dataLane;
  private final Queue<Datagram> controlLane;
  private final LongAdder dropped = new LongAdder();

  /** Above zero while a drain is scheduled or running; each submission adds one. */
  private final AtomicInteger wip = new AtomicInteger();

  /** {@code handler} takes each packet on the worker; what it throws is logged, not fatal. */
  EngineLoop(Scheduler.Worker worker, Limits limits, Consumer<Datagram> handler) {
    this.worker = worker;
    this.handler = handler;
    this.dataLane = new ArrayBlockingQueue<>(limits.dataQueue());
    this.controlLane = new ArrayBlockingQueue<>(limits.controlQueue());
  }

  /**
   * Runs {@code task} on the worker, serially with everything else and in submission order. Tasks
   * go into one queue that a single drain on the worker empties, so a burst of packets costs one
   * hand-off to the worker, not one scheduled task each (per-packet scheduling was a visible share
   * of a loopback transfer's profile).
   */
  void run(Runnable task) {
    tasks.offer(task);
    signal();
  }

  /**
   * A transport's packet, on the transport's thread: into the data or the control lane by its kind
   * (anything else is not net_crypto), or dropped and counted when that lane is full. No
   * allocation: the lanes are arrays and hold the datagram itself. What is not queued has its loan,
   * if any, ended here ({@link BytesPool}); a queued one's ends in {@link Inbound}.
   */
  void receive(Datagram d) {
    NetCryptoPacketKind kind = NetCryptoPacketKind.of(d.data());
    if (kind == null) {
      BytesPool.release(d.data());
      return; // not net_crypto
    }
    Queue<Datagram> lane =
        switch (kind) {
          case DATA -> dataLane;
          case COOKIE_REQUEST, COOKIE_RESPONSE, HANDSHAKE -> controlLane;
        };
    if (!lane.offer(d)) {
      dropped.increment();
      BytesPool.release(d.data());
      return;
    }
    signal();
  }

  /** Packets dropped because their lane was full (any thread). */
  long dropped() {
    return dropped.sum();
  }

  /** Packets waiting in both lanes. */
  int queued() {
    return dataLane.size() + controlLane.size();
  }

  private void signal() {
    if (wip.getAndIncrement() == 0) {
      schedule();
    }
  }

  private void schedule() {
    try {
      worker.schedule(this::drain);
    } catch (RuntimeException rejected) {
      tasks.clear();
      dataLane.clear();
      controlLane.clear();
      log.debug("net_crypto worker is gone: {}", rejected.toString());
    }
  }

  /**
   * Tasks, then a little control, then data, until all is done; with packets left over after a
   * pass's budgets, the drain schedules itself again (staying counted as running) so timers and
   * other work on the worker get their turn.
   */
  private void drain() {
    for (; ; ) {
      int missed = wip.get();
      runTasks();
      // control first, but only a few: a handshake and the data packet right behind it (the peer
      // sends both at once) must be opened in that order, and a flood of control packets still
      // costs the data of live sessions a wait of CONTROL_BUDGET packets at most per pass
      for (int i = 0; i < CONTROL_BUDGET; i++) {
        Datagram d = controlLane.poll();
        if (d == null) {
          break;
        }
        safely(d);
      }
      for (int i = 0; i < DATA_BUDGET; i++) {
        Datagram d = dataLane.poll();
        if (d == null) {
          break;
        }
        safely(d);
      }
      if (!dataLane.isEmpty() || !controlLane.isEmpty()) {
        schedule();
        return;
      }
      if (wip.addAndGet(-missed) == 0) {
        return;
      }
    }
  }

  private void runTasks() {
    Runnable t;
    while ((t = tasks.poll()) != null) {
      try {
        t.run();
      } catch (RuntimeException e) {
        log.error("net_crypto task failed", e);
      }
    }
  }

  private void safely(Datagram d) {
    try {
      handler.accept(d);
    } catch (RuntimeException e) {
      log.error("net_crypto failed on a packet from {}", d.path(), e);
    }
  }
}
