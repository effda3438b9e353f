package spindle.fetch.address;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A resolver for tests that never asks DNS: names map to the addresses the policy is to judge, IP literals are
 * parsed, anything else is unknown. A connection the policy allows goes to the address judged, or, when the name
 * has a route, to that loopback server instead: so a test can have a name judged as 93.184.216.34 or 169.254.169.254
 * while every connection that happens stays on loopback.
 */
public final class TestResolver implements HostResolver {
  private final Map<String, List<InetAddress>> names = new ConcurrentHashMap<>();
  private final Map<String, InetSocketAddress> routes = new ConcurrentHashMap<>();
  private final AtomicInteger lookups = new AtomicInteger();

  /** Judges {@code name} as {@code addresses} (IP literals), connecting to them (only loopback ones, in tests). */
  public TestResolver map(String name, String... addresses) {
    names.put(name, parse(addresses));
    return this;
  }

  /**
   * Judges {@code name} as {@code addresses} (IP literals), and sends every connection to {@code name} that the policy
   * allows to {@code route}, a loopback server.
   */
  public TestResolver route(String name, InetSocketAddress route, String... addresses) {
    if (!route.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("tests connect to loopback only, not " + route);
    }
    names.put(name, parse(addresses));
    routes.put(name, route);
    return this;
  }

  /** How many times a host was resolved. */
  public int lookups() {
    return lookups.get();
  }

  @Override
  public List<InetAddress> resolve(String host) throws UnknownHostException {
    lookups.incrementAndGet();
    List<InetAddress> mapped = names.get(host);
    if (mapped != null) {
      return mapped;
    }
    if (host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return List.of(AddressClassTest.literal(host));
    }
    throw new UnknownHostException(host + " (not mapped by the test resolver)");
  }

  @Override
  public InetSocketAddress connectAddress(InetAddress address, int port) {
    for (Map.Entry<String, List<InetAddress>> name : names.entrySet()) {
      if (routes.containsKey(name.getKey()) && name.getValue().contains(address)) {
        return routes.get(name.getKey());
      }
    }
    if (!address.isLoopbackAddress()) { // a bug in the policy must not send a packet anywhere else
      throw new AssertionError("the policy allowed a connection to " + address + ", which a test never makes");
    }
    return new InetSocketAddress(address, port);
  }

  private static List<InetAddress> parse(String... addresses) {
    try {
      InetAddress[] parsed = new InetAddress[addresses.length];
      for (int i = 0; i < addresses.length; i++) {
        parsed[i] = AddressClassTest.literal(addresses[i]);
      }
      return List.of(parsed);
    } catch (UnknownHostException impossible) {
      throw new IllegalArgumentException(impossible);
    }
  }
}
