package org.toxreactive.core.crypto;

import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the process's {@link CryptoProvider} once, on first use, and logs one INFO line saying
 * which. The system property {@value #PROPERTY} decides:
 *
 * <ul>
 *   <li>{@code auto} (or unset): libsodium if it loads, otherwise the pure-Java provider;
 *   <li>{@code sodium}: libsodium or an error (for operators who want the fast path or nothing);
 *   <li>{@code java}: the pure-Java provider, even when libsodium is installed;
 *   <li>{@code sodium-ffm}: libsodium through the FFM API (Java 22+, multi-release jar) or an
 *       error.
 * </ul>
 *
 * Any other value, or {@code sodium} without libsodium, makes every {@link #current()} call throw a
 * {@link CryptoConfigException} with a one-line message naming the property and the value.
 */
public final class CryptoProviders {
  /** The system property that selects the provider. */
  public static final String PROPERTY = "tox.crypto";

  private static final Logger LOG = LoggerFactory.getLogger(CryptoProviders.class);

  private static volatile @Nullable CryptoProvider current;
  private static volatile @Nullable String failure;

  private CryptoProviders() {}

  /**
   * The provider chosen by {@value #PROPERTY}; chosen (and logged) on the first call.
   *
   * @throws CryptoConfigException if the property has a bad value, or asks for {@code sodium} and
   *     libsodium does not load
   * @return the process-wide provider, the same object on every call
   */
  public static CryptoProvider current() {
    CryptoProvider p = current;
    if (p != null) {
      return p;
    }
    return choose();
  }

  private static synchronized CryptoProvider choose() {
    if (current != null) {
      return current;
    }
    if (failure != null) {
      throw new CryptoConfigException(failure);
    }
    Choice c;
    try {
      c = select(System.getProperty(PROPERTY));
    } catch (CryptoConfigException e) {
      failure = e.getMessage();
      throw e;
    }
    LOG.info("crypto provider: {}{}", c.provider().description(), c.note());
    current = c.provider();
    return current;
  }

  /** A chosen provider and why, for the log line. */
  record Choice(CryptoProvider provider, String note) {}

  /**
   * What {@code -Dtox.crypto=value} ({@code null}: unset) selects, freshly loaded.
   *
   * @throws CryptoConfigException (one-line message) for a bad value, or {@code sodium} without
   *     libsodium
   */
  static Choice select(String value) {
    String wanted = value == null ? "auto" : value.trim().toLowerCase(Locale.ROOT);
    switch (wanted) {
      case "java":
        return new Choice(new JavaCryptoProvider(), " (" + PROPERTY + "=java)");
      case "sodium":
        try {
          return new Choice(SodiumCryptoProvider.load(), " (" + PROPERTY + "=sodium)");
        } catch (UnsatisfiedLinkError | RuntimeException e) {
          throw new CryptoConfigException(
              PROPERTY + "=sodium but libsodium did not load: " + e.getMessage());
        }
      case "sodium-ffm":
        try {
          return new Choice(SodiumCryptoProvider.loadFfm(), " (" + PROPERTY + "=sodium-ffm)");
        } catch (UnsatisfiedLinkError | RuntimeException e) {
          throw new CryptoConfigException(
              PROPERTY + "=sodium-ffm but libsodium via FFM did not load: " + e.getMessage());
        }
      case "auto":
      case "":
        try {
          return new Choice(SodiumCryptoProvider.load(), "");
        } catch (UnsatisfiedLinkError | RuntimeException e) {
          return new Choice(
              new JavaCryptoProvider(), " (libsodium did not load: " + e.getMessage() + ")");
        }
      default:
        throw new CryptoConfigException(
            PROPERTY + " must be one of auto, sodium, sodium-ffm, java; got '" + value + "'");
    }
  }

  /**
   * A pure-Java provider, whatever {@value #PROPERTY} says.
   *
   * @return a new pure-Java provider
   */
  public static JavaCryptoProvider java() {
    return new JavaCryptoProvider();
  }

  /**
   * A libsodium provider, whatever {@value #PROPERTY} says.
   *
   * @throws UnsatisfiedLinkError (one-line message) if libsodium does not load
   * @return a libsodium provider
   */
  public static SodiumCryptoProvider sodium() {
    return SodiumCryptoProvider.load();
  }

  /**
   * The provider named {@code name} ({@code java}, {@code sodium} or {@code sodium-ffm}), whatever
   * {@value #PROPERTY} says; for benchmarks and tests that run each.
   *
   * @throws IllegalArgumentException for another name
   * @throws UnsatisfiedLinkError (one line) if a libsodium provider does not load
   * @param name {@code java}, {@code sodium} or {@code sodium-ffm}
   * @return the provider of that name
   */
  public static CryptoProvider named(String name) {
    return switch (name) {
      case "java" -> java();
      case "sodium" -> sodium();
      case "sodium-ffm" -> SodiumCryptoProvider.loadFfm();
      default ->
          throw new IllegalArgumentException(
              "crypto provider must be java, sodium or sodium-ffm, got '" + name + "'");
    };
  }
}
