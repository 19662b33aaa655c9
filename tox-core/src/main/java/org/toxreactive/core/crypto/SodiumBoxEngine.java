package org.toxreactive.core.crypto;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * libsodium's {@code crypto_box_easy_afternm} / {@code crypto_box_open_easy_afternm} on native
 * addresses. Direct {@link ByteBuf}s with a memory address are sealed and opened where they lie;
 * arrays and heap buffers are copied through one native scratch buffer (its layout: key at 0, nonce
 * at 32, box at 64, so a message at 80 is sealed and opened in place, the one overlap libsodium's
 * secretbox handles: {@code c + 16 == m}).
 */
final class SodiumBoxEngine implements BoxEngine {
  private static final int NONCE_AT = 32;
  private static final int BOX_AT = 64;
  private static final int MESSAGE_AT = BOX_AT + MAC_SIZE;

  private final SodiumBinding sodium;
  private @Nullable ByteBuffer scratch; // null until first use
  private long base;

  SodiumBoxEngine(SodiumBinding sodium) {
    this.sodium = sodium;
  }

  /**
   * Key and nonce into the scratch; makes the scratch on first use (an engine made for one
   * handshake needs a few hundred bytes) and grows it, doubling, if a box of {@code boxLen} would
   * not fit.
   *
   * @return the scratch
   */
  private ByteBuffer prepare(byte[] key, byte[] nonce, int boxLen) {
    ByteBuffer b = scratch;
    if (b == null || BOX_AT + boxLen > b.capacity()) {
      int room = b == null ? 192 : 2 * (b.capacity() - BOX_AT);
      b = ByteBuffer.allocateDirect(BOX_AT + Math.max(boxLen, room));
      scratch = b;
      base = sodium.address(b);
    }
    b.put(0, key, 0, 32).put(NONCE_AT, nonce, 0, 24);
    return b;
  }

  @Override
  public void seal(
      byte[] key, byte[] nonce, byte[] in, int inOff, int len, byte[] out, int outOff) {
    ByteBuffer s = prepare(key, nonce, len + MAC_SIZE);
    s.put(MESSAGE_AT, in, inOff, len);
    sodium.cryptoBoxEasyAfternm(base + BOX_AT, base + MESSAGE_AT, len, base + NONCE_AT, base);
    s.get(BOX_AT, out, outOff, len + MAC_SIZE);
  }

  @Override
  public boolean open(
      byte[] key, byte[] nonce, byte[] in, int inOff, int len, byte[] out, int outOff) {
    if (len < MAC_SIZE) {
      return false;
    }
    ByteBuffer s = prepare(key, nonce, len);
    s.put(BOX_AT, in, inOff, len);
    if (sodium.cryptoBoxOpenEasyAfternm(
            base + MESSAGE_AT, base + BOX_AT, len, base + NONCE_AT, base)
        != 0) {
      return false;
    }
    s.get(MESSAGE_AT, out, outOff, len - MAC_SIZE);
    return true;
  }

  @Override
  public void seal(byte[] key, byte[] nonce, ByteBuf plaintext, int len, ByteBuf out) {
    out.ensureWritable(len + MAC_SIZE);
    int w = out.writerIndex();
    if (plaintext.hasMemoryAddress() && out.hasMemoryAddress()) {
      prepare(key, nonce, 0);
      sodium.cryptoBoxEasyAfternm(
          out.memoryAddress() + w,
          plaintext.memoryAddress() + plaintext.readerIndex(),
          len,
          base + NONCE_AT,
          base);
      out.writerIndex(w + len + MAC_SIZE);
      return;
    }
    ByteBuffer s = prepare(key, nonce, len + MAC_SIZE);
    s.limit(MESSAGE_AT + len).position(MESSAGE_AT);
    plaintext.getBytes(plaintext.readerIndex(), s);
    sodium.cryptoBoxEasyAfternm(base + BOX_AT, base + MESSAGE_AT, len, base + NONCE_AT, base);
    s.limit(MESSAGE_AT + len).position(BOX_AT);
    out.writeBytes(s);
    s.clear();
  }

  @Override
  public boolean open(byte[] key, byte[] nonce, ByteBuf box, int len, ByteBuf out) {
    if (len < MAC_SIZE) {
      return false;
    }
    if (box.hasMemoryAddress()) {
      out.ensureWritable(len - MAC_SIZE);
      if (out.hasMemoryAddress()) {
        prepare(key, nonce, 0);
        int w = out.writerIndex();
        if (sodium.cryptoBoxOpenEasyAfternm(
                out.memoryAddress() + w,
                box.memoryAddress() + box.readerIndex(),
                len,
                base + NONCE_AT,
                base)
            != 0) {
          return false;
        }
        out.writerIndex(w + len - MAC_SIZE);
        return true;
      }
    }
    ByteBuffer s = prepare(key, nonce, len);
    s.limit(BOX_AT + len).position(BOX_AT);
    box.getBytes(box.readerIndex(), s);
    s.clear();
    if (sodium.cryptoBoxOpenEasyAfternm(
            base + MESSAGE_AT, base + BOX_AT, len, base + NONCE_AT, base)
        != 0) {
      return false;
    }
    s.limit(BOX_AT + len).position(MESSAGE_AT);
    out.writeBytes(s);
    s.clear();
    return true;
  }
}
