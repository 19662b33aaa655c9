package org.toxreactive.benchmarks.abuse;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.toxreactive.core.KeyPair;
import org.toxreactive.netcrypto.NetCrypto;
import org.toxreactive.netcrypto.NetCryptoNode;
import org.toxreactive.netcrypto.NetCryptoStats;
import org.toxreactive.transport.udp.UdpTransport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The target of the node cases: a net_crypto node on UDP that accepts every peer and sends every
 * lossless message back to its sender on the same connection. Prints {@code ECHO-NODE
 * node=HOST:PORT:REALKEY:DHTKEY} once bound and runs until SIGTERM/SIGINT (then prints {@code
 * ECHO-NODE stopped accepted=N}).
 */
@Command(
    name = "echo-node",
    mixinStandardHelpOptions = true,
    description = {
      "Target of the node cases: a net_crypto node on UDP accepting anyone, echoing every lossless"
          + " message to its sender. Prints 'ECHO-NODE node=HOST:PORT:REAL:DHT'; runs until"
          + " SIGTERM."
    })
final class EchoNodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "UDP address (loopback).")
  String host;

  @Option(names = "--port", defaultValue = "0", description = "UDP port (0: a free one).")
  int port;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!host.startsWith("127.") || port < 0 || port > 65535) {
      spec.commandLine().getErr().println("echo-node: --host must be 127.x, --port 0..65535");
      spec.commandLine().getErr().flush();
      return 2;
    }
    UdpTransport udp = UdpTransport.create().host(host).port(port).bindNow();
    KeyPair real = KeyPair.generate();
    KeyPair dht = KeyPair.generate();
    NetCryptoNode node = NetCrypto.create(real, dht).transport(udp).acceptor(p -> true).bindNow();
    AtomicLong accepted = new AtomicLong();
    node.incoming()
        .subscribe(
            c -> {
              accepted.incrementAndGet();
              c.send(c.lossless()).subscribe(v -> {}, e -> {});
            });
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  NetCryptoStats stats = node.stats();
                  node.dispose();
                  udp.disposeNow(Duration.ofSeconds(2));
                  out.println(
                      "ECHO-NODE stopped accepted="
                          + accepted.get()
                          + " udp_dropped_inbound="
                          + udp.droppedInbound()
                          + " "
                          + stats);
                  out.flush();
                  stopped.countDown();
                }));
    out.println(
        "ECHO-NODE node="
            + host
            + ":"
            + udp.localAddress().getPort()
            + ":"
            + real.publicKey().toHex()
            + ":"
            + dht.publicKey().toHex());
    out.flush();
    stopped.await();
    return 0;
  }
}
