package org.toxreactive.core.transport;

import java.util.Objects;
import org.toxreactive.core.Bytes;

/** One packet and the path it came on (inbound) or goes on (outbound). */
public record Datagram(Path path, Bytes data) {
  /**
   * Checks that neither is null.
   *
   * @param path where it came from or goes
   * @param data the packet
   */
  public Datagram {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(data, "data");
  }
}
