/**
 * Where the cryptography runs: a {@link org.toxreactive.core.crypto.CryptoProvider} is either
 * libsodium (called through jffi, jnr-ffi's native layer) or a pure-Java implementation on Bouncy
 * Castle, chosen once per process by {@link org.toxreactive.core.crypto.CryptoProviders} from the
 * system property {@code tox.crypto}. Both produce byte-identical results (checked by the tests
 * against each other and against libsodium). Applications normally use {@link
 * org.toxreactive.core.CryptoBox} and {@link org.toxreactive.core.KeyPair} and never touch this
 * package; it is public for the benchmarks and for choosing a provider explicitly. Providers are
 * stateless and thread-safe.
 */
@NullMarked
package org.toxreactive.core.crypto;

import org.jspecify.annotations.NullMarked;
