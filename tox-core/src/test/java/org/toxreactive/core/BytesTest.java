package org.toxreactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BytesTest {
  private static final byte[] FRAMED = {9, 9, 0x68, 0x69, 0x21, 9};

  /** A view behind a header behaves exactly like a copy of the same bytes. */
  @Test
  void anAdoptedRangeIsTheSameValueAsACopyOfIt() {
    Bytes view = Bytes.adopt(FRAMED.clone(), 2, 3);
    Bytes copy = Bytes.ofUtf8("hi!");
    assertThat(view).isEqualTo(copy).hasSameHashCodeAs(copy);
    assertThat(copy).isEqualTo(view);
    assertThat(view.hashCode()).isEqualTo(Arrays.hashCode(new byte[] {0x68, 0x69, 0x21}));
    assertThat(view.length()).isEqualTo(3);
    assertThat(view.toArray()).containsExactly(0x68, 0x69, 0x21);
    assertThat(view.toHex()).isEqualTo("686921");
    assertThat(view.toUtf8()).isEqualTo("hi!");
    assertThat(view.toString()).isEqualTo("Bytes[686921]");
    assertThat(view.get(0)).isEqualTo((byte) 0x68);
    assertThat(view.getUnsigned(2)).isEqualTo(0x21);
    assertThat(view.slice(1, 3)).isEqualTo(Bytes.ofUtf8("i!"));
    byte[] dst = new byte[4];
    view.copyTo(1, dst, 1, 2);
    assertThat(dst).containsExactly(0, 0x69, 0x21, 0);
    ByteBuf out = Unpooled.buffer();
    view.writeTo(out);
    assertThat(Bytes.copyOf(out)).isEqualTo(copy);
    assertThat(Bytes.copyOf(view.asByteBuf())).isEqualTo(copy);
    out.release();
    assertThat(Bytes.adopt(FRAMED, 6, 0)).isEqualTo(Bytes.EMPTY);
    assertThat(Bytes.adopt(FRAMED, 6, 0).isEmpty()).isTrue();
  }

  /** A view never reads the array outside its range. */
  @Test
  void aViewRefusesIndexesOutsideItsRange() {
    Bytes view = Bytes.adopt(FRAMED.clone(), 2, 3);
    assertThatThrownBy(() -> view.get(3)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> view.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> view.copyTo(2, new byte[8], 0, 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> view.slice(0, 4)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> Bytes.adopt(FRAMED, 4, 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
