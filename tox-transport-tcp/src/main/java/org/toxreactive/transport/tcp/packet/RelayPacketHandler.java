package org.toxreactive.transport.tcp.packet;

/**
 * One method per relay packet kind, called by {@link RelayPacket#dispatch}. Every place that acts
 * on relay packets (the relay router, the client session) implements it, so a packet kind added to
 * {@link RelayPacket} does not compile until each of them says what it does with it: there is no
 * {@code else} branch that silently kills a peer.
 *
 * <pre>{@code
 * packet.dispatch(handler, client); // calls handler.ping(ping, client) for a Ping
 * }</pre>
 *
 * @param <A> the context passed through, e.g. the client the packet came from
 */
public interface RelayPacketHandler<A> {
  /**
   * Handles a {@link RoutingRequest} (routing request).
   *
   * @param packet the decoded packet
   * @param arg the context given to {@link RelayPacket#dispatch}
   */
  void routingRequest(RoutingRequest packet, A arg);

  /**
   * Handles a {@link RoutingResponse} (routing response).
   *
   * @param packet the decoded packet
   * @param arg the context given to {@link RelayPacket#dispatch}
   */
  void routingResponse(RoutingResponse packet, A arg);

  /**
   * Handles a {@link ConnectNotification} (connect notification).
   *
   * @param packet the decoded packet
   * @param arg the context given to {@link RelayPacket#dispatch}
   */
  void connectNotification(ConnectNotification packet, A arg);

  /**
   * Handles a {@link DisconnectNotification} (disconnect notification).
   *
   * @param packet the decoded packet
   * @param arg the context given to {@link RelayPacket#dispatch}
   */
  void disconnectNotification(DisconnectNotification packet, A arg);

  /**
   * Handles a {@link Ping} (ping).
   *
   * @param packet the decoded packet
   * @param arg the context given to {@link RelayPacket#dispatch}
   */
  void ping(Ping packet, A arg);

  /**
   * Handles a {@link Pong} (pong).
   *
   * @param packet the decoded packet
   * @param arg the context given to {@link RelayPacket#dispatch}
   */
  void pong(Pong packet, A arg);

  /**
   * Handles a {@link OobSend} (oob send).
   *
   * @param packet the decoded packet
   * @param arg the context given to {@link RelayPacket#dispatch}
   */
  void oobSend(OobSend packet, A arg);

  /**
   * Handles a {@link OobRecv} (oob recv).
   *
   * @param packet the decoded packet
   * @param arg the context given to {@link RelayPacket#dispatch}
   */
  void oobRecv(OobRecv packet, A arg);

  /**
   * Handles a {@link OnionRequest} (onion request).
   *
   * @param packet the decoded packet
   * @param arg the context given to {@link RelayPacket#dispatch}
   */
  void onionRequest(OnionRequest packet, A arg);

  /**
   * Handles a {@link OnionResponse} (onion response).
   *
   * @param packet the decoded packet
   * @param arg the context given to {@link RelayPacket#dispatch}
   */
  void onionResponse(OnionResponse packet, A arg);

  /**
   * Handles a {@link ForwardRequest} (forward request).
   *
   * @param packet the decoded packet
   * @param arg the context given to {@link RelayPacket#dispatch}
   */
  void forwardRequest(ForwardRequest packet, A arg);

  /**
   * Handles a {@link Forwarding} (forwarding).
   *
   * @param packet the decoded packet
   * @param arg the context given to {@link RelayPacket#dispatch}
   */
  void forwarding(Forwarding packet, A arg);

  /**
   * Handles a {@link Data} (data).
   *
   * @param packet the decoded packet
   * @param arg the context given to {@link RelayPacket#dispatch}
   */
  void data(Data packet, A arg);
}
