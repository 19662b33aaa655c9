package org.toxreactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class BytesPoolTest {
  private static ByteBuf buf(int... bytes) {
    ByteBuf b = Unpooled.buffer(bytes.length);
    for (int x : bytes) {
      b.writeByte(x);
    }
    return b;
  }

  @Test
  void aLeaseHoldsACopyOfTheReadableBytesAndLeavesTheBufferAlone() {
    BytesPool pool = new BytesPool(8, 4);
    ByteBuf in = buf(7, 1, 2, 3);
    in.skipBytes(1);
    Bytes lent = pool.copyOf(in);
    assertThat(lent).isEqualTo(Bytes.of((byte) 1, (byte) 2, (byte) 3));
    assertThat(lent.length()).isEqualTo(3);
    assertThat(in.readerIndex()).isEqualTo(1);
    assertThat(in.refCnt()).isEqualTo(1);
    in.setByte(1, 9); // the lease is a copy, not a view of the buffer
    assertThat(lent.get(0)).isEqualTo((byte) 1);
    assertThat(in.release()).isTrue();
  }

  /** The array of an ended loan holds the next datagram: no new array per packet. */
  @Test
  void aReleasedArrayIsReusedByTheNextLease() {
    BytesPool pool = new BytesPool(8, 4);
    ByteBuf in = buf(1, 2);
    for (int i = 0; i < 100; i++) {
      Bytes lent = pool.copyOf(in);
      assertThat(lent).isEqualTo(Bytes.of((byte) 1, (byte) 2));
      assertThat(BytesPool.release(lent)).isTrue();
    }
    assertThat(pool.created()).isEqualTo(1);
    assertThat(pool.free()).isEqualTo(1);
    in.release();
  }

  /** Two releases of one loan, or of a stale loan, must never free an array twice. */
  @Test
  void aLoanEndsAtMostOnceAndAStaleLoanCannotEndTheNextOne() {
    BytesPool pool = new BytesPool(8, 4);
    ByteBuf in = buf(5);
    Bytes first = pool.copyOf(in);
    assertThat(BytesPool.release(first)).isTrue();
    assertThat(BytesPool.release(first)).isFalse();
    Bytes second = pool.copyOf(in); // the same array, a new loan
    assertThat(pool.created()).isEqualTo(1);
    assertThat(BytesPool.release(first)).isFalse();
    assertThat(pool.free()).isZero();
    Bytes third = pool.copyOf(in); // second's array is still out: a new one
    assertThat(pool.created()).isEqualTo(2);
    assertThat(BytesPool.release(second)).isTrue();
    assertThat(BytesPool.release(third)).isTrue();
    assertThat(pool.free()).isEqualTo(2);
    in.release();
  }

  @Test
  void ordinaryBytesAreNoLoan() {
    assertThat(BytesPool.release(Bytes.of((byte) 1))).isFalse();
    assertThat(BytesPool.release(Bytes.EMPTY)).isFalse();
  }

  /** Longer than the arrays: an exact copy, not a loan. */
  @Test
  void aPacketLargerThanTheArraysIsCopiedIntoOrdinaryBytes() {
    BytesPool pool = new BytesPool(2, 4);
    ByteBuf in = buf(1, 2, 3);
    Bytes copy = pool.copyOf(in);
    assertThat(copy).isEqualTo(Bytes.of((byte) 1, (byte) 2, (byte) 3));
    assertThat(BytesPool.release(copy)).isFalse();
    assertThat(pool.created()).isZero();
    in.release();
  }

  /** Beyond its capacity the pool keeps no free array: its memory is bounded. */
  @Test
  void thePoolKeepsAtMostItsCapacityOfFreeArrays() {
    BytesPool pool = new BytesPool(8, 2);
    ByteBuf in = buf(1);
    Bytes a = pool.copyOf(in);
    Bytes b = pool.copyOf(in);
    Bytes c = pool.copyOf(in);
    assertThat(BytesPool.release(a)).isTrue();
    assertThat(BytesPool.release(b)).isTrue();
    assertThat(BytesPool.release(c)).isTrue();
    assertThat(pool.free()).isEqualTo(2);
    in.release();
  }

  @Test
  void aPoolOfNothingIsRefusedWithOneLine() {
    assertThatThrownBy(() -> new BytesPool(0, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pool of 4 arrays of 0 bytes: both must be positive");
    assertThatThrownBy(() -> new BytesPool(8, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pool of 0 arrays of 8 bytes: both must be positive");
  }
}
