package org.toxreactive.benchmarks.abuse;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import org.toxreactive.core.NetCryptoPacketKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Case 3: cookie requests (145 bytes, id 24) each with a random DHT key and a random box, from
 * {@code --sources} (2,000) UDP sockets bound to distinct addresses 127.5.x.y, at {@code --rate}
 * (50,000) per second. Each costs the node an X25519 agreement before the box fails to open, the
 * attacker only random bytes. Holds when the canary keeps >= 80% of its echoes during the flood,
 * gets an echo within 1 s after it ({@code canary_recovery_ms}) and the node's RSS stays bounded.
 */
@Command(
    name = "cookie-flood",
    mixinStandardHelpOptions = true,
    description = {
      "Case 3: cookie requests with a random DHT key each, from many forged 127.5.x.y sources."
          + " Holds: canary >= 80% echoed during the flood, an echo within 1 s after it, RSS"
          + " bounded."
    })
final class CookieFloodCase extends NodeCase {
  private static final int COOKIE_REQUEST = 145;

  @Option(names = "--sources", defaultValue = "2000", description = "UDP sockets (1..20000).")
  int sources;

  @Option(names = "--rate", defaultValue = "50000", description = "Requests per second.")
  int rate;

  @Override
  String caseName() {
    return "cookie-flood";
  }

  @Override
  String validate() {
    String bad = super.validate();
    if (bad == null && (sources < 1 || sources > 20_000 || rate < 1 || rate > 1_000_000)) {
      bad = "--sources must be 1..20000, --rate 1..1000000";
    }
    return bad;
  }

  @Override
  void judge(Outcome o, Canary.Stats s) {
    o.check(
        "canary_recovers",
        s.recoveryMs() >= 0 && s.recoveryMs() <= 1000,
        "recovery_" + Outcome.fmt(s.recoveryMs()) + "ms<=1000");
  }

  @Override
  void attack(long deadline, Outcome o) throws IOException {
    InetSocketAddress to = target().address();
    DatagramChannel[] socks = new DatagramChannel[sources];
    long sent = 0;
    long refused = 0;
    try {
      for (int i = 0; i < sources; i++) {
        DatagramChannel ch = DatagramChannel.open();
        socks[i] = ch;
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        ch.bind(new InetSocketAddress("127.5." + (i / 250) + "." + (i % 250 + 1), 0));
        ch.configureBlocking(false);
        if (System.nanoTime() - deadline > 0) {
          break;
        }
      }
      SplittableRandom r = new SplittableRandom();
      byte[] p = new byte[COOKIE_REQUEST];
      ByteBuffer b = ByteBuffer.wrap(p);
      long start = System.nanoTime();
      long max = (long) (rate * seconds) + 1;
      int next = 0;
      while (System.nanoTime() - deadline < 0 && sent < max) {
        long due = Math.min(max, (System.nanoTime() - start) * rate / 1_000_000_000L);
        if (sent >= due) {
          LockSupport.parkNanos(200_000);
          continue;
        }
        for (int k = 0; k < 1000 && sent < due; k++) {
          r.nextBytes(p);
          p[0] = NetCryptoPacketKind.COOKIE_REQUEST.idByte();
          b.clear();
          DatagramChannel ch = socks[next];
          next = (next + 1) % sources;
          if (ch == null || ch.send(b, to) == 0) {
            refused++;
          }
          sent++;
        }
      }
      o.put("sent", sent)
          .put("send_refused", refused)
          .put("rate_achieved", sent / ((System.nanoTime() - start) / 1e9));
    } finally {
      for (DatagramChannel ch : socks) {
        if (ch != null) {
          ch.close();
        }
      }
    }
  }
}
