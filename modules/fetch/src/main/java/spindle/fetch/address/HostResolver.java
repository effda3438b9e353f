package spindle.fetch.address;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host into the addresses the address policy judges. Every connection Spindle opens resolves its host
 * through this seam, and connects only to an address the policy allowed, so what is checked is what is connected
 * to (a name that resolves to 169.254.169.254, or whose DNS answer changes between two requests, is judged by the
 * address of each connection).
 */
public interface HostResolver {
  /**
   * Every address of {@code host}: a name, or an IP literal (IPv6 with or without brackets). Throws
   * {@link UnknownHostException} when there is none. May block; called off the actors' threads.
   */
  List<InetAddress> resolve(String host) throws UnknownHostException;

  /**
   * Where a connection to {@code address}:{@code port}, allowed by the policy, is opened: that address. Only a test
   * resolver answers otherwise, to judge a name by an address it chose while connecting to a loopback server.
   */
  default InetSocketAddress connectAddress(InetAddress address, int port) {
    return new InetSocketAddress(address, port);
  }

  /** The operating system's resolver, through the JVM's cache ({@code networkaddress.cache.ttl}). */
  static HostResolver system() {
    return host -> List.of(InetAddress.getAllByName(host));
  }
}
