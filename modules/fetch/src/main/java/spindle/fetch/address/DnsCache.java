package spindle.fetch.address;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A job's resolver: names pinned by {@code spindle.dns.static} are answered with their addresses and never looked up;
 * other names are resolved by an upstream resolver (the operating system's) and the answer is kept for
 * {@code spindle.dns.cache-ttl}, whatever the record's own TTL (the JDK does not tell it). A failed lookup is not
 * kept: the next connection asks again, so a retried URL really retries its lookup.
 *
 * <p>One instance serves a job's connections (through {@link AddressPolicy#choose}) and its politeness keys by
 * address, so within the TTL both see the same answer, and a connection goes to the address the policy judged.
 * Thread-safe; two lookups of one name at the same moment may both ask upstream.
 */
public final class DnsCache implements HostResolver {
  /** Names kept at most; past it expired answers are dropped first, then everything (a crawl re-resolves). */
  static final int MAX_ENTRIES = 100_000;

  private final DnsSettings settings;
  private final HostResolver upstream;
  private final LongSupplier nanoTime;
  private final Map<String, Entry> answers = new ConcurrentHashMap<>();

  private record Entry(List<InetAddress> addresses, long resolvedNanos) {}

  /** A cache in front of {@code upstream}, timed by {@code nanoTime} (a test's clock, or {@code System::nanoTime}). */
  public DnsCache(DnsSettings settings, HostResolver upstream, LongSupplier nanoTime) {
    this.settings = settings;
    this.upstream = upstream;
    this.nanoTime = nanoTime;
  }

  /** The resolver of a job with {@code settings}, in front of the operating system's. */
  public static DnsCache of(DnsSettings settings) {
    return new DnsCache(settings, HostResolver.system(), System::nanoTime);
  }

  @Override
  public List<InetAddress> resolve(String host) throws UnknownHostException {
    String name = host.toLowerCase(Locale.ROOT);
    List<InetAddress> pinned = settings.pins().get(name);
    if (pinned != null) {
      return pinned;
    }
    long ttl = settings.cacheTtl().toNanos();
    long now = nanoTime.getAsLong();
    Entry known = answers.get(name);
    if (known != null && now - known.resolvedNanos() < ttl) {
      return known.addresses();
    }
    List<InetAddress> addresses = List.copyOf(upstream.resolve(host)); // UnknownHostException: nothing kept
    if (ttl > 0) {
      if (answers.size() >= MAX_ENTRIES) {
        answers.values().removeIf(entry -> now - entry.resolvedNanos() >= ttl);
        if (answers.size() >= MAX_ENTRIES) {
          answers.clear();
        }
      }
      answers.put(name, new Entry(addresses, now));
    }
    return addresses;
  }

  @Override
  public InetSocketAddress connectAddress(InetAddress address, int port) {
    return upstream.connectAddress(address, port);
  }
}
