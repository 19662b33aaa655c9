package org.toxreactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeysTest {
  @Test
  void secretKeyIsRedactedAndComparesByValue() {
    KeyPair kp = KeyPair.generate();
    assertThat(kp.secretKey().toString()).isEqualTo("SecretKey[redacted]");
    assertThat(kp.toString()).doesNotContain(kp.secretKey().toHexUnsafe());
    assertThat(SecretKey.of(kp.secretKey().toArray())).isEqualTo(kp.secretKey());
    assertThat(KeyPair.generate().secretKey()).isNotEqualTo(kp.secretKey());
  }

  @Test
  void publicKeyHexRoundTripsInEitherCase() {
    PublicKey pk = KeyPair.generate().publicKey();
    assertThat(PublicKey.fromHex(pk.toHex().toLowerCase())).isEqualTo(pk);
    assertThat(pk.toHex()).matches("[0-9A-F]{64}");
    assertThatThrownBy(() -> PublicKey.fromHex("abcd")).hasMessageContaining("64 hex digits");
    assertThatThrownBy(() -> PublicKey.of(new byte[31])).hasMessageContaining("32 bytes");
  }

  @Test
  void nonHexKeysAreRejectedWithoutEchoingTheSecret() {
    String secret = "ab".repeat(31) + "zz";
    assertThatThrownBy(() -> SecretKey.fromHex(secret))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret key must be 64 hex digits (0-9, a-f, A-F), character 63 is not one");
    assertThatThrownBy(() -> PublicKey.fromHex("\uFF10".repeat(64)))
        .hasMessageContaining("character 1 is not one");
    assertThatThrownBy(() -> KeyPair.fromSecretHex("abc"))
        .hasMessage("secret key must be 64 hex digits, got 3 characters");
  }

  @Test
  void keysFileIsPublicThenSecret() {
    KeyPair kp = KeyPair.generate();
    byte[] file = kp.toKeysFile();
    assertThat(file).hasSize(64);
    assertThat(java.util.Arrays.copyOf(file, 32)).isEqualTo(kp.publicKey().toArray());
    assertThat(KeyPair.fromKeysFile(file)).isEqualTo(kp);
    file[0] ^= 1;
    assertThatThrownBy(() -> KeyPair.fromKeysFile(file)).hasMessageContaining("does not match");
    assertThatThrownBy(() -> KeyPair.fromKeysFile(new byte[63])).hasMessageContaining("64 bytes");
  }

  @Test
  void bytesIsImmutable() {
    byte[] src = {1, 2, 3};
    Bytes b = Bytes.of(src);
    src[0] = 9;
    b.toArray()[1] = 9;
    assertThat(b.toHex()).isEqualTo("010203");
    assertThat(b.asByteBuf().isReadOnly()).isTrue();
    assertThat(b.slice(1, 3)).isEqualTo(Bytes.ofHex("0203"));
  }
}
