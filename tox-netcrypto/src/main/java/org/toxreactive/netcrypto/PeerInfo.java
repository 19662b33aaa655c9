package org.toxreactive.netcrypto;

import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Path;

/**
 * Who is knocking: a peer whose handshake arrived from an unknown source. The keys come from our
 * own cookie, so they are authentic: the DHT key was proven by the cookie request, the real key by
 * the handshake box.
 */
public record PeerInfo(PublicKey realKey, PublicKey dhtKey, Path path) {}
