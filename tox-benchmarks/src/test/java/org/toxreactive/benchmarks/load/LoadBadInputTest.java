package org.toxreactive.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.toxreactive.core.KeyPair;
import picocli.CommandLine;

/**
 * Bad command lines of RelayLoad, TransferLoad and FriendIdleLoad through their real command lines:
 * exit 2, one line on stderr naming the option and the value, nothing on stdout, before any load
 * starts (every case is bounded by the class timeout; none binds or connects).
 */
@Timeout(20)
class LoadBadInputTest {
  private static final String RELAY = "127.0.0.1:33445:" + KeyPair.generate().publicKey().toHex();

  static Stream<Arguments> relayLoad() {
    List<Arguments> c = new ArrayList<>();
    add(c, a("throughput"), "Error: Missing required argument");
    add(c, a("throughput", "--relay", "127.0.0.1:1"), "'--relay'", "HOST:PORT:PUBLIC_KEY_HEX");
    add(c, a("throughput", "--relay", "::1:1:" + RELAY.substring(16)), "IPv6 address in brackets");
    add(c, a("throughput", "--relay", RELAY, "--pairs", "0"), "'--pairs'", "'0'", ">= 1");
    add(c, a("throughput", "--relay", RELAY, "--size", "2032"), "'--size'", "1..2031");
    add(c, a("throughput", "--relay", RELAY, "--window", "-1"), "'--window'", ">= 0");
    add(c, a("throughput", "--relay", RELAY, "--e2e-window", "-1"), "'--e2e-window'");
    add(c, a("throughput", "--relay", RELAY, "--seconds", "0"), "'--seconds'", "0 < S");
    add(c, a("throughput", "--relay", RELAY, "--seconds", "NaN"), "'--seconds'", "'NaN'");
    add(c, a("throughput", "--relay", RELAY, "--warmup", "-1"), "'--warmup'", "0 <= S");
    add(c, a("throughput", "--relay", RELAY, "--sources", "0"), "'--sources'", ">= 1");
    add(c, a("throughput", "--relay", RELAY, "--per-source", "0"), "'--per-source'", ">= 1");
    add(c, a("throughput", "--relay", RELAY, "--relay-pid", "-4"), "'--relay-pid'");
    add(c, a("throughput", "--relay", RELAY, "--pairs", "x"), "'--pairs'", "'x' is not an int");
    add(c, a("throughput", "--relay", RELAY, "--pairs"), "Missing required parameter");
    add(c, a("latency", "--in-process", "--size", "15"), "'--size'", "16..2031");
    add(c, a("latency", "--in-process", "--rate", "0"), "'--rate'", "0 < R");
    add(c, a("latency", "--in-process", "--rate", "Infinity"), "'--rate'");
    add(c, a("handshakes", "--in-process", "--concurrency", "0"), "'--concurrency'");
    add(c, a("handshakes", "--in-process", "--timeout", "0"), "'--timeout'", "0 < S < 3600");
    add(c, a("idle", "--in-process", "--clients", "0"), "'--clients'", "1..");
    add(c, a("idle", "--in-process", "--hold", "-1"), "'--hold'");
    add(c, a("idle", "--in-process", "--keepalive", "0"), "'--keepalive'");
    add(c, a("idle", "--in-process", "--connect-concurrency", "0"), "'--connect-concurrency'");
    add(c, a("idle", "--in-process", "--sample", "-1"), "'--sample'");
    add(c, a("idle", "--in-process", "--ping-timeout", "0"), "'--ping-timeout'");
    add(
        c,
        a("idle", "--in-process", "--clients", "100000", "--per-source", "1"),
        "'--per-source'",
        "100000 connections need 100000 source addresses, at most 62500");
    add(c, a("serve", "--host", "10.0.0.1"), "'--host'", "'10.0.0.1' is not a loopback address");
    add(c, a("serve", "--host", "localhost.invalid"), "'--host'", "loopback");
    add(c, a("serve", "--port", "70000"), "'--port'", "0..65535");
    add(c, a("serve", "--max-seconds", "0"), "'--max-seconds'");
    add(c, a("serve", "--max-per-ip", "0"), "'--max-per-ip'");
    add(c, a("onion"), "'--node'", "given exactly when --in-process is not");
    add(c, a("onion", "--node", "127.0.0.1:1"), "'--node'", "HOST:PORT:PUBLIC_KEY_HEX");
    add(c, a("onion", "--node", "10.0.0.1:1:" + RELAY.substring(16)), "'--node'", "loopback");
    add(c, a("onion", "--in-process", "--window", "0"), "'--window'", "1..10000");
    add(c, a("onion", "--in-process", "--sources", "201"), "'--sources'", "1..200");
    add(c, a("onion-heap", "--nodes", "0"), "'--nodes'", "1..1000");
    add(c, a("bogus"), "Unmatched argument", "'bogus'");
    add(c, a("throughput", "--in-process", "--bogus"), "Unknown option: '--bogus'");
    return c.stream();
  }

  static Stream<Arguments> transferLoad() {
    List<Arguments> c = new ArrayList<>();
    add(c, a("--size", "3"), "'--size'", "4..1372");
    add(c, a("--size", "1373"), "'--size'", "4..1372");
    add(c, a("--mb", "0"), "'--mb'", "1..");
    add(c, a("--mb", "9000", "--size", "4"), "'--mb'", "at most 8589 with --size 4");
    add(c, a("--mb"), "Missing required parameter for option '--mb'");
    add(c, a("--warm-up-mb", "-1"), "'--warm-up-mb'");
    add(c, a("--warm-up-rounds", "0"), "'--warm-up-rounds'");
    add(c, a("--rtt", "-1"), "'--rtt'");
    add(c, a("--rtt-warm-up", "-1"), "'--rtt-warm-up'");
    add(c, a("--timeout", "0"), "'--timeout'", "1..86400");
    add(c, a("--relayed", "--relay", "127.0.0.1:1"), "'--relay'", "HOST:PORT:PUBLIC_KEY_HEX");
    add(c, a("--relay", RELAY), "'--relay'", "used without --relayed");
    add(c, a("--bogus"), "Unknown option: '--bogus'");
    return c.stream();
  }

  static Stream<Arguments> friendIdleLoad() {
    List<Arguments> c = new ArrayList<>();
    add(c, a("--friends", "1"), "Missing required option: '--bootstrap");
    add(c, a("--bootstrap", RELAY, "--friends", "1001"), "'--friends'", "'1001'", "0..1000");
    add(c, a("--bootstrap", RELAY, "--seconds", "0"), "'--seconds'", "1..3600");
    add(c, a("--bootstrap", "127.0.0.1:1"), "'--bootstrap'", "HOST:PORT:KEY[:TCP_PORT,...]");
    return c.stream();
  }

  @ParameterizedTest(name = "friend-idle-load {0}")
  @MethodSource("friendIdleLoad")
  void friendIdleLoadRejectsInOneLine(String name, String[] args, String[] fragments) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = LoadCli.configure(new CommandLine(new FriendIdleLoad()));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    check(code, out.toString(), err.toString(), fragments);
  }

  @ParameterizedTest(name = "relay-load {0}")
  @MethodSource("relayLoad")
  void relayLoadRejectsInOneLine(String name, String[] args, String[] fragments) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = RelayLoad.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    check(code, out.toString(), err.toString(), fragments);
  }

  @ParameterizedTest(name = "transfer-load {0}")
  @MethodSource("transferLoad")
  void transferLoadRejectsInOneLine(String name, String[] args, String[] fragments) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    CommandLine cl =
        TransferLoad.commandLine(
            new TransferLoad(new PrintStream(out, true, StandardCharsets.UTF_8)));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    check(code, out.toString(StandardCharsets.UTF_8), err.toString(), fragments);
  }

  private static void check(int code, String out, String err, String[] fragments) {
    String all = "stdout:\n" + out + "\nstderr:\n" + err;
    assertThat(code).as(all).isEqualTo(LoadCli.USAGE);
    assertThat(err.lines()).as(all).hasSize(1);
    assertThat(err).contains(fragments).contains("--help'").doesNotContain("Exception", "\tat ");
    assertThat(out).as(all).isEmpty();
  }

  private static String[] a(String... args) {
    return args;
  }

  private static void add(List<Arguments> cases, String[] args, String... fragments) {
    cases.add(Arguments.of(String.join(" ", args), args, fragments));
  }
}
