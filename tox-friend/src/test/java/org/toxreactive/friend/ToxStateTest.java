package org.toxreactive.friend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;

class ToxStateTest {
  private final KeyPair keys = KeyPair.generate();
  private final PublicKey f1 = KeyPair.generate().publicKey();
  private final PublicKey f2 = KeyPair.generate().publicKey();
  private final ToxState state =
      new ToxState(
          keys.secretKey(),
          -5,
          List.of(
              new ToxState.SavedFriend(f1, null, null), new ToxState.SavedFriend(f2, 42, "héllo")));

  @Test
  void roundTrips() {
    byte[] b = state.toBytes();
    assertThat(b).startsWith('T', 'X', 'R', 'S', 1);
    assertThat(ToxState.fromBytes(b)).isEqualTo(state);
  }

  @Test
  void everyTruncationIsOneLineAndNeverAnotherException() {
    byte[] b = state.toBytes();
    for (int n = 0; n < b.length; n++) {
      byte[] cut = Arrays.copyOf(b, n);
      assertThatThrownBy(() -> ToxState.fromBytes(cut))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void badMagicVersionFlagAndTrailingBytesAreNamed() {
    byte[] b = state.toBytes();
    byte[] magic = b.clone();
    magic[0] = 'X';
    assertThatThrownBy(() -> ToxState.fromBytes(magic)).hasMessageContaining("TXRS");
    byte[] version = b.clone();
    version[4] = 9;
    assertThatThrownBy(() -> ToxState.fromBytes(version)).hasMessageContaining("version 9");
    byte[] flag = b.clone();
    flag[43 + 32] = 7;
    assertThatThrownBy(() -> ToxState.fromBytes(flag)).hasMessageContaining("bad flag 7");
    byte[] trailing = Arrays.copyOf(b, b.length + 3);
    assertThatThrownBy(() -> ToxState.fromBytes(trailing)).hasMessageContaining("3 bytes after");
    byte[] many = b.clone();
    many[41] = (byte) 0xFF;
    assertThatThrownBy(() -> ToxState.fromBytes(many)).hasMessageContaining("at most 1024");
  }
}
