package org.toxreactive.relay.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.PublicKey;
import org.toxreactive.dht.DhtConfig;
import org.toxreactive.relay.RelayLimits;

/**
 * The relay's configuration: the embedded defaults ({@code tox-relay-default.json}), overlaid with
 * a JSON file if one is given, overlaid with command-line options. All three go through the same
 * strict reading and one {@link #validate validation}, so the file and the CLI accept exactly the
 * same values; an error is one line naming the field (or option), the bad value and what is
 * allowed.
 *
 * <p>Strict reading: a config is a JSON object; unknown fields, {@code null}, a string or a
 * fraction where a whole number belongs, a number where a string or {@code true}/{@code false}
 * belongs, a scalar where a section (an object) belongs, duplicate fields and trailing content are
 * errors. A JSON syntax error names its line and column; so does a bad field in a file.
 *
 * <p>Structure: one record per section (the top level, {@link Limits}, {@link Metrics}, {@link
 * Logging}); a new field is a record component, a default in {@code tox-relay-default.json} and, if
 * its values are restricted, a line in {@link #validate}.
 *
 * <p>{@code udpPort} is the one field the embedded defaults leave out ({@link #FOLLOWING}): left
 * out, the UDP port is the first TCP port, as tox-bootstrapd's single {@code port} serves both
 * (e.g. {@code --port 40000} gives UDP 40000, the defaults give UDP 33445); an explicit value wins
 * and -1 turns UDP off. A resolved config always has a {@code udpPort}.
 */
public record RelayConfig(
    String stateDir,
    String keysFile,
    String pidFile,
    String host,
    List<Integer> ports,
    Integer udpPort,
    boolean forwarding,
    Limits limits,
    Metrics metrics,
    Logging logging,
    String motd,
    List<BootstrapNode> bootstrapNodes,
    boolean ipv6,
    boolean lanDiscovery,
    boolean windowGate,
    boolean nativeTransport) {

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

  /** Log level ({@link #LEVELS}) and format ({@code text} or {@code json}, one object a line). */
  public record Logging(String level, String format) {}

  /** Allowed values of {@code logging.level}. */
  public static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");

  /** Allowed values of {@code logging.format}. */
  public static final List<String> FORMATS = List.of("text", "json");

  static final String DEFAULT_RESOURCE = "/tox-relay-default.json";

  /**
   * The field the embedded defaults leave out because its default follows another field: {@code
   * udpPort} follows {@code ports[0]}.
   */
  static final Set<String> FOLLOWING = Set.of("udpPort");

  private static final Map<String, Object> DEFAULT_TREE = defaultTree();

  @SuppressWarnings("unchecked")
  private static Map<String, Object> defaultTree() {
    try {
      return (Map<String, Object>)
          Objects.requireNonNull(JsonTree.read(defaultText()), "embedded default config is empty");
    } catch (IOException | ClassCastException e) {
      throw new IllegalStateException("embedded default config is unreadable", e);
    }
  }

  /**
   * The embedded defaults.
   *
   * @return the embedded default configuration
   */
  public static RelayConfig defaults() {
    return resolve(null, List.of());
  }

  /**
   * The embedded default config text (what {@code --print-default-config} shows).
   *
   * @return the JSON text
   */
  public static String defaultText() {
    try (InputStream in = RelayConfig.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The defaults overlaid with the fields present in {@code file}.
   *
   * @param file a JSON config file
   * @return the configuration
   */
  public static RelayConfig load(Path file) {
    return resolve(file, List.of());
  }

  /**
   * A value given on the command line for a config field.
   *
   * @param field the field's path, e.g. {@code udpPort} or {@code metrics.prometheusPort}
   * @param option the option that set it, e.g. {@code --udp-port}: errors name it
   * @param value the value (a String, Integer, Boolean or List of them)
   */
  public record Setting(String field, String option, Object value) {}

  /**
   * The defaults, overlaid with {@code file} (if not null), overlaid with {@code overrides}, read
   * strictly and validated.
   *
   * @throws IllegalArgumentException a one-line message naming the file or option, the field, the
   *     bad value and what is allowed
   * @param file a JSON config file, or null for none
   * @param overrides command-line settings, applied last
   * @return the validated configuration
   */
  public static RelayConfig resolve(@Nullable Path file, List<Setting> overrides) {
    Source source = file == null ? new Source("default config", "", null) : read(file);
    Map<String, Object> merged = object(JsonTree.copy(DEFAULT_TREE));
    if (source.tree != null) {
      merge(merged, source.tree, "", source);
    }
    Map<String, String> options = new LinkedHashMap<>();
    for (Setting o : overrides) {
      String[] path = o.field().split("\\.");
      Map<String, Object> at = merged;
      for (int i = 0; i < path.length - 1; i++) {
        if (!(at.get(path[i]) instanceof Map<?, ?> section)) {
          // no such section (or not one): as an unknown field
          throw new IllegalArgumentException(
              o.option()
                  + " must be a known field, got "
                  + shorten(JsonTree.toJson(JsonTree.of(o.value()))));
        }
        at = object(section);
      }
      at.put(path[path.length - 1], JsonTree.of(o.value()));
      options.put(o.field(), o.option());
    }
    UnaryOperator<String> name =
        field -> {
          for (Map.Entry<String, String> e : options.entrySet()) {
            if (field.equals(e.getKey()) || field.startsWith(e.getKey() + "[")) {
              return e.getValue();
            }
          }
          return source.at(field) + field;
        };
    RelayConfig c;
    try {
      c = (RelayConfig) bind(RelayConfig.class, merged, "");
    } catch (Mismatch e) {
      throw new IllegalArgumentException(
          name.apply(e.field)
              + " must be "
              + describe(e.field)
              + ", got "
              + shorten(JsonTree.toJson(e.value)));
    }
    // bind gives null only for a JSON null, and merged is an object
    return Objects.requireNonNull(c, "config is null").validate(name);
  }

  // ------------------------------------------------------------------------------- validation

  /**
   * Checks every value; the one place the config's rules live.
   *
   * @param name how to name a field in a message (the option that set it, or the file and line)
   */
  RelayConfig validate(UnaryOperator<String> name) {
    if (udpPort == null) {
      if (ports.isEmpty()) {
        throw new IllegalArgumentException(
            name.apply("ports") + " must list at least one TCP port, got []");
      }
      return withUdpPort(ports.get(0)).validate(name);
    }
    nonEmpty(name, "stateDir", stateDir);
    nonEmpty(name, "keysFile", keysFile);
    if (ports.isEmpty()) {
      throw new IllegalArgumentException(
          name.apply("ports") + " must list at least one TCP port, got []");
    }
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      int p = ports.get(i);
      range(name, "ports[" + i + "]", p, 0, 65535, "a TCP port 0..65535 (0: any free port)");
      if (p != 0 && !seen.add(p)) {
        throw new IllegalArgumentException(
            name.apply("ports[" + i + "]") + " must not repeat a port, got " + p + " twice");
      }
    }
    range(
        name,
        "udpPort",
        udpPort,
        -1,
        65535,
        "a UDP port 0..65535 (0: any free port) or -1 (onion/forwarding bridge off)");
    address(name, "host", host);
    range(
        name,
        "metrics.prometheusPort",
        metrics.prometheusPort(),
        -1,
        65535,
        "a TCP port 0..65535 (0: any free port) or -1 (off)");
    address(name, "metrics.prometheusHost", metrics.prometheusHost());
    range(
        name,
        "limits.handshakeTimeoutSeconds",
        limits.handshakeTimeoutSeconds(),
        1,
        3600,
        "1..3600 seconds");
    try {
      limits.toRelayLimits();
    } catch (IllegalArgumentException e) {
      // RelayLimits names its field first: "maxConnections must be >= 1, got 0"
      String msg = Objects.requireNonNull(e.getMessage(), "RelayLimits error without a message");
      int sp = msg.indexOf(' ');
      throw new IllegalArgumentException(
          name.apply("limits." + msg.substring(0, sp)) + msg.substring(sp));
    }
    oneOf(name, "logging.level", logging.level(), LEVELS);
    oneOf(name, "logging.format", logging.format(), FORMATS);
    try {
      DhtConfig.motd(motd);
    } catch (IllegalArgumentException e) {
      // "motd is N bytes in UTF-8, at most 255"
      String msg = Objects.requireNonNull(e.getMessage(), "motd error without a message");
      throw new IllegalArgumentException(name.apply("motd") + msg.substring(4));
    }
    for (int i = 0; i < bootstrapNodes.size(); i++) {
      BootstrapNode n = bootstrapNodes.get(i);
      String at = "bootstrapNodes[" + i + "]";
      if (n.host() == null || n.host().isBlank()) {
        throw new IllegalArgumentException(
            name.apply(at + ".host") + " must be an IP address or host name, got \"\"");
      }
      range(name, at + ".port", n.port(), 1, 65535, "a UDP port 1..65535");
      if (n.key() == null) {
        throw new IllegalArgumentException(
            name.apply(at + ".key") + " must be a DHT public key, 64 hex digits, got nothing");
      }
      try {
        PublicKey.fromHex(n.key());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name.apply(at + ".key") + ": " + e.getMessage());
      }
    }
    return this;
  }

  /** This config with {@code udpPort} set (the other fields unchanged). */
  private RelayConfig withUdpPort(int udp) {
    return new RelayConfig(
        stateDir,
        keysFile,
        pidFile,
        host,
        ports,
        udp,
        forwarding,
        limits,
        metrics,
        logging,
        motd,
        bootstrapNodes,
        ipv6,
        lanDiscovery,
        windowGate,
        nativeTransport);
  }

  /**
   * The DHT settings: MOTD, IPv6 and the bootstrap nodes, whose host names are resolved here.
   *
   * @throws IllegalArgumentException naming the node whose host does not resolve
   * @return the DHT node's configuration
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
          new DhtConfig.BootstrapNode(new IpPort(address, n.port()), PublicKey.fromHex(n.key())));
    }
    return DhtConfig.defaults()
        .withIpv6(ipv6)
        .withBootstrapNodes(nodes)
        .withInfo(DhtConfig.motd(motd));
  }

  private static void nonEmpty(UnaryOperator<String> name, String field, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(
          name.apply(field) + " must be a non-empty path, got \"" + value + "\"");
    }
  }

  private static void range(
      UnaryOperator<String> name, String field, long v, long min, long max, String allowed) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(name.apply(field) + " must be " + allowed + ", got " + v);
    }
  }

  private static void oneOf(
      UnaryOperator<String> name, String field, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw new IllegalArgumentException(
          name.apply(field)
              + " must be one of "
              + String.join(", ", allowed)
              + ", got \""
              + shorten(value)
              + "\"");
    }
  }

  /**
   * An IP literal (IPv6 without brackets) or {@code localhost}: a listen address, so no name is
   * looked up (no DNS query while validating, and no address that changes under the relay).
   */
  private static void address(UnaryOperator<String> name, String field, String host) {
    boolean literal =
        NetUtil.isValidIpV4Address(host)
            || (NetUtil.isValidIpV6Address(host) && !host.startsWith("[")); // Netty allows [..]
    if (!literal && !host.equals("localhost")) {
      throw new IllegalArgumentException(
          name.apply(field)
              + " must be an IP address to listen on (e.g. 0.0.0.0, ::, 127.0.0.1, ::1; IPv6"
              + " without brackets) or localhost, got \""
              + shorten(host)
              + "\"");
    }
  }

  // ------------------------------------------------------------------------------- reading

  /** A config file's text and tree; {@link #at} names a field with its line and column. */
  private record Source(String where, String text, @Nullable Map<String, Object> tree) {
    String at(String field) {
      if (tree == null) {
        return where + ": ";
      }
      JsonLocation loc = locate(text, pointer(field));
      return loc == null ? where + ": " : where + position(loc) + ": ";
    }
  }

  private static Source read(Path file) {
    String where = "config " + file;
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(where + ": no such file");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(where + ": permission denied");
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(where + ": not UTF-8 text");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          where + ": " + (Files.isDirectory(file) ? "is a directory" : oneLine(e.getMessage())));
    }
    Object tree;
    try {
      tree = JsonTree.read(text);
    } catch (JsonTree.TrailingContentException e) {
      throw new IllegalArgumentException(where + position(e.location) + ": " + e.getMessage());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          where + position(e.getLocation()) + ": " + oneLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new IllegalArgumentException(where + ": " + oneLine(e.getMessage()));
    }
    if (tree == null) {
      throw new IllegalArgumentException(
          where + ": empty; a config is a JSON object, e.g. {\"ports\": [33445]}");
    }
    if (!(tree instanceof Map<?, ?>)) {
      throw new IllegalArgumentException(
          where
              + " line 1: must be a JSON object, e.g. {\"ports\": [33445]}, got "
              + JsonTree.kind(tree)
              + " "
              + shorten(JsonTree.toJson(tree)));
    }
    return new Source(where, text, object(tree));
  }

  /**
   * Overlays {@code from} onto {@code into}: sections merge field by field, any other value
   * replaces the default. Unknown fields, nulls and a non-object for a section are errors here.
   */
  private static void merge(
      Map<String, Object> into, Map<String, Object> from, String prefix, Source source) {
    for (Map.Entry<String, Object> e : from.entrySet()) {
      String field = prefix + e.getKey();
      Object def = into.get(e.getKey());
      Object value = e.getValue();
      if (def == null && prefix.isEmpty() && FOLLOWING.contains(e.getKey())) {
        def = JsonTree.MISSING; // known, no embedded default: any value replaces "unset"
      }
      if (def == null) {
        throw new IllegalArgumentException(
            source.at(field)
                + "unknown field \""
                + shorten(field)
                + "\" (known"
                + (prefix.isEmpty() ? "" : " in " + prefix.substring(0, prefix.length() - 1))
                + ": "
                + String.join(", ", known(into.keySet(), prefix))
                + ")");
      }
      if (value == JsonTree.NULL) {
        throw new IllegalArgumentException(
            source.at(field)
                + field
                + " must be "
                + describe(field)
                + ", got null (leave the field out to keep its default)");
      }
      if (def instanceof Map<?, ?>) {
        if (!(value instanceof Map<?, ?>)) {
          throw new IllegalArgumentException(
              source.at(field)
                  + field
                  + " must be an object (a section), got "
                  + shorten(JsonTree.toJson(value)));
        }
        merge(object(def), object(value), field + ".", source);
      } else {
        if (value instanceof List<?> list) {
          for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == JsonTree.NULL) {
              String element = field + "[" + i + "]";
              throw new IllegalArgumentException(
                  source.at(element) + element + " must be " + describe(element) + ", got null");
            }
          }
        }
        into.put(e.getKey(), value);
      }
    }
  }

  /** The fields known at {@code prefix}: the defaults' and, at the top, {@link #FOLLOWING}. */
  private static List<String> known(Set<String> defaults, String prefix) {
    List<String> known = new ArrayList<>(defaults);
    if (prefix.isEmpty()) {
      known.add(known.indexOf("ports") + 1, "udpPort"); // where a reader looks for it
    }
    return known;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object tree) {
    return (Map<String, Object>) tree;
  }

  // ------------------------------------------------------------------------------- binding

  /** A value of the wrong kind for its field: the field's path and the value. */
  private static final class Mismatch extends Exception {
    private static final long serialVersionUID = 1L;
    final String field;
    final transient Object value;

    Mismatch(String field, Object value) {
      super(field, null, false, false);
      this.field = field;
      this.value = value;
    }
  }

  /**
   * The tree value {@code v} at {@code field} as a value of {@code type}, with the strict rules of
   * the config: a whole number (that fits an int) for an int, {@code true}/{@code false} for a
   * boolean, a string for a String, an array for a List, an object with known fields for a record
   * (a number or boolean left out is an error, a string or list left out is null: the embedded
   * defaults name every field but a bootstrap node's, which {@link #validate} checks). No coercion
   * between kinds.
   */
  private static @Nullable Object bind(Type type, Object v, String field) throws Mismatch {
    Class<?> c = raw(type);
    if (c == null) {
      throw new IllegalStateException("no binding for " + type); // a new record component type
    }
    if (v == JsonTree.NULL) {
      if (c.isPrimitive()) {
        throw new Mismatch(field, v);
      }
      return null;
    }
    if (c == int.class || c == Integer.class) {
      if (v instanceof BigInteger i && i.bitLength() < Integer.SIZE) {
        return i.intValue();
      }
    } else if (c == boolean.class || c == Boolean.class) {
      if (v instanceof Boolean) {
        return v;
      }
    } else if (c == String.class) {
      if (v instanceof String) {
        return v;
      }
    } else if (c == List.class) {
      if (v instanceof List<?> list) {
        Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
        List<Object> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
          out.add(bind(element, list.get(i), field + "[" + i + "]"));
        }
        return Collections.unmodifiableList(out);
      }
    } else if (c.isRecord()) {
      if (v instanceof Map<?, ?> map) {
        return record(c, object(map), field);
      }
    } else {
      throw new IllegalStateException("no binding for " + type); // a new record component type
    }
    throw new Mismatch(field, v);
  }

  private static Object record(Class<?> c, Map<String, Object> fields, String field)
      throws Mismatch {
    RecordComponent[] rcs = c.getRecordComponents();
    Object[] args = new Object[rcs.length];
    Class<?>[] types = new Class<?>[rcs.length];
    for (int i = 0; i < rcs.length; i++) {
      types[i] = rcs[i].getType();
    }
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      String at = field.isEmpty() ? e.getKey() : field + "." + e.getKey();
      int i = 0;
      while (i < rcs.length && !rcs[i].getName().equals(e.getKey())) {
        i++;
      }
      if (i == rcs.length) {
        throw new Mismatch(at, e.getValue()); // "must be a known field"
      }
      args[i] = bind(rcs[i].getGenericType(), e.getValue(), at);
    }
    for (int i = 0; i < rcs.length; i++) {
      if (args[i] == null && types[i].isPrimitive()) {
        // left out: a number or boolean has no "unset" (a String or List left out is null)
        String at = field.isEmpty() ? rcs[i].getName() : field + "." + rcs[i].getName();
        throw new Mismatch(at, JsonTree.MISSING);
      }
    }
    try {
      Constructor<?> canonical = c.getDeclaredConstructor(types);
      return canonical.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What a field holds, from the record component's type: "a whole number", "an object". */
  static String describe(String field) {
    Type t = RelayConfig.class;
    for (String part : field.split("\\.")) {
      String component = part.replaceAll("\\[\\d+]$", "");
      boolean element = !component.equals(part);
      Class<?> c = raw(t);
      Type found = null;
      if (c != null && c.isRecord()) {
        for (RecordComponent rc : c.getRecordComponents()) {
          if (rc.getName().equals(component)) {
            found = rc.getGenericType();
          }
        }
      }
      if (found == null) {
        return "a known field";
      }
      t = element && found instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : found;
    }
    Class<?> c = raw(t);
    if (c == int.class || c == Integer.class || c == long.class) {
      return "a whole number";
    } else if (c == boolean.class || c == Boolean.class) {
      return "true or false";
    } else if (c == String.class) {
      return "a string";
    } else if (c != null && List.class.isAssignableFrom(c)) {
      return "an array of " + plural(t);
    } else {
      return "an object (a section)";
    }
  }

  private static String plural(Type list) {
    if (list instanceof ParameterizedType p && p.getActualTypeArguments()[0] == Integer.class) {
      return "whole numbers";
    }
    return "values";
  }

  private static @Nullable Class<?> raw(Type t) {
    if (t instanceof Class<?> c) {
      return c;
    }
    if (t instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    return null;
  }

  /**
   * {@code limits.maxConnections} → {@code /limits/maxConnections}, {@code ports[1]} → /ports/1.
   */
  private static String pointer(String field) {
    return "/" + field.replace(".", "/").replaceAll("\\[(\\d+)]", "/$1");
  }

  /** Where the field (or array element) at {@code pointer} starts in {@code text}, if found. */
  private static @Nullable JsonLocation locate(String text, String pointer) {
    try (JsonParser p = JsonTree.parser(text)) {
      for (JsonToken t; (t = p.nextToken()) != null; ) {
        boolean candidate =
            t == JsonToken.FIELD_NAME || (t.isScalarValue() && p.getParsingContext().inArray());
        if (candidate && p.getParsingContext().pathAsPointer().toString().equals(pointer)) {
          return p.currentTokenLocation();
        }
      }
    } catch (IOException e) {
      return null;
    }
    int up = pointer.lastIndexOf('/');
    return up > 0 ? locate(text, pointer.substring(0, up)) : null;
  }

  private static String position(JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 1) {
      return "";
    }
    return " line " + loc.getLineNr() + " column " + loc.getColumnNr();
  }

  static String shorten(String s) {
    String one = oneLine(s);
    return one.length() > 60 ? one.substring(0, 57) + "..." : one;
  }

  static String oneLine(@Nullable String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (char c : s.strip().toCharArray()) {
      b.append(c < 0x20 || c == 0x7f ? ' ' : c);
    }
    return b.toString().replaceAll(" {2,}", " ");
  }
}
