package org.toxreactive.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.toxreactive.core.KeyPair;

/**
 * Every bad command line of the example programs through the real entry point ({@link
 * Examples#run}): exit code 2, exactly one line on stderr naming the option, the value and what is
 * allowed, nothing on stdout, no stack trace; and nothing started (each case returns at once).
 */
class BadInputTest {
  private static final String KEY = KeyPair.generate().publicKey().toHex();
  private static final String SECRET = KeyPair.generate().secretKey().toHexUnsafe();
  private static final String RELAY = "127.0.0.1:33445:" + KEY;

  /** args, then the fragments the one line must contain. */
  static Stream<Arguments> usageErrors() {
    List<Arguments> cases = new ArrayList<>();
    // probe
    add(cases, args("probe"), "probe: Missing required parameter", "HOST:PORT:PUBLIC_KEY_HEX");
    add(cases, args("probe", "127.0.0.1:33445"), "'127.0.0.1:33445'", "HOST:PORT:PUBLIC_KEY_HEX");
    add(cases, args("probe", "127.0.0.1:33445:abcd"), "64 hex digits, got 4 characters");
    add(cases, args("probe", "127.0.0.1:33445:" + "g".repeat(64)), "64 hex digits (0-9, a-f");
    add(cases, args("probe", "127.0.0.1:70000:" + KEY), "port '70000' is not a number 0..65535");
    add(cases, args("probe", "127.0.0.1:abc:" + KEY), "port 'abc' is not a number 0..65535");
    add(cases, args("probe", "127.0.0.1:0:" + KEY), "relay port must be 1..65535, got 0");
    add(cases, args("probe", "::1:33445:" + KEY), "write an IPv6 address in brackets");
    add(cases, args("probe", "127.0.0.1:1:" + "0".repeat(64)), "key is a low-order point");
    add(
        cases,
        args("probe", "--timeout", "0", RELAY),
        "'--timeout'",
        "'0' is not a whole number >= 1");
    add(cases, args("probe", "--timeout", "-3", RELAY), "'--timeout'", "'-3'", ">= 1");
    add(cases, args("probe", "--timeout", "1.5", RELAY), "'--timeout'", "'1.5'", ">= 1");
    add(
        cases,
        args("probe", RELAY, "--timeout"),
        "Missing required parameter for option '--timeout'");
    add(cases, args("probe", "--bogus", RELAY), "Unknown option: '--bogus'");
    add(cases, args("probe", RELAY, RELAY), "Unmatched argument");
    // chat: keys
    add(
        cases,
        args("chat", "--secret-key", "x".repeat(64)),
        "'--secret-key'",
        "character 1 is not");
    add(cases, args("chat", "--secret-key", "abcd"), "'--secret-key'", "got 4 characters");
    add(cases, args("chat", "--dht-secret-key", "0".repeat(63)), "'--dht-secret-key'", "got 63");
    add(cases, args("chat", "--peer", "nothex"), "'--peer'", "'nothex'", "64 hex digits");
    add(cases, args("chat", "--peer", KEY, "--peer-dht", "z" + KEY.substring(1)), "'--peer-dht'");
    add(cases, args("chat", "--peer", "0".repeat(64)), "'--peer'", "low-order point");
    // chat: addresses and numbers
    add(cases, peer("--udp", "127.0.0.1"), "'--udp'", "'127.0.0.1' is not HOST:PORT");
    add(cases, peer("--udp", "127.0.0.1:abc"), "'--udp'", "port 'abc' is not a number 0..65535");
    add(cases, peer("--udp", "127.0.0.1:70000"), "'--udp'", "port '70000'");
    add(cases, peer("--udp", "127.0.0.1:0"), "'--udp'", "port must be 1..65535");
    add(cases, peer("--udp", "::1:33445"), "'--udp'", "IPv6 address in brackets");
    add(cases, peer("--udp", "[127.0.0.1]:33445"), "'--udp'", "brackets are for IPv6");
    add(cases, args("chat", "--port", "70000"), "'--port'", "'70000' is not a port 0..65535");
    add(cases, args("chat", "--port", "-1"), "'--port'", "'-1' is not a port 0..65535");
    add(cases, args("chat", "--port", "abc"), "'--port'", "'abc' is not a port");
    add(cases, args("chat", "--send", "-1"), "'--send'", "'-1' is not a whole number >= 0");
    add(cases, args("chat", "--expect", "-5"), "'--expect'", ">= 0");
    add(cases, args("chat", "--seconds", "0"), "'--seconds'", "'0' is not a whole number >= 1");
    add(cases, args("chat", "--window", "0"), "'--window'", ">= 1");
    add(cases, args("chat", "--seconds", "99999999999"), "'--seconds'", "'99999999999'");
    add(cases, args("chat", "--relay", "127.0.0.1:33445"), "'--relay'", "HOST:PORT:PUBLIC_KEY_HEX");
    add(cases, args("chat", "--relay", "127.0.0.1:33445:abc"), "'--relay'", "got 3 characters");
    add(cases, args("chat", "--relay"), "Missing required parameter for option '--relay'");
    // chat: options that go together
    add(cases, args("chat", "--no-udp"), "--no-udp needs at least one --relay");
    add(cases, args("chat", "--no-udp", "--relay", RELAY, "--udp", "127.0.0.1:1"), "exclude each");
    add(cases, args("chat", "--peer", KEY, "--peer-dht", KEY), "--peer needs --peer-dht and --udp");
    add(cases, args("chat", "--peer", KEY, "--udp", "127.0.0.1:1"), "--peer needs --peer-dht");
    add(cases, args("chat", "--peer-dht", KEY), "give --peer too");
    add(cases, args("chat", "--udp", "127.0.0.1:1"), "give --peer too");
    // failover-demo
    add(cases, args("failover-demo", "--down-for", "-1"), "'--down-for'", "'-1'", ">= 0");
    add(cases, args("failover-demo", "--seconds", "0"), "'--seconds'", "'0'", ">= 1");
    add(cases, args("failover-demo", "--rate", "0"), "'--rate'", "1..1000000");
    add(cases, args("failover-demo", "--rate", "2000000"), "'--rate'", "'2000000'");
    add(cases, args("failover-demo", "--kill-every", "-2"), "'--kill-every'", ">= 1");
    add(
        cases,
        args("failover-demo", "--seconds", "100000", "--rate", "1000000"),
        "--seconds 100000 times --rate 1000000 is more than 2147483647 messages");
    // the top level
    add(cases, args(), "tox-examples: Missing required subcommand");
    add(cases, args("nope"), "Unmatched argument", "'nope'");
    add(cases, args("--bogus"), "Unknown option: '--bogus'");
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("usageErrors")
  void rejectsInOneLineWithExitCode2(String name, String[] args, String[] fragments) {
    Result r = Result.of(args);
    assertThat(r.code).as(r.toString()).isEqualTo(Cli.USAGE);
    assertThat(r.errLines()).as(r.toString()).hasSize(1);
    assertThat(r.err).contains(fragments).contains("--help").doesNotContain("Exception", "\tat ");
    assertThat(r.out).as(r.toString()).isEmpty();
  }

  @Test
  void neverRepeatsASecretKeyInAnError() {
    String almost = SECRET.substring(0, 63) + "x";
    Result r = Result.of("chat", "--secret-key", almost);
    assertThat(r.code).isEqualTo(Cli.USAGE);
    assertThat(r.err).contains("character 64 is not one").doesNotContain(SECRET.substring(0, 63));
  }

  @Test
  void aBusyUdpPortIsOneLineAndItsOwnCode() throws Exception {
    try (DatagramSocket busy =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      int port = busy.getLocalPort();
      Result r = Result.of("chat", "--port", String.valueOf(port), "--seconds", "1");
      assertThat(r.code).as(r.toString()).isEqualTo(ChatCommand.CANNOT_BIND);
      assertThat(r.errLines()).as(r.toString()).hasSize(1);
      assertThat(r.err)
          .startsWith("chat: cannot bind UDP 127.0.0.1:" + port + " (--host, --port): ")
          .doesNotContain("Exception", "\tat ");
      assertThat(r.out).as("nothing started, no KEYS line").isEmpty();
    }
  }

  @Test
  void helpOfEveryCommandListsItsExitCodes() {
    for (String command : List.of("probe", "chat", "failover-demo")) {
      Result r = Result.of(command, "--help");
      assertThat(r.code).isZero();
      assertThat(r.out)
          .contains("Exit codes:")
          .containsPattern("\\R  2 +bad arguments\\R")
          .containsPattern("\\R  70 +internal error");
    }
  }

  private static String[] args(String... args) {
    return args;
  }

  /** A chat that calls a peer, plus {@code more}. */
  private static String[] peer(String... more) {
    List<String> a = new ArrayList<>(List.of("chat", "--peer", KEY, "--peer-dht", KEY));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  private static void add(List<Arguments> cases, String[] args, String... fragments) {
    cases.add(Arguments.of("tox-examples " + String.join(" ", args), args, fragments));
  }

  /** One run of the real entry point: its exit code and what it printed. */
  record Result(int code, String out, String err) {
    static Result of(String... args) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Examples.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
      return new Result(code, out.toString(), err.toString());
    }

    List<String> errLines() {
      return err.lines().toList();
    }
  }
}
