package org.toxreactive.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Proves that the leak gate fires: a test class that drops an unreleased buffer is run through the
 * Jupiter engine (JUnit's {@link EngineTestKit}, with extension auto-detection on as Surefire sets
 * it, so {@link LeakCheckExtension} comes in through {@code META-INF/services} exactly as in every
 * module) and must fail with the leak report; the same class releasing its buffer must pass.
 *
 * <p>The fixtures are nested classes without {@code @Nested}: Surefire and the outer run skip them;
 * only the engine runs started here execute them.
 */
class LeakGateTest {
  private static final String AUTODETECT = "junit.jupiter.extensions.autodetection.enabled";

  @BeforeAll
  static void leakDetectionIsParanoidAndRecorded() {
    assertThat(ResourceLeakDetector.getLevel())
        .as("Surefire sets io.netty.leakDetection.level=paranoid")
        .isEqualTo(ResourceLeakDetector.Level.PARANOID);
    ResourceLeakDetector<ByteBuf> detector =
        ResourceLeakDetectorFactory.instance().newResourceLeakDetector(ByteBuf.class);
    assertThat(RecordingLeakDetector.installed(detector))
        .as("Surefire sets io.netty.customResourceLeakDetector to RecordingLeakDetector")
        .isTrue();
  }

  @Test
  void aTestClassThatLeaksAPooledDirectBufferFails() {
    assertFailsWithLeak(LeaksPooledDirect.class, "LeaksPooledDirect");
  }

  @Test
  void aTestClassThatLeaksAPooledHeapBufferFails() {
    assertFailsWithLeak(LeaksPooledHeap.class, "LeaksPooledHeap");
  }

  @Test
  void aTestClassThatLeaksAnUnpooledDirectBufferFails() {
    assertFailsWithLeak(LeaksUnpooledDirect.class, "LeaksUnpooledDirect");
  }

  @Test
  void theSameTestClassReleasingItsBufferPasses() {
    EngineExecutionResults results = run(Releases.class);
    results.testEvents().assertStatistics(s -> s.started(1).succeeded(1).failed(0));
    results.containerEvents().assertStatistics(s -> s.failed(0));
  }

  private static void assertFailsWithLeak(Class<?> fixture, String allocatedIn) {
    EngineExecutionResults results = run(fixture);
    // the test method itself passes: only the gate, after the class, can fail the run
    results.testEvents().assertStatistics(s -> s.started(1).succeeded(1).failed(0));
    List<Event> failed = results.containerEvents().failed().list();
    assertThat(failed).as("failed containers").hasSize(1);
    TestExecutionResult result = failed.get(0).getRequiredPayload(TestExecutionResult.class);
    Throwable error = result.getThrowable().orElseThrow();
    assertThat(error).isInstanceOf(AssertionError.class);
    assertThat(error.getMessage())
        .startsWith("1 ByteBuf leak(s) detected after ")
        .contains(fixture.getSimpleName())
        .contains("LEAK: ByteBuf")
        .as("the report names the allocation site")
        .contains(allocatedIn);
    assertThat(RecordingLeakDetector.drain()).as("the gate drained what it reported").isEmpty();
  }

  private static EngineExecutionResults run(Class<?> fixture) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameter(AUTODETECT, "true")
        .selectors(selectClass(fixture))
        .execute();
  }

  /** Keeps a reference nowhere: after the test the buffer is garbage, never released. */
  static class LeaksPooledDirect {
    @Test
    void dropsABuffer() {
      ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
      b.writeLong(0x1eaced);
      assertThat(b.readableBytes()).isEqualTo(8);
    }
  }

  static class LeaksPooledHeap {
    @Test
    void dropsABuffer() {
      ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer(64);
      b.writeLong(0x1eaced);
      assertThat(b.readableBytes()).isEqualTo(8);
    }
  }

  /**
   * Unpooled <em>heap</em> buffers are not tracked by Netty at all (the allocator never wraps them
   * for leak detection: the garbage collector reclaims them), so only direct ones are a fixture.
   */
  static class LeaksUnpooledDirect {
    @Test
    void dropsABuffer() {
      ByteBuf b = UnpooledByteBufAllocator.DEFAULT.directBuffer(64);
      b.writeLong(0x1eaced);
      assertThat(b.readableBytes()).isEqualTo(8);
    }
  }

  static class Releases {
    @Test
    void releasesItsBuffer() {
      ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
      try {
        b.writeLong(0x1eaced);
        assertThat(b.readableBytes()).isEqualTo(8);
      } finally {
        b.release();
      }
    }
  }
}
