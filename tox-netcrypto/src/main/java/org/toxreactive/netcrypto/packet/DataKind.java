package org.toxreactive.netcrypto.packet;

/**
 * What the data inside a {@link DataPacket} is, by its data id, the first non-zero byte after the
 * header (docs/protocol.md 4.10-4.12). Each kind is one small layout:
 *
 * <pre>
 * Kind     | Ids           | Layout                       | num in the header
 * -------- | ------------- | ---------------------------- | -----------------------
 * REQUEST  | 1             | 0x01 ‖ holes (PacketRequest) | sender's send ring end
 * KILL     | 2             | 0x02                         | sender's send ring end
 * LOSSLESS | 16..191       | id ‖ payload (Message)       | the packet number
 * LOSSY    | 192..254      | id ‖ payload (Message)       | sender's send ring end
 * RESERVED | 3..15 and 255 | meaningless                  | -
 * </pre>
 *
 * Id 0 cannot occur: it is padding, skipped. Switch over the kind without a {@code default}, so a
 * new kind fails to compile where it is not handled.
 */
public enum DataKind {
  /** A packet request: acks and holes ({@link PacketRequest}); no packet number of its own. */
  REQUEST,
  /** The kill: the peer closed the connection; no packet number of its own. */
  KILL,
  /** A lossless message, delivered in order, exactly once. */
  LOSSLESS,
  /** A lossy message, delivered as it comes. */
  LOSSY,
  /** An id no one sends (3..15, 255): nothing to deliver. */
  RESERVED;

  /** The data id of a kill. */
  public static final int KILL_ID = 2;

  /** The first lossless data id. */
  public static final int FIRST_LOSSLESS = 16;

  /** The first lossy data id. */
  public static final int FIRST_LOSSY = 192;

  /** The last lossy data id. */
  public static final int LAST_LOSSY = 254;

  /**
   * The kind of a data id.
   *
   * @param id the data id, 0..255
   * @return its kind (id 0, padding, is {@link #RESERVED} too)
   */
  public static DataKind ofId(int id) {
    if (id == PacketRequest.ID) {
      return REQUEST;
    }
    if (id == KILL_ID) {
      return KILL;
    }
    if (id >= FIRST_LOSSLESS && id < FIRST_LOSSY) {
      return LOSSLESS;
    }
    if (id >= FIRST_LOSSY && id <= LAST_LOSSY) {
      return LOSSY;
    }
    return RESERVED;
  }

  /**
   * The kill's data: its id alone.
   *
   * @return a fresh one-byte array
   */
  public static byte[] kill() {
    return new byte[] {KILL_ID};
  }
}
