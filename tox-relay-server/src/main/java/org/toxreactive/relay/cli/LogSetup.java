package org.toxreactive.relay.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback, the runnable relay's logging backend, from the config's {@code logging}
 * section: one appender on stderr, {@code text} ({@link TextLineEncoder}: ISO-8601 UTC time, level,
 * logger, message) or {@code json} (one JSON object a line, Logback's {@link JsonEncoder}, for log
 * shippers). Netty and Reactor log at WARN unless the level is {@code trace}.
 *
 * <p>Only {@link #apply} touches Logback classes; {@link #available} says whether Logback is the
 * SLF4J backend (it is in the runnable jar; a program that embeds the relay keeps its own).
 */
final class LogSetup {
  private LogSetup() {}

  /** Whether Logback is SLF4J's backend in this process. */
  static boolean available() {
    return LoggerFactory.getILoggerFactory()
        .getClass()
        .getName()
        .equals("ch.qos.logback.classic.LoggerContext");
  }

  /**
   * Replaces Logback's configuration.
   *
   * @param level one of {@link RelayConfig#LEVELS}
   * @param format {@code text} or {@code json}
   */
  static void apply(String level, String format) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    Encoder<ILoggingEvent> encoder;
    if (format.equals("json")) {
      JsonEncoder json = new JsonEncoder();
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithContext(false);
      json.setWithArguments(false);
      json.setWithMessage(false);
      json.setWithFormattedMessage(true); // "formattedMessage": the line with its arguments
      encoder = json;
    } else {
      encoder = new TextLineEncoder(); // PatternLayout's line, without its ~150 classes
    }
    encoder.setContext(ctx);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(ctx);
    console.setName("stderr");
    console.setTarget("System.err");
    console.setEncoder(encoder);
    console.start();
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level, Level.INFO));
    root.addAppender(console);
    if (!level.equals("trace")) {
      Level quiet = root.getLevel().isGreaterOrEqual(Level.WARN) ? root.getLevel() : Level.WARN;
      ctx.getLogger("io.netty").setLevel(quiet);
      ctx.getLogger("reactor").setLevel(quiet);
    }
  }
}
