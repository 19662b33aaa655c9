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
  void routingRequest(RoutingRequest packet, A arg);

  void routingResponse(RoutingResponse packet, A arg);

  void connectNotification(ConnectNotification packet, A arg);

  void disconnectNotification(DisconnectNotification packet, A arg);

  void ping(Ping packet, A arg);

  void pong(Pong packet, A arg);

  void oobSend(OobSend packet, A arg);

  void oobRecv(OobRecv packet, A arg);

  void onionRequest(OnionRequest packet, A arg);

  void onionResponse(OnionResponse packet, A arg);

  void forwardRequest(ForwardRequest packet, A arg);

  void forwarding(Forwarding packet, A arg);

  void data(Data packet, A arg);
}
