package org.toxreactive.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The default timeout in {@code src/test/resources/junit-platform.properties} (every module has the
 * same file) reaches JUnit.
 */
class JunitDefaultsTest {
  private static final String TIMEOUT = "junit.jupiter.execution.timeout.default";
  private static volatile Optional<String> seen = Optional.empty();

  @RegisterExtension
  static final BeforeEachCallback CAPTURE =
      context -> seen = context.getConfigurationParameter(TIMEOUT);

  @Test
  void aHangFailsAfterTwoMinutes() {
    assertThat(seen).contains("2 m");
  }
}
