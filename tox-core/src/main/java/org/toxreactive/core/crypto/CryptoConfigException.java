package org.toxreactive.core.crypto;

/**
 * The crypto provider the configuration asks for cannot be had: a bad {@code -Dtox.crypto} value,
 * or {@code sodium} without libsodium. Its message is one line naming the property and the value;
 * command-line tools print it as it is.
 */
public final class CryptoConfigException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  CryptoConfigException(String message) {
    super(message);
  }
}
