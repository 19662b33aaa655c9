package org.toxreactive.benchmarks;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A JMH executor whose worker threads are Netty {@code FastThreadLocalThread}s, like the event
 * loops the relay runs on: Netty recycles pooled {@code ByteBuf} objects only on such threads, so
 * allocation figures ({@code -prof gc}) of pooled-buffer paths are the event loop's. Use:
 *
 * <pre>{@code
 * java -Djmh.executor=CUSTOM -Djmh.executor.class=org.toxreactive.benchmarks.EventLoopThreads \
 *     -jar tox-benchmarks/target/tox-benchmarks.jar RelayFrameBenchmark -prof gc \
 *     -jvmArgsAppend '-Djmh.executor=CUSTOM -Djmh.executor.class=org.toxreactive.benchmarks.EventLoopThreads'
 * }</pre>
 */
public final class EventLoopThreads extends ThreadPoolExecutor {
  /** The constructor JMH calls: the worker count and a thread name prefix. */
  public EventLoopThreads(int threads, String prefix) {
    super(
        threads,
        threads,
        1,
        TimeUnit.MINUTES,
        new LinkedBlockingQueue<>(),
        new DefaultThreadFactory(prefix, true));
  }
}
