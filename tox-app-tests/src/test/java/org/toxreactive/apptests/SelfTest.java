package org.toxreactive.apptests;

import org.toxreactive.core.Bytes;
import org.toxreactive.netcrypto.Message;
import reactor.core.publisher.Flux;

/** Small message helpers. */
final class SelfTest {
  private SelfTest() {}

  static Flux<Message> messages(int n) {
    return Flux.range(0, n).map(i -> Message.of(160, Bytes.ofUtf8("m" + i)));
  }
}
