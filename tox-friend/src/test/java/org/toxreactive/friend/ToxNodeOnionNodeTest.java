package org.toxreactive.friend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.onion.OnionPath;
import org.toxreactive.onion.packet.AnnouncePlain;
import org.toxreactive.onion.packet.AnnounceResponse;
import org.toxreactive.onion.packet.OnionPacket;
import org.toxreactive.onion.packet.OnionSizes;

/**
 * A {@link ToxNode} with UDP is an onion node on its DHT key, as every c-toxcore instance is
 * (docs/protocol.md 13.10, "our own node in a friend's search"): an announce request arriving as
 * from a path's third node is answered back to that node with the return block it came with. On
 * loopback, one request, one answer.
 */
class ToxNodeOnionNodeTest {
  @Test
  void anAnnounceRequestToTheNodesDhtKeyIsAnsweredThroughTheReturnBlock() throws Exception {
    ToxNode node = ToxNode.create(KeyPair.generate()).udp("127.0.0.1", 0).bindNow();
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      probe.setSoTimeout(10_000);
      KeyPair searcher = KeyPair.generate();
      byte[] sendback = new byte[OnionSizes.SENDBACK];
      ThreadLocalRandom.current().nextBytes(sendback);
      AnnouncePlain plain =
          new AnnouncePlain(
              Bytes.adopt(new byte[OnionSizes.PING_ID]),
              KeyPair.generate().publicKey(),
              PublicKey.of(new byte[32]),
              Bytes.adopt(sendback),
              Bytes.EMPTY);
      byte[] inner = OnionPath.announceRequest(searcher, node.dhtKey(), plain, false);
      byte[] returnBlock = new byte[OnionSizes.RETURN_3];
      ThreadLocalRandom.current().nextBytes(returnBlock);
      byte[] request = Arrays.copyOf(inner, inner.length + returnBlock.length);
      System.arraycopy(returnBlock, 0, request, inner.length, returnBlock.length);
      InetAddress lo = InetAddress.getByName("127.0.0.1");
      probe.send(new DatagramPacket(request, request.length, lo, node.udpPort()));

      byte[] buf = new byte[2048];
      DatagramPacket in = new DatagramPacket(buf, buf.length);
      probe.receive(in); // SocketTimeoutException after 10 s: no onion node answered
      byte[] got = Arrays.copyOf(buf, in.getLength());
      assertThat(got[0] & 0xFF).as("onion response to node 3").isEqualTo(0x8C);
      assertThat(Arrays.copyOfRange(got, 1, 1 + OnionSizes.RETURN_3)).isEqualTo(returnBlock);
      byte[] response = Arrays.copyOfRange(got, 1 + OnionSizes.RETURN_3, got.length);
      assertThat(response[0] & 0xFF).as("announce response").isEqualTo(0x84);
      ByteBuf bb = Unpooled.wrappedBuffer(response);
      OnionPacket p;
      try {
        p = OnionPacket.decode(bb);
      } finally {
        bb.release();
      }
      assertThat(p).isInstanceOf(AnnounceResponse.class);
      AnnounceResponse r = (AnnounceResponse) p;
      assertThat(r.sendback().toArray()).isEqualTo(sendback);
      assertThat(OnionPath.openAnnounceResponse(searcher, node.dhtKey(), r))
          .as("the answer opens with the node's DHT key")
          .isNotNull();
    } finally {
      node.disposeNow(Duration.ofSeconds(5));
    }
  }
}
