package org.toxreactive.relay;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * Summarises frequent events (kills, refusals) as one log line per event and reason per interval,
 * so an attack that causes thousands of kills a second costs a few lines, not a flood of them:
 *
 * <pre>{@code
 * RateLimitedLog log = new RateLimitedLog(scheduler, Duration.ofSeconds(10), logger::info);
 * log.start();
 * log.record("kills", "reason=queue_overflow");  // from any thread
 * // 10 s later: "relay kills reason=queue_overflow count=3 in last 10s"
 * }</pre>
 *
 * <p>Thread-safe; counts are summed lock-free and handed to the sink by the scheduler's worker.
 */
final class RateLimitedLog {
  private final Scheduler scheduler;
  private final Duration interval;
  private final Consumer<String> sink;
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private @Nullable Disposable task; // null until start()

  /**
   * @param scheduler runs the periodic flush (a virtual-time scheduler in tests)
   * @param interval time between summary lines of one event and reason
   * @param sink where lines go, such as a logger's {@code info}
   */
  RateLimitedLog(Scheduler scheduler, Duration interval, Consumer<String> sink) {
    this.scheduler = scheduler;
    this.interval = interval;
    this.sink = sink;
  }

  /** Starts the periodic summary. */
  void start() {
    long ms = interval.toMillis();
    task = scheduler.schedulePeriodically(this::flush, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Stops the periodic summary and writes what was counted since the last line. */
  void stop() {
    if (task != null) {
      task.dispose();
    }
    flush();
  }

  /**
   * Counts one event.
   *
   * @param event what happened, such as {@code kills} or {@code refusals}
   * @param detail its reason as {@code key=value}, such as {@code reason=queue_overflow}
   */
  void record(String event, String detail) {
    counts.computeIfAbsent(event + " " + detail, k -> new LongAdder()).increment();
  }

  /** Writes one line per event and reason counted since the last flush. */
  void flush() {
    for (Map.Entry<String, LongAdder> e : counts.entrySet()) {
      long n = e.getValue().sumThenReset();
      if (n > 0) {
        sink.accept("relay " + e.getKey() + " count=" + n + " in last " + describe(interval));
      }
    }
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
