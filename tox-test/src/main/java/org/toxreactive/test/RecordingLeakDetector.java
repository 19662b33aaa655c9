package org.toxreactive.test;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A Netty leak detector that remembers every leak report so that {@link LeakCheckExtension} can
 * fail the test class that caused it. Surefire installs it through the system property {@code
 * io.netty.customResourceLeakDetector}; Netty instantiates it reflectively with the constructor
 * below.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
  private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();

  /**
   * Called by Netty reflectively.
   *
   * @param resourceType the type of resource tracked
   * @param samplingInterval Netty's sampling interval
   */
  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
    super(resourceType, samplingInterval);
  }

  /**
   * Called by Netty reflectively.
   *
   * @param resourceType the type of resource tracked
   * @param samplingInterval Netty's sampling interval
   * @param maxActive ignored (deprecated in Netty)
   */
  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
    super(resourceType, samplingInterval);
  }

  @Override
  protected void reportTracedLeak(String resourceType, String records) {
    LEAKS.add("LEAK: " + resourceType + records);
    super.reportTracedLeak(resourceType, records);
  }

  @Override
  protected void reportUntracedLeak(String resourceType) {
    LEAKS.add("LEAK: " + resourceType + " (untraced)");
    super.reportUntracedLeak(resourceType);
  }

  /** Returns and forgets every leak reported so far. */
  static List<String> drain() {
    List<String> out = new ArrayList<>();
    for (String s; (s = LEAKS.poll()) != null; ) {
      out.add(s);
    }
    return out;
  }

  /** Whether Netty actually uses this detector (the system property is set and honoured). */
  static boolean installed(ResourceLeakDetector<?> detector) {
    return detector instanceof RecordingLeakDetector;
  }
}
