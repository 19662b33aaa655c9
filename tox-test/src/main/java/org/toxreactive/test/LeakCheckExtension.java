package org.toxreactive.test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class whose buffers leaked. Nothing registers it for you: annotate a test class with
 * {@code @ExtendWith(LeakCheckExtension.class)}, and run the tests with the system properties
 * {@code io.netty.leakDetection.level=paranoid} and {@code
 * io.netty.customResourceLeakDetector=org.toxreactive.test.RecordingLeakDetector}. (This project's
 * own modules register it for every test through JUnit's extension autodetection, from a file
 * outside this jar.)
 *
 * <p>Netty only notices a leak when a collected, unreleased buffer's phantom reference is polled,
 * which happens on the next tracked allocation. After each test class this runs a few rounds of
 * "collect garbage, allocate tracked buffers" and fails if any leak was recorded.
 */
public final class LeakCheckExtension implements AfterAllCallback {
  private static final int ROUNDS = 5;

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    for (int i = 0; i < ROUNDS; i++) {
      System.gc();
      System.runFinalization();
      touchDetector();
      // Reference processing is asynchronous; a short bounded wait lets the reference handler
      // enqueue collected buffers before the next tracked allocation polls them.
      Thread.sleep(20);
    }
    touchDetector();
    List<String> leaks = RecordingLeakDetector.drain();
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          leaks.size()
              + " ByteBuf leak(s) detected after "
              + context.getDisplayName()
              + ":\n"
              + String.join("\n", leaks));
    }
  }

  private static void touchDetector() {
    for (int i = 0; i < 8; i++) {
      release(PooledByteBufAllocator.DEFAULT.directBuffer(1));
      release(PooledByteBufAllocator.DEFAULT.heapBuffer(1));
      release(UnpooledByteBufAllocator.DEFAULT.heapBuffer(1));
      release(UnpooledByteBufAllocator.DEFAULT.directBuffer(1));
    }
  }

  private static void release(ByteBuf buf) {
    buf.release();
  }
}
