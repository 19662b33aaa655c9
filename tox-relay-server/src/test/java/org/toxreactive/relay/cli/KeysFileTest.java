package org.toxreactive.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxreactive.core.KeyPair;

class KeysFileTest {
  @TempDir Path dir;

  @Test
  void createsAPrivateFileInTheBootstrapdFormatAndReusesIt() throws Exception {
    Path f = dir.resolve("sub/relay.keys");
    KeyPair created = KeysFile.loadOrCreate(f);
    assertThat(Files.size(f)).isEqualTo(64);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
    assertThat(KeysFile.loadOrCreate(f)).isEqualTo(created);
    assertThat(KeyPair.fromKeysFile(Files.readAllBytes(f))).isEqualTo(created);
  }

  @Test
  void refusesACorruptFileAndLeavesItAlone() throws Exception {
    Path f = dir.resolve("bad.keys");
    Files.write(f, new byte[63]);
    assertThatThrownBy(() -> KeysFile.loadOrCreate(f)).hasMessageContaining("64 bytes");
    assertThat(Files.size(f)).isEqualTo(63);
    byte[] mismatched = KeyPair.generate().toKeysFile();
    mismatched[0] ^= 1;
    Files.write(f, mismatched);
    assertThatThrownBy(() -> KeysFile.load(f)).hasMessageContaining("does not match");
  }
}
