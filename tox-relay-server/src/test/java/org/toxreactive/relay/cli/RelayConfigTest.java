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
    assertThat(c.udpPort()).isEqualTo(33445);
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
