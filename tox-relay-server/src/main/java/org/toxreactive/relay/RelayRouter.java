package org.toxreactive.relay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.PublicKey;
import org.toxreactive.transport.tcp.RelayProtocol;
import org.toxreactive.transport.tcp.packet.ConnectNotification;
import org.toxreactive.transport.tcp.packet.Data;
import org.toxreactive.transport.tcp.packet.DisconnectNotification;
import org.toxreactive.transport.tcp.packet.ForwardRequest;
import org.toxreactive.transport.tcp.packet.Forwarding;
import org.toxreactive.transport.tcp.packet.OnionRequest;
import org.toxreactive.transport.tcp.packet.OnionResponse;
import org.toxreactive.transport.tcp.packet.OobRecv;
import org.toxreactive.transport.tcp.packet.OobSend;
import org.toxreactive.transport.tcp.packet.Ping;
import org.toxreactive.transport.tcp.packet.Pong;
import org.toxreactive.transport.tcp.packet.RelayPacket;
import org.toxreactive.transport.tcp.packet.RelayPacketHandler;
import org.toxreactive.transport.tcp.packet.RoutingRequest;
import org.toxreactive.transport.tcp.packet.RoutingResponse;

/**
 * The relay's routing rules as a pure state machine: no sockets, no threads, no clocks. The I/O
 * layer feeds it confirmed clients, their packets and the time; it answers through {@link Output}.
 * Every rule of docs/protocol.md 2.5 lives here.
 *
 * <pre>{@code
 * RelayRouter<Channel> router = new RelayRouter<>(output);
 * RelayRouter.Client<Channel> c = router.confirm(channel, clientKey, now);
 * router.handle(c, packet, now);   // routing, data, OOB, ping/pong, disconnects
 * router.tick(now);                // every second: keepalive pings and ping timeouts
 * router.disconnected(c);          // the link closed
 * }</pre>
 *
 * <p>Single writer: all calls must come from one thread (the server gives the router its own event
 * loop). {@code C} is the I/O layer's handle for a client (its channel, say).
 */
public final class RelayRouter<C> {
  /** Routing slots per client; connection id = 16 + slot. */
  static final int SLOTS = RelayProtocol.NUM_CLIENT_CONNECTIONS;

  private static final byte FREE = 0;
  private static final byte REQUESTED = 1;
  private static final byte ONLINE = 2;

  /** What the router asks the I/O layer to do. Called synchronously from router methods. */
  public interface Output<C> {
    /**
     * Send {@code packet} to {@code client} (priority by packet kind: control is never dropped).
     *
     * @param client the receiving client's handle
     * @param packet the packet to encode and write
     */
    void send(C client, RelayPacket packet);

    /**
     * Close {@code client}'s link; the router has already forgotten it and told its peers.
     *
     * @param client the client's handle
     * @param reason why, for the kill counters and the log
     */
    void kill(C client, KillReason reason);

    /**
     * A packet from {@code from} that the router discarded because its destination is not online:
     * data on a route whose peer has not connected (or has left), or an OOB send to a key that is
     * not connected. Such packets are silently dropped, as c-toxcore does; this is for counting.
     *
     * @param from the sending client's handle
     * @param packet the packet dropped
     */
    default void discarded(C from, RelayPacket packet) {}

    /**
     * An onion request (id 8) from a confirmed client, for the UDP bridge.
     *
     * @param client the sender
     * @param request the onion request, to go out on UDP
     */
    default void onionRequest(Client<C> client, OnionRequest request) {}

    /**
     * A forward request (id 10) from a confirmed client. Return false if forwarding is disabled:
     * the client is then killed, as c-toxcore does.
     *
     * @param client the sender
     * @param request the forward request, to go out on UDP
     * @return true if it was taken (forwarding enabled), false to kill the client
     */
    default boolean forwardRequest(Client<C> client, ForwardRequest request) {
      return false;
    }
  }

  private static final byte[] NO_BYTES = new byte[0];
  private static final PublicKey[] NO_KEYS = new PublicKey[0];
  private static final Client<?>[] NO_PEERS = new Client<?>[0];

  /** A confirmed client as the router sees it. Only the router mutates it. */
  public static final class Client<C> {
    private final C handle;
    private final PublicKey key;
    private final long id;

    // The slot arrays grow on demand (to at most SLOTS): slots at or past their length are FREE.
    // Most clients route to a few peers, if any; four full-size arrays were 2.4 KB per client.
    private byte[] state = NO_BYTES;
    private PublicKey[] peerKey = NO_KEYS;

    @SuppressWarnings("unchecked")
    private Client<C>[] peer = (Client<C>[]) NO_PEERS;

    private byte[] peerSlot = NO_BYTES;
    private long lastPingAt;
    private long pendingPingId;
    private boolean alive = true;

    private Client(C handle, PublicKey key, long id, long now) {
      this.handle = handle;
      this.key = key;
      this.id = id;
      this.lastPingAt = now;
    }

    /**
     * The I/O layer's handle of this client (its channel).
     *
     * @return the handle given to {@link RelayRouter#confirm}
     */
    public C handle() {
      return handle;
    }

    /**
     * The client's public key, as proven by its handshake.
     *
     * @return the key
     */
    public PublicKey key() {
      return key;
    }

    /**
     * A number unique to this confirmed link for the router's lifetime (never reused).
     *
     * @return the id, 1 or more
     */
    public long id() {
      return id;
    }

    /**
     * Whether the router still holds this client (false once it disconnected or was killed).
     *
     * @return true until then
     */
    public boolean isAlive() {
      return alive;
    }

    private byte stateAt(int slot) {
      return slot < state.length ? state[slot] : FREE;
    }

    /** Makes slot {@code slot} (< SLOTS) addressable in every slot array. */
    private void ensureSlot(int slot) {
      if (slot < state.length) {
        return;
      }
      int n = Math.min(SLOTS, Math.max(Math.max(4, 2 * state.length), slot + 1));
      state = java.util.Arrays.copyOf(state, n);
      peerKey = java.util.Arrays.copyOf(peerKey, n);
      peer = java.util.Arrays.copyOf(peer, n);
      peerSlot = java.util.Arrays.copyOf(peerSlot, n);
    }

    /**
     * Number of slots in use (requested or online).
     *
     * @return 0 to 240
     */
    public int routes() {
      int n = 0;
      for (byte s : state) {
        if (s != FREE) {
          n++;
        }
      }
      return n;
    }

    @Override
    public String toString() {
      return "Client[" + id + " " + key.toHex().substring(0, 8) + "]";
    }
  }

  private final Output<C> out;
  private final Map<PublicKey, Client<C>> byKey = new HashMap<>();
  private final Map<Long, Client<C>> byId = new HashMap<>();
  private final Timers timers;
  private long nextId = 1;

  /**
   * Keepalive timing in milliseconds.
   *
   * @param pingIntervalMillis from confirmation or the last pong to the next ping
   * @param pingTimeoutMillis how long a ping may go without its pong before the client is killed
   */
  public record Timers(long pingIntervalMillis, long pingTimeoutMillis) {}

  /**
   * A router with c-toxcore's keepalive timing (ping every 30 s, 10 s for the pong).
   *
   * @param out where the router's decisions go; called on the router's thread
   */
  public RelayRouter(Output<C> out) {
    this(
        out,
        new Timers(RelayProtocol.PING_INTERVAL.toMillis(), RelayProtocol.PING_TIMEOUT.toMillis()));
  }

  /**
   * A router with the given keepalive timing (tests shorten it).
   *
   * @param out where the router's decisions go; called on the router's thread
   * @param timers keepalive timing
   */
  public RelayRouter(Output<C> out, Timers timers) {
    this.out = out;
    this.timers = timers;
  }

  /**
   * Confirmed clients.
   *
   * @return how many clients are confirmed now
   */
  public int clientCount() {
    return byKey.size();
  }

  /**
   * The confirmed client with {@code key}, or null.
   *
   * @param key a client's public key
   * @return the client, or null if no confirmed client has that key
   */
  public @Nullable Client<C> client(PublicKey key) {
    return byKey.get(key);
  }

  /**
   * The live client with router id {@code id} (see {@link Client#id()}), or null.
   *
   * @param id a router id
   * @return the client, or null if none is live with that id
   */
  public @Nullable Client<C> client(long id) {
    return byId.get(id);
  }

  /**
   * A link's first valid frame arrived: the client becomes confirmed (and routable). An older
   * confirmed link with the same key is killed first ({@link KillReason#DUPLICATE_KEY}).
   *
   * @param handle the I/O layer's handle of the link
   * @param key the public key the handshake proved
   * @param now the router clock, in milliseconds
   * @return the confirmed client, to pass to the router's other methods
   */
  public Client<C> confirm(C handle, PublicKey key, long now) {
    Client<C> old = byKey.get(key);
    if (old != null) {
      kill(old, KillReason.DUPLICATE_KEY);
    }
    Client<C> c = new Client<>(handle, key, nextId++, now);
    byKey.put(key, c);
    byId.put(c.id, c);
    return c;
  }

  /**
   * The client's link closed (for any reason). Idempotent.
   *
   * @param c the client whose link closed
   */
  public void disconnected(Client<C> c) {
    if (c.alive) {
      forget(c);
    }
  }

  /**
   * Ends a client's link: its online peers get disconnect notifications.
   *
   * @param c the client to end
   * @param reason why, passed on to {@link Output#kill}
   */
  public void kill(Client<C> c, KillReason reason) {
    if (!c.alive) {
      return;
    }
    forget(c);
    out.kill(c.handle, reason);
  }

  /**
   * Kills every client (shutdown).
   *
   * @param reason the reason every kill is recorded with
   */
  public void killAll(KillReason reason) {
    for (Client<C> c : new ArrayList<>(byKey.values())) {
      kill(c, reason);
    }
  }

  private void forget(Client<C> c) {
    c.alive = false;
    byId.remove(c.id);
    if (byKey.get(c.key) == c) {
      byKey.remove(c.key);
    }
    for (int s = 0; s < c.state.length; s++) {
      if (c.state[s] == ONLINE) {
        Client<C> p = c.peer[s];
        int ps = c.peerSlot[s];
        p.state[ps] = REQUESTED;
        p.peer[ps] = null;
        out.send(p.handle, new DisconnectNotification(ps + RelayProtocol.NUM_RESERVED_IDS));
      }
      c.state[s] = FREE;
      c.peer[s] = null;
      c.peerKey[s] = null;
    }
  }

  /**
   * One packet from a confirmed client.
   *
   * @param c the sender
   * @param packet the decoded packet
   * @param now the router clock, in milliseconds
   */
  public void handle(Client<C> c, RelayPacket packet, long now) {
    if (!c.alive) {
      return;
    }
    packet.dispatch(inbound, c);
  }

  /** What the relay does with each packet kind from a confirmed client. */
  private final RelayPacketHandler<Client<C>> inbound =
      new RelayPacketHandler<>() {
        @Override
        public void data(Data d, Client<C> c) {
          onData(c, d);
        }

        @Override
        public void routingRequest(RoutingRequest r, Client<C> c) {
          onRoutingRequest(c, r.peer());
        }

        @Override
        public void disconnectNotification(DisconnectNotification d, Client<C> c) {
          onDisconnect(c, d.connectionId());
        }

        @Override
        public void ping(Ping ping, Client<C> c) {
          out.send(c.handle, new Pong(ping.pingId()));
        }

        @Override
        public void pong(Pong pong, Client<C> c) {
          long id = pong.pingId();
          if (id == 0) {
            kill(c, KillReason.ZERO_PONG);
          } else if (id == c.pendingPingId) {
            c.pendingPingId = 0;
          }
        }

        @Override
        public void oobSend(OobSend o, Client<C> c) {
          Client<C> dest = byKey.get(o.destination());
          if (dest != null) {
            out.send(dest.handle, new OobRecv(c.key, o.data()));
          } else {
            out.discarded(c.handle, o);
          }
        }

        @Override
        public void onionRequest(OnionRequest o, Client<C> c) {
          out.onionRequest(c, o);
        }

        @Override
        public void forwardRequest(ForwardRequest f, Client<C> c) {
          if (!out.forwardRequest(c, f)) {
            kill(c, KillReason.FORBIDDEN_PACKET);
          }
        }

        @Override
        public void connectNotification(ConnectNotification n, Client<C> c) {
          // accepted and ignored, as c-toxcore does
        }

        // what only relays send: a client that sends it is killed

        @Override
        public void routingResponse(RoutingResponse packet, Client<C> c) {
          kill(c, KillReason.FORBIDDEN_PACKET);
        }

        @Override
        public void oobRecv(OobRecv packet, Client<C> c) {
          kill(c, KillReason.FORBIDDEN_PACKET);
        }

        @Override
        public void onionResponse(OnionResponse packet, Client<C> c) {
          kill(c, KillReason.FORBIDDEN_PACKET);
        }

        @Override
        public void forwarding(Forwarding packet, Client<C> c) {
          kill(c, KillReason.FORBIDDEN_PACKET);
        }
      };

  private void onRoutingRequest(Client<C> c, PublicKey target) {
    if (target.equals(c.key)) {
      out.send(c.handle, RoutingResponse.refused(target));
      return;
    }
    int free = -1;
    for (int s = 0; s < c.state.length; s++) {
      if (c.state[s] != FREE && target.equals(c.peerKey[s])) {
        out.send(c.handle, new RoutingResponse(s + RelayProtocol.NUM_RESERVED_IDS, target));
        return;
      }
      if (free < 0 && c.state[s] == FREE) {
        free = s;
      }
    }
    if (free < 0 && c.state.length < SLOTS) {
      free = c.state.length; // the lowest free slot: every slot past the arrays is free
    }
    if (free < 0) {
      out.send(c.handle, RoutingResponse.refused(target));
      return;
    }
    c.ensureSlot(free);
    c.state[free] = REQUESTED;
    c.peerKey[free] = target;
    out.send(c.handle, new RoutingResponse(free + RelayProtocol.NUM_RESERVED_IDS, target));

    Client<C> other = byKey.get(target);
    if (other == null) {
      return;
    }
    for (int s = 0; s < other.state.length; s++) {
      if (other.state[s] == REQUESTED && c.key.equals(other.peerKey[s])) {
        c.state[free] = ONLINE;
        c.peer[free] = other;
        c.peerSlot[free] = (byte) s;
        other.state[s] = ONLINE;
        other.peer[s] = c;
        other.peerSlot[s] = (byte) free;
        out.send(c.handle, new ConnectNotification(free + RelayProtocol.NUM_RESERVED_IDS));
        out.send(other.handle, new ConnectNotification(s + RelayProtocol.NUM_RESERVED_IDS));
        return;
      }
    }
  }

  private void onDisconnect(Client<C> c, int connectionId) {
    int s = connectionId - RelayProtocol.NUM_RESERVED_IDS;
    if (s < 0 || c.stateAt(s) == FREE) {
      kill(c, KillReason.BAD_DISCONNECT);
      return;
    }
    if (c.state[s] == ONLINE) {
      Client<C> p = c.peer[s];
      int ps = c.peerSlot[s];
      p.state[ps] = REQUESTED;
      p.peer[ps] = null;
      out.send(p.handle, new DisconnectNotification(ps + RelayProtocol.NUM_RESERVED_IDS));
    }
    c.state[s] = FREE;
    c.peer[s] = null;
    c.peerKey[s] = null;
  }

  private void onData(Client<C> c, Data d) {
    int s = d.connectionId() - RelayProtocol.NUM_RESERVED_IDS;
    byte st = s < 0 ? FREE : c.stateAt(s);
    if (st == FREE) {
      kill(c, KillReason.UNKNOWN_CONNECTION_ID);
    } else if (st == ONLINE) {
      int peerId = (c.peerSlot[s] & 0xFF) + RelayProtocol.NUM_RESERVED_IDS;
      // Data is immutable: when the peer knows the pair by the same id, the packet goes on as it
      // came (no copy per packet); otherwise a new one carries the peer's id and the same payload.
      out.send(c.peer[s].handle, peerId == d.connectionId() ? d : new Data(peerId, d.payload()));
    } else {
      out.discarded(c.handle, d); // REQUESTED: the peer is not online
    }
  }

  /**
   * Keepalive, to be called about once a second: pings each client 30 s after its confirmation or
   * its last ping, and kills it if a ping has gone 10 s without its pong.
   *
   * @param now the router clock, in milliseconds
   */
  public void tick(long now) {
    List<Client<C>> timedOut = null;
    for (Client<C> c : byKey.values()) {
      long since = now - c.lastPingAt;
      if (c.pendingPingId != 0) {
        if (since >= timers.pingTimeoutMillis()) {
          if (timedOut == null) {
            timedOut = new ArrayList<>();
          }
          timedOut.add(c);
        }
      } else if (since >= timers.pingIntervalMillis()) {
        long id;
        do {
          id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        c.pendingPingId = id;
        c.lastPingAt = now;
        out.send(c.handle, new Ping(id));
      }
    }
    if (timedOut != null) {
      for (Client<C> c : timedOut) {
        kill(c, KillReason.PING_TIMEOUT);
      }
    }
  }
}
