package org.toxreactive.apptests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.util.Version;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.Extension;
import org.toxreactive.core.KeyPair;
import org.toxreactive.dht.DhtClient;
import org.toxreactive.friend.ToxNode;
import org.toxreactive.netcrypto.NetCrypto;
import org.toxreactive.onion.OnionClient;
import org.toxreactive.test.sim.SimNetwork;
import org.toxreactive.testkit.SimTransport;
import org.toxreactive.transport.tcp.RelayPool;
import org.toxreactive.transport.udp.UdpTransport;

/**
 * Issue 18, problem 1, as a user's build sees the artifacts: one Netty release through the BOM,
 * Automatic-Module-Name in each library jar (tox-dht, tox-onion and tox-friend among them, taken
 * through the BOM like the others), tox-test without side effects on JUnit.
 */
class ArtifactsTest {
  @Test
  void nettyComesFromOneReleaseWhenTheBomIsImported() {
    Map<String, Version> netty = Version.identify();
    assertThat(netty).containsKeys("netty-buffer", "netty-transport", "netty-codec-base");
    assertThat(netty.values().stream().map(Version::artifactVersion).collect(Collectors.toSet()))
        .as("every Netty module on the class path: %s", netty)
        .hasSize(1);
  }

  @Test
  void theTestKitRegistersNoJUnitExtension() {
    for (Extension e : ServiceLoader.load(Extension.class)) {
      assertThat(e.getClass().getName()).doesNotStartWith("org.toxreactive");
    }
    assertThat(
            ArtifactsTest.class
                .getClassLoader()
                .getResource("META-INF/services/org.junit.jupiter.api.extension.Extension"))
        .as("no extension registration on the class path")
        .isNull();
  }

  @Test
  void everyLibraryJarNamesItsModule() throws IOException, URISyntaxException {
    Map<Class<?>, String> modules =
        Map.of(
            KeyPair.class, "org.toxreactive.core",
            NetCrypto.class, "org.toxreactive.netcrypto",
            RelayPool.class, "org.toxreactive.transport.tcp",
            UdpTransport.class, "org.toxreactive.transport.udp",
            DhtClient.class, "org.toxreactive.dht",
            OnionClient.class, "org.toxreactive.onion",
            ToxNode.class, "org.toxreactive.friend",
            SimNetwork.class, "org.toxreactive.test",
            SimTransport.class, "org.toxreactive.testkit");
    for (Map.Entry<Class<?>, String> m : modules.entrySet()) {
      Path where = Path.of(m.getKey().getProtectionDomain().getCodeSource().getLocation().toURI());
      // "mvn test" puts the reactor's class directories on the class path, "mvn verify" the jars
      assumeTrue(Files.isRegularFile(where), "not run from the jars (use mvn verify): " + where);
      try (JarFile jar = new JarFile(where.toFile())) {
        assertThat(jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
            .as(where.toString())
            .isEqualTo(m.getValue());
      }
    }
  }
}
