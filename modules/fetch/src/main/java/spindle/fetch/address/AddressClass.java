package spindle.fetch.address;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * What kind of address an IP address is, for the address policy: public, private (this machine or a private
 * network: allowed to a job seeded on such addresses) or never to be connected to (link-local, the cloud metadata
 * addresses, unspecified, multicast, reserved). An IPv6 address that embeds an IPv4 address (IPv4-mapped
 * {@code ::ffff:a.b.c.d}, IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d}, 6to4
 * {@code 2002:aabb:ccdd::}) is judged as the IPv4 address it reaches. Pure: no lookups.
 *
 * @param kind how the policy treats the address
 * @param rule the range, as a user reads it in an error record: {@code link-local (169.254.0.0/16)}
 */
public record AddressClass(Kind kind, String rule) {
  /** How the address policy treats a class of addresses. */
  public enum Kind {
    /** Reachable from anywhere: allowed. */
    PUBLIC,
    /** This machine or a private network: allowed only to jobs seeded on such addresses, or when configured. */
    PRIVATE,
    /** Never connected to, whatever the job or the configuration. */
    ALWAYS_REFUSED
  }

  private static final AddressClass PUBLIC = new AddressClass(Kind.PUBLIC, "public");
  private static final AddressClass METADATA = refused("the cloud metadata address");

  /** Exact addresses of cloud metadata services, refused even where their range is private or public. */
  private static final List<byte[]> METADATA_ADDRESSES = List.of(
      v4(169, 254, 169, 254),   // AWS, GCP, Azure, OpenStack, Oracle, DigitalOcean
      v4(169, 254, 170, 2),     // AWS ECS task metadata
      v4(100, 100, 100, 200),   // Alibaba Cloud (inside 100.64.0.0/10)
      v4(168, 63, 129, 16),     // Azure WireServer (a public-looking address)
      parse6("fd00:ec2::254")); // AWS over IPv6 (inside fc00::/7)

  /** The class of {@code address}. */
  public static AddressClass of(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length == 16) {
      byte[] embedded = embeddedIpv4(bytes);
      return embedded != null ? ofIpv4(embedded) : ofIpv6(bytes);
    }
    return ofIpv4(bytes);
  }

  /**
   * The address a connection to {@code address} really reaches when it is an IPv6 form of an IPv4 address (see the
   * class comment), otherwise {@code address} itself.
   */
  public static InetAddress effective(InetAddress address) {
    byte[] bytes = address.getAddress();
    byte[] embedded = bytes.length == 16 ? embeddedIpv4(bytes) : null;
    if (embedded == null) {
      return address;
    }
    try {
      return InetAddress.getByAddress(embedded);
    } catch (UnknownHostException impossible) { // four bytes are always an address
      throw new IllegalStateException(impossible);
    }
  }

  private static AddressClass ofIpv4(byte[] b) {
    if (isMetadata(b)) {
      return METADATA;
    }
    int a = b[0] & 0xff;
    int second = b[1] & 0xff;
    if (a == 0) {
      return refused("unspecified (0.0.0.0/8: this host)");
    }
    if (a == 127) {
      return privately("loopback (127.0.0.0/8)");
    }
    if (a == 169 && second == 254) {
      return refused("link-local (169.254.0.0/16)");
    }
    if (a == 10) {
      return privately("private (10.0.0.0/8)");
    }
    if (a == 172 && (second & 0xf0) == 16) {
      return privately("private (172.16.0.0/12)");
    }
    if (a == 192 && second == 168) {
      return privately("private (192.168.0.0/16)");
    }
    if (a == 100 && (second & 0xc0) == 64) {
      return privately("shared address space (100.64.0.0/10)");
    }
    if (a == 192 && second == 0 && (b[2] & 0xff) == 0) {
      return privately("IETF protocol assignments (192.0.0.0/24)");
    }
    if (a == 198 && (second & 0xfe) == 18) {
      return privately("benchmarking (198.18.0.0/15)");
    }
    if (a == 192 && second == 0 && (b[2] & 0xff) == 2 || a == 198 && second == 51 && (b[2] & 0xff) == 100
        || a == 203 && second == 0 && (b[2] & 0xff) == 113) {
      return privately("documentation (TEST-NET)");
    }
    if (a >= 224 && a < 240) {
      return refused("multicast (224.0.0.0/4)");
    }
    if (a >= 240) {
      return refused(a == 255 && second == 255 && (b[2] & 0xff) == 255 && (b[3] & 0xff) == 255
          ? "broadcast (255.255.255.255)" : "reserved (240.0.0.0/4)");
    }
    return PUBLIC;
  }

  private static AddressClass ofIpv6(byte[] b) {
    if (isMetadata(b)) {
      return METADATA;
    }
    if (allZero(b, 0, 16)) {
      return refused("unspecified (::)");
    }
    if (allZero(b, 0, 15) && b[15] == 1) {
      return privately("loopback (::1)");
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    if (first == 0xfe && (second & 0xc0) == 0x80) {
      return refused("link-local (fe80::/10)");
    }
    if (first == 0xff) {
      return refused("multicast (ff00::/8)");
    }
    if ((first & 0xfe) == 0xfc) {
      return privately("unique local (fc00::/7)");
    }
    if (first == 0xfe && (second & 0xc0) == 0xc0) {
      return privately("site-local (fec0::/10)");
    }
    if (first == 0x01 && second == 0 && allZero(b, 2, 8)) {
      return refused("discard-only (100::/64)");
    }
    if (first == 0x20 && second == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
      return privately("documentation (2001:db8::/32)");
    }
    if (first == 0 && second == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && b[4] == 0
        && b[5] == 1) {
      return privately("local-use NAT64 (64:ff9b:1::/48)");
    }
    if (allZero(b, 0, 12)) { // ::/96 other than :: and ::1: IPv4-compatible forms are handled before
      return refused("reserved (::/96)");
    }
    return PUBLIC;
  }

  /**
   * The IPv4 address inside an IPv4-mapped, IPv4-compatible, NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address;
   * null for other addresses (and for {@code ::} and {@code ::1}, which are IPv6's own).
   */
  private static byte[] embeddedIpv4(byte[] b) {
    if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return Arrays.copyOfRange(b, 12, 16);
    }
    if (allZero(b, 0, 12) && !allZero(b, 12, 15)) { // ::a.b.c.d, but not :: or ::1
      return Arrays.copyOfRange(b, 12, 16);
    }
    if (b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12)) {
      return Arrays.copyOfRange(b, 12, 16);
    }
    if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
      return Arrays.copyOfRange(b, 2, 6);
    }
    return null;
  }

  private static boolean isMetadata(byte[] bytes) {
    return METADATA_ADDRESSES.stream().anyMatch(known -> Arrays.equals(known, bytes));
  }

  private static boolean allZero(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static AddressClass refused(String rule) {
    return new AddressClass(Kind.ALWAYS_REFUSED, rule);
  }

  private static AddressClass privately(String rule) {
    return new AddressClass(Kind.PRIVATE, rule);
  }

  private static byte[] v4(int a, int b, int c, int d) {
    return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
  }

  private static byte[] parse6(String literal) {
    try {
      return Inet6Address.getByName(literal).getAddress(); // a literal with ':' is parsed, never looked up
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
