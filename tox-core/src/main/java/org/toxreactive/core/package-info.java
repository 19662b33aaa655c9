/**
 * The Tox building blocks every other module uses: keys ({@link org.toxreactive.core.PublicKey},
 * {@link org.toxreactive.core.SecretKey}, {@link org.toxreactive.core.KeyPair}, precomputed {@link
 * org.toxreactive.core.SharedKey}), 24-byte {@link org.toxreactive.core.Nonce}s with c-toxcore's
 * big-endian increment, {@link org.toxreactive.core.CryptoBox} (libsodium's {@code crypto_box},
 * byte-identical), immutable {@link org.toxreactive.core.Bytes}, addresses ({@link
 * org.toxreactive.core.IpPort}, {@link org.toxreactive.core.HostPort}, {@link
 * org.toxreactive.core.PackedNode}) and a {@link org.toxreactive.core.TokenBucket} rate limit.
 *
 * <p>No channels, no event loops, no Reactor Netty (an enforcer rule keeps it so). Value types are
 * immutable and thread-safe; the few methods that take a Netty {@code ByteBuf} (for this project's
 * codecs) borrow it and never retain or release it. The wire facts behind the formats are in
 * docs/protocol.md sections 1 and 4.
 */
@NullMarked
package org.toxreactive.core;

import org.jspecify.annotations.NullMarked;
