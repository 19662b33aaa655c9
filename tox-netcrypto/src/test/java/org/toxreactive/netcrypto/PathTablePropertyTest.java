package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SecretKey;
import org.toxreactive.core.transport.Path;

/**
 * {@link PathTable}'s choice of the data path under random sequences of evidence: packets heard
 * (traffic bursts and lone keepalives), transports going down and up, data going unacknowledged,
 * packets failing to decrypt, the peer's handshake arriving, with time moving on by random steps.
 * After every step the rules of the class javadoc hold (docs/protocol.md 4.15): fresh direct UDP
 * wins; a usable alive path is chosen whenever there is one; the current path stays while it is
 * usable and alive; with no usable alive path, a relay the peer is heard on (suspect or not) is
 * chosen when there is one; a down path is never chosen while another is neither down nor failed, a
 * failed one never while another is not failed; choosing twice at one instant gives one answer. And
 * two tables that saw the same evidence choose the same path whatever order they learnt the paths
 * in, which is how both ends of a connection converge on one relay.
 *
 * <p>The evidence each rule needs (last heard, down, failed, suspect until) is tracked here from
 * the calls and their documented results, not read from the table.
 */
class PathTablePropertyTest {
  private static final PublicKey PEER = keys(0x01).publicKey();
  private static final Path UDP = Path.udp(InetSocketAddress.createUnresolved("peer", 33445));
  private static final List<Path> PATHS =
      List.of(
          UDP,
          Path.relay(keys(0x20).publicKey(), PEER),
          Path.relay(keys(0x40).publicKey(), PEER),
          Path.relay(keys(0x60).publicKey(), PEER));

  enum Kind {
    HEARD,
    BURST,
    DOWN,
    UP,
    UNACKED,
    DECRYPT_FAILED,
    HANDSHAKE,
    CHOOSE
  }

  record Step(Kind kind, int path, int advanceMillis) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Integer> advance =
        Arbitraries.oneOf(
            Arbitraries.just(0),
            Arbitraries.integers().between(1, 150), // inside a burst / FOLLOW_MILLIS
            Arbitraries.integers().between(900, 1100), // a keepalive interval
            Arbitraries.integers().between(2_900, 3_100), // around ALIVE_MILLIS
            Arbitraries.integers().between(4_900, 5_100), // around SUSPECT_MILLIS
            Arbitraries.integers().between(0, 12_000));
    return Combinators.combine(
            Arbitraries.of(Kind.class),
            Arbitraries.integers().between(0, PATHS.size() - 1),
            advance)
        .as(Step::new)
        .list()
        .ofMaxSize(80);
  }

  /** What the calls told us about each path. */
  private static final class Evidence {
    final Map<Path, Long> heardAt = new HashMap<>();
    final Map<Path, Long> suspectUntil = new HashMap<>();
    final Map<Path, Long> downAt = new HashMap<>();
    final Set<Path> down = new HashSet<>();
    final Set<Path> failed = new HashSet<>();

    boolean alive(Path p, long now) {
      Long at = heardAt.get(p);
      return at != null && now - at < PathTable.ALIVE_MILLIS;
    }

    boolean usable(Path p, long now) {
      return !down.contains(p) && !failed.contains(p) && now >= suspectUntil.getOrDefault(p, 0L);
    }

    boolean good(Path p, long now) {
      return usable(p, now) && alive(p, now);
    }

    /** A relay, suspect or not, neither down nor failed, the peer was heard on lately. */
    boolean hearsThePeer(Path p, long now) {
      return p != UDP && alive(p, now) && !down.contains(p) && !failed.contains(p);
    }
  }

  @Property(tries = 600)
  void theChoiceFollowsTheRules(@ForAll("steps") List<Step> steps) {
    PathTable t = new PathTable();
    PATHS.forEach(t::add);
    Evidence ev = new Evidence();
    long now = 10_000;
    for (Step s : steps) {
      now += s.advanceMillis();
      Path p = PATHS.get(s.path());
      Path before = t.best();
      switch (s.kind()) {
        case HEARD -> heard(t, ev, p, now, before);
        case BURST -> {
          for (int i = 0; i < PathTable.FOLLOW_PACKETS; i++) {
            heard(t, ev, p, now + i, t.best());
          }
          now += PathTable.FOLLOW_PACKETS - 1;
        }
        case DOWN -> {
          t.down(p, true, now);
          ev.down.add(p);
          ev.downAt.put(p, now);
        }
        case UP -> {
          t.down(p, false, now);
          ev.down.remove(p);
          ev.downAt.put(p, now);
        }
        case UNACKED -> {
          t.suspect(p, now);
          ev.suspectUntil.put(p, now + PathTable.SUSPECT_MILLIS);
        }
        case DECRYPT_FAILED -> {
          boolean nowFailed = t.decryptFailed(p, now);
          assertThat(nowFailed && ev.failed.contains(p)).as("a failure is reported once").isFalse();
          if (nowFailed) {
            ev.failed.add(p);
          }
        }
        case HANDSHAKE -> {
          boolean changed = t.adopt(p, now);
          if (changed) {
            assertThat(ev.usable(p, now)).as("adopted %s is usable", p).isTrue();
            assertThat(before == UDP && ev.good(UDP, now))
                .as("fresh direct UDP is not given up for a handshake")
                .isFalse();
            assertThat(t.best()).isEqualTo(p);
          } else {
            assertThat(t.best()).isEqualTo(before);
          }
        }
        case CHOOSE -> assertChoice(t, ev, now, before);
      }
    }
    assertChoice(t, ev, now + 1, t.best());
  }

  private static void heard(PathTable t, Evidence ev, Path p, long now, Path before) {
    boolean moved = t.heard(p, now);
    if (moved) {
      assertThat(before).as("moved away from a chosen path").isNotNull().isNotEqualTo(p);
      assertThat(ev.usable(p, now)).as("moved to a usable path").isTrue();
      ev.suspectUntil.put(before, now + PathTable.SUSPECT_MILLIS);
    }
    ev.heardAt.put(p, now);
    Long downAt = ev.downAt.get(p);
    if (ev.down.contains(p) && downAt != null && now - downAt > PathTable.ALIVE_MILLIS) {
      ev.down.remove(p); // documented: packets on a path overrule a stale "down"
    }
  }

  private static void assertChoice(PathTable t, Evidence ev, long now, Path before) {
    Path chosen = t.choose(now);
    assertThat(chosen).isIn(PATHS);
    assertThat(t.best()).isEqualTo(chosen);
    assertThat(t.choose(now)).as("choosing again at the same instant").isEqualTo(chosen);
    String state = describe(ev, now, before);
    if (ev.good(UDP, now)) {
      assertThat(chosen).as("fresh direct UDP wins; %s", state).isEqualTo(UDP);
    } else if (before != null && ev.good(before, now)) {
      assertThat(chosen).as("the current path stays while it works; %s", state).isEqualTo(before);
    }
    if (PATHS.stream().anyMatch(q -> ev.good(q, now))) {
      assertThat(ev.good(chosen, now))
          .as("%s chosen over a usable alive path; %s", chosen, state)
          .isTrue();
    }
    if (PATHS.stream().noneMatch(q -> ev.good(q, now))
        && PATHS.stream().anyMatch(q -> ev.hearsThePeer(q, now))) {
      assertThat(ev.hearsThePeer(chosen, now))
          .as("%s chosen over a relay the peer is heard on; %s", chosen, state)
          .isTrue();
    }
    if (PATHS.stream()
        .anyMatch(q -> q != chosen && !ev.down.contains(q) && !ev.failed.contains(q))) {
      assertThat(ev.down)
          .as("%s chosen while another is up; %s", chosen, state)
          .doesNotContain(chosen);
    }
    if (PATHS.stream().anyMatch(q -> !ev.failed.contains(q))) {
      assertThat(ev.failed).as("failed %s chosen; %s", chosen, state).doesNotContain(chosen);
    }
  }

  @Property(tries = 300)
  void bothEndsChooseTheSamePathWhateverOrderTheyLearntThePathsIn(
      @ForAll("steps") List<Step> steps, @ForAll long shuffleSeed) {
    List<Path> shuffled = new ArrayList<>(PATHS);
    Collections.shuffle(shuffled, new Random(shuffleSeed));
    PathTable a = new PathTable();
    PathTable b = new PathTable();
    PATHS.forEach(a::add);
    shuffled.forEach(b::add);
    long now = 10_000;
    // evidence only: no choice made yet on either side, so neither has a current path to keep
    for (Step s : steps) {
      now += s.advanceMillis();
      Path p = PATHS.get(s.path());
      switch (s.kind()) {
        case HEARD, BURST, HANDSHAKE, CHOOSE -> {
          a.heard(p, now);
          b.heard(p, now);
        }
        case DOWN, UP -> {
          a.down(p, s.kind() == Kind.DOWN, now);
          b.down(p, s.kind() == Kind.DOWN, now);
        }
        case UNACKED -> {
          a.suspect(p, now);
          b.suspect(p, now);
        }
        case DECRYPT_FAILED ->
            assertThat(a.decryptFailed(p, now)).isEqualTo(b.decryptFailed(p, now));
      }
    }
    assertThat(b.choose(now)).isEqualTo(a.choose(now));
  }

  private static String describe(Evidence ev, long now, Path before) {
    StringBuilder sb = new StringBuilder("at " + now + ", before " + name(before) + ":");
    for (Path p : PATHS) {
      sb.append(' ')
          .append(name(p))
          .append(ev.alive(p, now) ? " alive" : " quiet")
          .append(ev.usable(p, now) ? "" : " unusable")
          .append(ev.down.contains(p) ? " down" : "")
          .append(ev.failed.contains(p) ? " failed" : "")
          .append(';');
    }
    return sb.toString();
  }

  private static String name(Path p) {
    return p == null ? "none" : p == UDP ? "udp" : "relay" + PATHS.indexOf(p);
  }

  private static KeyPair keys(int start) {
    byte[] sk = new byte[32];
    for (int i = 0; i < 32; i++) {
      sk[i] = (byte) (start + i);
    }
    return KeyPair.fromSecretKey(SecretKey.of(sk));
  }
}
