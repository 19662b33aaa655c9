package org.toxreactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortTest {
  @ParameterizedTest
  @CsvSource({
    "127.0.0.1:33445, 127.0.0.1, 33445, 127.0.0.1:33445",
    "localhost:0, localhost, 0, localhost:0",
    "[::1]:65535, ::1, 65535, [::1]:65535",
    "[2001:db8::1]:443, 2001:db8::1, 443, [2001:db8::1]:443"
  })
  void parsesAndPrintsTheSameForm(String spec, String host, int port, String printed) {
    HostPort hp = HostPort.parse(spec);
    assertThat(hp.host()).isEqualTo(host);
    assertThat(hp.port()).isEqualTo(port);
    assertThat(hp).hasToString(printed);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "127.0.0.1|is not HOST:PORT",
        ":33445|is not HOST:PORT",
        "[]:33445|is not HOST:PORT",
        "::1:33445|write an IPv6 address in brackets",
        "[127.0.0.1]:1|brackets are for IPv6 addresses only",
        "host:abc|port 'abc' is not a number 0..65535",
        "host:70000|port '70000' is not a number 0..65535",
        "host:-1|port '-1' is not a number 0..65535",
        "host:+1|port '+1' is not a number 0..65535",
        "host:|port '' is not a number 0..65535",
        "host:١٢|is not a number 0..65535"
      })
  void rejectsMalformedAddressesNamingTheValue(String spec, String message) {
    assertThatThrownBy(() -> HostPort.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + spec + "'")
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @CsvSource({"::1, 1, [::1]:1", "10.0.0.1, 2, 10.0.0.1:2", "fe80::1%eth0, 3, [fe80::1%eth0]:3"})
  void formatsIpv6InBrackets(String host, int port, String expected) {
    assertThat(HostPort.format(host, port)).isEqualTo(expected);
  }
}
