package spindle.fetch.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which addresses are public, private or always refused, IPv4 and IPv6, and IPv6 forms of IPv4 addresses. */
class AddressClassTest {
  /** An IP literal, parsed without any lookup (a literal is never looked up; a name here would be a test bug). */
  static InetAddress literal(String text) throws UnknownHostException {
    if (!text.contains(":") && !text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      throw new IllegalArgumentException("not an IP literal: " + text);
    }
    return InetAddress.getByName(text);
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
      "93.184.216.34, PUBLIC, public",
      "8.8.8.8, PUBLIC, public",
      "172.32.0.1, PUBLIC, public",
      "100.128.0.1, PUBLIC, public",
      "169.253.255.255, PUBLIC, public",
      "127.0.0.1, PRIVATE, loopback (127.0.0.0/8)",
      "127.255.255.254, PRIVATE, loopback (127.0.0.0/8)",
      "10.0.0.1, PRIVATE, private (10.0.0.0/8)",
      "172.16.0.1, PRIVATE, private (172.16.0.0/12)",
      "172.31.255.255, PRIVATE, private (172.16.0.0/12)",
      "192.168.1.1, PRIVATE, private (192.168.0.0/16)",
      "100.64.0.1, PRIVATE, shared address space (100.64.0.0/10)",
      "100.127.255.255, PRIVATE, shared address space (100.64.0.0/10)",
      "198.18.0.1, PRIVATE, benchmarking (198.18.0.0/15)",
      "169.254.169.254, ALWAYS_REFUSED, the cloud metadata address",
      "169.254.170.2, ALWAYS_REFUSED, the cloud metadata address",
      "100.100.100.200, ALWAYS_REFUSED, the cloud metadata address",
      "168.63.129.16, ALWAYS_REFUSED, the cloud metadata address",
      "169.254.0.1, ALWAYS_REFUSED, link-local (169.254.0.0/16)",
      "0.0.0.0, ALWAYS_REFUSED, unspecified (0.0.0.0/8: this host)",
      "0.1.2.3, ALWAYS_REFUSED, unspecified (0.0.0.0/8: this host)",
      "224.0.0.1, ALWAYS_REFUSED, multicast (224.0.0.0/4)",
      "239.255.255.250, ALWAYS_REFUSED, multicast (224.0.0.0/4)",
      "240.0.0.1, ALWAYS_REFUSED, reserved (240.0.0.0/4)",
      "255.255.255.255, ALWAYS_REFUSED, broadcast (255.255.255.255)",
      "2606:2800:220:1:248:1893:25c8:1946, PUBLIC, public",
      "::1, PRIVATE, loopback (::1)",
      "fc00::1, PRIVATE, unique local (fc00::/7)",
      "fd12:3456::1, PRIVATE, unique local (fc00::/7)",
      "fec0::1, PRIVATE, site-local (fec0::/10)",
      "fd00:ec2::254, ALWAYS_REFUSED, the cloud metadata address",
      "fe80::1, ALWAYS_REFUSED, link-local (fe80::/10)",
      "febf:ffff::1, ALWAYS_REFUSED, link-local (fe80::/10)",
      "::, ALWAYS_REFUSED, unspecified (::)",
      "ff02::1, ALWAYS_REFUSED, multicast (ff00::/8)",
      "100::1, ALWAYS_REFUSED, discard-only (100::/64)",
      "::ffff:169.254.169.254, ALWAYS_REFUSED, the cloud metadata address",
      "::ffff:127.0.0.1, PRIVATE, loopback (127.0.0.0/8)",
      "::ffff:8.8.8.8, PUBLIC, public",
  })
  void classifiesAnAddress(String address, AddressClass.Kind kind, String rule) throws Exception {
    assertEquals(new AddressClass(kind, rule), AddressClass.of(literal(address)));
  }

  /** The IPv6 forms of an IPv4 address, built byte by byte so that the JDK cannot turn them into IPv4 first. */
  @ParameterizedTest(name = "{0} of {1} is {2}")
  @CsvSource({
      "mapped, 169.254.169.254, ALWAYS_REFUSED, the cloud metadata address",
      "mapped, 10.1.2.3, PRIVATE, private (10.0.0.0/8)",
      "mapped, 93.184.216.34, PUBLIC, public",
      "compatible, 169.254.169.254, ALWAYS_REFUSED, the cloud metadata address",
      "compatible, 127.0.0.1, PRIVATE, loopback (127.0.0.0/8)",
      "nat64, 169.254.169.254, ALWAYS_REFUSED, the cloud metadata address",
      "nat64, 192.168.0.1, PRIVATE, private (192.168.0.0/16)",
      "nat64, 8.8.8.8, PUBLIC, public",
      "6to4, 169.254.1.1, ALWAYS_REFUSED, link-local (169.254.0.0/16)",
      "6to4, 10.0.0.1, PRIVATE, private (10.0.0.0/8)",
  })
  void judgesAnIpv6FormOfAnIpv4AddressAsTheIpv4Address(String form, String ipv4, AddressClass.Kind kind,
      String rule) throws Exception {
    InetAddress wrapped = wrap(form, literal(ipv4).getAddress());
    assertTrue(wrapped instanceof Inet6Address, "the test must build an IPv6 address, built " + wrapped);
    assertEquals(new AddressClass(kind, rule), AddressClass.of(wrapped));
    assertEquals(literal(ipv4), AddressClass.effective(wrapped));
  }

  static InetAddress wrap(String form, byte[] ipv4) throws UnknownHostException {
    byte[] bytes = new byte[16];
    switch (form) {
      case "mapped" -> {
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        System.arraycopy(ipv4, 0, bytes, 12, 4);
      }
      case "compatible" -> System.arraycopy(ipv4, 0, bytes, 12, 4);
      case "nat64" -> {
        bytes[1] = 0x64;
        bytes[2] = (byte) 0xff;
        bytes[3] = (byte) 0x9b;
        System.arraycopy(ipv4, 0, bytes, 12, 4);
      }
      case "6to4" -> {
        bytes[0] = 0x20;
        bytes[1] = 0x02;
        System.arraycopy(ipv4, 0, bytes, 2, 4);
      }
      default -> throw new IllegalArgumentException(form);
    }
    return Inet6Address.getByAddress(null, bytes, -1);
  }
}
