package org.toxreactive.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.toxreactive.test.FuzzInput;
import org.toxreactive.test.FuzzSeeds;

/**
 * Fuzzes {@link RelayConfig#load} on a file: {@code load} takes the file's bytes as they are, and
 * {@code loadJson} builds a JSON document from the input (objects, arrays, nulls, numbers of every
 * size, strings, the config's own field names at any depth) so the fuzzer spends its time in the
 * config's rules rather than in JSON syntax. Contract: a config that passes its own validation
 * (every field present, ports in range, limits accepted), or an {@link IllegalArgumentException}
 * with a one-line message; never another exception.
 */
class RelayConfigFuzzTest {
  private static final List<String> KEYS =
      List.of(
          "keysFile",
          "host",
          "ports",
          "udpPort",
          "forwarding",
          "limits",
          "maxConnections",
          "maxConnectionsPerIp",
          "maxUnconfirmed",
          "handshakeTimeoutSeconds",
          "maxQueuedBytes",
          "metrics",
          "prometheusPort",
          "prometheusHost",
          "unknown",
          "stateDir",
          "pidFile",
          "logging",
          "level",
          "format");

  private static Path dir;
  private static Path file;

  @BeforeAll
  static void createFile() throws IOException {
    dir = Files.createTempDirectory("relay-config-fuzz");
    file = dir.resolve("relay.json");
  }

  @AfterAll
  static void deleteFile() throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
  }

  @FuzzTest
  void load(byte[] data) throws IOException {
    check(data);
  }

  @FuzzTest
  void loadJson(byte[] data) throws IOException {
    FuzzInput in = new FuzzInput(data);
    StringBuilder json = new StringBuilder();
    object(in, json, 0);
    check(json.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Returns the config, or null when it was refused as the contract allows. */
  private static RelayConfig check(byte[] content) throws IOException {
    Files.write(file, content);
    RelayConfig c;
    try {
      c = RelayConfig.load(file);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
      return null;
    }
    assertThat(c.keysFile()).isNotNull();
    assertThat(c.host()).isNotNull();
    assertThat(c.ports()).isNotEmpty().allSatisfy(p -> assertThat(p).isBetween(0, 65535));
    assertThat(c.udpPort()).isBetween(-1, 65535);
    assertThat(c.limits()).isNotNull();
    assertThat(c.limits().toRelayLimits()).isNotNull();
    assertThat(c.metrics()).isNotNull();
    assertThat(c.metrics().prometheusHost()).isNotNull();
    assertThat(c.metrics().prometheusPort()).isBetween(-1, 65535);
    assertThat(c.stateDir()).isNotBlank();
    assertThat(c.pidFile()).isNotNull();
    assertThat(RelayConfig.LEVELS).contains(c.logging().level());
    assertThat(RelayConfig.FORMATS).contains(c.logging().format());
    return c;
  }

  // ------------------------------------------------------------------------- JSON from the input

  private static void object(FuzzInput in, StringBuilder out, int depth) {
    out.append('{');
    int n = in.u8() % 6;
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        out.append(',');
      }
      string(KEYS.get(in.u8() % KEYS.size()), out);
      out.append(':');
      value(in, out, depth + 1);
    }
    out.append('}');
  }

  private static void value(FuzzInput in, StringBuilder out, int depth) {
    int kind = in.u8() % 9;
    if (depth > 4 && (kind == 6 || kind == 7)) {
      kind = 0;
    }
    switch (kind) {
      case 0 -> out.append("null");
      case 1 -> out.append(in.u16() - 2); // small ints, ports, -1
      case 2 -> out.append(in.i32());
      case 3 -> out.append(in.i64());
      case 4 -> out.append(in.u8() % 2 == 0 ? "true" : "false");
      case 5 -> string(new String(in.upTo(in.u8() % 24), StandardCharsets.ISO_8859_1), out);
      case 6 -> {
        out.append('[');
        int n = in.u8() % 5;
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            out.append(',');
          }
          value(in, out, depth + 1);
        }
        out.append(']');
      }
      case 7 -> object(in, out, depth + 1);
      default ->
          out.append(
              List.of("1e400", "-0", "1.5", "99999999999999999999", "\"443\"").get(in.u8() % 5));
    }
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }

  /**
   * Found by {@code loadJson} (crash-limits-null): a field set to null was a NullPointerException.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"limits\": null}|line 1 column 2: limits must be an object (a section), got null",
        "{\"metrics\": null}|line 1 column 2: metrics must be an object (a section), got null",
        "{\"ports\": null}|line 1 column 2: ports must be an array of whole numbers, got null",
        "{\"ports\": [443, null]}|line 1 column 17: ports[1] must be a whole number, got null",
        "{\"host\": null}|line 1 column 2: host must be a string, got null",
        "{\"keysFile\": null}|line 1 column 2: keysFile must be a string, got null",
        "{\"metrics\": {\"prometheusHost\": null}}|line 1 column 14: metrics.prometheusHost must"
            + " be a string, got null",
        "{\"bootstrapNodes\": null}|line 1 column 2: bootstrapNodes must be an array of values, got null",
        "{\"bootstrapNodes\": [null]}|line 1 column 21: bootstrapNodes[0] must be an object (a section), got null"
      })
  void aFieldSetToNullIsAOneLineError(String json, String message) throws IOException {
    Files.writeString(file, json);
    assertThatThrownBy(() -> RelayConfig.load(file))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("config " + file + " " + message)
        .hasMessageNotContaining("\n");
  }

  @Test
  void seedsAreCurrent() throws IOException {
    Map<String, byte[]> raw = new LinkedHashMap<>();
    raw.put("default", RelayConfig.defaultText().getBytes(StandardCharsets.UTF_8));
    raw.put(
        "ports-and-limit", utf8("{\"ports\": [4000], \"limits\": {\"maxConnectionsPerIp\": 8}}"));
    raw.put("metrics-on", utf8("{\"metrics\": {\"prometheusPort\": 9100}, \"udpPort\": -1}"));
    raw.put("empty-object", utf8("{}"));
    raw.put(
        "dht",
        utf8(
            "{\"motd\": \"hi\", \"ipv6\": true, \"bootstrapNodes\": [{\"host\": \"127.0.0.1\","
                + " \"port\": 33445, \"key\":"
                + " \"F404ABAA1C99A9D37D61AB54898F56793E1DEF8BD46B1038B9D822E8460FAB67\"}]}"));
    raw.put("typo", utf8("{\"prot\": 1}"));
    raw.put("bad-port", utf8("{\"ports\": [70000]}"));
    for (String valid :
        List.of("default", "ports-and-limit", "metrics-on", "empty-object", "dht")) {
      assertThat(check(raw.get(valid))).as(valid).isNotNull();
    }
    assertThat(check(raw.get("typo"))).isNull();
    assertThat(check(raw.get("bad-port"))).isNull();
    FuzzSeeds.check(RelayConfigFuzzTest.class, "load", raw);

    Map<String, byte[]> json = new LinkedHashMap<>();
    // {"ports": [4000]}: one field, key 2, an array (6) of one small int (1) 4002 - 2
    json.put("ports", new FuzzInput.Writer().u8(1).u8(2).u8(6).u8(1).u8(1).u16(4002).toByteArray());
    // {"limits": {"maxConnections": 5}}
    json.put(
        "nested-limit",
        new FuzzInput.Writer().u8(1).u8(5).u8(7).u8(1).u8(6).u8(1).u16(7).toByteArray());
    json.put("empty", new FuzzInput.Writer().u8(0).toByteArray());
    StringBuilder ports = new StringBuilder();
    object(new FuzzInput(json.get("ports")), ports, 0);
    assertThat(ports).hasToString("{\"ports\":[4000]}");
    StringBuilder limit = new StringBuilder();
    object(new FuzzInput(json.get("nested-limit")), limit, 0);
    assertThat(limit).hasToString("{\"limits\":{\"maxConnections\":5}}");
    FuzzSeeds.check(RelayConfigFuzzTest.class, "loadJson", json);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
