package org.toxreactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The java.nio forms applications use instead of the Netty ByteBuf ones (issue 18, problem 9). */
class ByteBufferFormsTest {
  @Test
  void publicKeyRoundTripsThroughAByteBuffer() {
    PublicKey k = KeyPair.generate().publicKey();
    ByteBuffer b = ByteBuffer.allocate(40);
    k.writeTo(b);
    assertThat(b.position()).isEqualTo(32);
    b.flip();
    assertThat(PublicKey.read(b)).isEqualTo(k);
    assertThat(b.remaining()).isZero();
  }

  @Test
  void ipPortRoundTripsInBothFormsAndAdvancesOnlyOnSuccess() throws Exception {
    IpPort v4 =
        new IpPort(InetAddress.getByAddress(new byte[] {(byte) 192, (byte) 168, 0, 1}), 33445);
    ByteBuffer b = ByteBuffer.allocate(64);
    v4.writePacked(b);
    v4.writeFixed19(b);
    assertThat(b.position()).isEqualTo(7 + 19);
    b.flip();
    assertThat(IpPort.readPacked(b)).isEqualTo(v4);
    assertThat(IpPort.readFixed19(b)).isEqualTo(v4);
    assertThat(b.remaining()).isZero();
    ByteBuffer bad = ByteBuffer.wrap(new byte[] {(byte) 130, 1, 2, 3, 4, 0, 1});
    assertThatThrownBy(() -> IpPort.readPacked(bad))
        .isInstanceOf(ToxProtocolException.class)
        .hasMessageContaining("family 130");
    assertThat(bad.position()).isZero();
  }

  @Test
  void bytesCopyViewAndWrite() {
    Bytes b = Bytes.ofHex("00010203").slice(1, 4);
    ByteBuffer view = b.asByteBuffer();
    assertThat(view.isReadOnly()).isTrue();
    assertThat(view.remaining()).isEqualTo(3);
    assertThat(view.get(0)).isEqualTo((byte) 1);
    assertThat(Bytes.copyOf(view)).isEqualTo(b);
    assertThat(view.position()).isZero();
    ByteBuffer out = ByteBuffer.allocate(3);
    b.writeTo(out);
    assertThat(out.array()).containsExactly(1, 2, 3);
  }
}
