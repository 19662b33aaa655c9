package org.toxreactive.dht;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.toxreactive.core.IpPort;

/**
 * c-toxcore's {@code ip_is_lan} (LAN_discovery.c, 0.2.18): loopback (127/8, ::1), 10/8, 172.16/12,
 * 192.168/16, 169.254.1.0-169.254.254.255, 100.64/10, fe80::/10, ff0[012]::1, and IPv4-mapped forms
 * of the IPv4 ranges. A nodes response to a non-LAN requester leaves LAN nodes out.
 */
public final class Lan {
  private Lan() {}

  /**
   * Whether the address is loopback, link-local or private (c-toxcore {@code ip_is_lan}).
   *
   * @param ipPort an address
   * @return true for a LAN address
   */
  public static boolean isLan(IpPort ipPort) {
    return isLan(ipPort.address());
  }

  /**
   * {@link #isLan(IpPort)} for a bare address.
   *
   * @param address an IPv4 or IPv6 address
   * @return true for a LAN address
   */
  public static boolean isLan(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return isLan4(b, 0);
    }
    boolean mapped = true;
    for (int i = 0; i < 10; i++) {
      mapped &= b[i] == 0;
    }
    mapped &= b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    if (mapped) {
      return isLan4(b, 12);
    }
    boolean loopback = b[15] == 1;
    for (int i = 0; i < 15; i++) {
      loopback &= b[i] == 0;
    }
    int b0 = b[0] & 0xFF;
    int b1 = b[1] & 0xFF;
    return loopback || (b0 == 0xFF && b1 < 3 && b[15] == 1) || (b0 == 0xFE && (b1 & 0xC0) == 0x80);
  }

  private static boolean isLan4(byte[] b, int at) {
    int a = b[at] & 0xFF;
    int c = b[at + 1] & 0xFF;
    int d = b[at + 2] & 0xFF;
    return a == 127
        || a == 10
        || (a == 172 && c >= 16 && c <= 31)
        || (a == 192 && c == 168)
        || (a == 169 && c == 254 && d != 0 && d != 255)
        || (a == 100 && (c & 0xC0) == 0x40);
  }
}
