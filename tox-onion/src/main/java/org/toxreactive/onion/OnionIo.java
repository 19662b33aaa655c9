package org.toxreactive.onion;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import reactor.core.publisher.Flux;

/**
 * How an {@link OnionClient} reaches the onion (docs/protocol.md 13.10): over UDP (the shared
 * socket: inbound already filtered to the onion client's packets, 0x84, 0x86 and 0x88, and the
 * transport to send on), over TCP relays (relay packets 8 and 9), or both. With both, UDP paths are
 * used while the DHT is connected and relay paths otherwise, as c-toxcore does.
 *
 * <pre>{@code
 * OnionIo udp = OnionIo.udp(demux.view(0x84, 0x86, 0x88), udpTransport);
 * OnionIo tcp = OnionIo.tcp(OnionIo.relays(
 *     pool::connectedRelays, pool::sendOnionRequest,
 *     pool.onionResponses().map(r -> new OnionIo.RelayResponse(r.relay(), r.packet()))));
 * }</pre>
 *
 * @param udpInbound the UDP datagrams for the onion client, or null without UDP
 * @param udpOut where UDP datagrams go ({@code PacketTransport.offer(Path.udp(..), bytes)}), or
 *     null
 * @param relays the TCP relays to build paths through, or null without TCP
 */
public record OnionIo(
    @Nullable Flux<Datagram> udpInbound,
    @Nullable PacketTransport udpOut,
    @Nullable Relays relays) {
  /** An onion response (relay packet 9) and the relay it came from. */
  public record RelayResponse(PublicKey relay, Bytes packet) {
    /**
     * Checks that nothing is null.
     *
     * @param relay the relay's key
     * @param packet the inner onion packet (0x84, 0x86 or 0x88 first)
     */
    public RelayResponse {
      Objects.requireNonNull(relay, "relay is null");
      Objects.requireNonNull(packet, "packet is null");
    }
  }

  /** Sends relay packet 8 through one relay. */
  @FunctionalInterface
  public interface RelaySender {
    /**
     * Sends an onion request (relay packet 8) through {@code relay}, acting as onion node 1.
     *
     * @param relay a connected relay's key
     * @param nonce the onion nonce
     * @param payload the hop-1 plaintext ({@link OnionPath#wrapForRelay})
     * @return false if it was refused at once (relay not connected, backed up)
     */
    boolean send(PublicKey relay, Nonce nonce, Bytes payload);
  }

  /** The TCP relay side: which relays are up, how to send packet 8, and the packet 9 stream. */
  public interface Relays {
    /**
     * The relays whose link is up now.
     *
     * @return their keys
     */
    List<PublicKey> connected();

    /**
     * See {@link RelaySender#send}.
     *
     * @param relay a connected relay's key
     * @param nonce the onion nonce
     * @param payload the hop-1 plaintext
     * @return false if refused at once
     */
    boolean sendOnionRequest(PublicKey relay, Nonce nonce, Bytes payload);

    /**
     * Onion responses from every relay, hot.
     *
     * @return the responses
     */
    Flux<RelayResponse> responses();
  }

  /**
   * Checks that at least one way is given, and UDP completely.
   *
   * @param udpInbound the UDP datagrams, or null
   * @param udpOut the UDP transport, or null
   * @param relays the relays, or null
   */
  public OnionIo {
    if ((udpInbound == null) != (udpOut == null)) {
      throw new IllegalArgumentException("UDP needs both the inbound flux and the transport");
    }
    if (udpOut == null && relays == null) {
      throw new IllegalArgumentException("an onion client needs UDP, TCP relays or both");
    }
  }

  /**
   * UDP only.
   *
   * @param inbound datagrams for the onion client
   * @param out the shared UDP transport
   * @return the I/O
   */
  public static OnionIo udp(Flux<Datagram> inbound, PacketTransport out) {
    Objects.requireNonNull(inbound, "inbound is null");
    Objects.requireNonNull(out, "out is null");
    return new OnionIo(inbound, out, null);
  }

  /**
   * TCP relays only (UDP off).
   *
   * @param relays the relays
   * @return the I/O
   */
  public static OnionIo tcp(Relays relays) {
    Objects.requireNonNull(relays, "relays is null");
    return new OnionIo(null, null, relays);
  }

  /**
   * Both.
   *
   * @param inbound datagrams for the onion client
   * @param out the shared UDP transport
   * @param relays the relays
   * @return the I/O
   */
  public static OnionIo both(Flux<Datagram> inbound, PacketTransport out, Relays relays) {
    Objects.requireNonNull(inbound, "inbound is null");
    Objects.requireNonNull(out, "out is null");
    Objects.requireNonNull(relays, "relays is null");
    return new OnionIo(inbound, out, relays);
  }

  /**
   * Relays from three parts, e.g. a {@code RelayPool}'s {@code connectedRelays}, {@code
   * sendOnionRequest} and {@code onionResponses}.
   *
   * @param connected the relays up now
   * @param sender sends packet 8
   * @param responses packet 9 from every relay, hot
   * @return the relays
   */
  public static Relays relays(
      Supplier<List<PublicKey>> connected, RelaySender sender, Flux<RelayResponse> responses) {
    Objects.requireNonNull(connected, "connected is null");
    Objects.requireNonNull(sender, "sender is null");
    Objects.requireNonNull(responses, "responses is null");
    return new Relays() {
      @Override
      public List<PublicKey> connected() {
        return connected.get();
      }

      @Override
      public boolean sendOnionRequest(PublicKey relay, Nonce nonce, Bytes payload) {
        return sender.send(relay, nonce, payload);
      }

      @Override
      public Flux<RelayResponse> responses() {
        return responses;
      }
    };
  }
}
