package org.toxreactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CryptoBoxTest {
  private static final HexFormat HEX = HexFormat.of();

  // RFC 7748 section 6.1; the same keys are libsodium's box test (alicesk, bobpk).
  static final String ALICE_SK = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
  static final String ALICE_PK = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
  static final String BOB_SK = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
  static final String BOB_PK = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
  static final String X25519_SHARED =
      "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

  // libsodium test/default/box.c and box2.c
  static final String BOX_FIRSTKEY =
      "1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389";
  static final String BOX_NONCE = "69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37";
  static final String BOX_MESSAGE =
      "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705";
  static final String BOX_CIPHERTEXT =
      "f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5";

  @Test
  void derivesRfc7748PublicKeys() {
    assertThat(KeyPair.fromSecretHex(ALICE_SK).publicKey().toHex()).isEqualToIgnoringCase(ALICE_PK);
    assertThat(KeyPair.fromSecretHex(BOB_SK).publicKey().toHex()).isEqualToIgnoringCase(BOB_PK);
  }

  @Test
  void beforenmIsHsalsaOfTheRfc7748SharedSecret() {
    byte[] hsalsa = CryptoBox.hsalsa20(HEX.parseHex(X25519_SHARED), new byte[16]);
    assertThat(HEX.formatHex(hsalsa)).isEqualTo(BOX_FIRSTKEY);
    SharedKey ab = CryptoBox.beforenm(PublicKey.fromHex(BOB_PK), SecretKey.fromHex(ALICE_SK));
    SharedKey ba = CryptoBox.beforenm(PublicKey.fromHex(ALICE_PK), SecretKey.fromHex(BOB_SK));
    assertThat(HEX.formatHex(ab.toArray())).isEqualTo(BOX_FIRSTKEY);
    assertThat(ba).isEqualTo(ab);
  }

  @Test
  void sealsLibsodiumBoxVectorMacFirst() {
    SharedKey k = CryptoBox.beforenm(PublicKey.fromHex(BOB_PK), SecretKey.fromHex(ALICE_SK));
    byte[] sealed = new CryptoBox().seal(k, Nonce.fromHex(BOX_NONCE), HEX.parseHex(BOX_MESSAGE));
    assertThat(sealed).hasSize(147);
    assertThat(HEX.formatHex(sealed)).isEqualTo(BOX_CIPHERTEXT);
  }

  @Test
  void sealsAndOpensInPlaceByteForByteLikeTheCopyingCalls() {
    SharedKey k = CryptoBox.beforenm(PublicKey.fromHex(BOB_PK), SecretKey.fromHex(ALICE_SK));
    byte[] nonce = HEX.parseHex(BOX_NONCE);
    byte[] message = HEX.parseHex(BOX_MESSAGE);
    byte[] buf = new byte[5 + 16 + message.length];
    System.arraycopy(message, 0, buf, 5 + 16, message.length);
    CryptoBox box = new CryptoBox();
    box.sealInPlace(k, nonce, buf, 5, message.length);
    assertThat(HEX.formatHex(buf, 5, buf.length)).isEqualTo(BOX_CIPHERTEXT);

    SharedKey back = CryptoBox.beforenm(PublicKey.fromHex(ALICE_PK), SecretKey.fromHex(BOB_SK));
    byte[] tampered = buf.clone();
    tampered[40] ^= 1;
    assertThat(box.openInPlace(back, nonce, tampered, 5, buf.length - 5)).isFalse();
    assertThat(tampered[40]).as("left unchanged").isEqualTo((byte) (buf[40] ^ 1));
    assertThat(box.openInPlace(back, nonce, buf, 5, buf.length - 5)).isTrue();
    assertThat(HEX.formatHex(buf, 5 + 16, buf.length)).isEqualTo(BOX_MESSAGE);
    assertThat(box.openInPlace(back, nonce, buf, 0, 15)).isFalse();
  }

  @Test
  void opensLibsodiumBoxVector() {
    SharedKey k = CryptoBox.beforenm(PublicKey.fromHex(ALICE_PK), SecretKey.fromHex(BOB_SK));
    byte[] opened = new CryptoBox().open(k, Nonce.fromHex(BOX_NONCE), HEX.parseHex(BOX_CIPHERTEXT));
    assertThat(HEX.formatHex(opened)).isEqualTo(BOX_MESSAGE);
  }

  @Test
  void rejectsEveryFlippedBit() {
    SharedKey k = SharedKey.of(HEX.parseHex(BOX_FIRSTKEY));
    byte[] box = HEX.parseHex(BOX_CIPHERTEXT);
    CryptoBox cb = new CryptoBox();
    for (int bit = 0; bit < box.length * 8; bit += 7) {
      byte[] bad = box.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThat(cb.open(k, Nonce.fromHex(BOX_NONCE), bad)).as("bit %d", bit).isNull();
    }
    assertThat(cb.open(k, Nonce.fromHex(BOX_NONCE).increment(), box)).isNull();
    assertThat(cb.open(k, Nonce.fromHex(BOX_NONCE), new byte[15])).isNull();
  }

  @Test
  void byteBufSealAndOpenMatchArrayVersionAndBorrowTheirInputs() {
    SharedKey k = SharedKey.of(HEX.parseHex(BOX_FIRSTKEY));
    byte[] nonce = HEX.parseHex(BOX_NONCE);
    ByteBuf plain = Unpooled.wrappedBuffer(HEX.parseHex(BOX_MESSAGE));
    ByteBuf sealed = Unpooled.buffer();
    ByteBuf opened = Unpooled.buffer();
    try {
      CryptoBox cb = new CryptoBox();
      cb.seal(k, nonce, plain, plain.readableBytes(), sealed);
      assertThat(plain.readerIndex()).isZero();
      assertThat(Bytes.copyOf(sealed).toHex()).isEqualTo(BOX_CIPHERTEXT);
      assertThat(cb.open(k, nonce, sealed, sealed.readableBytes(), opened)).isTrue();
      assertThat(Bytes.copyOf(opened).toHex()).isEqualTo(BOX_MESSAGE);
      sealed.setByte(20, sealed.getByte(20) ^ 1);
      opened.clear();
      assertThat(cb.open(k, nonce, sealed, sealed.readableBytes(), opened)).isFalse();
      assertThat(opened.readableBytes()).isZero();
    } finally {
      plain.release();
      sealed.release();
      opened.release();
    }
  }

  @Test
  void roundTripsEverySizeUpToTwoFrames() {
    KeyPair a = KeyPair.generate();
    KeyPair b = KeyPair.generate();
    SharedKey ab = CryptoBox.beforenm(b.publicKey(), a.secretKey());
    SharedKey ba = CryptoBox.beforenm(a.publicKey(), b.secretKey());
    CryptoBox cb = new CryptoBox();
    Nonce n = Nonce.random();
    for (int len = 0; len <= 4200; len += 61) {
      byte[] m = new byte[len];
      new java.util.Random(len).nextBytes(m);
      assertThat(cb.open(ba, n, cb.seal(ab, n, m))).isEqualTo(m);
    }
  }

  /**
   * Our XSalsa20 stream (Bouncy Castle's Salsa20 core, our word-wise XOR) against Bouncy Castle's
   * own {@code XSalsa20Engine} + {@code Poly1305} for every length up to three blocks and beyond,
   * through the array, in-place, heap-ByteBuf and direct-ByteBuf paths at odd offsets.
   */
  @Test
  void matchesBouncyCastleXsalsa20Poly1305AtEveryLengthAndThroughEveryPath() {
    java.util.Random rnd = new java.util.Random(7);
    byte[] keyBytes = new byte[32];
    byte[] nonce = new byte[24];
    CryptoBox cb = new CryptoBox();
    for (int len = 0; len <= 700; len += (len < 200 ? 1 : 37)) {
      rnd.nextBytes(keyBytes);
      rnd.nextBytes(nonce);
      SharedKey k = SharedKey.of(keyBytes);
      byte[] m = new byte[len];
      rnd.nextBytes(m);
      byte[] expected = referenceSeal(keyBytes, nonce, m);

      assertThat(cb.seal(k, Nonce.of(nonce), m)).as("array seal %d", len).isEqualTo(expected);
      assertThat(cb.open(k, Nonce.of(nonce), expected)).as("array open %d", len).isEqualTo(m);

      byte[] inPlace = new byte[3 + 16 + len];
      System.arraycopy(m, 0, inPlace, 3 + 16, len);
      cb.sealInPlace(k, nonce, inPlace, 3, len);
      assertThat(java.util.Arrays.copyOfRange(inPlace, 3, inPlace.length)).isEqualTo(expected);
      assertThat(cb.openInPlace(k, nonce, inPlace, 3, 16 + len)).isTrue();
      assertThat(java.util.Arrays.copyOfRange(inPlace, 19, inPlace.length)).isEqualTo(m);

      for (boolean directIn : new boolean[] {false, true}) {
        for (boolean directOut : new boolean[] {false, true}) {
          ByteBuf plain = buffer(directIn, m);
          ByteBuf sealed = directOut ? Unpooled.directBuffer() : Unpooled.buffer();
          ByteBuf opened = directIn ? Unpooled.directBuffer() : Unpooled.buffer();
          try {
            sealed.writeByte(0x55); // a byte before: the seal must append at the writer index
            cb.seal(k, nonce, plain, len, sealed);
            sealed.skipBytes(1);
            assertThat(Bytes.copyOf(sealed).toArray())
                .as("ByteBuf seal %d", len)
                .isEqualTo(expected);
            assertThat(cb.open(k, nonce, sealed, sealed.readableBytes(), opened)).isTrue();
            assertThat(Bytes.copyOf(opened).toArray()).as("ByteBuf open %d", len).isEqualTo(m);
          } finally {
            plain.release();
            sealed.release();
            opened.release();
          }
        }
      }
    }
  }

  private static ByteBuf buffer(boolean direct, byte[] m) {
    ByteBuf b = direct ? Unpooled.directBuffer(m.length + 5) : Unpooled.buffer(m.length + 5);
    b.writeBytes(new byte[5]).skipBytes(5); // a non-zero reader index
    return b.writeBytes(m);
  }

  private static byte[] referenceSeal(byte[] key, byte[] nonce, byte[] m) {
    org.bouncycastle.crypto.engines.XSalsa20Engine x =
        new org.bouncycastle.crypto.engines.XSalsa20Engine();
    x.init(
        true,
        new org.bouncycastle.crypto.params.ParametersWithIV(
            new org.bouncycastle.crypto.params.KeyParameter(key), nonce));
    byte[] polyKey = new byte[32];
    x.processBytes(new byte[32], 0, 32, polyKey, 0);
    byte[] out = new byte[16 + m.length];
    x.processBytes(m, 0, m.length, out, 16);
    org.bouncycastle.crypto.macs.Poly1305 mac = new org.bouncycastle.crypto.macs.Poly1305();
    mac.init(new org.bouncycastle.crypto.params.KeyParameter(polyKey));
    mac.update(out, 16, m.length);
    mac.doFinal(out, 0);
    return out;
  }

  @Test
  void refusesLowOrderPublicKey() {
    assertThatThrownBy(
            () -> CryptoBox.beforenm(PublicKey.of(new byte[32]), KeyPair.generate().secretKey()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("low-order");
  }
}
