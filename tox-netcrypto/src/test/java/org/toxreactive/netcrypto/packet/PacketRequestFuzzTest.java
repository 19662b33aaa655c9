package org.toxreactive.netcrypto.packet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.toxreactive.test.FuzzInput;
import org.toxreactive.test.FuzzSeeds;

/**
 * Fuzzes the packet request (data id 1) decoder, alone on any bytes and against its encoder.
 *
 * <ul>
 *   <li>{@code decode}: u32 buffer_start, u32 buffer_end, then the request. Both decode methods
 *       agree; the result is null (a 255-run without its zero byte) or numbers strictly ascending
 *       from buffer_start and before buffer_end (ring order, across the u32 wrap), at most one per
 *       byte after the id.
 *   <li>{@code roundTrip}: u32 start, a flag byte (bit 0: frontier), u16 span (mod 32769), then a
 *       bitmap of which packets are present. The request the encoder writes for that ring decodes
 *       to exactly its holes (and the frontier), or to a prefix of them when it was cut at 1373
 *       bytes.
 * </ul>
 */
class PacketRequestFuzzTest {

  @FuzzTest
  void decode(byte[] data) {
    FuzzInput in = new FuzzInput(data);
    int start = in.i32();
    int end = in.i32();
    byte[] request = in.rest();
    PacketRequest.Requested r = PacketRequest.decode(request, start, end);
    int[] into = new int[Math.max(0, request.length - 1)];
    int count = PacketRequest.decode(request, start, end, into);
    if (r == null) {
      assertThat(count).isEqualTo(-1);
      return;
    }
    assertThat(count).isEqualTo(r.requestedNumbers().length).isLessThanOrEqualTo(into.length);
    long previous = -1;
    for (int i = 0; i < count; i++) {
      assertThat(r.requestedNumbers()[i]).isEqualTo(into[i]);
      long offset = Integer.toUnsignedLong(into[i] - start);
      assertThat(offset).as("ascending").isGreaterThan(previous);
      assertThat(offset).as("before buffer_end").isLessThan(Integer.toUnsignedLong(end - start));
      previous = offset;
    }
    assertThat(r.lastRequested()).isEqualTo(count == 0 ? start - 1 : into[count - 1]);
  }

  @FuzzTest
  void roundTrip(byte[] data) {
    FuzzInput in = new FuzzInput(data);
    int start = in.i32();
    boolean frontier = (in.u8() & 1) == 1;
    int span = in.u16() % (PacketRing.SIZE + 1);
    byte[] bitmap = in.rest();
    PacketRing<Object> ring = new PacketRing<>();
    ring.moveStart(start);
    List<Integer> holes = new ArrayList<>();
    for (int i = 0; i < span; i++) {
      boolean present = i / 8 < bitmap.length && (bitmap[i / 8] >> (i % 8) & 1) == 1;
      if (present) {
        assertThat(ring.store(start + i, Boolean.TRUE)).isTrue();
      } else {
        holes.add(start + i);
      }
    }
    assertThat(ring.setEnd(start + span)).isTrue();
    if (frontier && span != 0) {
      holes.add(start + span);
    }

    byte[] request = PacketRequest.encode(ring, frontier);
    assertThat(request.length).isBetween(1, PacketRequest.MAX_DATA);
    assertThat(request[0]).isEqualTo(PacketRequest.ID);
    PacketRequest.Requested r = PacketRequest.decode(request, start, start + span + 1);
    assertThat(r).isNotNull();
    List<Integer> decoded = new ArrayList<>();
    for (int n : r.requestedNumbers()) {
      decoded.add(n);
    }
    if (request.length < PacketRequest.MAX_DATA) {
      assertThat(decoded).isEqualTo(holes);
    } else {
      assertThat(holes).startsWith(decoded.toArray(new Integer[0]));
    }
    byte[] into = new byte[PacketRequest.MAX_DATA];
    assertThat(PacketRequest.encode(ring, frontier, into)).isEqualTo(request.length);
  }

  @Test
  void seedsAreCurrent() {
    Map<String, byte[]> decode = new LinkedHashMap<>();
    decode.put("holes", w().i32(100).i32(120).bytes(new byte[] {1, 1, 3, 2}).toByteArray());
    decode.put("run-of-255", w().i32(0).i32(600).bytes(new byte[] {1, 0, 0, 5}).toByteArray());
    decode.put("broken-run", w().i32(0).i32(600).bytes(new byte[] {1, 0, 7}).toByteArray());
    decode.put("wraps", w().i32(-3).i32(5).bytes(new byte[] {1, 2, 2}).toByteArray());
    decode.put("id-only", w().i32(0).i32(10).bytes(new byte[] {1}).toByteArray());
    FuzzSeeds.check(PacketRequestFuzzTest.class, "decode", decode);

    Map<String, byte[]> roundTrip = new LinkedHashMap<>();
    roundTrip.put("no-holes", w().i32(0).u8(0).u16(16).u16(0xFFFF).toByteArray());
    roundTrip.put(
        "holes-frontier", w().i32(-5).u8(1).u16(24).bytes(new byte[] {0x5A, 0, -1}).toByteArray());
    roundTrip.put("long-run", w().i32(7).u8(1).u16(600).bytes(filled(75, -1)).toByteArray());
    roundTrip.put("all-holes-cut", w().i32(0).u8(0).u16(4000).toByteArray());
    FuzzSeeds.check(PacketRequestFuzzTest.class, "roundTrip", roundTrip);
  }

  private static FuzzInput.Writer w() {
    return new FuzzInput.Writer();
  }

  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) value);
    return b;
  }
}
