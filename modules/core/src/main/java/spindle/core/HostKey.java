package spindle.core;

import java.util.Locale;
import java.util.Objects;

/**
 * The politeness key of a URL: its host and, when it is not the scheme's default, its port ("example.org",
 * "127.0.1.3:8080"). Every per-host limit, queue and robots.txt is keyed by it, and in a cluster it is the
 * sharding entity id.
 */
public final class HostKey implements Comparable<HostKey> {
  private final String name;

  private HostKey(String name) {
    this.name = name;
  }

  /**
   * The key for a host and port as they appear in a parsed URL; {@code port} is -1 when the URL has the
   * scheme's default port. The host is lowercased.
   */
  public static HostKey of(String host, int port) {
    Objects.requireNonNull(host, "host");
    String lower = host.toLowerCase(Locale.ROOT);
    return new HostKey(port < 0 ? lower : lower + ":" + port);
  }

  /** The key from its serialised name, as returned by {@link #name()}; the name is taken as it is. */
  public static HostKey parse(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a host key cannot be empty");
    }
    return new HostKey(name.toLowerCase(Locale.ROOT));
  }

  /** The host, with ":port" when the port is not the default one. */
  public String name() {
    return name;
  }

  /** The host part alone, without the port. */
  public String hostname() {
    if (name.startsWith("[")) {
      int end = name.indexOf(']');
      return name.substring(0, end + 1);
    }
    int colon = name.lastIndexOf(':');
    return colon < 0 ? name : name.substring(0, colon);
  }

  @Override
  public int compareTo(HostKey other) {
    return name.compareTo(other.name);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HostKey key && key.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
