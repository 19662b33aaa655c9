package org.toxreactive.friend;

/**
 * The real DHT and onion layers: adapters over {@code org.toxreactive.dht.DhtClient} and {@code
 * org.toxreactive.onion.OnionClient}.
 */
final class Clients {
  private Clients() {}

  /** The layers a {@link ToxNode} gets unless a test gives its own. */
  static ToxNode.Layers layers() {
    return new ToxNode.Layers(
        ctx -> ctx.demux() == null ? null : new DhtAdapter(ctx),
        (ctx, dht) -> new OnionAdapter(ctx, dht, ctx.nospam()));
  }
}
