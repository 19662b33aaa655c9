package org.toxreactive.relay.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * The relay's text log line, {@code 2026-12-03T06:07:46.439Z INFO RelayMain: message}: the time in
 * UTC to the millisecond, the level padded to five characters, the logger's last name segment, the
 * formatted message, then the stack trace if the event has one. The same line as Logback's {@code
 * PatternLayoutEncoder} with {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{0}:
 * %msg%n}, written directly: {@code PatternLayout} registers its whole converter table (about 70
 * lambda classes) and its pattern parser at first use, ~150 classes that would stay loaded for the
 * relay's lifetime (BENCHMARKS.md "Footprint").
 */
final class TextLineEncoder extends EncoderBase<ILoggingEvent> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

  @Override
  public byte @Nullable [] headerBytes() { // none (logback writes nothing for null)
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return line(event).getBytes(); // the platform charset, as PatternLayoutEncoder without one
  }

  @Override
  public byte @Nullable [] footerBytes() {
    return null;
  }

  /** The event as one line (more when it carries a throwable), with its line separator. */
  static String line(ILoggingEvent event) {
    StringBuilder b = new StringBuilder(128);
    TIME.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), b);
    b.append(' ');
    String level = event.getLevel().toString();
    b.append(level);
    for (int i = level.length(); i < 5; i++) {
      b.append(' ');
    }
    b.append(' ');
    String logger = event.getLoggerName();
    b.append(logger, logger.lastIndexOf('.') + 1, logger.length());
    b.append(": ").append(event.getFormattedMessage()).append(System.lineSeparator());
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      b.append(ThrowableProxyUtil.asString(thrown)); // ends with a line separator
    }
    return b.toString();
  }
}
