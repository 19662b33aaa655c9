/**
 * The relay as a program: {@link org.toxreactive.relay.cli.RelayMain} ({@code java -jar
 * tox-relay-server/target/tox-relay-server.jar}, picocli) reads {@link
 * org.toxreactive.relay.cli.RelayConfig} (embedded defaults, a JSON file, command-line overrides,
 * one validation), the key file ({@link org.toxreactive.relay.cli.KeysFile}), sets up logging and
 * the Prometheus metrics endpoint, and reports every failure as one line on stderr with a
 * documented exit code. Public for the in-process tests and for embedding the command; applications
 * use {@code RelayServer}.
 */
@NullMarked
package org.toxreactive.relay.cli;

import org.jspecify.annotations.NullMarked;
