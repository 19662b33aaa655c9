package org.toxreactive.apptests;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.toxreactive.netcrypto.ConnectFailedException;
import org.toxreactive.netcrypto.CryptoConnection;
import org.toxreactive.netcrypto.LinkStatus;
import org.toxreactive.netcrypto.Message;
import org.toxreactive.netcrypto.NetCrypto;
import org.toxreactive.netcrypto.NetCryptoNode;
import org.toxreactive.netcrypto.PeerInfo;
import org.toxreactive.transport.tcp.RelayPool;
import org.toxreactive.transport.tcp.RelayPoolBuilder;
import org.toxreactive.transport.tcp.RelayPoolConfig;
import org.toxreactive.transport.udp.UdpTransport;

/**
 * Issue 18, problem 9, what a test can check of it: no Netty {@code ByteBuf} in the signatures an
 * application uses (net_crypto, the relay pool, UDP), and {@link LinkStatus#path()} null exactly
 * where its javadoc says. (Javadoc warnings are checked by the build: {@code mvn javadoc:javadoc}.)
 */
class DocsTest {
  @Test
  void noByteBufInTheApplicationsSignatures() {
    List<String> found = new ArrayList<>();
    for (Class<?> c :
        List.of(
            NetCrypto.class,
            NetCryptoNode.class,
            CryptoConnection.class,
            Message.class,
            LinkStatus.class,
            PeerInfo.class,
            ConnectFailedException.class,
            RelayPool.class,
            RelayPoolBuilder.class,
            RelayPoolConfig.class,
            UdpTransport.class,
            UdpTransport.Builder.class)) {
      for (Method m : c.getMethods()) {
        if (!Modifier.isPublic(m.getModifiers())) {
          continue;
        }
        List<Type> types = new ArrayList<>(List.of(m.getGenericParameterTypes()));
        types.add(m.getGenericReturnType());
        for (Type t : types) {
          if (t.getTypeName().contains("io.netty")) {
            found.add(c.getSimpleName() + "." + m.getName() + ": " + t.getTypeName());
          }
        }
      }
    }
    assertThat(found).isEmpty();
  }

  @Test
  void linkStatusHasAPathExactlyWhileOneIsUsed() {
    for (LinkStatus.Kind k : LinkStatus.Kind.values()) {
      boolean hasPath = k == LinkStatus.Kind.DIRECT || k == LinkStatus.Kind.RELAYED;
      if (!hasPath) {
        assertThat(new LinkStatus(k, null).path()).isNull();
      }
    }
  }
}
