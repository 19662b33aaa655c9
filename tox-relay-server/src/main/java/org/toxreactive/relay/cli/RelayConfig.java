package org.toxreactive.relay.cli;

import com.fasterxml.jackson.annotation.JsonMerge;
import com.fasterxml.jackson.annotation.OptBoolean;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.toxreactive.core.PublicKey;
import org.toxreactive.dht.DhtConfig;
import org.toxreactive.relay.RelayLimits;

/**
 * The relay's JSON configuration. Every field has an embedded default (see {@code
 * tox-relay-default.json}), so the relay runs with no file at all; a file only names what it
 * changes. Unknown fields are an error, to catch typos.
 */
public record RelayConfig(
    String keysFile,
    String host,
    List<Integer> ports,
    int udpPort,
    boolean forwarding,
    Limits limits,
    Metrics metrics,
    String motd,
    List<BootstrapNode> bootstrapNodes,
    boolean ipv6,
    boolean lanDiscovery) {

  /**
   * A DHT node to bootstrap from (tox-bootstrapd's {@code bootstrap_nodes} entry).
   *
   * @param host an IP address or a host name (resolved once, at start)
   * @param port its UDP port
   * @param key its DHT public key, 64 hex digits
   */
  public record BootstrapNode(String host, int port, String key) {}

  /** Resource limits; see {@link RelayLimits}. */
  public record Limits(
      int maxConnections,
      int maxConnectionsPerIp,
      int maxUnconfirmed,
      int handshakeTimeoutSeconds,
      int maxQueuedBytes,
      int maxBacklogBytes,
      int maxUnconfirmedPerPrefix) {
    RelayLimits toRelayLimits() {
      return new RelayLimits(
          maxConnections,
          maxConnectionsPerIp,
          maxUnconfirmed,
          Duration.ofSeconds(handshakeTimeoutSeconds),
          maxQueuedBytes,
          maxBacklogBytes,
          maxUnconfirmedPerPrefix);
    }
  }

  /** Prometheus endpoint; {@code prometheusPort} -1 turns it off. */
  public record Metrics(int prometheusPort, String prometheusHost) {}

  static final String DEFAULT_RESOURCE = "/tox-relay-default.json";

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .setDefaultMergeable(true);

  /** The embedded defaults. */
  public static RelayConfig defaults() {
    try (InputStream in = RelayConfig.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      return MAPPER.readValue(in, RelayConfig.class).validate();
    } catch (IOException e) {
      throw new IllegalStateException("embedded default config is unreadable", e);
    }
  }

  /** The embedded default config text (what {@code --print-default-config} shows). */
  public static String defaultText() {
    try (InputStream in = RelayConfig.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The defaults overlaid with the fields present in {@code file}. */
  public static RelayConfig load(Path file) {
    try {
      RelayConfig base = defaults();
      return MAPPER
          .readerForUpdating(new MutableCopy(base))
          .<MutableCopy>readValue(Files.readString(file))
          .toRecord()
          .validate();
    } catch (IOException e) {
      throw new IllegalArgumentException("config " + file + ": " + firstLine(e.getMessage()), e);
    }
  }

  private static String firstLine(String s) {
    int nl = s == null ? -1 : s.indexOf('\n');
    return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
  }

  RelayConfig validate() {
    if (ports == null || ports.isEmpty()) {
      throw new IllegalArgumentException("config: ports must list at least one TCP port");
    }
    for (int p : ports) {
      checkPort("ports", p, 0);
    }
    checkPort("udpPort", udpPort, -1);
    if (metrics.prometheusPort() != -1) {
      checkPort("metrics.prometheusPort", metrics.prometheusPort(), 0);
    }
    limits.toRelayLimits(); // throws with a clear message when out of range
    if (motd != null) {
      DhtConfig.motd(motd); // throws "motd is N bytes in UTF-8, at most 255"
    }
    for (int i = 0; i < bootstrapNodes.size(); i++) {
      BootstrapNode n = bootstrapNodes.get(i);
      String where = "config: bootstrapNodes[" + i + "]";
      if (n == null || n.host() == null || n.host().isBlank() || n.key() == null) {
        throw new IllegalArgumentException(where + " needs host, port and key");
      }
      checkPort("bootstrapNodes[" + i + "].port", n.port(), 1);
      try {
        PublicKey.fromHex(n.key());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ".key: " + e.getMessage());
      }
    }
    return this;
  }

  /**
   * The DHT settings: MOTD, IPv6 and the bootstrap nodes, whose host names are resolved here.
   *
   * @throws IllegalArgumentException naming the node whose host does not resolve
   */
  public DhtConfig toDhtConfig() {
    List<DhtConfig.BootstrapNode> nodes = new java.util.ArrayList<>();
    for (BootstrapNode n : bootstrapNodes) {
      java.net.InetAddress address;
      try {
        address = java.net.InetAddress.getByName(n.host());
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("bootstrap node host " + n.host() + " does not resolve");
      }
      if (!ipv6 && !(address instanceof java.net.Inet4Address)) {
        throw new IllegalArgumentException(
            "bootstrap node " + n.host() + " is IPv6 but ipv6 is false");
      }
      nodes.add(
          new DhtConfig.BootstrapNode(
              new org.toxreactive.core.IpPort(address, n.port()), PublicKey.fromHex(n.key())));
    }
    DhtConfig d = DhtConfig.defaults().withIpv6(ipv6).withBootstrapNodes(nodes);
    return motd == null ? d : d.withInfo(DhtConfig.motd(motd));
  }

  private static void checkPort(String name, int p, int min) {
    if (p < min || p > 65535) {
      throw new IllegalArgumentException(
          "config: " + name + " must be " + min + ".." + 65535 + ", got " + p);
    }
  }

  /** Jackson overlays JSON onto a mutable mirror of the record (records are immutable). */
  static final class MutableCopy {
    public String keysFile;
    public String host;

    @JsonMerge(OptBoolean.FALSE) // a listed "ports" replaces the defaults
    public List<Integer> ports;

    public int udpPort;
    public boolean forwarding;
    public MutableLimits limits;
    public MutableMetrics metrics;
    public String motd;

    @JsonMerge(OptBoolean.FALSE) // a listed "bootstrapNodes" replaces the defaults
    public List<BootstrapNode> bootstrapNodes;

    public boolean ipv6;
    public boolean lanDiscovery;

    MutableCopy() {}

    MutableCopy(RelayConfig c) {
      keysFile = c.keysFile;
      host = c.host;
      ports = c.ports;
      udpPort = c.udpPort;
      forwarding = c.forwarding;
      limits = new MutableLimits(c.limits);
      metrics = new MutableMetrics(c.metrics);
      motd = c.motd;
      bootstrapNodes = c.bootstrapNodes;
      ipv6 = c.ipv6;
      lanDiscovery = c.lanDiscovery;
    }

    /** The record; a field the file set to null (or a null port) is a one-line error. */
    RelayConfig toRecord() {
      if (ports != null && ports.contains(null)) {
        throw new IllegalArgumentException("config: ports must not contain null");
      }
      if (bootstrapNodes != null && bootstrapNodes.contains(null)) {
        throw new IllegalArgumentException("config: bootstrapNodes must not contain null");
      }
      return new RelayConfig(
          present("keysFile", keysFile),
          present("host", host),
          List.copyOf(present("ports", ports)),
          udpPort,
          forwarding,
          present("limits", limits).toRecord(),
          present("metrics", metrics).toRecord(),
          motd,
          List.copyOf(present("bootstrapNodes", bootstrapNodes)),
          ipv6,
          lanDiscovery);
    }
  }

  private static <T> T present(String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException("config: " + field + " must not be null");
    }
    return value;
  }

  static final class MutableLimits {
    public int maxConnections;
    public int maxConnectionsPerIp;
    public int maxUnconfirmed;
    public int handshakeTimeoutSeconds;
    public int maxQueuedBytes;
    public int maxBacklogBytes;
    public int maxUnconfirmedPerPrefix;

    MutableLimits() {}

    MutableLimits(Limits l) {
      maxConnections = l.maxConnections();
      maxConnectionsPerIp = l.maxConnectionsPerIp();
      maxUnconfirmed = l.maxUnconfirmed();
      handshakeTimeoutSeconds = l.handshakeTimeoutSeconds();
      maxQueuedBytes = l.maxQueuedBytes();
      maxBacklogBytes = l.maxBacklogBytes();
      maxUnconfirmedPerPrefix = l.maxUnconfirmedPerPrefix();
    }

    Limits toRecord() {
      return new Limits(
          maxConnections,
          maxConnectionsPerIp,
          maxUnconfirmed,
          handshakeTimeoutSeconds,
          maxQueuedBytes,
          maxBacklogBytes,
          maxUnconfirmedPerPrefix);
    }
  }

  static final class MutableMetrics {
    public int prometheusPort;
    public String prometheusHost;

    MutableMetrics() {}

    MutableMetrics(Metrics m) {
      prometheusPort = m.prometheusPort();
      prometheusHost = m.prometheusHost();
    }

    Metrics toRecord() {
      return new Metrics(prometheusPort, present("metrics.prometheusHost", prometheusHost));
    }
  }
}
