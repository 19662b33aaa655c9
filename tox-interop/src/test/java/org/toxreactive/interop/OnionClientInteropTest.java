package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.onion.DhtPkAnnouncement;
import org.toxreactive.onion.FriendRequest;
import org.toxreactive.onion.OnionClient;
import org.toxreactive.onion.OnionIo;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayPool;
import org.toxreactive.transport.udp.UdpTransport;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Our {@link OnionClient} on a loopback network with one tox-bootstrapd 0.2.18 and unmodified
 * c-toxcore 0.2.18 clients ({@code src/test/c/onion_peer.c}), docs/protocol.md 13.10:
 *
 * <ul>
 *   <li>our client announces itself; a c-toxcore client {@code tox_friend_add}s our Tox ID (our
 *       real key, a nospam, the checksum) with a message, and its friend request reaches us through
 *       the onion;
 *   <li>our client looks that client up and receives its DHT-PK announcement: the DHT key is the
 *       one it prints ({@code tox_self_get_dht_id});
 *   <li>our friend request (with its Tox ID's nospam) reaches a second c-toxcore client, whose
 *       {@code friend_request} callback fires with our key and message.
 * </ul>
 *
 * Once over UDP (our paths through DHT nodes), once TCP-only (our paths start at the bootstrapd's
 * relay, relay packets 8 and 9, no UDP socket of ours).
 */
class OnionClientInteropTest {
  private static final Pattern READY =
      Pattern.compile("READY pk=([0-9A-F]{64}) dht=([0-9A-F]{64}) address=([0-9A-F]{76}) .*");
  private static final int OUR_NOSPAM = 0x1A2B3C4D;
  private static volatile Path binary;

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void overUdpFriendRequestsBothWaysAndTheirDhtPkReachUs() {
    run(false);
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void tcpOnlyThroughTheBootstrapdRelayFriendRequestsBothWaysAndTheirDhtPkReachUs() {
    run(true);
  }

  private void run(boolean tcpOnly) {
    Toxcore toxcore = Toxcore.system();
    Path peerBinary = onionPeerBinary(toxcore);
    try (ToxBootstrapd dht = ToxBootstrapd.start(toxcore)) {
      InetAddress loopback = InetAddress.getLoopbackAddress();
      PackedNode boot = PackedNode.udp(new IpPort(loopback, dht.udpPort()), dht.publicKey());
      String bootSpec = "127.0.0.1:" + dht.udpPort() + ":" + dht.publicKeyHex();
      KeyPair real = KeyPair.generate();
      KeyPair dhtKeys = KeyPair.generate();
      UdpTransport udp = null;
      RelayPool pool = null;
      OnionIo io;
      if (tcpOnly) {
        pool =
            RelayPool.create(dhtKeys)
                .relays(List.of(RelayAddress.of("127.0.0.1", dht.tcpPort(), dht.publicKey())))
                .connectNow(Duration.ofSeconds(10));
        RelayPool p = pool;
        io =
            OnionIo.tcp(
                OnionIo.relays(
                    p::connectedRelays,
                    p::sendOnionRequest,
                    p.onionResponses().map(r -> new OnionIo.RelayResponse(r.relay(), r.packet()))));
      } else {
        udp = UdpTransport.create().host("127.0.0.1").port(0).bindNow();
        Flux<org.toxreactive.core.transport.Datagram> onionView =
            udp.receive()
                .filter(
                    d -> {
                      int id = d.data().isEmpty() ? -1 : d.data().getUnsigned(0);
                      return id == 0x84 || id == 0x86 || id == 0x88;
                    });
        io = OnionIo.udp(onionView, udp);
      }
      OnionClient onion =
          OnionClient.create(real, () -> dhtKeys, io)
              .pathNodes(tcpOnly ? List::of : () -> List.of(boot))
              .bootstrap(List.of(boot))
              .bindNow();
      onion.nospam(OUR_NOSPAM);
      Mono<FriendRequest> request = onion.friendRequests().next().cache();
      Disposable r = request.subscribe();
      try {
        Flux.interval(Duration.ofMillis(100))
            .filter(t -> onion.announced())
            .next()
            .block(Duration.ofSeconds(60));
        assertThat(onion.announcedNodes()).as("announce nodes storing us").isPositive();

        String ourToxId = toxId(real.publicKey(), OUR_NOSPAM);
        String mode = tcpOnly ? "tcp" : "udp";
        try (OnionPeer adder =
                OnionPeer.start(
                    peerBinary,
                    toxcore,
                    "adder-" + mode,
                    "--udp",
                    "on",
                    "--bootstrap",
                    bootSpec,
                    "--add",
                    ourToxId,
                    "hello from c-toxcore");
            OnionPeer addee =
                OnionPeer.start(
                    peerBinary, toxcore, "addee-" + mode, "--udp", "on", "--bootstrap", bootSpec)) {
          Matcher a = adder.ready();
          Matcher b = addee.ready();
          PublicKey adderKey = PublicKey.fromHex(a.group(1));
          PublicKey adderDht = PublicKey.fromHex(a.group(2));
          PublicKey addeeKey = PublicKey.fromHex(b.group(1));
          String addeeAddress = b.group(3);
          int addeeNospam = (int) Long.parseLong(addeeAddress.substring(64, 72), 16);

          Mono<DhtPkAnnouncement> adderPk =
              onion.dhtPks().filter(p -> p.friendReal().equals(adderKey)).next().cache();
          Disposable pk = adderPk.subscribe();
          Disposable lookup = onion.lookup(adderKey);
          Disposable ours =
              onion.sendFriendRequest(
                  addeeKey, addeeNospam, Bytes.ofUtf8("hello from tox-reactive"));
          try {
            StepVerifier.create(request)
                .assertNext(
                    got -> {
                      assertThat(got.from()).isEqualTo(adderKey);
                      assertThat(got.nospam()).isEqualTo(OUR_NOSPAM);
                      assertThat(got.text()).isEqualTo("hello from c-toxcore");
                    })
                .expectComplete()
                .verify(Duration.ofSeconds(90));
            addee.await(
                l ->
                    l.equals(
                        "FRIEND_REQUEST " + real.publicKey().toHex() + " hello from tox-reactive"),
                Duration.ofSeconds(60),
                "our friend request");
            // c-toxcore sends its DHT-PK through the onion every 30 s while the friend is offline
            StepVerifier.create(adderPk)
                .assertNext(
                    got -> {
                      assertThat(got.dhtKey()).isEqualTo(adderDht);
                      assertThat(got.noReplay()).isPositive();
                    })
                .expectComplete()
                .verify(Duration.ofSeconds(75));
          } finally {
            lookup.dispose();
            ours.dispose();
            pk.dispose();
          }
        }
      } finally {
        r.dispose();
        onion.dispose();
        if (udp != null) {
          udp.dispose();
        }
        if (pool != null) {
          pool.disposeNow(Duration.ofSeconds(5));
        }
      }
    }
  }

  /** A Tox ID: real key ‖ nospam (4, big-endian) ‖ checksum (XOR of the 2-byte words). */
  static String toxId(PublicKey key, int nospam) {
    byte[] id = new byte[38];
    key.copyTo(id, 0);
    id[32] = (byte) (nospam >>> 24);
    id[33] = (byte) (nospam >>> 16);
    id[34] = (byte) (nospam >>> 8);
    id[35] = (byte) nospam;
    for (int i = 0; i < 36; i++) {
      id[36 + (i % 2)] ^= id[i];
    }
    return Bytes.of(id).toHex().toUpperCase(Locale.ROOT);
  }

  /** {@code src/test/c/onion_peer.c} compiled against the system's c-toxcore, once per JVM. */
  private static synchronized Path onionPeerBinary(Toxcore toxcore) {
    toxcore.require();
    if (binary != null) {
      return binary;
    }
    Interop.requireTool("gcc");
    Interop.requireTool("pkg-config");
    try {
      Process flags =
          new ProcessBuilder("pkg-config", "--cflags", "--libs", "toxcore")
              .redirectErrorStream(true)
              .start();
      String f = new String(flags.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (flags.waitFor() != 0) {
        Interop.unavailable("libtoxcore-dev (pkg-config toxcore failed: " + f + ")");
      }
      Path out = Files.createTempDirectory("onion_peer").resolve("onion_peer");
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  "gcc",
                  "-O2",
                  "-Wall",
                  "-o",
                  out.toString(),
                  Path.of("src/test/c/onion_peer.c").toAbsolutePath().toString()));
      cmd.addAll(List.of(f.split("\\s+")));
      Process gcc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String log = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (gcc.waitFor() != 0) {
        throw new IllegalStateException("gcc failed to build onion_peer.c: " + log);
      }
      binary = out;
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building onion_peer.c", e);
    }
  }

  /** One {@code onion_peer} process and its stdout lines. */
  private static final class OnionPeer implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Path log;

    private OnionPeer(Process process, Path log) {
      this.process = process;
      this.log = log;
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              "onion_peer-" + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    static OnionPeer start(Path binary, Toxcore toxcore, String name, String... args) {
      List<String> cmd = new ArrayList<>();
      cmd.add(binary.toString());
      cmd.addAll(List.of(args));
      cmd.addAll(List.of("--seconds", "200"));
      Path log = Interop.logDir().resolve("onion_peer-" + name + "-" + System.nanoTime() + ".log");
      try {
        Process p = toxcore.configure(new ProcessBuilder(cmd)).redirectError(log.toFile()).start();
        Interop.killOnExit(p.toHandle());
        return new OnionPeer(p, log);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    Matcher ready() {
      String line = await(l -> l.startsWith("READY "), Duration.ofSeconds(10), "READY");
      Matcher m = READY.matcher(line);
      assertThat(m.matches()).as("READY line: " + line).isTrue();
      assertThat(line).contains("version=0.2.18");
      return m;
    }

    /** Waits (bounded) for a line matching {@code p}; fails with the output so far. */
    String await(Predicate<String> p, Duration timeout, String what) {
      long deadline = System.nanoTime() + timeout.toNanos();
      int seen = 0;
      while (System.nanoTime() < deadline) {
        List<String> snapshot = List.copyOf(lines);
        for (int i = seen; i < snapshot.size(); i++) {
          if (p.test(snapshot.get(i))) {
            return snapshot.get(i);
          }
        }
        seen = snapshot.size();
        try {
          if (process.waitFor(50, TimeUnit.MILLISECONDS) && seen == lines.size()) {
            break;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      throw new AssertionError(
          "onion_peer never printed "
              + what
              + " within "
              + timeout
              + "; output:\n"
              + String.join("\n", lines)
              + "\n(stderr in "
              + log
              + ")");
    }

    @Override
    public void close() {
      assertThat(Interop.terminate(process.toHandle(), Duration.ofSeconds(5))).isTrue();
    }
  }
}
