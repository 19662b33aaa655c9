package org.toxreactive.friend;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SecretKey;

/**
 * What a {@link ToxNode} saves: our secret key, our nospam and our friends (with the friend request
 * still waiting for each friend we added by Tox ID). Our own small format (not c-toxcore's
 * savedata):
 *
 * <pre>
 * offset | size | field
 * -------+------+--------------------------------------------------------------
 * 0      | 4    | magic "TXRS"
 * 4      | 1    | version, 1
 * 5      | 32   | our long-term secret key
 * 37     | 4    | nospam, big-endian
 * 41     | 2    | friend count n, big-endian (at most 1024)
 * 43     | ...  | n friends: public key (32), flag (1: 1 = request pending, then
 *        |      | nospam (4), message length (2), message UTF-8), else 0
 * </pre>
 *
 * @param secretKey our long-term secret key
 * @param nospam our nospam
 * @param friends our friends, in the order they were added
 */
public record ToxState(SecretKey secretKey, int nospam, List<SavedFriend> friends) {
  /** Friends a state holds at most. */
  public static final int MAX_FRIENDS = 1024;

  private static final byte[] MAGIC = {'T', 'X', 'R', 'S'};
  private static final int VERSION = 1;

  /**
   * One saved friend.
   *
   * @param publicKey the friend's long-term public key
   * @param requestNospam the nospam of our request still to send, or null if none waits
   * @param requestMessage our request's message, or null if none waits
   */
  public record SavedFriend(
      PublicKey publicKey, @Nullable Integer requestNospam, @Nullable String requestMessage) {
    /**
     * Checks the key, and that nospam and message come together.
     *
     * @param publicKey the friend's key
     * @param requestNospam the pending request's nospam, or null
     * @param requestMessage the pending request's message, or null
     */
    public SavedFriend {
      Objects.requireNonNull(publicKey, "publicKey");
      if ((requestNospam == null) != (requestMessage == null)) {
        throw new IllegalArgumentException("a pending request has both a nospam and a message");
      }
    }
  }

  /**
   * Copies the friend list.
   *
   * @param secretKey our secret key
   * @param nospam our nospam
   * @param friends our friends
   */
  public ToxState {
    Objects.requireNonNull(secretKey, "secretKey");
    friends = List.copyOf(friends);
    if (friends.size() > MAX_FRIENDS) {
      throw new IllegalArgumentException(
          "at most " + MAX_FRIENDS + " friends, got " + friends.size());
    }
  }

  /**
   * The saved form.
   *
   * @return a new array
   */
  public byte[] toBytes() {
    List<byte[]> messages = new ArrayList<>();
    int size = 43;
    for (SavedFriend f : friends) {
      size += 33;
      if (f.requestMessage() != null) {
        byte[] m = f.requestMessage().getBytes(StandardCharsets.UTF_8);
        messages.add(m);
        size += 6 + m.length;
      }
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(MAGIC).put((byte) VERSION).put(secretKey.toArray()).putInt(nospam);
    b.putShort((short) friends.size());
    int mi = 0;
    for (SavedFriend f : friends) {
      f.publicKey().writeTo(b);
      if (f.requestNospam() == null) {
        b.put((byte) 0);
      } else {
        byte[] m = messages.get(mi++);
        b.put((byte) 1).putInt(f.requestNospam()).putShort((short) m.length).put(m);
      }
    }
    return b.array();
  }

  /**
   * Reads a saved state.
   *
   * @param bytes what {@link #toBytes()} wrote
   * @return the state
   * @throws IllegalArgumentException with a one-line message if it is not one (magic, version,
   *     truncated, trailing bytes, too many friends, a bad flag)
   */
  public static ToxState fromBytes(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    try {
      byte[] magic = new byte[4];
      b.get(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new IllegalArgumentException("not a tox-reactive state (no TXRS magic)");
      }
      int version = b.get() & 0xFF;
      if (version != VERSION) {
        throw new IllegalArgumentException("state version " + version + ", expected " + VERSION);
      }
      byte[] sk = new byte[SecretKey.SIZE];
      b.get(sk);
      int nospam = b.getInt();
      int n = b.getShort() & 0xFFFF;
      if (n > MAX_FRIENDS) {
        throw new IllegalArgumentException("state names " + n + " friends, at most " + MAX_FRIENDS);
      }
      List<SavedFriend> friends = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        PublicKey pk = PublicKey.read(b);
        int flag = b.get() & 0xFF;
        if (flag == 0) {
          friends.add(new SavedFriend(pk, null, null));
        } else if (flag == 1) {
          int ns = b.getInt();
          byte[] m = new byte[b.getShort() & 0xFFFF];
          b.get(m);
          friends.add(new SavedFriend(pk, ns, new String(m, StandardCharsets.UTF_8)));
        } else {
          throw new IllegalArgumentException("state: friend " + i + " has a bad flag " + flag);
        }
      }
      if (b.hasRemaining()) {
        throw new IllegalArgumentException(
            "state has " + b.remaining() + " bytes after its last friend");
      }
      return new ToxState(SecretKey.of(sk), nospam, friends);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("state truncated at byte " + b.position());
    }
  }
}
