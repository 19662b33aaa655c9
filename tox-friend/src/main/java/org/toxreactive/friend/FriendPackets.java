package org.toxreactive.friend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.ToxProtocolException;

/**
 * The lossless message ids of friend_connection.c and Messenger.c that the friend layer speaks, and
 * the SHARE_RELAYS codec (docs/protocol.md "Friend connections and Messenger").
 *
 * <pre>
 * id | name            | payload
 * ---+-----------------+------------------------------------------------------------
 * 16 | ALIVE           | none; sent every 8 s, a friend silent for 32 s is offline
 * 17 | SHARE_RELAYS    | up to 3 packed nodes (TCP families 130 / 138): relays we use
 * 18 | FRIEND_REQUESTS | nospam (4) then the request's message
 * 24 | ONLINE          | none; the friend is online (Messenger) once it arrives
 * 25 | OFFLINE         | none
 * 64 | MESSAGE         | the text, UTF-8, 1..1372 bytes
 * 65 | ACTION          | the text of a "/me" message
 * </pre>
 *
 * <p>Public for programs that speak this layer over a {@link
 * org.toxreactive.netcrypto.CryptoConnection} of their own (the {@code chat} example's direct mode)
 * with the same ids and codec as {@link ToxNode}.
 */
public final class FriendPackets {
  private FriendPackets() {}

  /** ALIVE (16): no payload; the friend connection's keepalive. */
  public static final int ALIVE = 16;

  /** SHARE_RELAYS (17): packed TCP nodes, see {@link #encodeShareRelays}. */
  public static final int SHARE_RELAYS = 17;

  /** FRIEND_REQUESTS (18): nospam, then a friend request's message. */
  public static final int FRIEND_REQUESTS = 18;

  /** ONLINE (24): no payload; Messenger calls the friend online once it arrives. */
  public static final int ONLINE = 24;

  /** OFFLINE (25): no payload. */
  public static final int OFFLINE = 25;

  /** MESSAGE (64): a text message, UTF-8. */
  public static final int MESSAGE = 64;

  /** ACTION (65): a "/me" text message, UTF-8. */
  public static final int ACTION = 65;

  /** c-toxcore's MAX_SHARED_RELAYS: nodes one SHARE_RELAYS packet carries (it reads no more). */
  public static final int MAX_SHARED_RELAYS = 3;

  /** c-toxcore's TOX_MAX_MESSAGE_LENGTH. */
  public static final int MAX_MESSAGE_LENGTH = 1372;

  /**
   * The SHARE_RELAYS payload naming {@code relays}: each as a packed TCP node (family 130 for IPv4,
   * 138 for IPv6, the address, the port big-endian, the relay's key), the first {@value
   * #MAX_SHARED_RELAYS} only.
   *
   * @param relays the relays (their {@code tcp} flag is ignored: each is written as TCP)
   * @return the payload
   */
  public static Bytes encodeShareRelays(List<PackedNode> relays) {
    ByteBuf out = Unpooled.buffer();
    try {
      int n = 0;
      for (PackedNode r : relays) {
        if (n++ == MAX_SHARED_RELAYS) {
          break;
        }
        new PackedNode(r.ipPort(), true, r.key()).write(out);
      }
      byte[] b = new byte[out.readableBytes()];
      out.readBytes(b);
      return Bytes.of(b);
    } finally {
      out.release();
    }
  }

  /**
   * The relays a SHARE_RELAYS payload names: at most {@value #MAX_SHARED_RELAYS} (more are ignored,
   * as c-toxcore reads no more); UDP nodes among them are skipped.
   *
   * @param payload a SHARE_RELAYS message's payload
   * @return the relays
   * @throws ToxProtocolException if a node is truncated or of an unknown family
   */
  public static List<PackedNode> decodeShareRelays(Bytes payload) {
    ByteBuf in = Unpooled.wrappedBuffer(payload.toArray());
    try {
      List<PackedNode> out = new ArrayList<>();
      for (int i = 0; i < MAX_SHARED_RELAYS && in.isReadable(); i++) {
        PackedNode n = PackedNode.read(in);
        if (n.tcp()) {
          out.add(n);
        }
      }
      return List.copyOf(out);
    } finally {
      in.release();
    }
  }
}
