package org.toxreactive.onion;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.ToxProtocolException;
import org.toxreactive.onion.packet.MalformedOnionPacketException;

/**
 * The group-chat announces carried as extra data of 0x87 requests and 0x88 responses
 * (docs/protocol.md 13.6; c-toxcore 0.2.20 {@code group_announce.c}, {@code
 * group_onion_announce.c}). Per chat id a ring of the last {@value #PER_CHAT} peer announces; a
 * chat with no announce for {@value #TIMEOUT_MILLIS} ms is dropped. c-toxcore keeps any number of
 * chats; we keep at most {@code maxChats} and drop the one announced least recently when full.
 *
 * <pre>
 * public announce (request extra data)      announce (request and response)
 * Length | Content                          Length | Content
 * ------ | -------                          ------ | -------
 * 32     | chat public key                  32     | peer public key
 * 36..   | announce                         1      | IP_Port set (0 or not 0)
 *                                           1      | TCP relay count, 0..1
 *                                           7/19   | packed IP_Port (UDP families), if set
 *                                           39/51  | packed TCP relay node, per count
 * </pre>
 *
 * An announce with neither address nor relay is refused. A response carries up to {@value
 * #MAX_SENT} announces of the same chat other than the requester's, distinct by peer key.
 */
final class GroupAnnounceStore {
  static final int PER_CHAT = 16;
  static final int MAX_SENT = 4;
  static final long TIMEOUT_MILLIS = 30_000;
  static final int MAX_RELAYS = 1;

  /** A parsed public announce: the chat, the peer and the announce re-encoded. */
  record Announce(Bytes chatId, Bytes peerKey, Bytes packed) {}

  private static final class Chat {
    final Bytes[] peers = new Bytes[PER_CHAT];
    final Bytes[] announces = new Bytes[PER_CHAT];
    long index;
    long last;
  }

  private final int maxChats;
  private final Map<Bytes, Chat> chats = new LinkedHashMap<>(16, 0.75f, true);

  private long lastExpiry = Long.MIN_VALUE / 2;

  GroupAnnounceStore(int maxChats) {
    this.maxChats = maxChats;
  }

  int chats() {
    return chats.size();
  }

  /** Parses a public announce; {@link MalformedOnionPacketException} if it breaks the layout. */
  static Announce parse(byte[] data, int offset, int length) {
    if (length < 2 * PublicKey.SIZE + 2) {
      throw new MalformedOnionPacketException(
          "group announce: length " + length + ", expected at least 66");
    }
    ByteBuf in = Unpooled.wrappedBuffer(data, offset, length);
    try {
      Bytes chat = Bytes.of(data, offset, PublicKey.SIZE);
      in.skipBytes(PublicKey.SIZE);
      byte[] peer = new byte[PublicKey.SIZE];
      in.readBytes(peer);
      boolean ipSet = in.readUnsignedByte() != 0;
      int relays = in.readUnsignedByte();
      if (relays > MAX_RELAYS) {
        throw new MalformedOnionPacketException(
            "group announce: " + relays + " TCP relays, at most " + MAX_RELAYS);
      }
      IpPort ip = ipSet ? IpPort.readPacked(in) : null;
      List<PackedNode> nodes = PackedNode.readAll(in, relays);
      if (!ipSet && relays == 0) {
        throw new MalformedOnionPacketException("group announce: neither address nor relay");
      }
      ByteBuf out = Unpooled.buffer(PublicKey.SIZE + 2 + 19 + 51);
      try {
        out.writeBytes(peer).writeByte(ipSet ? 1 : 0).writeByte(relays);
        if (ip != null) {
          ip.writePacked(out);
        }
        PackedNode.writeAll(out, nodes);
        return new Announce(chat, Bytes.adopt(peer), Bytes.copyOf(out));
      } finally {
        out.release();
      }
    } catch (MalformedOnionPacketException e) {
      throw e;
    } catch (ToxProtocolException e) {
      throw new MalformedOnionPacketException("group announce: " + e.getMessage());
    } finally {
      in.release();
    }
  }

  /**
   * Stores {@code a} and returns the packed announces of its chat to send back (at most {@value
   * #MAX_SENT}, not the announcer's own).
   */
  byte[] addAndCollect(Announce a, long now) {
    expire(now);
    Chat chat = chats.get(a.chatId());
    if (chat == null) {
      if (chats.size() >= maxChats) {
        Iterator<Map.Entry<Bytes, Chat>> it = chats.entrySet().iterator();
        it.next();
        it.remove();
      }
      chat = new Chat();
      chats.put(a.chatId(), chat);
    }
    chat.last = now;
    int slot = (int) (chat.index % PER_CHAT);
    chat.peers[slot] = a.peerKey();
    chat.announces[slot] = a.packed();
    chat.index++;

    List<Bytes> sent = new ArrayList<>(MAX_SENT);
    List<Bytes> sentPeers = new ArrayList<>(MAX_SENT);
    int size = 0;
    for (int i = 0; i < chat.index && i < PER_CHAT && sent.size() < MAX_SENT; i++) {
      Bytes peer = chat.peers[i];
      if (peer.equals(a.peerKey()) || sentPeers.contains(peer)) {
        continue;
      }
      sentPeers.add(peer);
      sent.add(chat.announces[i]);
      size += chat.announces[i].length();
    }
    byte[] out = new byte[size];
    int at = 0;
    for (Bytes b : sent) {
      b.copyTo(0, out, at, b.length());
      at += b.length();
    }
    return out;
  }

  private void expire(long now) {
    if (now - lastExpiry < 1000) {
      return; // c-toxcore's do_gca runs once a second
    }
    lastExpiry = now;
    chats.values().removeIf(c -> c.last + TIMEOUT_MILLIS <= now);
  }
}
