package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  @Test
  void readsTheSoftLimitFromTheProcTable() {
    List<String> table =
        List.of(
            "Limit                     Soft Limit           Hard Limit           Units     ",
            "Max processes             63704                63704                processes ",
            "Max open files            1024                 524288               files     ",
            "Max locked memory         8388608              8388608              bytes     ");
    assertThat(OpenFiles.softOpenFiles(table)).isEqualTo(1024);
    assertThat(OpenFiles.softOpenFiles(List.of("Max open files  unlimited  unlimited  files")))
        .isEqualTo(-1);
    assertThat(OpenFiles.softOpenFiles(List.of("Max open files  many  more  files"))).isZero();
    assertThat(OpenFiles.softOpenFiles(List.of("Max processes  10  10  processes"))).isZero();
    assertThat(OpenFiles.softOpenFiles(List.of())).isZero();
  }

  @Test
  void theProcTableAgreesWithTheMxBean() {
    assumeTrue(Files.isReadable(Path.of("/proc/self/limits")), "Linux only");
    var os = (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long mx = os.getMaxFileDescriptorCount();
    assertThat(OpenFiles.processLimit()).isEqualTo(mx);
  }
}
