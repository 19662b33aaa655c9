package org.toxreactive.benchmarks.abuse;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import org.toxreactive.netcrypto.SessionOpener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Case 4: {@code --sessions} (3,000) net_crypto sessions opened one after another by fresh keys
 * (full cookie exchange, handshake and a first data packet each), from 20 sockets on 127.6.0.x,
 * against the accepting node, while the canary connection runs. Holds when the canary keeps >= 80%
 * of its echoes and the node's RSS stays bounded.
 */
@Command(
    name = "session-flood",
    mixinStandardHelpOptions = true,
    description = {
      "Case 4: many sessions opened by fresh keys (cookie + handshake + one data packet each)."
          + " Holds: canary >= 80% echoed, RSS bounded."
    })
final class SessionFloodCase extends NodeCase {
  private static final int SOCKETS = 20;

  @Option(names = "--sessions", defaultValue = "3000", description = "Sessions to open (at most).")
  int sessions;

  @Option(
      names = "--step-timeout-ms",
      defaultValue = "1000",
      description = "How long one session may take (default: ${DEFAULT-VALUE}).")
  long stepTimeoutMs;

  @Override
  String caseName() {
    return "session-flood";
  }

  @Override
  String validate() {
    String bad = super.validate();
    if (bad == null && (sessions < 1 || sessions > 1_000_000 || stepTimeoutMs < 1)) {
      bad = "--sessions must be 1..1000000, --step-timeout-ms >= 1";
    }
    return bad;
  }

  @Override
  void attack(long deadline, Outcome o) throws Exception {
    NodeTarget t = target();
    DatagramSocket[] socks = new DatagramSocket[SOCKETS];
    long opened = 0;
    long noCookie = 0;
    long noHandshake = 0;
    long start = System.nanoTime();
    try {
      for (int i = 0; i < SOCKETS; i++) {
        socks[i] = new DatagramSocket(new InetSocketAddress("127.6.0." + (i + 1), 0));
      }
      SessionOpener opener = new SessionOpener();
      for (int i = 0; i < sessions && System.nanoTime() - deadline < 0; i++) {
        long stepEnd = Math.min(deadline, System.nanoTime() + stepTimeoutMs * 1_000_000);
        switch (opener.open(socks[i % SOCKETS], t.address(), t.realKey(), t.dhtKey(), stepEnd)) {
          case OPENED -> opened++;
          case NO_COOKIE -> noCookie++;
          case NO_HANDSHAKE -> noHandshake++;
        }
      }
    } finally {
      for (DatagramSocket s : socks) {
        if (s != null) {
          s.close();
        }
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
    o.put("sessions_opened", opened)
        .put("no_cookie", noCookie)
        .put("no_handshake", noHandshake)
        .put("sessions_per_s", opened / secs);
  }
}
