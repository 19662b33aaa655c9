package org.toxreactive.relay.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 */
public record RelayConfig(
    String stateDir,
    String keysFile,
    String pidFile,
    String host,
    List<Integer> ports,
    int udpPort,
    boolean forwarding,
    Limits limits,
    Metrics metrics,
    Logging logging,
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

  /** Log level ({@link #LEVELS}) and format ({@code text} or {@code json}, one object a line). */
  public record Logging(String level, String format) {}

  /** Allowed values of {@code logging.level}. */
  public static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");

  /** Allowed values of {@code logging.format}. */
  public static final List<String> FORMATS = List.of("text", "json");

  static final String DEFAULT_RESOURCE = "/tox-relay-default.json";

  private static final JsonMapper MAPPER = strictMapper();

  private static final ObjectNode DEFAULT_TREE = defaultTree();

  private static JsonMapper strictMapper() {
    JsonMapper m =
        JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
    // no coercion between kinds: "443" is not a number, 1 is not a string nor a boolean
    for (LogicalType t : LogicalType.values()) {
      for (CoercionInputShape s :
          List.of(
              CoercionInputShape.Integer,
              CoercionInputShape.Float,
              CoercionInputShape.Boolean,
              CoercionInputShape.String,
              CoercionInputShape.EmptyString)) {
        m.coercionConfigFor(t).setCoercion(s, CoercionAction.Fail);
      }
    }
    m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Integer, null);
    m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Boolean, null);
    m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.String, null);
    m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.EmptyString, null);
    return m;
  }

  private static ObjectNode defaultTree() {
    try {
      return (ObjectNode) MAPPER.readTree(defaultText());
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
    ObjectNode merged = DEFAULT_TREE.deepCopy();
    if (source.tree != null) {
      merge(merged, source.tree, "", source);
    }
    Map<String, String> options = new LinkedHashMap<>();
    for (Setting o : overrides) {
      String[] path = o.field().split("\\.");
      ObjectNode at = merged;
      for (int i = 0; i < path.length - 1; i++) {
        at = (ObjectNode) at.get(path[i]);
      }
      at.set(path[path.length - 1], MAPPER.valueToTree(o.value()));
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
      c = MAPPER.treeToValue(merged, RelayConfig.class);
    } catch (JsonMappingException e) {
      String field = fieldOf(e.getPath());
      JsonNode bad = nodeAt(merged, e.getPath());
      throw new IllegalArgumentException(
          name.apply(field)
              + " must be "
              + describe(field)
              + ", got "
              + (bad == null ? "?" : shorten(bad.toString())));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(source.where + ": " + oneLine(e.getOriginalMessage()));
    }
    return c.validate(name);
  }

  // ------------------------------------------------------------------------------- validation

  /**
   * Checks every value; the one place the config's rules live.
   *
   * @param name how to name a field in a message (the option that set it, or the file and line)
   */
  RelayConfig validate(UnaryOperator<String> name) {
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
      String msg = e.getMessage();
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
      throw new IllegalArgumentException(name.apply("motd") + e.getMessage().substring(4));
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
  private record Source(String where, String text, ObjectNode tree) {
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
    JsonNode tree;
    try {
      tree = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          where + position(e.getLocation()) + ": " + oneLine(e.getOriginalMessage()));
    }
    if (tree == null || tree.isMissingNode()) {
      throw new IllegalArgumentException(
          where + ": empty; a config is a JSON object, e.g. {\"ports\": [33445]}");
    }
    if (!tree.isObject()) {
      throw new IllegalArgumentException(
          where
              + " line 1: must be a JSON object, e.g. {\"ports\": [33445]}, got "
              + kind(tree)
              + " "
              + shorten(tree.toString()));
    }
    return new Source(where, text, (ObjectNode) tree);
  }

  /**
   * Overlays {@code from} onto {@code into}: sections merge field by field, any other value
   * replaces the default. Unknown fields, nulls and a non-object for a section are errors here.
   */
  private static void merge(ObjectNode into, ObjectNode from, String prefix, Source source) {
    for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String field = prefix + e.getKey();
      JsonNode def = into.get(e.getKey());
      JsonNode value = e.getValue();
      if (def == null) {
        List<String> known = new java.util.ArrayList<>();
        into.fieldNames().forEachRemaining(known::add);
        throw new IllegalArgumentException(
            source.at(field)
                + "unknown field \""
                + shorten(field)
                + "\" (known"
                + (prefix.isEmpty() ? "" : " in " + prefix.substring(0, prefix.length() - 1))
                + ": "
                + String.join(", ", known)
                + ")");
      }
      if (value.isNull()) {
        throw new IllegalArgumentException(
            source.at(field)
                + field
                + " must be "
                + describe(field)
                + ", got null (leave the field out to keep its default)");
      }
      if (def.isObject()) {
        if (!value.isObject()) {
          throw new IllegalArgumentException(
              source.at(field)
                  + field
                  + " must be an object (a section), got "
                  + shorten(value.toString()));
        }
        merge((ObjectNode) def, (ObjectNode) value, field + ".", source);
      } else {
        for (int i = 0; value.isArray() && i < value.size(); i++) {
          if (value.get(i).isNull()) {
            String element = field + "[" + i + "]";
            throw new IllegalArgumentException(
                source.at(element) + element + " must be " + describe(element) + ", got null");
          }
        }
        into.set(e.getKey(), value);
      }
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

  private static Class<?> raw(Type t) {
    if (t instanceof Class<?> c) {
      return c;
    }
    if (t instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    return null;
  }

  private static String fieldOf(List<JsonMappingException.Reference> path) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : path) {
      if (r.getFieldName() != null) {
        if (b.length() > 0) {
          b.append('.');
        }
        b.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  private static JsonNode nodeAt(JsonNode root, List<JsonMappingException.Reference> path) {
    JsonNode n = root;
    for (JsonMappingException.Reference r : path) {
      if (n == null) {
        return null;
      }
      n = r.getFieldName() != null ? n.get(r.getFieldName()) : n.get(r.getIndex());
    }
    return n;
  }

  /**
   * {@code limits.maxConnections} → {@code /limits/maxConnections}, {@code ports[1]} → /ports/1.
   */
  private static String pointer(String field) {
    return "/" + field.replace(".", "/").replaceAll("\\[(\\d+)]", "/$1");
  }

  /** Where the field (or array element) at {@code pointer} starts in {@code text}, if found. */
  private static JsonLocation locate(String text, String pointer) {
    try (JsonParser p = MAPPER.createParser(text)) {
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

  private static String kind(JsonNode n) {
    return switch (n.getNodeType()) {
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "a value";
    };
  }

  static String shorten(String s) {
    String one = oneLine(s);
    return one.length() > 60 ? one.substring(0, 57) + "..." : one;
  }

  static String oneLine(String s) {
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
