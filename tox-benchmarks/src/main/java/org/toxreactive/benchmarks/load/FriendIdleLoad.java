package org.toxreactive.benchmarks.load;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.toxreactive.core.KeyPair;
import org.toxreactive.friend.BootstrapNode;
import org.toxreactive.friend.ToxNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Our side of {@code tox-benchmarks/friend_idle.sh} (issue 13 item 7, onion and DHT bandwidth per
 * idle friend): a {@link ToxNode} on a UDP socket of 127.0.0.1, bootstrapped from the given DHT
 * nodes, with {@code --friends} friends that never come online (random keys, added without a
 * request, as the c-toxcore peer's {@code tox_friend_add_norequest}), kept for {@code --seconds}
 * and then disposed. It only runs the node: the script counts the bytes its UDP socket moved (the
 * LD_PRELOAD counter {@code c/udp_count.c}, the same one it puts under the c-toxcore peer).
 *
 * <pre>{@code
 * java -cp tox-benchmarks/target/tox-benchmarks.jar org.toxreactive.benchmarks.load.FriendIdleLoad \
 *     --bootstrap 127.0.0.1:33445:KEY --friends 100 --seconds 120
 * }</pre>
 *
 * <p>Prints {@code READY dht=<hex> udp_port=<n> friends=<n>} once the node runs, {@code EXIT done}
 * at the end; exit 0, 2 for a bad option (one line).
 */
@Command(
    name = "friend-idle-load",
    mixinStandardHelpOptions = true,
    description = "Run a ToxNode with N offline friends for a bounded time (friend_idle.sh).")
public final class FriendIdleLoad implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT:KEY",
      required = true,
      description = "A DHT node to bootstrap from (repeatable).")
  List<String> bootstrap = new ArrayList<>();

  @Option(
      names = "--friends",
      defaultValue = "1",
      description = "Offline friends, 0..1000 (default ${DEFAULT-VALUE}).")
  int friends;

  @Option(
      names = "--seconds",
      defaultValue = "60",
      description = "How long the node runs, 1..3600 (default ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = LoadCli.DEBUG, description = "Print the stack trace of an internal error.")
  boolean debug;

  public static void main(String[] args) {
    System.exit(LoadCli.configure(new CommandLine(new FriendIdleLoad())).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    LoadCli.require(spec, friends >= 0 && friends <= 1000, "--friends", friends, "0..1000");
    LoadCli.require(spec, seconds >= 1 && seconds <= 3600, "--seconds", seconds, "1..3600");
    List<BootstrapNode> nodes = new ArrayList<>();
    for (String b : bootstrap) {
      try {
        nodes.add(BootstrapNode.parse(b));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "Invalid value for option '--bootstrap': " + e.getMessage());
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    ToxNode node = ToxNode.create(KeyPair.generate()).udp("127.0.0.1", 0).bindNow();
    try {
      for (int i = 0; i < friends; i++) {
        node.addFriendNoRequest(KeyPair.generate().publicKey());
      }
      node.bootstrap(nodes);
      out.printf(
          "READY dht=%s udp_port=%d friends=%d%n", node.dhtKey().toHex(), node.udpPort(), friends);
      out.flush();
      new CountDownLatch(1).await(seconds, TimeUnit.SECONDS);
      out.println("EXIT done");
      out.flush();
      return 0;
    } finally {
      node.disposeNow(Duration.ofSeconds(5));
    }
  }
}
