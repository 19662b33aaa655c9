package org.toxreactive.examples;

import java.io.PrintWriter;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.HostPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SecretKey;
import org.toxreactive.core.crypto.CryptoConfigException;
import org.toxreactive.transport.tcp.RelayAddress;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/**
 * The one error path of the example programs. Every option value goes through a converter here
 * (keys, addresses, ports, counts), so a bad value is rejected before anything starts, with one
 * line on stderr that names the option, the value and what is allowed, and exit code {@link
 * #USAGE}. A command reports a runtime failure by throwing {@link Failure} with its documented
 * code; anything else that escapes a command is a bug: one line and {@link #INTERNAL}, its stack
 * trace only with {@code --debug}.
 *
 * <pre>{@code
 * @Option(names = "--peer", converter = Cli.Key.class) PublicKey peer;
 * @Option(names = "--seconds", converter = Cli.Positive.class) int seconds;
 * throw new Cli.Failure(ChatCommand.CANNOT_BIND, "cannot bind UDP 127.0.0.1:33445: in use");
 * }</pre>
 */
final class Cli {
  /** Exit code of a bad command line: an unknown option, a missing or malformed value. */
  static final int USAGE = 2;

  /** Exit code of an unexpected exception (a bug): see {@code --debug}. */
  static final int INTERNAL = 70;

  /** The option that lets an unexpected exception print its stack trace. */
  static final String DEBUG = "--debug";

  private Cli() {}

  /** A runtime failure with its documented exit code and a one-line message. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The exit code. */
    final int code;

    /**
     * @param code the command's documented exit code for this failure
     * @param message one line, printed after the command's name
     */
    Failure(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  /**
   * A command line for {@code command} whose parse errors and failures take the paths above.
   *
   * @param command the annotated top-level command
   * @return the configured command line
   */
  static CommandLine commandLine(Object command) {
    CommandLine cl = new CommandLine(command);
    cl.setParameterExceptionHandler(Cli::usageError);
    cl.setExecutionExceptionHandler(Cli::runtimeError);
    return cl;
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println(
        cl.getCommandName()
            + ": "
            + oneLine(e.getMessage())
            + " (see '"
            + cl.getCommandSpec().qualifiedName()
            + " --help')");
    err.flush();
    return USAGE;
  }

  private static int runtimeError(Exception e, CommandLine cl, ParseResult parsed) {
    PrintWriter err = cl.getErr();
    if (e instanceof Failure f) {
      err.println(cl.getCommandName() + ": " + oneLine(f.getMessage()));
      err.flush();
      return f.code;
    }
    if (e instanceof CryptoConfigException c) { // a bad -Dtox.crypto: the operator's to fix
      err.println(cl.getCommandName() + ": " + oneLine(c.getMessage()));
      err.flush();
      return USAGE;
    }
    err.println(
        cl.getCommandName()
            + ": internal error: "
            + oneLine(String.valueOf(e))
            + (debug(parsed) ? "" : " (" + DEBUG + " prints the stack trace)"));
    if (debug(parsed)) {
      e.printStackTrace(err);
    }
    err.flush();
    return INTERNAL;
  }

  private static boolean debug(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption(DEBUG)) {
        return true;
      }
    }
    return false;
  }

  /** {@code text} on one line. */
  static String oneLine(String text) {
    return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", "; ");
  }

  /** The message of the innermost cause that has one (what a bind or connect failure says). */
  static String rootMessage(Throwable t) {
    String message = t.toString();
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c.getMessage() != null) {
        message = c.getMessage();
      }
    }
    return oneLine(message);
  }

  /**
   * Any secret key: a shared key with it tells a usable public key from a low-order point. A fixed
   * one (X25519 clamps it), so that loading this class needs no crypto provider yet.
   */
  private static final SecretKey CHECK = SecretKey.of(new byte[SecretKey.SIZE]);

  /**
   * {@code key}, or a conversion error if no box can be made with it: a low-order point (e.g. all
   * zeros) gives every party the same shared secret, so no Tox node accepts it.
   */
  private static PublicKey usable(PublicKey key, String value) {
    try {
      CryptoBox.beforenm(key, CHECK);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(
          "'" + value + "': the key is a low-order point, no Tox node can have it");
    }
    return key;
  }

  /** A public key: 64 hex digits, not a low-order point. */
  static final class Key implements ITypeConverter<PublicKey> {
    @Override
    public PublicKey convert(String value) {
      try {
        return usable(PublicKey.fromHex(value), value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "': " + e.getMessage());
      }
    }
  }

  /** A secret key (64 hex digits) as its key pair; the message never repeats the secret. */
  static final class SecretKeyPair implements ITypeConverter<KeyPair> {
    @Override
    public KeyPair convert(String value) {
      try {
        return KeyPair.fromSecretHex(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@code HOST:PORT}, IPv6 in brackets, port 1..65535. */
  static final class Address implements ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
      HostPort hp;
      try {
        hp = HostPort.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      if (hp.port() == 0) {
        throw new TypeConversionException("'" + value + "': port must be 1..65535");
      }
      return hp;
    }
  }

  /** {@code HOST:PORT:PUBLIC_KEY_HEX}, IPv6 in brackets. */
  static final class Relay implements ITypeConverter<RelayAddress> {
    @Override
    public RelayAddress convert(String value) {
      RelayAddress relay;
      try {
        relay = RelayAddress.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      usable(relay.publicKey(), value);
      return relay;
    }
  }

  /**
   * {@code HOST:PORT:KEY[:TCP_PORT,...]} of a DHT node (UDP port 1..65535, TCP ports 1..65535),
   * IPv6 in brackets.
   */
  static final class Bootstrap implements ITypeConverter<org.toxreactive.friend.BootstrapNode> {
    @Override
    public org.toxreactive.friend.BootstrapNode convert(String value) {
      org.toxreactive.friend.BootstrapNode node;
      try {
        node = org.toxreactive.friend.BootstrapNode.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "': " + e.getMessage());
      }
      if (node.address().port() == 0) {
        throw new TypeConversionException("'" + value + "': port must be 1..65535");
      }
      usable(node.publicKey(), value);
      return node;
    }
  }

  /** A Tox ID: 76 hex digits whose checksum matches. */
  static final class ToxIdValue implements ITypeConverter<org.toxreactive.friend.ToxId> {
    @Override
    public org.toxreactive.friend.ToxId convert(String value) {
      org.toxreactive.friend.ToxId id;
      try {
        id = org.toxreactive.friend.ToxId.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      usable(id.publicKey(), value);
      return id;
    }
  }

  /** A whole number in {@code [min, max]}. */
  abstract static class Range implements ITypeConverter<Integer> {
    private final int min;
    private final int max;
    private final String allowed;

    Range(int min, int max, String allowed) {
      this.min = min;
      this.max = max;
      this.allowed = allowed;
    }

    @Override
    public Integer convert(String value) {
      long n;
      try {
        n = value.matches("[+-]?[0-9]{1,10}") ? Long.parseLong(value) : Long.MIN_VALUE;
      } catch (NumberFormatException e) {
        n = Long.MIN_VALUE;
      }
      if (n < min || n > max) {
        throw new TypeConversionException("'" + value + "' is not " + allowed);
      }
      return (int) n;
    }
  }

  /** 1 or more. */
  static final class Positive extends Range {
    Positive() {
      super(1, Integer.MAX_VALUE, "a whole number >= 1");
    }
  }

  /** 0 or more. */
  static final class NonNegative extends Range {
    NonNegative() {
      super(0, Integer.MAX_VALUE, "a whole number >= 0");
    }
  }

  /** A local port: 0 (any free port) to 65535. */
  static final class Port extends Range {
    Port() {
      super(0, 65535, "a port 0..65535 (0: any free port)");
    }
  }
}
