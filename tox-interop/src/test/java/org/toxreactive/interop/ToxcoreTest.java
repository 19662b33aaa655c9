package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The version selection every interop test goes through. */
class ToxcoreTest {
  @Test
  void parsesTheVersionListInOrderWithDuplicatesOnceAndDefaultsToBothVersions() {
    assertThat(Toxcore.parse(" 0.2.20, 0.2.18,0.2.20").stream().map(Toxcore::version))
        .containsExactly("0.2.20", "0.2.18");
    assertThat(Toxcore.parse("").stream().map(Toxcore::version))
        .containsExactly("0.2.18", "0.2.20");
    assertThat(Toxcore.parse("0.2.20").get(0)).hasToString("c-toxcore 0.2.20");
  }

  @Test
  void mixedPairsPutTheOlderVersionFirstAndAreEmptyForOneVersion() {
    assertThat(Toxcore.pairsOf(Toxcore.parse("0.2.20,0.2.18")))
        .singleElement()
        .satisfies(
            a ->
                assertThat(a.get())
                    .extracting(o -> ((Toxcore) o).version())
                    .containsExactly("0.2.18", "0.2.20"));
    assertThat(Toxcore.pairsOf(Toxcore.parse("0.2.20"))).isEmpty();
  }

  @Test
  void aBadVersionIsAOneLineErrorNamingIt() {
    assertThatThrownBy(() -> Toxcore.parse("0.2.18,latest"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tox.interop.versions has a bad version 'latest' (expected e.g. 0.2.20)");
  }

  @Test
  void comparesNumericallyAndKnowsWhichReleasesHaveGroups() {
    assertThat(Toxcore.compare("0.2.9", "0.2.18")).isNegative();
    assertThat(Toxcore.compare("0.2.20", "0.2.20")).isZero();
    assertThat(Toxcore.compare("0.3.0", "0.2.99")).isPositive();
    assertThat(new Toxcore("0.2.18", null).hasGroups()).isFalse();
    assertThat(new Toxcore("0.2.19", null).hasGroups()).isTrue();
  }

  /** A version that is not built must fail the test in CI and only skip it elsewhere. */
  @Test
  void aMissingVersionFailsWhenRequiredAndSkipsOtherwise() {
    Toxcore missing = new Toxcore("0.0.1", null);
    Toxcore missingPrefix = new Toxcore("0.0.2", Path.of("/nonexistent/c-toxcore-0.0.2"));
    String before = System.getProperty(Interop.REQUIRED_PROPERTY);
    try {
      System.setProperty(Interop.REQUIRED_PROPERTY, "true");
      assertThatThrownBy(missing::require)
          .isInstanceOf(AssertionFailedError.class)
          .hasMessageContaining("c-toxcore 0.0.1")
          .hasMessageContaining("build-toxcore.sh 0.0.1");
      assertThatThrownBy(missingPrefix::require)
          .isInstanceOf(AssertionFailedError.class)
          .hasMessageContaining("/nonexistent/c-toxcore-0.0.2/bin/tox-bootstrapd is missing");
      System.setProperty(Interop.REQUIRED_PROPERTY, "false");
      assertThatThrownBy(missing::require).isInstanceOf(TestAbortedException.class);
    } finally {
      if (before == null) {
        System.clearProperty(Interop.REQUIRED_PROPERTY);
      } else {
        System.setProperty(Interop.REQUIRED_PROPERTY, before);
      }
    }
  }
}
