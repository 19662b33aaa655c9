package org.toxreactive.onion;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.core.ToxProtocolException;
import org.toxreactive.onion.packet.AnnouncePlain;
import org.toxreactive.onion.packet.AnnounceReply;
import org.toxreactive.onion.packet.AnnounceRequest;
import org.toxreactive.onion.packet.ForwardRequest;
import org.toxreactive.onion.packet.MalformedOnionPacketException;
import org.toxreactive.onion.packet.OnionDataRequest;
import org.toxreactive.onion.packet.OnionPacketKind;
import org.toxreactive.onion.packet.OnionSizes;

/**
 * A sans-I/O onion node (docs/protocol.md 13): what c-toxcore's {@code onion.c}, {@code
 * onion_announce.c}, {@code group_onion_announce.c}, {@code forwarding.c} and {@code announce.c} do
 * for a DHT node, checked against v0.2.18 and v0.2.20. Inputs are (datagram, source, time); outputs
 * go to {@link Out}. No threads, no locks, no timers: time is the caller's millisecond clock,
 * passed in.
 *
 * <pre>
 * in                                   out
 * 0x80 from A                          0x81 ‖ nonce ‖ layer ‖ RETURN_1(A)     to node 2
 * 0x81 from B                          0x82 ‖ nonce ‖ layer ‖ RETURN_2(B, R1) to node 3
 * 0x82 from C (inner 0x83/0x85/0x87)   inner ‖ RETURN_3(C, R2)                to the destination
 * 0x83/0x87 ‖ RETURN_3 from D          0x8C ‖ RETURN_3 ‖ 0x84/0x88             to D
 * 0x85 ‖ RETURN_3 (key announced)      0x8C ‖ stored RETURN_3 ‖ 0x86           to the announcer's node 3
 * 0x8C / 0x8D                          0x8D / 0x8E to the hop named in our return block
 * 0x8E                                 the bare response to the client (UDP or TCP client)
 * 0x90 (key in the close list)         0x91 ‖ sendback ‖ data                  to that node
 * 0x91 whose data starts with 0x90     the next link of the forward chain
 * 0x92 (our sendback)                  0x91 or 0x92 to the hop it names, or the TCP client
 * 0x93 / 0x95 / 0x97 from D            0x94 / 0x96 / 0x98 to D (announce.c)
 * 0x91 ‖ sendback ‖ 0x93/0x95/0x97     0x92 ‖ sendback ‖ 0x94/0x96/0x98 to the forwarder
 * </pre>
 *
 * <p>Return blocks are sealed with one random symmetric secret, replaced when a packet is handled
 * at least {@link Limits#secretRefreshMillis} (2 h) after the last change; as in c-toxcore no older
 * secret is kept, so a replacement cuts every path in flight. Ping ids and forwarding sendbacks are
 * HMACs over a time window (300 s and 3600 s) accepted for the current and the previous window.
 * Memory is bounded: a fixed announce store, an LRU of shared keys, a bounded group-announce store
 * and a bounded per-source rate limiter. Not thread-safe.
 */
public final class OnionNode {

  /** Where the node's packets go. Arrays passed here belong to the receiver. */
  public interface Out {
    /**
     * A UDP datagram.
     *
     * @param datagram the packet, the receiver's from now on
     * @param to the destination
     */
    void udp(byte[] datagram, IpPort to);

    /**
     * An onion response (0x84, 0x86 or 0x88 packet) for a relay client: TCP packet 9.
     *
     * @param clientId the relay client's router id
     * @param response the onion response, the receiver's from now on
     */
    default void tcpOnionResponse(long clientId, byte[] response) {}

    /**
     * Forwarded data for a relay client: TCP packet 11.
     *
     * @param clientId the relay client's router id
     * @param data the forwarded data, the receiver's from now on
     */
    default void tcpForwarding(long clientId, byte[] data) {}
  }

  /** What became of one input (for metrics and tests). */
  public enum Outcome {
    /** Passed on to the next hop. */
    FORWARDED,
    /** Answered (announce response). */
    ANSWERED,
    /** Delivered to a relay client or an announced key's path. */
    DELIVERED,
    /** Not an id this node handles. */
    UNHANDLED,
    /** Length or layout not allowed. */
    MALFORMED,
    /** A box or return block that does not open, or a bad HMAC. */
    UNAUTHENTIC,
    /** An address family the hop may not use. */
    BAD_ADDRESS,
    /** An inner packet id the hop may not pass. */
    BAD_INNER_ID,
    /** Data for a key not announced here, or a forward to a key not in the close list. */
    UNKNOWN_DESTINATION,
    /** The source used up its rate. */
    RATE_LIMITED,
    /** Valid but unsupported here (group extra data switched off, forwarded responses). */
    UNSUPPORTED,
    /** A valid announce.c store the store has no room for (docs/protocol.md 13.8). */
    REFUSED
  }

  /**
   * Sizes, timeouts and rates. {@link #DEFAULT} is c-toxcore's values where it has them; the rate
   * limit and the caps c-toxcore does not have are ours.
   */
  public record Limits(
      int announceEntries,
      long announceTimeoutMillis,
      long secretRefreshMillis,
      int sharedKeyCache,
      double perSourceRate,
      int perSourceBurst,
      int trackedSources,
      int groupChats) {
    /** The defaults: sizes as c-toxcore, rate limits generous for honest clients. */
    public static final Limits DEFAULT =
        new Limits(160, 300_000, 7_200_000, 4096, 2000, 4000, 8192, 4096);

    /**
     * Checks the limits; a bad one is an {@link IllegalArgumentException}.
     *
     * @param announceEntries entries in the announce store (c-toxcore: 160)
     * @param announceTimeoutMillis how long an announce is kept, ms (c-toxcore: 300 s)
     * @param secretRefreshMillis how often the return-block and ping-id secret changes, ms
     * @param sharedKeyCache shared keys cached
     * @param perSourceRate inputs per second one source address may cause
     * @param perSourceBurst burst of those for one source
     * @param trackedSources source addresses whose rates are kept (least recently used forgotten)
     * @param groupChats group-chat announces kept
     */
    public Limits {
      if (announceEntries < 1
          || announceTimeoutMillis < 1
          || secretRefreshMillis < 1
          || sharedKeyCache < 1
          || perSourceRate <= 0
          || perSourceBurst < 1
          || trackedSources < 1
          || groupChats < 0) {
        throw new IllegalArgumentException("onion limits must be positive: " + this);
      }
    }
  }

  static final long PING_WINDOW_MILLIS = 300_000;
  static final long SENDBACK_WINDOW_MILLIS = 3_600_000;
  static final long DATA_SEARCH_WINDOW_MILLIS = 60_000;
  static final byte TCP_CLIENT_FAMILY = 11;
  static final int SENDBACK_IPPORT = 0;
  static final int SENDBACK_FORWARD = 1;
  static final int SENDBACK_TCP = 2;
  private static final int TIMED_AUTH = 32;

  /** c-toxcore reads at most this much of a UDP datagram ({@code MAX_UDP_PACKET_SIZE}). */
  static final int MAX_UDP_PACKET = 2048;

  private static final int MAX_SENDBACK = 254;

  private final KeyPair identity;
  private final ClosestNodes dht;
  private final Out out;
  private final Limits limits;
  private final CryptoBox box = new CryptoBox();
  private final Map<PublicKey, SharedKey> sharedKeys;
  private final HmacSha256 pingMac;
  private final HmacSha256 sendbackMac;
  private final AnnounceStore store;
  private final @Nullable GroupAnnounceStore groups; // null: group announces unsupported
  private final DhtAnnounceStore dhtStore;
  private final HmacSha256 searchMac;
  private final SourceLimiter limiter;
  private final Map<Outcome, long[]> counts = new EnumMap<>(Outcome.class);
  private SharedKey secret = SharedKey.random();
  private long secretTime;

  /**
   * A node with an empty announce store.
   *
   * @param identity the node's DHT key pair
   * @param dht where the close nodes for answers come from
   * @param out where the node's packets go
   * @param limits store sizes, timeouts and rate limits
   * @param now the caller's clock, in milliseconds
   */
  public OnionNode(KeyPair identity, ClosestNodes dht, Out out, Limits limits, long now) {
    this.identity = Objects.requireNonNull(identity, "identity is null");
    this.dht = Objects.requireNonNull(dht, "dht is null");
    this.out = Objects.requireNonNull(out, "out is null");
    this.limits = Objects.requireNonNull(limits, "limits is null");
    this.secretTime = now;
    int cache = limits.sharedKeyCache();
    this.sharedKeys =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<PublicKey, SharedKey> eldest) {
            return size() > cache;
          }
        };
    this.pingMac = new HmacSha256(SharedKey.random().toArray());
    this.sendbackMac = new HmacSha256(SharedKey.random().toArray());
    this.searchMac = new HmacSha256(SharedKey.random().toArray());
    this.dhtStore = new DhtAnnounceStore(identity.publicKey(), now);
    this.store =
        new AnnounceStore(
            identity.publicKey(), limits.announceEntries(), limits.announceTimeoutMillis());
    this.groups = limits.groupChats() > 0 ? new GroupAnnounceStore(limits.groupChats()) : null;
    this.limiter =
        new SourceLimiter(limits.perSourceRate(), limits.perSourceBurst(), limits.trackedSources());
    for (Outcome o : Outcome.values()) {
      counts.put(o, new long[1]);
    }
  }

  /**
   * The node's DHT key: the identity clients build onion layers and announces for.
   *
   * @return the key
   */
  public PublicKey publicKey() {
    return identity.publicKey();
  }

  /**
   * How many inputs ended with {@code outcome} so far.
   *
   * @param outcome an outcome
   * @return the count since start
   */
  public long count(Outcome outcome) {
    return counter(Objects.requireNonNull(outcome, "outcome is null"))[0];
  }

  /**
   * Live entries in the announce store.
   *
   * @param now the caller's clock, in milliseconds
   * @return the number of entries not timed out
   */
  public int announced(long now) {
    return store.size(now);
  }

  /**
   * True for the first bytes this node takes from UDP: 0x80..0x8E and 0x90..0x98 (responses meant
   * for clients are taken and counted {@link Outcome#UNHANDLED}).
   *
   * @param id a datagram's first byte
   * @return whether this node takes datagrams starting with {@code id}
   */
  public static boolean handles(int id) {
    return OnionPacketKind.ofId(id) != null;
  }

  /**
   * Group chats with announces in the group-announce store (docs/protocol.md 13.6).
   *
   * @return the number of group chats stored, 0 without a group-announce store
   */
  public int groupChats() {
    return groups == null ? 0 : groups.chats();
  }

  /**
   * Live entries in the announce.c store (docs/protocol.md 13.8).
   *
   * @param now the caller's clock, in milliseconds
   * @return the number of entries not timed out
   */
  public int dhtAnnouncements(long now) {
    return dhtStore.size(now);
  }

  /**
   * A UDP datagram from {@code from}; borrows {@code packet} (reader index unchanged).
   *
   * @param packet the datagram (borrowed)
   * @param from its source
   * @param now the caller's clock, in milliseconds
   * @return what became of it
   */
  public Outcome onUdp(ByteBuf packet, IpPort from, long now) {
    int n = packet.readableBytes();
    if (n == 0 || n > MAX_UDP_PACKET) {
      return record(Outcome.MALFORMED);
    }
    byte[] p = new byte[n];
    packet.getBytes(packet.readerIndex(), p);
    return onUdp(p, from, now);
  }

  /**
   * A UDP datagram from {@code from}; the node does not keep {@code p}.
   *
   * @param p the datagram
   * @param from its source
   * @param now the caller's clock, in milliseconds
   * @return what became of it
   */
  public Outcome onUdp(byte[] p, IpPort from, long now) {
    return onUdp(p, from, now, false);
  }

  /**
   * A datagram this node sent to its own address {@code self} (a path through it twice), handed
   * back without the socket: as {@link #onUdp(byte[], IpPort, long)} but not rate-limited.
   *
   * @param p the datagram
   * @param self our own address
   * @param now the caller's clock, in milliseconds
   * @return what became of it
   */
  public Outcome onUdpFromSelf(byte[] p, IpPort self, long now) {
    return onUdp(p, self, now, true);
  }

  private Outcome onUdp(byte[] p, IpPort from, long now, boolean self) {
    Objects.requireNonNull(from, "from is null");
    if (p.length == 0 || p.length > MAX_UDP_PACKET) {
      return record(Outcome.MALFORMED);
    }
    int id = p[0] & 0xFF;
    if (!handles(id)) {
      return record(Outcome.UNHANDLED);
    }
    if (!self && !limiter.tryAcquire(from.address(), now)) {
      return record(Outcome.RATE_LIMITED);
    }
    OnionPacketKind kind = Objects.requireNonNull(OnionPacketKind.ofId(id)); // handles(id)
    Outcome o =
        switch (kind) {
          case SEND_INITIAL -> sendInitial(p, from, now);
          case SEND_1 -> send1(p, from, now);
          case SEND_2 -> send2(p, from, now);
          case ANNOUNCE_REQUEST_OLD, ANNOUNCE_REQUEST -> announce(p, from, now);
          case DATA_REQUEST -> dataRequest(p, now);
          case RECV_3 -> recv(p, OnionSizes.RETURN_3, OnionSizes.RETURN_2, 0x8D, now);
          case RECV_2 -> recv(p, OnionSizes.RETURN_2, OnionSizes.RETURN_1, 0x8E, now);
          case RECV_1 -> recv1(p, now);
          case FORWARD_REQUEST ->
              forwardRequest(p, 0, p.length, sendbackIpPort(SENDBACK_IPPORT, from, null), now);
          case FORWARDING -> forwarding(p, from, now);
          case FORWARD_REPLY -> forwardReply(p, now);
          // responses are for onion clients, not for a node
          case ANNOUNCE_RESPONSE_OLD, ANNOUNCE_RESPONSE, DATA_RESPONSE -> Outcome.UNHANDLED;
          case DATA_SEARCH_REQUEST, DATA_RETRIEVE_REQUEST, STORE_ANNOUNCE_REQUEST ->
              dhtAnnounce(p, 0, p.length, from, null, now);
          // answers to announce.c requests this node never sends (it is no announce client)
          case DATA_SEARCH_RESPONSE, DATA_RETRIEVE_RESPONSE, STORE_ANNOUNCE_RESPONSE ->
              Outcome.UNHANDLED;
        };
    return record(o);
  }

  /**
   * TCP packet 8 from relay client {@code clientId}: the hop-1 plaintext (after the TCP id and the
   * nonce), for which the relay is node 1 (docs/protocol.md 5).
   *
   * @param clientId the relay client's router id
   * @param nonce the packet's nonce
   * @param plain the hop-1 plaintext
   * @param now the caller's clock, in milliseconds
   * @return what became of it
   */
  public Outcome onTcpOnionRequest(long clientId, Nonce nonce, byte[] plain, long now) {
    maybeRotate(now);
    return record(send1Out(plain, 0, plain.length, nonce.toArray(), tcpReturnAddress(clientId)));
  }

  /**
   * TCP packet 10 from relay client {@code clientId}: sends {@code 0x91} with a sendback naming the
   * client to {@code to} (docs/protocol.md 5).
   *
   * @param clientId the relay client's router id
   * @param to where the 0x91 goes
   * @param data the data to forward
   * @param now the caller's clock, in milliseconds
   * @return what became of it
   */
  public Outcome onTcpForwardRequest(long clientId, IpPort to, byte[] data, long now) {
    if (data.length > ForwardRequest.MAX_DATA) {
      return record(Outcome.MALFORMED);
    }
    byte[] sendback = new byte[1 + 4 + 8];
    sendback[0] = SENDBACK_TCP;
    ByteBuffer.wrap(sendback, 5, 8).putLong(clientId);
    out.udp(forwardingPacket(sendback, data, now), to);
    return record(Outcome.FORWARDED);
  }

  private Outcome record(Outcome o) {
    counter(o)[0]++;
    return o;
  }

  private long[] counter(Outcome o) {
    return Objects.requireNonNull(counts.get(o)); // the constructor puts every outcome
  }

  // ---------------------------------------------------------------- onion hops (onion.c)

  private void maybeRotate(long now) {
    if (now - secretTime >= limits.secretRefreshMillis()) {
      secret = SharedKey.random();
      secretTime = now;
    }
  }

  private @Nullable SharedKey sharedKey(byte[] p, int offset) {
    PublicKey pk = PublicKey.of(Arrays.copyOfRange(p, offset, offset + PublicKey.SIZE));
    SharedKey k = sharedKeys.get(pk);
    if (k == null) {
      try {
        k = CryptoBox.beforenm(pk, identity.secretKey());
      } catch (IllegalArgumentException lowOrder) {
        return null;
      }
      sharedKeys.put(pk, k);
    }
    return k;
  }

  /** Opens the box at {@code p[from..to)} with nonce {@code p[1..25)}; null if it fails. */
  private byte @Nullable [] openLayer(byte[] p, SharedKey k, int from, int to) {
    byte[] nonce = Arrays.copyOfRange(p, 1, 1 + Nonce.SIZE);
    byte[] buf = Arrays.copyOfRange(p, from, to);
    if (!box.openInPlace(k, nonce, buf, 0, buf.length)) {
      return null;
    }
    return Arrays.copyOfRange(buf, CryptoBox.MAC_SIZE, buf.length);
  }

  private Outcome sendInitial(byte[] p, IpPort from, long now) {
    if (p.length > OnionSizes.MAX_PACKET_SIZE || p.length <= 1 + OnionSizes.SEND_1) {
      return Outcome.MALFORMED;
    }
    maybeRotate(now);
    SharedKey k = sharedKey(p, 1 + Nonce.SIZE);
    if (k == null) {
      return Outcome.UNAUTHENTIC;
    }
    byte[] plain = openLayer(p, k, 1 + Nonce.SIZE + PublicKey.SIZE, p.length);
    if (plain == null) {
      return Outcome.UNAUTHENTIC;
    }
    return send1Out(plain, 0, plain.length, Arrays.copyOfRange(p, 1, 25), fixed19(from));
  }

  /** c-toxcore's {@code onion_send_1}: hop-1 plaintext to 0x81 for node 2. */
  private Outcome send1Out(byte[] plain, int off, int len, byte[] nonce, byte[] source19) {
    int max =
        OnionSizes.MAX_PACKET_SIZE + OnionSizes.IPPORT - (1 + Nonce.SIZE + OnionSizes.RETURN_1);
    if (len > max || len <= OnionSizes.IPPORT + 2 * OnionSizes.SEND_BASE) {
      return Outcome.MALFORMED;
    }
    IpPort next = nextHop(plain, off);
    if (next == null) {
      return Outcome.BAD_ADDRESS;
    }
    int rest = len - OnionSizes.IPPORT;
    byte[] d = new byte[1 + Nonce.SIZE + rest + OnionSizes.RETURN_1];
    d[0] = (byte) 0x81;
    System.arraycopy(nonce, 0, d, 1, Nonce.SIZE);
    System.arraycopy(plain, off + OnionSizes.IPPORT, d, 1 + Nonce.SIZE, rest);
    seal(source19, d, 1 + Nonce.SIZE + rest);
    out.udp(d, next);
    return Outcome.FORWARDED;
  }

  private Outcome send1(byte[] p, IpPort from, long now) {
    return sendLayer(p, from, now, OnionSizes.SEND_2, OnionSizes.RETURN_1, 0x82);
  }

  private Outcome send2(byte[] p, IpPort from, long now) {
    return sendLayer(p, from, now, OnionSizes.SEND_3, OnionSizes.RETURN_2, -1);
  }

  /**
   * 0x81 (to 0x82) and 0x82 (to the bare inner packet): open our layer, append a return block of
   * (source ‖ the previous return block).
   */
  private Outcome sendLayer(
      byte[] p, IpPort from, long now, int sendSize, int returnIn, int outId) {
    if (p.length > OnionSizes.MAX_PACKET_SIZE || p.length <= 1 + sendSize) {
      return Outcome.MALFORMED;
    }
    maybeRotate(now);
    SharedKey k = sharedKey(p, 1 + Nonce.SIZE);
    if (k == null) {
      return Outcome.UNAUTHENTIC;
    }
    int boxStart = 1 + Nonce.SIZE + PublicKey.SIZE;
    byte[] plain = openLayer(p, k, boxStart, p.length - returnIn);
    if (plain == null) {
      return Outcome.UNAUTHENTIC;
    }
    if (outId < 0) {
      int inner = plain[OnionSizes.IPPORT] & 0xFF;
      if (inner != 0x83 && inner != 0x85 && inner != 0x87) {
        return Outcome.BAD_INNER_ID;
      }
    }
    IpPort next = nextHop(plain, 0);
    if (next == null) {
      return Outcome.BAD_ADDRESS;
    }
    byte[] ret = new byte[OnionSizes.IPPORT + returnIn];
    System.arraycopy(fixed19(from), 0, ret, 0, OnionSizes.IPPORT);
    System.arraycopy(p, p.length - returnIn, ret, OnionSizes.IPPORT, returnIn);
    int rest = plain.length - OnionSizes.IPPORT;
    int head = outId < 0 ? 0 : 1 + Nonce.SIZE;
    byte[] d = new byte[head + rest + Nonce.SIZE + CryptoBox.MAC_SIZE + ret.length];
    if (outId >= 0) {
      d[0] = (byte) outId;
      System.arraycopy(p, 1, d, 1, Nonce.SIZE);
    }
    System.arraycopy(plain, OnionSizes.IPPORT, d, head, rest);
    seal(ret, d, head + rest);
    out.udp(d, next);
    return Outcome.FORWARDED;
  }

  /** Writes nonce ‖ box(secret, nonce, content) at {@code d[at]}. */
  private void seal(byte[] content, byte[] d, int at) {
    byte[] nonce = Nonce.random().toArray();
    System.arraycopy(nonce, 0, d, at, Nonce.SIZE);
    System.arraycopy(content, 0, d, at + Nonce.SIZE + CryptoBox.MAC_SIZE, content.length);
    box.sealInPlace(secret, nonce, d, at + Nonce.SIZE, content.length);
  }

  /** Opens one of our return blocks at {@code p[1..1+size)}; null if it does not open. */
  private byte @Nullable [] openReturn(byte[] p, int size) {
    byte[] nonce = Arrays.copyOfRange(p, 1, 1 + Nonce.SIZE);
    byte[] buf = Arrays.copyOfRange(p, 1 + Nonce.SIZE, 1 + size);
    if (!box.openInPlace(secret, nonce, buf, 0, buf.length)) {
      return null;
    }
    return Arrays.copyOfRange(buf, CryptoBox.MAC_SIZE, buf.length);
  }

  private static boolean isResponseId(int id) {
    return id == 0x84 || id == 0x86 || id == 0x88;
  }

  /** 0x8C (to 0x8D) and 0x8D (to 0x8E). */
  private Outcome recv(byte[] p, int returnIn, int returnOut, int outId, long now) {
    if (p.length > OnionSizes.MAX_PACKET_SIZE || p.length <= 1 + returnIn) {
      return Outcome.MALFORMED;
    }
    if (!isResponseId(p[1 + returnIn] & 0xFF)) {
      return Outcome.BAD_INNER_ID;
    }
    maybeRotate(now);
    byte[] plain = openReturn(p, returnIn);
    if (plain == null) {
      return Outcome.UNAUTHENTIC;
    }
    IpPort to = nextHop(plain, 0);
    if (to == null) {
      return Outcome.BAD_ADDRESS;
    }
    int payload = p.length - 1 - returnIn;
    byte[] d = new byte[1 + returnOut + payload];
    d[0] = (byte) outId;
    System.arraycopy(plain, OnionSizes.IPPORT, d, 1, returnOut);
    System.arraycopy(p, 1 + returnIn, d, 1 + returnOut, payload);
    out.udp(d, to);
    return Outcome.FORWARDED;
  }

  /** 0x8E: the response leaves the onion, to a UDP client or one of our relay's TCP clients. */
  private Outcome recv1(byte[] p, long now) {
    int r = OnionSizes.RETURN_1;
    if (p.length > OnionSizes.MAX_PACKET_SIZE || p.length <= 1 + r) {
      return Outcome.MALFORMED;
    }
    if (!isResponseId(p[1 + r] & 0xFF)) {
      return Outcome.BAD_INNER_ID;
    }
    maybeRotate(now);
    byte[] address = openReturn(p, r);
    if (address == null) {
      return Outcome.UNAUTHENTIC;
    }
    byte[] response = Arrays.copyOfRange(p, 1 + r, p.length);
    if (address[0] == TCP_CLIENT_FAMILY) {
      out.tcpOnionResponse(ByteBuffer.wrap(address, 1, 8).getLong(), response);
      return Outcome.DELIVERED;
    }
    IpPort to = nextHop(address, 0);
    if (to == null) {
      return Outcome.BAD_ADDRESS;
    }
    out.udp(response, to);
    return Outcome.DELIVERED;
  }

  /** A 19-byte IP_Port of family 2 or 10 at {@code p[off]}, or null. */
  private static @Nullable IpPort nextHop(byte[] p, int off) {
    ByteBuf in = Unpooled.wrappedBuffer(p, off, OnionSizes.IPPORT);
    try {
      return IpPort.readFixed19(in);
    } catch (ToxProtocolException e) {
      return null;
    } finally {
      in.release();
    }
  }

  static byte[] fixed19(IpPort ip) {
    ByteBuf b = Unpooled.buffer(OnionSizes.IPPORT);
    try {
      ip.writeFixed19(b);
      byte[] a = new byte[OnionSizes.IPPORT];
      b.readBytes(a);
      return a;
    } finally {
      b.release();
    }
  }

  /** The return address of a relay client: 0x0B ‖ client id (u64 BE) ‖ 10 zero bytes. */
  static byte[] tcpReturnAddress(long clientId) {
    byte[] a = new byte[OnionSizes.IPPORT];
    a[0] = TCP_CLIENT_FAMILY;
    ByteBuffer.wrap(a, 1, 8).putLong(clientId);
    return a;
  }

  // ---------------------------------------------------------------- announce (onion_announce.c)

  private byte[] pingId(byte[] senderKey, byte[] source19, long window) {
    byte[] t = new byte[8];
    ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN).putLong(window);
    pingMac.update(t);
    pingMac.update(senderKey);
    pingMac.update(source19);
    return pingMac.doFinal();
  }

  private Outcome announce(byte[] p, IpPort from, long now) {
    int len = p.length;
    int plainMin = AnnounceRequest.MIN_LENGTH + OnionSizes.RETURN_3; // 322
    boolean old = (p[0] & 0xFF) == 0x83;
    boolean extra = len != plainMin;
    if (old && extra) {
      return Outcome.MALFORMED;
    }
    if (extra && (len < plainMin || len > plainMin + OnionSizes.MAX_EXTRA_DATA_SIZE)) {
      return Outcome.MALFORMED;
    }
    if (extra && groups == null) {
      return Outcome.UNSUPPORTED;
    }
    SharedKey k = sharedKey(p, 1 + Nonce.SIZE);
    if (k == null) {
      return Outcome.UNAUTHENTIC;
    }
    byte[] plain = openLayer(p, k, 1 + Nonce.SIZE + PublicKey.SIZE, len - OnionSizes.RETURN_3);
    if (plain == null) {
      return Outcome.UNAUTHENTIC;
    }
    AnnouncePlain req = AnnouncePlain.decode(plain);
    byte[] sender = Arrays.copyOfRange(p, 1 + Nonce.SIZE, 1 + Nonce.SIZE + PublicKey.SIZE);
    byte[] source19 = fixed19(from);
    byte[] returnBlock = Arrays.copyOfRange(p, len - OnionSizes.RETURN_3, len);
    long window = now / PING_WINDOW_MILLIS;
    byte[] given = req.pingId().toArray();
    boolean valid =
        MessageDigest.isEqual(given, pingId(sender, source19, window))
            || MessageDigest.isEqual(given, pingId(sender, source19, window - 1));
    AnnounceStore.Entry entry =
        valid
            ? store.add(sender, from, req.dataKey().toArray(), returnBlock, now)
            : store.find(req.searchedKey().toArray(), now);

    byte[] extraOut = new byte[0];
    if (extra) {
      try {
        GroupAnnounceStore.Announce a =
            GroupAnnounceStore.parse(
                plain, AnnouncePlain.MIN_SIZE, plain.length - AnnouncePlain.MIN_SIZE);
        // an extra without a group store was UNSUPPORTED above
        extraOut = Objects.requireNonNull(groups).addAndCollect(a, now);
      } catch (MalformedOnionPacketException e) {
        return Outcome.MALFORMED; // c-toxcore sends no response either
      }
    }

    Bytes newPing = Bytes.adopt(pingId(sender, source19, window));
    int stored;
    Bytes second;
    if (entry == null) {
      stored = AnnounceReply.NOT_STORED;
      second = newPing;
    } else if (Arrays.equals(entry.key, sender)) {
      stored =
          Arrays.equals(entry.dataKey, req.dataKey().toArray())
              ? AnnounceReply.STORED
              : AnnounceReply.NOT_STORED;
      second = newPing;
    } else {
      stored = AnnounceReply.FOUND;
      second = Bytes.adopt(entry.dataKey.clone());
    }
    List<PackedNode> nodes =
        dht.closest(req.searchedKey(), OnionSizes.MAX_SENT_NODES).stream()
            .filter(n -> !n.tcp())
            .limit(OnionSizes.MAX_SENT_NODES)
            .toList();
    byte[] reply = new AnnounceReply(stored, second, nodes, Bytes.adopt(extraOut)).encode(!old);

    byte[] nonce = Nonce.random().toArray();
    int respLen = 1 + OnionSizes.SENDBACK + Nonce.SIZE + CryptoBox.MAC_SIZE + reply.length;
    if (respLen > OnionSizes.RESPONSE_MAX_DATA_SIZE) {
      return Outcome.MALFORMED;
    }
    byte[] d = new byte[1 + OnionSizes.RETURN_3 + respLen];
    d[0] = (byte) 0x8C;
    System.arraycopy(returnBlock, 0, d, 1, OnionSizes.RETURN_3);
    int at = 1 + OnionSizes.RETURN_3;
    d[at] = (byte) (old ? 0x84 : 0x88);
    req.sendback().copyTo(0, d, at + 1, OnionSizes.SENDBACK);
    System.arraycopy(nonce, 0, d, at + 1 + OnionSizes.SENDBACK, Nonce.SIZE);
    int boxAt = at + 1 + OnionSizes.SENDBACK + Nonce.SIZE;
    System.arraycopy(reply, 0, d, boxAt + CryptoBox.MAC_SIZE, reply.length);
    box.sealInPlace(k, nonce, d, boxAt, reply.length);
    out.udp(d, from);
    return Outcome.ANSWERED;
  }

  private Outcome dataRequest(byte[] p, long now) {
    int len = p.length;
    if (len <= OnionDataRequest.MIN_LENGTH - 1 + OnionSizes.RETURN_3
        || len > OnionSizes.MAX_PACKET_SIZE) {
      return Outcome.MALFORMED;
    }
    AnnounceStore.Entry e = store.find(Arrays.copyOfRange(p, 1, 1 + PublicKey.SIZE), now);
    if (e == null) {
      return Outcome.UNKNOWN_DESTINATION;
    }
    int body = len - (1 + PublicKey.SIZE + OnionSizes.RETURN_3);
    byte[] d = new byte[1 + OnionSizes.RETURN_3 + 1 + body];
    d[0] = (byte) 0x8C;
    System.arraycopy(e.returnBlock, 0, d, 1, OnionSizes.RETURN_3);
    d[1 + OnionSizes.RETURN_3] = (byte) 0x86;
    System.arraycopy(p, 1 + PublicKey.SIZE, d, 2 + OnionSizes.RETURN_3, body);
    out.udp(d, Objects.requireNonNull(e.returnTo)); // a live entry was added with it
    return Outcome.DELIVERED;
  }

  // ---------------------------------------------------------------- forwarding (forwarding.c)

  /** Sendback data of type IPPORT or FORWARD: type ‖ packed address ‖ previous sendback. */
  private static byte[] sendbackIpPort(int type, IpPort from, byte @Nullable [] previous) {
    int prev = previous == null ? 0 : previous.length;
    ByteBuf b = Unpooled.buffer(1 + from.packedLength() + prev);
    try {
      b.writeByte(type);
      from.writePacked(b);
      if (previous != null) {
        b.writeBytes(previous);
      }
      byte[] a = new byte[b.readableBytes()];
      b.readBytes(a);
      return a;
    } finally {
      b.release();
    }
  }

  private byte[] timedAuth(byte[] data, long window) {
    byte[] t = new byte[8];
    ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN).putLong(window);
    sendbackMac.update(t);
    sendbackMac.update(data);
    return sendbackMac.doFinal();
  }

  /** 0x91 ‖ (32 + n) ‖ auth ‖ sendback data ‖ data. */
  private byte[] forwardingPacket(byte[] sendbackData, byte[] data, long now) {
    byte[] auth = timedAuth(sendbackData, now / SENDBACK_WINDOW_MILLIS);
    byte[] d = new byte[2 + TIMED_AUTH + sendbackData.length + data.length];
    d[0] = (byte) 0x91;
    d[1] = (byte) (TIMED_AUTH + sendbackData.length);
    System.arraycopy(auth, 0, d, 2, TIMED_AUTH);
    System.arraycopy(sendbackData, 0, d, 2 + TIMED_AUTH, sendbackData.length);
    System.arraycopy(data, 0, d, 2 + TIMED_AUTH + sendbackData.length, data.length);
    return d;
  }

  /** c-toxcore's {@code handle_forward_request_dht}: 0x90 ‖ key ‖ data to the close-list node. */
  private Outcome forwardRequest(byte[] p, int off, int len, byte[] sendbackData, long now) {
    if (len < ForwardRequest.HEADER) {
      return Outcome.MALFORMED;
    }
    int dataLen = len - ForwardRequest.HEADER;
    if (TIMED_AUTH + sendbackData.length > MAX_SENDBACK || dataLen > ForwardRequest.MAX_DATA) {
      return Outcome.MALFORMED;
    }
    PublicKey key = PublicKey.of(Arrays.copyOfRange(p, off + 1, off + 1 + PublicKey.SIZE));
    IpPort to = dht.addressOf(key);
    if (to == null) {
      return Outcome.UNKNOWN_DESTINATION;
    }
    byte[] data = Arrays.copyOfRange(p, off + ForwardRequest.HEADER, off + len);
    out.udp(forwardingPacket(sendbackData, data, now), to);
    return Outcome.FORWARDED;
  }

  private Outcome forwarding(byte[] p, IpPort from, long now) {
    if (p.length < 2) {
      return Outcome.MALFORMED;
    }
    int n = p[1] & 0xFF;
    if (p.length < 2 + n) {
      return Outcome.MALFORMED;
    }
    int dataAt = 2 + n;
    if (p.length > dataAt && (p[dataAt] & 0xFF) == 0x90) {
      byte[] previous = Arrays.copyOfRange(p, 2, 2 + n);
      return forwardRequest(
          p, dataAt, p.length - dataAt, sendbackIpPort(SENDBACK_FORWARD, from, previous), now);
    }
    if (n > 0) {
      // a forwarded request for us: announce.c's 0x93 / 0x95 / 0x97, answered with a 0x92
      if (p.length == dataAt) {
        return Outcome.MALFORMED;
      }
      return dhtAnnounce(p, dataAt, p.length - dataAt, from, Arrays.copyOfRange(p, 2, 2 + n), now);
    }
    // a forwarded response to a request of ours: this node sends none
    return Outcome.UNSUPPORTED;
  }

  private Outcome forwardReply(byte[] p, long now) {
    if (p.length < 2 + TIMED_AUTH) {
      return Outcome.MALFORMED;
    }
    int n = p[1] & 0xFF;
    if (n > MAX_SENDBACK || n < TIMED_AUTH + 1 || p.length < 2 + n) {
      return Outcome.MALFORMED;
    }
    byte[] auth = Arrays.copyOfRange(p, 2, 2 + TIMED_AUTH);
    byte[] sendback = Arrays.copyOfRange(p, 2 + TIMED_AUTH, 2 + n);
    long window = now / SENDBACK_WINDOW_MILLIS;
    if (!MessageDigest.isEqual(auth, timedAuth(sendback, window))
        && !MessageDigest.isEqual(auth, timedAuth(sendback, window - 1))) {
      return Outcome.UNAUTHENTIC;
    }
    byte[] data = Arrays.copyOfRange(p, 2 + n, p.length);
    int type = sendback[0] & 0xFF;
    if (type == SENDBACK_TCP) {
      if (sendback.length != 13) {
        return Outcome.MALFORMED;
      }
      out.tcpForwarding(ByteBuffer.wrap(sendback, 5, 8).getLong(), data);
      return Outcome.DELIVERED;
    }
    if (type != SENDBACK_IPPORT && type != SENDBACK_FORWARD) {
      return Outcome.MALFORMED;
    }
    ByteBuf in = Unpooled.wrappedBuffer(sendback, 1, sendback.length - 1);
    IpPort to;
    try {
      to = IpPort.readPacked(in);
    } catch (ToxProtocolException e) {
      return Outcome.BAD_ADDRESS;
    } finally {
      in.release();
    }
    int used = 1 + to.packedLength();
    if (type == SENDBACK_IPPORT) {
      if (used != sendback.length) {
        return Outcome.MALFORMED;
      }
      byte[] d = new byte[2 + data.length];
      d[0] = (byte) 0x91;
      System.arraycopy(data, 0, d, 2, data.length);
      out.udp(d, to);
      return Outcome.DELIVERED;
    }
    byte[] inner = Arrays.copyOfRange(sendback, used, sendback.length);
    if (inner.length > MAX_SENDBACK) {
      return Outcome.MALFORMED;
    }
    byte[] d = new byte[2 + inner.length + data.length];
    d[0] = (byte) 0x92;
    d[1] = (byte) inner.length;
    System.arraycopy(inner, 0, d, 2, inner.length);
    System.arraycopy(data, 0, d, 2 + inner.length, data.length);
    out.udp(d, to);
    return Outcome.FORWARDED;
  }

  // ---------------------------------------------------------------- announce.c (0x93 / 0x95 /
  // 0x97)

  /** 1 + key + nonce + MAC: the DHT envelope around an announce.c plaintext. */
  private static final int ENVELOPE = 1 + PublicKey.SIZE + Nonce.SIZE + CryptoBox.MAC_SIZE;

  private static final int SHA256 = 32;

  /** A reply plaintext (without the echoed 8 bytes), or why there is none. */
  private record Reply(byte @Nullable [] plain, @Nullable Outcome refused) {
    static Reply of(byte[] plain) {
      return new Reply(plain, null);
    }

    static Reply no(Outcome why) {
      return new Reply(null, why);
    }
  }

  /**
   * c-toxcore 0.2.20's {@code create_reply}: an announce.c request at {@code p[off..off+len)},
   * direct from {@code source} ({@code sendback} null: answered to it over UDP) or forwarded by
   * {@code source} with {@code sendback} (answered as {@code 0x92 ‖ sendback ‖ response} to the
   * forwarder). docs/protocol.md 13.8.
   */
  private Outcome dhtAnnounce(
      byte[] p, int off, int len, IpPort source, byte @Nullable [] sendback, long now) {
    int type = p[off] & 0xFF;
    if (type != 0x93 && type != 0x95 && type != 0x97) {
      return Outcome.BAD_INNER_ID;
    }
    int plainLen = len - ENVELOPE;
    if (plainLen < Long.BYTES + PublicKey.SIZE || len > ForwardRequest.MAX_DATA) {
      return Outcome.MALFORMED;
    }
    if (sendback != null && sendback.length > MAX_SENDBACK) {
      return Outcome.MALFORMED;
    }
    SharedKey k = sharedKey(p, off + 1);
    if (k == null) {
      return Outcome.UNAUTHENTIC;
    }
    int nonceAt = off + 1 + PublicKey.SIZE;
    byte[] nonce = Arrays.copyOfRange(p, nonceAt, nonceAt + Nonce.SIZE);
    byte[] buf = Arrays.copyOfRange(p, nonceAt + Nonce.SIZE, off + len);
    if (!box.openInPlace(k, nonce, buf, 0, buf.length)) {
      return Outcome.UNAUTHENTIC;
    }
    byte[] plain = Arrays.copyOfRange(buf, CryptoBox.MAC_SIZE, buf.length);
    int dataLen = plain.length - Long.BYTES;
    byte[] requester = Arrays.copyOfRange(p, off + 1, off + 1 + PublicKey.SIZE);
    byte[] dataKey = Arrays.copyOf(plain, PublicKey.SIZE);
    byte[] toAuth = searchAuthInput(dataKey, requester, source, sendback);
    Reply r =
        switch (type) {
          case 0x93 -> dataSearch(plain, dataLen, source, toAuth, now);
          case 0x95 -> dataRetrieve(plain, dataLen, toAuth, now);
          default -> storeAnnounce(plain, dataLen, toAuth, now);
        };
    if (r.plain() == null) {
      return Objects.requireNonNull(r.refused()); // Reply.no gives the reason
    }
    byte[] replyPlain = Arrays.copyOf(r.plain(), r.plain().length + Long.BYTES);
    System.arraycopy(plain, dataLen, replyPlain, r.plain().length, Long.BYTES);
    byte[] respNonce = Nonce.random().toArray();
    byte[] resp = new byte[ENVELOPE + replyPlain.length];
    if (resp.length > ForwardRequest.MAX_DATA) {
      return Outcome.MALFORMED;
    }
    resp[0] = (byte) (type + 1);
    identity.publicKey().copyTo(resp, 1);
    System.arraycopy(respNonce, 0, resp, 1 + PublicKey.SIZE, Nonce.SIZE);
    int tagAt = 1 + PublicKey.SIZE + Nonce.SIZE;
    System.arraycopy(replyPlain, 0, resp, tagAt + CryptoBox.MAC_SIZE, replyPlain.length);
    box.sealInPlace(k, respNonce, resp, tagAt, replyPlain.length);
    if (sendback == null) {
      out.udp(resp, source);
    } else {
      byte[] d = new byte[2 + sendback.length + resp.length];
      d[0] = (byte) 0x92;
      d[1] = (byte) sendback.length;
      System.arraycopy(sendback, 0, d, 2, sendback.length);
      System.arraycopy(resp, 0, d, 2 + sendback.length, resp.length);
      out.udp(d, source);
    }
    return Outcome.ANSWERED;
  }

  /** What the search token authenticates: data key ‖ requester ‖ packed source ‖ sendback. */
  private static byte[] searchAuthInput(
      byte[] dataKey, byte[] requester, IpPort source, byte @Nullable [] sendback) {
    int sb = sendback == null ? 0 : sendback.length;
    ByteBuf b = Unpooled.buffer(2 * PublicKey.SIZE + source.packedLength() + sb);
    try {
      b.writeBytes(dataKey).writeBytes(requester);
      source.writePacked(b);
      if (sendback != null) {
        b.writeBytes(sendback);
      }
      byte[] a = new byte[b.readableBytes()];
      b.readBytes(a);
      return a;
    } finally {
      b.release();
    }
  }

  private byte[] searchToken(byte[] toAuth, long window) {
    byte[] t = new byte[8];
    ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN).putLong(window);
    searchMac.update(t);
    searchMac.update(toAuth);
    return searchMac.doFinal();
  }

  private boolean validToken(byte[] toAuth, byte[] given, long now) {
    long window = now / DATA_SEARCH_WINDOW_MILLIS;
    return MessageDigest.isEqual(given, searchToken(toAuth, window))
        || MessageDigest.isEqual(given, searchToken(toAuth, window - 1));
  }

  private static byte[] sha256(byte[] data) {
    return HmacSha256.sha256().digest(data);
  }

  /**
   * 0x93: data key [‖ hash of the reply the requester already has]. Reply: data key ‖ stored (1) [‖
   * SHA-256 of the stored announcement] ‖ token (32) ‖ would accept a store (1) ‖ node count (1) ‖
   * up to 4 packed nodes; or the data key alone if the hash matches that reply.
   */
  private Reply dataSearch(byte[] plain, int dataLen, IpPort source, byte[] toAuth, long now) {
    if (dataLen != PublicKey.SIZE && dataLen != PublicKey.SIZE + SHA256) {
      return Reply.no(Outcome.MALFORMED);
    }
    byte[] dataKey = Arrays.copyOf(plain, PublicKey.SIZE);
    DhtAnnounceStore.Entry stored = dhtStore.get(dataKey, now);
    List<PackedNode> nodes =
        dht.closestAnnounceNodes(PublicKey.of(dataKey.clone()), OnionSizes.MAX_SENT_NODES).stream()
            .filter(n -> !n.tcp())
            .limit(OnionSizes.MAX_SENT_NODES)
            .toList();
    ByteBuf b = Unpooled.buffer(PublicKey.SIZE + 1 + SHA256 + TIMED_AUTH + 2 + 4 * 51);
    try {
      b.writeBytes(dataKey);
      if (stored == null) {
        b.writeByte(0);
      } else {
        b.writeByte(1).writeBytes(sha256(stored.data));
      }
      b.writeBytes(searchToken(toAuth, now / DATA_SEARCH_WINDOW_MILLIS));
      b.writeByte(dhtStore.wouldAccept(dataKey, now) ? 1 : 0);
      b.writeByte(nodes.size());
      PackedNode.writeAll(b, nodes);
      byte[] reply = new byte[b.readableBytes()];
      b.readBytes(reply);
      if (dataLen == PublicKey.SIZE + SHA256
          && MessageDigest.isEqual(
              sha256(reply), Arrays.copyOfRange(plain, PublicKey.SIZE, PublicKey.SIZE + SHA256))) {
        return Reply.of(dataKey); // nothing changed since the requester's last search
      }
      return Reply.of(reply);
    } finally {
      b.release();
    }
  }

  /** 0x95: data key ‖ 0 ‖ token. Reply: data key ‖ 1 ‖ the stored announcement. */
  private Reply dataRetrieve(byte[] plain, int dataLen, byte[] toAuth, long now) {
    if (dataLen != PublicKey.SIZE + 1 + TIMED_AUTH || plain[PublicKey.SIZE] != 0) {
      return Reply.no(Outcome.MALFORMED);
    }
    byte[] token = Arrays.copyOfRange(plain, PublicKey.SIZE + 1, dataLen);
    if (!validToken(toAuth, token, now)) {
      return Reply.no(Outcome.UNAUTHENTIC);
    }
    DhtAnnounceStore.Entry e = dhtStore.get(Arrays.copyOf(plain, PublicKey.SIZE), now);
    if (e == null) {
      return Reply.no(Outcome.UNKNOWN_DESTINATION);
    }
    byte[] reply = new byte[PublicKey.SIZE + 1 + e.data.length];
    System.arraycopy(plain, 0, reply, 0, PublicKey.SIZE);
    reply[PublicKey.SIZE] = 1;
    System.arraycopy(e.data, 0, reply, PublicKey.SIZE + 1, e.data.length);
    return Reply.of(reply);
  }

  /**
   * 0x97: data key ‖ nonce ‖ box(beforenm(data key, our key), token ‖ timeout (u32 BE) ‖ type ‖
   * announcement), type 0 = store the announcement, 1 = renew, the announcement being the SHA-256
   * of the stored one (a mismatch deletes it). Reply: data key ‖ granted timeout (u32 BE) ‖ our
   * clock in seconds (u64 BE).
   */
  private Reply storeAnnounce(byte[] plain, int dataLen, byte[] toAuth, long now) {
    int innerLen = dataLen - (PublicKey.SIZE + Nonce.SIZE + CryptoBox.MAC_SIZE);
    int announcementLen = innerLen - (TIMED_AUTH + Integer.BYTES + 1);
    if (announcementLen < 0) {
      return Reply.no(Outcome.MALFORMED);
    }
    SharedKey dk = sharedKey(plain, 0);
    if (dk == null) {
      return Reply.no(Outcome.UNAUTHENTIC);
    }
    byte[] nonce = Arrays.copyOfRange(plain, PublicKey.SIZE, PublicKey.SIZE + Nonce.SIZE);
    byte[] buf = Arrays.copyOfRange(plain, PublicKey.SIZE + Nonce.SIZE, dataLen);
    if (!box.openInPlace(dk, nonce, buf, 0, buf.length)) {
      return Reply.no(Outcome.UNAUTHENTIC);
    }
    int at = CryptoBox.MAC_SIZE;
    byte[] token = Arrays.copyOfRange(buf, at, at + TIMED_AUTH);
    long requested = ByteBuffer.wrap(buf, at + TIMED_AUTH, 4).getInt() & 0xFFFF_FFFFL;
    int kind = buf[at + TIMED_AUTH + 4] & 0xFF;
    int annAt = at + TIMED_AUTH + 5;
    if (!validToken(toAuth, token, now)) {
      return Reply.no(Outcome.UNAUTHENTIC);
    }
    byte[] dataKey = Arrays.copyOf(plain, PublicKey.SIZE);
    long granted = dhtStore.grantedSeconds(requested, now);
    if (kind > 1) {
      return Reply.no(Outcome.MALFORMED);
    }
    if (kind == 1) {
      if (announcementLen != SHA256) {
        return Reply.no(Outcome.MALFORMED);
      }
      DhtAnnounceStore.Entry e = dhtStore.get(dataKey, now);
      if (e == null) {
        return Reply.no(Outcome.UNKNOWN_DESTINATION);
      }
      if (!MessageDigest.isEqual(sha256(e.data), Arrays.copyOfRange(buf, annAt, annAt + SHA256))) {
        e.storeUntil = Long.MIN_VALUE; // c-toxcore deletes an entry renewed with a wrong hash
        return Reply.no(Outcome.UNAUTHENTIC);
      }
      e.storeUntil = now + granted * 1000;
    } else if (!dhtStore.store(
        dataKey, Arrays.copyOfRange(buf, annAt, annAt + announcementLen), granted, now)) {
      return Reply.no(Outcome.REFUSED);
    }
    byte[] reply = new byte[PublicKey.SIZE + Integer.BYTES + Long.BYTES];
    System.arraycopy(dataKey, 0, reply, 0, PublicKey.SIZE);
    ByteBuffer.wrap(reply, PublicKey.SIZE, 12).putInt((int) granted).putLong(now / 1000);
    return Reply.of(reply);
  }
}
