package org.toxreactive.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayConfigTest {
  @TempDir Path dir;

  @Test
  void embeddedDefaultsMatchTheDocumentedValues() {
    RelayConfig c = RelayConfig.defaults();
    assertThat(c.ports()).containsExactly(33445, 3389, 443);
    assertThat(c.udpPort()).isEqualTo(33445);
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.keysFile()).isEqualTo("tox-relay.keys");
    assertThat(c.stateDir()).isEqualTo(".");
    assertThat(c.pidFile()).isEmpty();
    assertThat(c.logging()).isEqualTo(new RelayConfig.Logging("info", "text"));
    assertThat(c.limits().maxConnectionsPerIp()).isEqualTo(64);
    assertThat(c.limits().handshakeTimeoutSeconds()).isEqualTo(10);
    assertThat(c.limits().maxBacklogBytes()).isEqualTo(512 * 1024);
    assertThat(c.limits().maxUnconfirmedPerPrefix()).isEqualTo(128);
    assertThat(c.metrics().prometheusPort()).isEqualTo(-1);
    assertThat(c.limits().toRelayLimits()).isEqualTo(org.toxreactive.relay.RelayLimits.defaults());
  }

  @Test
  void aBacklogCapNotAboveTheDataQueueIsAClearError() throws Exception {
    Path f = dir.resolve("backlog.json");
    Files.writeString(f, "{\"limits\": {\"maxBacklogBytes\": 262144}}");
    assertThatThrownBy(() -> RelayConfig.load(f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "limits.maxBacklogBytes must exceed maxQueuedBytes (262144) by at least one frame"
                + " (2050), got 262144");
    Path share = dir.resolve("share.json");
    Files.writeString(share, "{\"limits\": {\"maxUnconfirmedPerPrefix\": 0}}");
    assertThatThrownBy(() -> RelayConfig.load(share))
        .hasMessageContaining("limits.maxUnconfirmedPerPrefix must be at least 1, got 0");
  }

  @Test
  void aFileChangesOnlyWhatItNames() throws Exception {
    Path f = dir.resolve("relay.json");
    Files.writeString(f, "{\"ports\": [4000], \"limits\": {\"maxConnectionsPerIp\": 8}}");
    RelayConfig c = RelayConfig.load(f);
    assertThat(c.ports()).isEqualTo(List.of(4000));
    assertThat(c.limits().maxConnectionsPerIp()).isEqualTo(8);
    assertThat(c.limits().maxConnections()).isEqualTo(100_000);
    assertThat(c.udpPort()).as("UDP follows the first TCP port").isEqualTo(4000);
  }

  /** The window gate is on unless the file or the command line turns it off (the CLI wins). */
  @Test
  void theWindowGateIsOnByDefaultAndEitherSwitchTurnsItOff() throws Exception {
    assertThat(RelayConfig.defaults().windowGate()).isTrue();
    assertThat(resolve("{}").windowGate()).isTrue();
    assertThat(resolve("{\"windowGate\": false}").windowGate()).isFalse();
    RelayConfig.Setting off = new RelayConfig.Setting("windowGate", "--window-gate", false);
    RelayConfig.Setting on = new RelayConfig.Setting("windowGate", "--window-gate", true);
    assertThat(resolve(null, off).windowGate()).isFalse();
    assertThat(resolve("{\"windowGate\": false}", on).windowGate()).isTrue();
    assertThat(resolve("{\"windowGate\": true}", off).windowGate()).isFalse();
  }

  /**
   * A setting (public: RelayConfig.Setting) for a field under a section the config does not have,
   * or under a field that is not a section, is the same one-line error as an unknown field; it was
   * a NullPointerException (no section) and a ClassCastException (not a section).
   */
  @Test
  void aSettingUnderNoSectionIsAOneLineError() {
    RelayConfig.Setting unknown = new RelayConfig.Setting("nosuch", "--nosuch", 9000);
    RelayConfig.Setting noSection =
        new RelayConfig.Setting("metric.prometheusPort", "--metric-port", 9000);
    RelayConfig.Setting notASection = new RelayConfig.Setting("host.port", "--host-port", 9000);
    assertThatThrownBy(() -> RelayConfig.resolve(null, List.of(unknown)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--nosuch must be a known field, got 9000");
    assertThatThrownBy(() -> RelayConfig.resolve(null, List.of(noSection)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--metric-port must be a known field, got 9000");
    assertThatThrownBy(() -> RelayConfig.resolve(null, List.of(notASection)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--host-port must be a known field, got 9000");
  }

  private RelayConfig resolve(String json, RelayConfig.Setting... cli) throws Exception {
    Path f = null;
    if (json != null) {
      f = dir.resolve("udp.json");
      Files.writeString(f, json);
    }
    return RelayConfig.resolve(f, List.of(cli));
  }

  private static RelayConfig.Setting cliPorts(Integer... ports) {
    return new RelayConfig.Setting("ports", "--port", List.of(ports));
  }

  private static RelayConfig.Setting cliUdp(int udp) {
    return new RelayConfig.Setting("udpPort", "--udp-port", udp);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "defaults: UDP on the first default TCP port|-|-|-|33445",
        "file ports: UDP on the first|{\"ports\": [40000, 3389]}|-|-|40000",
        "file ports and udpPort: udpPort wins|{\"ports\": [40000], \"udpPort\": 40001}|-|-|40001",
        "file udpPort -1: off|{\"ports\": [40000], \"udpPort\": -1}|-|-|-1",
        "file udpPort 0: any|{\"udpPort\": 0}|-|-|0",
        "file udpPort only: TCP defaults kept|{\"udpPort\": 5000}|-|-|5000",
        "file first port 0: UDP any|{\"ports\": [0, 4000]}|-|-|0",
        "CLI --port: UDP follows it|-|40000|-|40000",
        "CLI --port list: the first|-|40000,40002|-|40000",
        "CLI --port and --udp-port: --udp-port wins|-|40000|40005|40005",
        "CLI --udp-port -1: off|-|40000|-1|-1",
        "CLI --udp-port only|-|-|7000|7000",
        "file udpPort beats CLI --port|{\"udpPort\": 5000}|40000|-|5000",
        "CLI --port beats file ports|{\"ports\": [4000]}|40000|-|40000",
        "CLI --udp-port beats file udpPort|{\"udpPort\": 5000}|40000|-1|-1",
      })
  void theUdpPortFollowsTheFirstTcpPortUnlessSet(
      String what, String json, String cliPorts, Integer cliUdp, int udp) throws Exception {
    List<RelayConfig.Setting> cli = new java.util.ArrayList<>();
    if (cliPorts != null) {
      cli.add(
          cliPorts(
              java.util.Arrays.stream(cliPorts.split(","))
                  .map(Integer::valueOf)
                  .toArray(Integer[]::new)));
    }
    if (cliUdp != null) {
      cli.add(cliUdp(cliUdp));
    }
    RelayConfig c = resolve(json, cli.toArray(RelayConfig.Setting[]::new));
    assertThat(c.udpPort()).as(what).isEqualTo(udp);
  }

  @Test
  void theDefaultConfigTextLeavesUdpPortOutAndANamedOneIsKnown() throws Exception {
    assertThat(RelayConfig.defaultText()).doesNotContain("udpPort");
    // the printed defaults are a valid config: UDP then follows ports[0] as documented
    Path printed = dir.resolve("printed.json");
    Files.writeString(printed, RelayConfig.defaultText());
    assertThat(RelayConfig.load(printed).udpPort()).isEqualTo(33445);
    Path typo = dir.resolve("udp-typo.json");
    Files.writeString(typo, "{\"udpport\": 1}");
    assertThatThrownBy(() -> RelayConfig.load(typo))
        .hasMessageContaining(
            "unknown field \"udpport\" (known: stateDir, keysFile, pidFile,"
                + " host, ports, udpPort, forwarding,");
    Path nul = dir.resolve("udp-null.json");
    Files.writeString(nul, "{\"udpPort\": null}");
    assertThatThrownBy(() -> RelayConfig.load(nul))
        .hasMessageEndingWith(
            "udpPort must be a whole number, got null (leave the field out to keep its default)");
    Path nested = dir.resolve("udp-nested.json");
    Files.writeString(nested, "{\"limits\": {\"udpPort\": 1}}");
    assertThatThrownBy(() -> RelayConfig.load(nested))
        .hasMessageContaining("unknown field \"limits.udpPort\"");
    Path none = dir.resolve("udp-no-ports.json");
    Files.writeString(none, "{\"ports\": []}");
    assertThatThrownBy(() -> RelayConfig.load(none))
        .hasMessageContaining("ports must list at least one TCP port, got []");
  }

  @Test
  void unknownFieldsAndBadValuesAreClearErrors() throws Exception {
    Path typo = dir.resolve("typo.json");
    Files.writeString(typo, "{\"prots\": [4000]}");
    assertThatThrownBy(() -> RelayConfig.load(typo))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prots");
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"udpPort\": 70000}");
    assertThatThrownBy(() -> RelayConfig.load(bad)).hasMessageContaining("udpPort must be");
    Path empty = dir.resolve("empty.json");
    Files.writeString(empty, "{\"ports\": []}");
    assertThatThrownBy(() -> RelayConfig.load(empty)).hasMessageContaining("at least one TCP port");
  }

  @Test
  void contentAfterTheObjectAndALeftOutNodePortAreOneLineErrors() throws Exception {
    Path twice = dir.resolve("twice.json");
    Files.writeString(twice, "{\"ports\": [4000]}\n{\"ports\": [4001]}");
    assertThatThrownBy(() -> RelayConfig.load(twice))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "config "
                + twice
                + " line 2 column 1: unexpected '{' after the end of the JSON value (a config is"
                + " one object)");
    Path noPort = dir.resolve("no-port.json");
    Files.writeString(
        noPort,
        "{\"bootstrapNodes\": [{\"host\": \"127.0.0.1\", \"key\":"
            + " \"F404ABAA1C99A9D37D61AB54898F56793E1DEF8BD46B1038B9D822E8460FAB67\"}]}");
    assertThatThrownBy(() -> RelayConfig.load(noPort))
        .hasMessage(
            "config "
                + noPort
                + " line 1 column 2: bootstrapNodes[0].port must be a whole number, got nothing");
  }
}
