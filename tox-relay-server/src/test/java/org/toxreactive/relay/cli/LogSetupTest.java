package org.toxreactive.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The logging section applied to Logback: level, Netty kept quiet, text and JSON lines. */
class LogSetupTest {
  private final PrintStream stderr = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  private void applyCapturing(String level, String format) {
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    LogSetup.apply(level, format); // the console appender takes System.err as it starts
  }

  @AfterEach
  void restore() {
    System.setErr(stderr);
    LogSetup.apply("info", "text");
  }

  @Test
  void logbackIsTheBackendOfTheRelay() {
    assertThat(LogSetup.available()).isTrue();
  }

  @Test
  void debugShowsTheRelaysDebugLinesButNotNettys() {
    applyCapturing("debug", "text");
    Logger relay = LoggerFactory.getLogger("org.toxreactive.relay.RelayCore");
    Logger netty = LoggerFactory.getLogger("io.netty.util.internal.PlatformDependent");
    relay.debug("accepted {}", "[::1]:4000");
    netty.debug("noise");
    netty.warn("a netty warning");
    String text = captured.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .containsPattern(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z DEBUG RelayCore: accepted \\[::1]:4000")
        .contains("WARN  PlatformDependent: a netty warning")
        .doesNotContain("noise");
  }

  @Test
  void infoHidesDebug() {
    applyCapturing("info", "text");
    LoggerFactory.getLogger("org.toxreactive.relay.RelayCore").debug("accepted x");
    LoggerFactory.getLogger("org.toxreactive.relay.RelayCore").info("listening");
    String text = captured.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("INFO  RelayCore: listening").doesNotContain("accepted");
  }

  @Test
  void textLineIsTimeLevelLoggerMessageAndTheStackTraceAfterIt() {
    applyCapturing("info", "text");
    LoggerFactory.getLogger("org.toxreactive.relay.RelayCore").info("listening tcp={}", "x");
    LoggerFactory.getLogger("nodots").warn("w");
    LoggerFactory.getLogger("org.toxreactive.relay.RelayCore")
        .error("failed", new IllegalStateException("boom"));
    String[] lines = captured.toString(StandardCharsets.UTF_8).split(System.lineSeparator(), -1);
    assertThat(lines[0])
        .matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  RelayCore: listening tcp=x");
    assertThat(lines[1]).endsWith("Z WARN  nodots: w");
    assertThat(lines[2]).endsWith("Z ERROR RelayCore: failed");
    assertThat(lines[3]).isEqualTo("java.lang.IllegalStateException: boom");
    assertThat(lines[4]).startsWith("\tat org.toxreactive.relay.cli.LogSetupTest.");
    assertThat(lines[lines.length - 1]).isEmpty(); // every line ends with the separator
    assertThat(lines[lines.length - 2]).doesNotMatch("\\s*"); // and no blank line after the trace
  }

  @Test
  void jsonIsOneObjectPerLine() throws Exception {
    applyCapturing("info", "json");
    LoggerFactory.getLogger("org.toxreactive.relay.RelayServer").info("listening tcp={}", "x");
    LoggerFactory.getLogger("org.toxreactive.relay.RelayServer").warn("second");
    String[] lines = captured.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertThat(lines).hasSize(2);
    JsonNode first = new ObjectMapper().readTree(lines[0]);
    assertThat(first.get("level").asText()).isEqualTo("INFO");
    assertThat(first.get("loggerName").asText()).isEqualTo("org.toxreactive.relay.RelayServer");
    assertThat(first.get("formattedMessage").asText()).isEqualTo("listening tcp=x");
    assertThat(first.get("timestamp").asLong()).isPositive();
    assertThat(new ObjectMapper().readTree(lines[1]).get("level").asText()).isEqualTo("WARN");
  }
}
