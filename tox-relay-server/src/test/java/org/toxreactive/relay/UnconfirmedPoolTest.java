package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class UnconfirmedPoolTest {
  private final UnconfirmedPool<String> pool = new UnconfirmedPool<>(6, 3);

  @Test
  void groupsIpv4By24AndIpv6By64() throws Exception {
    long a = UnconfirmedPool.prefixOf(InetAddress.getByName("10.1.2.3"));
    assertThat(UnconfirmedPool.prefixOf(InetAddress.getByName("10.1.2.250"))).isEqualTo(a);
    assertThat(UnconfirmedPool.prefixOf(InetAddress.getByName("10.1.3.3"))).isNotEqualTo(a);
    long b = UnconfirmedPool.prefixOf(InetAddress.getByName("2001:db8:1:2::1"));
    assertThat(UnconfirmedPool.prefixOf(InetAddress.getByName("2001:db8:1:2:ffff::9")))
        .isEqualTo(b);
    assertThat(UnconfirmedPool.prefixOf(InetAddress.getByName("2001:db8:1:3::1"))).isNotEqualTo(b);
    // an IPv4 address and its IPv4-compatible IPv6 form are different prefixes
    assertThat(UnconfirmedPool.prefixOf(InetAddress.getByName("::a01:200"))).isNotEqualTo(a);
  }

  @Test
  void aPrefixAtItsShareReplacesItsOwnOldest() {
    assertThat(pool.admit("a1", 1)).isNull();
    assertThat(pool.admit("a2", 1)).isNull();
    assertThat(pool.admit("a3", 1)).isNull();
    UnconfirmedPool.Eviction<String> e = pool.admit("a4", 1);
    assertThat(e).isEqualTo(new UnconfirmedPool.Eviction<>("a1", KillReason.EVICTED_PREFIX_SHARE));
    assertThat(pool.size()).isEqualTo(3);
    assertThat(pool.remove("a1")).as("already out").isFalse();
    assertThat(pool.remove("a2")).isTrue();
  }

  @Test
  void aFullPoolEvictsTheOldestOfTheMostCrowdedPrefixNotTheNewcomer() {
    pool.admit("a1", 1);
    pool.admit("b1", 2);
    pool.admit("b2", 2);
    pool.admit("a2", 1);
    pool.admit("b3", 2);
    pool.admit("c1", 3);
    assertThat(pool.size()).isEqualTo(6);
    // prefix 2 holds three, the most: its oldest goes
    assertThat(pool.admit("n1", 9))
        .isEqualTo(new UnconfirmedPool.Eviction<>("b1", KillReason.EVICTED_POOL_FULL));
    // now 1 and 2 hold two each, 3 and 9 one: a crowded one pays again, never the lone newcomer
    UnconfirmedPool.Eviction<String> e = pool.admit("n2", 8);
    assertThat(e.entry()).isIn("a1", "b2");
    assertThat(pool.remove("n1")).isTrue();
    assertThat(pool.size()).isEqualTo(5);
  }

  @Test
  void removingTheLastEntryOfAPrefixForgetsThePrefix() {
    pool.admit("a1", 1);
    pool.admit("b1", 2);
    assertThat(pool.prefixes()).isEqualTo(2);
    assertThat(pool.remove("a1")).isTrue();
    assertThat(pool.prefixes()).isEqualTo(1);
    assertThat(pool.remove("b1")).isTrue();
    assertThat(pool.prefixes()).isZero();
    assertThat(pool.size()).isZero();
  }

  @Test
  void theShareNeverExceedsThePool() {
    UnconfirmedPool<String> small = new UnconfirmedPool<>(2, 10);
    small.admit("a1", 1);
    small.admit("a2", 1);
    assertThat(small.admit("a3", 1))
        .isEqualTo(new UnconfirmedPool.Eviction<>("a1", KillReason.EVICTED_PREFIX_SHARE));
    assertThat(small.size()).isEqualTo(2);
  }
}
