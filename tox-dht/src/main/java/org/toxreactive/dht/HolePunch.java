package org.toxreactive.dht;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.toxreactive.core.IpPort;

/**
 * The NAT-traversal state of one tracked key and c-toxcore 0.2.18's port-guessing schedule ({@code
 * DHT.c}: {@code NAT} in {@code DHT_Friend}, {@code do_NAT}, {@code punch_holes}; docs/protocol.md
 * section 12.10). Mutable; owned by its {@link DhtFriend}, confined to the core's thread.
 *
 * <p>The schedule: if every address the friend's nodes reported for it has the same port, only that
 * port is pinged. Otherwise 48 pings go out per round, walking outwards from each reported port in
 * turn ({@code port}, {@code port}, then {@code port - 1}, {@code port + 1}, ... once the walk has
 * passed every reported port twice), continued next round where it stopped. After 5 rounds ({@link
 * #MAX_NORMAL_TRIES}) each round also pings 48 ports counting up from 1024, advancing 24 a round.
 * The walk restarts after 40 s without a round ({@link #RESET_TIME}).
 */
final class HolePunch {
  /** Pings per guessing round ({@code MAX_PUNCHING_PORTS}). */
  static final int MAX_PORTS = 48;

  /** NAT ping requests and punching rounds at most this often, ms ({@code PUNCH_INTERVAL}). */
  static final long INTERVAL = 3_000;

  /** A punching pause this long restarts the port walk, ms ({@code PUNCH_RESET_TIME}). */
  static final long RESET_TIME = 40_000;

  /** Rounds before the 1024-upwards sweep joins in ({@code MAX_NORMAL_PUNCHING_TRIES}). */
  static final int MAX_NORMAL_TRIES = 5;

  /** The id our next NAT ping request carries; a response with it means the friend is online. */
  long pingId;

  /** When we last sent the friend a NAT ping request. */
  long pingTimestamp = Assoc.NEVER;

  /** When the friend's last NAT ping request reached us. */
  long receivedPingTimestamp = Assoc.NEVER;

  /** Set by a matching NAT ping response; cleared by the punching round it allows. */
  boolean punching;

  /** When the last punching round ran. */
  long punchingTimestamp = Assoc.NEVER;

  /** Rounds since the last reset. */
  int tries;

  /** Position of the walk around the reported ports. */
  int index;

  /** Position of the sweep from 1024. */
  int index2;

  HolePunch(long pingId) {
    this.pingId = pingId;
  }

  /**
   * One punching round towards {@code ip}, given the ports the friend's nodes reported for it (1..8
   * of them): the addresses to ping, in order. Advances the walk.
   */
  List<IpPort> round(InetAddress ip, int[] ports) {
    List<IpPort> targets = new ArrayList<>();
    if (ports.length == 0 || ports.length > DhtTimers.BUCKET_SIZE) {
      return targets;
    }
    boolean same = true;
    for (int p : ports) {
      same &= p == ports[0];
    }
    if (same) {
      targets.add(new IpPort(ip, ports[0]));
    } else {
      for (int i = 0; i < MAX_PORTS; i++) {
        int it = i + index;
        int sign = it % 2 != 0 ? -1 : 1;
        int delta = sign * (it / (2 * ports.length));
        int port = (ports[(it / 2) % ports.length] + delta) & 0xFFFF;
        targets.add(new IpPort(ip, port));
      }
      index += MAX_PORTS;
    }
    if (tries > MAX_NORMAL_TRIES) {
      for (int i = 0; i < MAX_PORTS; i++) {
        targets.add(new IpPort(ip, (1024 + index2 + i) & 0xFFFF));
      }
      index2 += MAX_PORTS - MAX_PORTS / 2;
    }
    tries++;
    return targets;
  }

  /** Starts the walk again ({@code do_NAT} after {@link #RESET_TIME} without a round). */
  void reset() {
    tries = 0;
    index = 0;
    index2 = 0;
  }
}
