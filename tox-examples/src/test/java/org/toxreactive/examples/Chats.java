package org.toxreactive.examples;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.concurrent.CompletableFuture;
import org.toxreactive.core.KeyPair;
import org.toxreactive.relay.RunningRelay;

/** Runs example commands in-process for the tests: the shared set-up of the chat tests. */
final class Chats {
  private Chats() {}

  /** {@code Examples.run(args)} on another thread, printing to {@code out} and {@code err}. */
  static CompletableFuture<Integer> start(Writer out, Writer err, String... args) {
    return CompletableFuture.supplyAsync(
        () -> Examples.run(new PrintWriter(out, true), new PrintWriter(err, true), args));
  }

  /** The {@code --relay} value for an in-process relay on 127.0.0.1 with keys {@code keys}. */
  static String relaySpec(RunningRelay relay, KeyPair keys) {
    return "127.0.0.1:" + relay.port() + ":" + keys.publicKey().toHex();
  }
}
