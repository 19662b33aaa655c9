package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpenFilesTest {
  @Test
  void capsConnectionsUnderTheOpenFileLimitLessTheReserve() {
    assertThat(OpenFiles.connectionCap(100_000, 1024, 100)).isEqualTo(924);
    assertThat(OpenFiles.connectionCap(500, 1_048_576, 100)).isEqualTo(500);
    assertThat(OpenFiles.connectionCap(100_000, 50, 100)).as("at least one").isEqualTo(1);
  }

  @Test
  void anUnknownLimitKeepsTheConfiguredCap() {
    assertThat(OpenFiles.connectionCap(100_000, -1, 100)).isEqualTo(100_000);
    assertThat(OpenFiles.connectionCap(100_000, 0, 100)).isEqualTo(100_000);
  }

  @Test
  void theReserveGrowsWithTheEventLoops() {
    int loops = Math.max(4, Runtime.getRuntime().availableProcessors()) + 2;
    assertThat(OpenFiles.reserve())
        .isEqualTo(OpenFiles.BASE_RESERVE + OpenFiles.PER_EVENT_LOOP * loops);
  }

  @Test
  void readsTheProcessLimitOnUnix() {
    // the build runs on Linux; elsewhere the platform may not tell (-1)
    long limit = OpenFiles.processLimit();
    assertThat(limit == -1 || limit > 0).as("limit " + limit).isTrue();
  }
}
