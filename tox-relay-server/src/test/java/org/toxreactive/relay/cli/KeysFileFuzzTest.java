package org.toxreactive.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.SecretKey;
import org.toxreactive.test.FuzzInput;
import org.toxreactive.test.FuzzSeeds;

/**
 * Fuzzes the keys file parser, {@link KeysFile#load} and {@link KeysFile#loadOrCreate} of an
 * existing file. The input is a mode byte: even, the rest is the file; odd, a 32-byte secret key
 * and a byte naming a public-key byte to corrupt (255: none), written in tox-bootstrapd's layout
 * (public key then secret key) so the fuzzer gets past the size check. Contract: the key pair the
 * file holds, exactly when it is 64 bytes whose public half matches its secret half, else an {@link
 * IllegalArgumentException} naming the file; the file is never rewritten.
 */
class KeysFileFuzzTest {
  private static Path dir;
  private static Path file;

  @BeforeAll
  static void createFile() throws IOException {
    dir = Files.createTempDirectory("keys-file-fuzz");
    file = dir.resolve("relay.keys");
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

  /** Returns whether the file was accepted. */
  private static boolean check(byte[] data) throws IOException {
    FuzzInput in = new FuzzInput(data);
    byte[] content;
    if ((in.u8() & 1) == 0) {
      content = in.rest();
    } else {
      KeyPair kp = KeyPair.fromSecretKey(SecretKey.of(in.bytes(32)));
      content = kp.toKeysFile();
      int corrupt = in.u8();
      if (corrupt != 255) {
        content[corrupt % 32] ^= (byte) (1 + in.u8() % 255);
      }
    }
    boolean valid =
        content.length == 64
            && Arrays.equals(
                KeyPair.fromSecretKey(SecretKey.of(Arrays.copyOfRange(content, 32, 64)))
                    .publicKey()
                    .toArray(),
                Arrays.copyOf(content, 32));
    Files.write(file, content);
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        KeyPair kp = attempt == 0 ? KeysFile.load(file) : KeysFile.loadOrCreate(file);
        assertThat(valid).as("accepted a bad keys file").isTrue();
        assertThat(kp.toKeysFile()).isEqualTo(content);
      } catch (IllegalArgumentException e) {
        assertThat(valid).as("refused a good keys file: " + e.getMessage()).isFalse();
        assertThat(e.getMessage()).contains(file.toString()).doesNotContain("\n");
      }
      assertThat(Files.readAllBytes(file)).as("the file is left as it was").isEqualTo(content);
    }
    return valid;
  }

  @Test
  void seedsAreCurrent() throws IOException {
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) 0x42);
    Map<String, byte[]> s = new LinkedHashMap<>();
    s.put("generated", new FuzzInput.Writer().u8(1).bytes(secret).u8(255).toByteArray());
    s.put("corrupted", new FuzzInput.Writer().u8(1).bytes(secret).u8(3).u8(0).toByteArray());
    s.put(
        "raw-valid",
        new FuzzInput.Writer()
            .u8(0)
            .bytes(KeyPair.fromSecretKey(SecretKey.of(secret)).toKeysFile())
            .toByteArray());
    s.put("raw-short", new FuzzInput.Writer().u8(0).bytes(secret).toByteArray());
    assertThat(check(s.get("generated"))).isTrue();
    assertThat(check(s.get("raw-valid"))).isTrue();
    assertThat(check(s.get("corrupted"))).isFalse();
    assertThat(check(s.get("raw-short"))).isFalse();
    FuzzSeeds.check(KeysFileFuzzTest.class, "load", s);
  }
}
