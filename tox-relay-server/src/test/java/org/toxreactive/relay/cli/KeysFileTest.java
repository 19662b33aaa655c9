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
    Path f = dir.resolve("relay.keys");
    KeyPair created = KeysFile.loadOrCreate(f);
    assertThat(Files.size(f)).isEqualTo(64);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
    assertThat(KeysFile.loadOrCreate(f)).isEqualTo(created);
    assertThat(KeyPair.fromKeysFile(Files.readAllBytes(f))).isEqualTo(created);
  }

  @Test
  void aMissingDirectoryIsAnErrorNotANewIdentity() {
    Path f = dir.resolve("typo/relay.keys");
    assertThatThrownBy(() -> KeysFile.loadOrCreate(f))
        .isInstanceOf(KeysFile.KeysFileException.class)
        .hasMessage(
            "keys file "
                + f
                + ": directory "
                + f.getParent()
                + " does not exist (check the path; only the file itself is created)");
    assertThat(f.getParent()).doesNotExist();
  }

  @Test
  void aDirectoryIsNotAKeysFile() {
    assertThatThrownBy(() -> KeysFile.loadOrCreate(dir))
        .hasMessage("keys file " + dir + ": is a directory (give the path of the file inside it)");
  }

  @Test
  void refusesACorruptFileAndLeavesItAlone() throws Exception {
    Path f = dir.resolve("bad.keys");
    Files.write(f, new byte[63]);
    assertThatThrownBy(() -> KeysFile.loadOrCreate(f))
        .hasMessage(
            "keys file " + f + ": must be exactly 64 bytes (public then secret key), got 63");
    assertThat(Files.size(f)).isEqualTo(63);
    byte[] mismatched = KeyPair.generate().toKeysFile();
    mismatched[0] ^= 1;
    Files.write(f, mismatched);
    assertThatThrownBy(() -> KeysFile.load(f)).hasMessageContaining("does not match");
  }
}
