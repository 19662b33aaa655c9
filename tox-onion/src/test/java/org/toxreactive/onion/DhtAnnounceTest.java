package org.toxreactive.onion;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.onion.OnionNode.Outcome;

/**
 * The announce.c requests 0x93 / 0x95 / 0x97 as c-toxcore 0.2.20 answers them, direct and forwarded
 * (docs/protocol.md 13.8), on virtual time; the requests are built here as an announce.c client
 * would.
 */
class DhtAnnounceTest {
  static final IpPort NODE = OnionNet.ip(2001);
  static final IpPort FORWARDER = OnionNet.ip(2002);
  static final IpPort ALICE = OnionNet.ip(3001);
  static final IpPort MALLORY = OnionNet.ip(3002);

  OnionNet net;
  List<PackedNode> dhtNodes;
  OnionNode node;
  KeyPair alice = KeyPair.generate();
  KeyPair data = KeyPair.generate();
  CryptoBox box = new CryptoBox();

  @BeforeEach
  void network() {
    net = new OnionNet();
    dhtNodes =
        List.of(
            PackedNode.udp(OnionNet.ip(4001), KeyPair.generate().publicKey()),
            PackedNode.udp(OnionNet.ip(4002), KeyPair.generate().publicKey()));
    net.dht = ClosestNodes.of(dhtNodes);
    node = net.add(NODE);
    net.add(FORWARDER);
  }

  PublicKey nodeKey() {
    return net.keys.get(NODE).publicKey();
  }

  /** type ‖ sender key ‖ nonce ‖ box(beforenm(node, sender), plain ‖ echo). */
  byte[] request(int type, KeyPair sender, byte[] plain, long echo) {
    SharedKey k = CryptoBox.beforenm(nodeKey(), sender.secretKey());
    byte[] msg = ByteBuffer.allocate(plain.length + 8).put(plain).putLong(echo).array();
    Nonce n = Nonce.random();
    byte[] sealed = box.seal(k, n, msg);
    return ByteBuffer.allocate(1 + 32 + 24 + sealed.length)
        .put((byte) type)
        .put(sender.publicKey().toArray())
        .put(n.toArray())
        .put(sealed)
        .array();
  }

  /** Opens a response of {@code type} from the node; returns its plaintext (echo included). */
  byte[] open(byte[] resp, int type, KeyPair receiver) {
    assertThat(resp[0] & 0xFF).isEqualTo(type);
    assertThat(Arrays.copyOfRange(resp, 1, 33)).isEqualTo(nodeKey().toArray());
    SharedKey k = CryptoBox.beforenm(nodeKey(), receiver.secretKey());
    return box.open(
        k, Nonce.of(Arrays.copyOfRange(resp, 33, 57)), Arrays.copyOfRange(resp, 57, resp.length));
  }

  /** Sends {@code req} from {@code from}; the single datagram that came back to it. */
  byte[] exchange(byte[] req, IpPort from, Outcome expected) {
    assertThat(node.onUdp(req, from, net.now)).isEqualTo(expected);
    net.run();
    List<OnionNet.Datagram> got = net.take(from);
    if (expected != Outcome.ANSWERED) {
      assertThat(got).isEmpty();
      return null;
    }
    assertThat(got).hasSize(1);
    return got.get(0).data();
  }

  static byte[] sha256(byte[] b) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(b);
  }

  static long echo(byte[] plain) {
    return ByteBuffer.wrap(plain, plain.length - 8, 8).getLong();
  }

  /** 0x97 plaintext: data key ‖ nonce ‖ box(data key → node, token ‖ timeout ‖ type ‖ body). */
  byte[] storePlain(byte[] token, long timeout, int type, byte[] body) {
    byte[] inner =
        ByteBuffer.allocate(32 + 4 + 1 + body.length)
            .put(token)
            .putInt((int) timeout)
            .put((byte) type)
            .put(body)
            .array();
    Nonce n = Nonce.random();
    byte[] sealed = box.seal(CryptoBox.beforenm(nodeKey(), data.secretKey()), n, inner);
    return ByteBuffer.allocate(32 + 24 + sealed.length)
        .put(data.publicKey().toArray())
        .put(n.toArray())
        .put(sealed)
        .array();
  }

  /** Search, store, search (hash), retrieve, renew by hash; then a wrong hash deletes. */
  @Test
  void searchStoreRetrieveAndRenewAsAnnounceCDoes() throws Exception {
    byte[] key = data.publicKey().toArray();
    // 1. search for a key nobody stored: not stored, token, would accept, the DHT's nodes
    byte[] s1 = open(exchange(request(0x93, alice, key, 77), ALICE, Outcome.ANSWERED), 0x94, alice);
    assertThat(echo(s1)).isEqualTo(77);
    assertThat(Arrays.copyOf(s1, 32)).isEqualTo(key);
    assertThat(s1[32]).as("stored").isEqualTo((byte) 0);
    byte[] token = Arrays.copyOfRange(s1, 33, 65);
    assertThat(s1[65]).as("would accept").isEqualTo((byte) 1);
    assertThat(s1[66]).as("node count").isEqualTo((byte) 2);
    var in = Unpooled.wrappedBuffer(s1, 67, s1.length - 67 - 8);
    assertThat(PackedNode.readAll(in, 2)).containsExactlyInAnyOrderElementsOf(dhtNodes);
    assertThat(in.isReadable()).isFalse();
    in.release();

    // 2. store 100 bytes for 300 s: the node has run 0 s, so it grants its minimum, 10 s
    byte[] body = new byte[100];
    new Random(7).nextBytes(body);
    byte[] st =
        open(
            exchange(
                request(0x97, alice, storePlain(token, 300, 0, body), 5), ALICE, Outcome.ANSWERED),
            0x98,
            alice);
    assertThat(Arrays.copyOf(st, 32)).isEqualTo(key);
    assertThat(ByteBuffer.wrap(st, 32, 4).getInt()).as("granted").isEqualTo(10);
    assertThat(ByteBuffer.wrap(st, 36, 8).getLong()).isEqualTo(net.now / 1000);
    assertThat(echo(st)).isEqualTo(5);
    assertThat(node.dhtAnnouncements(net.now)).isEqualTo(1);

    // 3. search again: stored, with the announcement's SHA-256
    byte[] s2 = open(exchange(request(0x93, alice, key, 1), ALICE, Outcome.ANSWERED), 0x94, alice);
    assertThat(s2[32]).isEqualTo((byte) 1);
    assertThat(Arrays.copyOfRange(s2, 33, 65)).isEqualTo(sha256(body));
    // with the hash of that very reply: only the key comes back
    byte[] reply = Arrays.copyOf(s2, s2.length - 8);
    byte[] withHash = ByteBuffer.allocate(64).put(key).put(sha256(reply)).array();
    byte[] s3 =
        open(exchange(request(0x93, alice, withHash, 2), ALICE, Outcome.ANSWERED), 0x94, alice);
    assertThat(s3).hasSize(32 + 8);

    // 4. retrieve with the token: the announcement
    byte[] tok2 = Arrays.copyOfRange(s2, 65, 97);
    byte[] ret = ByteBuffer.allocate(65).put(key).put((byte) 0).put(tok2).array();
    byte[] r = open(exchange(request(0x95, alice, ret, 3), ALICE, Outcome.ANSWERED), 0x96, alice);
    assertThat(r[32]).isEqualTo((byte) 1);
    assertThat(Arrays.copyOfRange(r, 33, r.length - 8)).isEqualTo(body);
    // the token is bound to the requester's address and key
    exchange(request(0x95, alice, ret, 3), MALLORY, Outcome.UNAUTHENTIC);
    exchange(request(0x95, KeyPair.generate(), ret, 3), ALICE, Outcome.UNAUTHENTIC);

    // 5. renew by hash after 8 s; alive after 15 s
    net.now += 8_000;
    byte[] renew = storePlain(tok2, 10, 1, sha256(body));
    open(exchange(request(0x97, alice, renew, 4), ALICE, Outcome.ANSWERED), 0x98, alice);
    net.now += 7_000;
    assertThat(node.dhtAnnouncements(net.now)).isEqualTo(1);
    // 6. a renewal with a wrong hash deletes the entry
    byte[] tok3 =
        Arrays.copyOfRange(
            open(exchange(request(0x93, alice, key, 1), ALICE, Outcome.ANSWERED), 0x94, alice),
            65,
            97);
    exchange(
        request(0x97, alice, storePlain(tok3, 10, 1, new byte[32]), 4), ALICE, Outcome.UNAUTHENTIC);
    assertThat(node.dhtAnnouncements(net.now)).isZero();
    // 7. and it times out: stored again, gone after its 10 s
    byte[] tok4 =
        Arrays.copyOfRange(
            open(exchange(request(0x93, alice, key, 1), ALICE, Outcome.ANSWERED), 0x94, alice),
            33,
            65);
    open(
        exchange(request(0x97, alice, storePlain(tok4, 10, 0, body), 4), ALICE, Outcome.ANSWERED),
        0x98,
        alice);
    net.now += 10_000;
    assertThat(node.dhtAnnouncements(net.now)).isZero();
  }

  @Test
  void theGrantedTimeoutIsAQuarterOfTheUptimeBetweenTenAndNineHundredSeconds() {
    DhtAnnounceStore s = new DhtAnnounceStore(nodeKey(), 0);
    assertThat(s.grantedSeconds(0xFFFF_FFFFL, 0)).isEqualTo(10);
    assertThat(s.grantedSeconds(0xFFFF_FFFFL, 100_000)).isEqualTo(25);
    assertThat(s.grantedSeconds(0xFFFF_FFFFL, 10_000_000)).isEqualTo(900);
    assertThat(s.grantedSeconds(7, 10_000_000)).isEqualTo(7);
  }

  @Test
  void aStoreWithAStaleOrForeignTokenIsRefused() {
    byte[] key = data.publicKey().toArray();
    byte[] s1 = open(exchange(request(0x93, alice, key, 1), ALICE, Outcome.ANSWERED), 0x94, alice);
    byte[] token = Arrays.copyOfRange(s1, 33, 65);
    // valid in the next 60 s window, not in the one after
    net.now += 60_000;
    byte[] still = storePlain(token, 10, 0, new byte[] {1});
    open(exchange(request(0x97, alice, still, 1), ALICE, Outcome.ANSWERED), 0x98, alice);
    net.now += 60_000;
    exchange(request(0x97, alice, still, 1), ALICE, Outcome.UNAUTHENTIC);
    // an announcement over 512 bytes is never stored
    byte[] t2 =
        Arrays.copyOfRange(
            open(exchange(request(0x93, alice, key, 1), ALICE, Outcome.ANSWERED), 0x94, alice),
            33,
            65);
    exchange(request(0x97, alice, storePlain(t2, 10, 0, new byte[513]), 1), ALICE, Outcome.REFUSED);
    // announcement type 2 does not exist
    exchange(request(0x97, alice, storePlain(t2, 10, 2, new byte[1]), 1), ALICE, Outcome.MALFORMED);
  }

  /**
   * A forwarded search: a 0x90 to the forwarder for our key comes to us as a 0x91; our answer is a
   * 0x92 to the forwarder, which returns it to the requester as {@code 91 00 ‖ response}.
   */
  @Test
  void aForwardedSearchIsAnsweredThroughTheForwarder() {
    PublicKey ours = nodeKey();
    net.nodes.remove(FORWARDER);
    OnionNode forwarder;
    net.dht = ClosestNodes.of(List.of(PackedNode.udp(NODE, ours)));
    forwarder = net.add(FORWARDER);
    byte[] search = request(0x93, alice, data.publicKey().toArray(), 9);
    byte[] req =
        ByteBuffer.allocate(33 + search.length)
            .put((byte) 0x90)
            .put(ours.toArray())
            .put(search)
            .array();
    assertThat(forwarder.onUdp(req, ALICE, net.now)).isEqualTo(Outcome.FORWARDED);
    net.run();
    assertThat(node.count(Outcome.ANSWERED)).isEqualTo(1);
    assertThat(forwarder.count(Outcome.DELIVERED)).isEqualTo(1);
    List<OnionNet.Datagram> got = net.take(ALICE);
    assertThat(got).hasSize(1);
    byte[] d = got.get(0).data();
    assertThat(d[0] & 0xFF).isEqualTo(0x91);
    assertThat(d[1]).as("no sendback: a forwarded response").isEqualTo((byte) 0);
    byte[] plain = open(Arrays.copyOfRange(d, 2, d.length), 0x94, alice);
    assertThat(echo(plain)).isEqualTo(9);
  }

  @Test
  void bucketsFollowTheFiveBitsAfterTheFirstDifferingBit() {
    // the cases of c-toxcore's announce test: equal keys, and flips in bytes 4, 5 and 31
    byte[] k1 = new byte[32];
    new Random(3).nextBytes(k1);
    DhtAnnounceStore s = new DhtAnnounceStore(PublicKey.of(k1.clone()), 0);
    byte[] k2 = k1.clone();
    assertThat(s.bucketOf(k2)).isZero();
    k2[4] ^= 0x09;
    k2[5] ^= (byte) 0xc5;
    assertThat(s.bucketOf(k2)).isEqualTo(7);
    k2[4] ^= 0x09;
    assertThat(s.bucketOf(k2)).isEqualTo(17);
    k2[5] ^= (byte) 0xc5;
    k2[31] ^= 0x09;
    assertThat(s.bucketOf(k2)).isEqualTo(4);
  }

  @Test
  void aFullBucketGivesUpOnlyAnEntryFartherFromUsThanTheNewKey() {
    byte[] self = new byte[32];
    DhtAnnounceStore s = new DhtAnnounceStore(PublicKey.of(self.clone()), 0);
    long now = 1000;
    // keys in bucket 0 whose first differing bit is bit 1 (0x40): prefix length 1
    for (int i = 0; i < DhtAnnounceStore.BUCKET_SIZE; i++) {
      byte[] k = new byte[32];
      k[0] = 0x40;
      k[1] = (byte) i;
      assertThat(s.bucketOf(k)).isZero();
      assertThat(s.store(k, new byte[] {(byte) i}, 100, now)).isTrue();
    }
    byte[] farther = new byte[32];
    farther[0] = (byte) 0x80; // differs at bit 0: shorter prefix than every stored key
    assertThat(s.bucketOf(farther)).isZero();
    assertThat(s.wouldAccept(farther, now)).isFalse();
    byte[] closer = new byte[32];
    closer[0] = 0x10; // differs at bit 3: longer prefix, takes a stored key's place
    closer[1] = 0x01;
    assertThat(s.bucketOf(closer)).isZero();
    assertThat(s.store(closer, new byte[] {9}, 100, now)).isTrue();
    assertThat(s.size(now)).isEqualTo(DhtAnnounceStore.BUCKET_SIZE);
    assertThat(s.get(closer, now).data).containsExactly(9);
    // once the entries time out, any key of the bucket is taken
    assertThat(s.wouldAccept(farther, now + 100_000)).isTrue();
  }

  @Test
  void malformedAndForgedRequestsGetNoAnswer() {
    Random rnd = new Random(5);
    for (int id : new int[] {0x93, 0x95, 0x97}) {
      for (int len : new int[] {1, 60, 80, 112, 113, 146, 200, 1792, 1793, 2048}) {
        byte[] p = new byte[len];
        rnd.nextBytes(p);
        p[0] = (byte) id;
        assertThat(node.onUdp(p, ALICE, net.now))
            .as("id %x length %d", id, len)
            .isIn(Outcome.MALFORMED, Outcome.UNAUTHENTIC);
      }
      // well sealed, wrong plaintext length
      assertThat(node.onUdp(request(id, alice, new byte[33], 0), ALICE, net.now))
          .isEqualTo(Outcome.MALFORMED);
    }
    // a retrieve with a made-up token, a search answered only once per request
    byte[] ret = new byte[65];
    assertThat(node.onUdp(request(0x95, alice, ret, 0), ALICE, net.now))
        .isEqualTo(Outcome.UNAUTHENTIC);
    // responses are for announce clients: not handled
    for (int id : new int[] {0x94, 0x96, 0x98}) {
      assertThat(node.onUdp(request(id, alice, new byte[40], 0), ALICE, net.now))
          .isEqualTo(Outcome.UNHANDLED);
    }
    net.run();
    assertThat(net.inbox).isEmpty();
  }

  /** A search answer is at most 3.1x its request from an unverified source. */
  @Test
  void aSearchAnswerIsBoundedInSize() {
    List<PackedNode> six = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      six.add(
          PackedNode.udp(
              new IpPort(java.net.InetAddress.getLoopbackAddress(), 5000 + i),
              KeyPair.generate().publicKey()));
    }
    net.dht = ClosestNodes.of(six);
    OnionNode n = net.add(OnionNet.ip(2500));
    PublicKey nk = net.keys.get(OnionNet.ip(2500)).publicKey();
    SharedKey k = CryptoBox.beforenm(nk, alice.secretKey());
    byte[] msg = new byte[40];
    Nonce nonce = Nonce.random();
    byte[] sealed = box.seal(k, nonce, msg);
    byte[] req =
        ByteBuffer.allocate(57 + sealed.length)
            .put((byte) 0x93)
            .put(alice.publicKey().toArray())
            .put(nonce.toArray())
            .put(sealed)
            .array();
    assertThat(n.onUdp(req, ALICE, net.now)).isEqualTo(Outcome.ANSWERED);
    net.run();
    byte[] resp = net.take(ALICE).get(0).data();
    // 4 IPv4 nodes at most: 73 + 32 + 1 + 32 + 1 + 1 + 4 x 39 + 8 = 304 for a 113-byte request
    assertThat(req).hasSize(113);
    assertThat(resp).hasSize(304);
    assertThat((double) resp.length / req.length).isLessThan(3.1);
  }
}
