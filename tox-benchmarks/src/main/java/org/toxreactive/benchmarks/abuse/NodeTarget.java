package org.toxreactive.benchmarks.abuse;

import java.net.InetSocketAddress;
import org.toxreactive.core.PublicKey;

/**
 * The net_crypto echo node a node case attacks, as {@code HOST:PORT:REALKEY:DHTKEY} (what {@code
 * echo-node} prints).
 *
 * @param address its UDP address (loopback only)
 * @param realKey its long-term public key
 * @param dhtKey its DHT public key
 */
record NodeTarget(InetSocketAddress address, PublicKey realKey, PublicKey dhtKey) {
  /** Parses {@code HOST:PORT:REALKEY:DHTKEY}; the host must be a 127.x.y.z address. */
  static NodeTarget parse(String s) {
    String[] p = s.split(":");
    if (p.length != 4) {
      throw new IllegalArgumentException("node must be HOST:PORT:REALKEY:DHTKEY, got '" + s + "'");
    }
    if (!p[0].startsWith("127.")) {
      throw new IllegalArgumentException("node host must be a loopback 127.x address: " + p[0]);
    }
    int port = Integer.parseInt(p[1]);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("node port out of range: " + port);
    }
    return new NodeTarget(
        new InetSocketAddress(p[0], port), PublicKey.fromHex(p[2]), PublicKey.fromHex(p[3]));
  }
}
