package spindle.engine;

import crawlercommons.domains.EffectiveTldFinder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import spindle.core.HostKey;
import spindle.fetch.address.HostResolver;

/**
 * The server a host belongs to for politeness ({@code spindle.politeness.key}): the host itself, the first address
 * its name resolves to, or its registrable domain. Host queues whose hosts have one server key share one
 * {@link ServerGate}, so they share its delay and its concurrency limit.
 *
 * <p>By address, the host is resolved with the resolver its connections go through (the job's {@link
 * spindle.fetch.address.DnsCache}), so within the cache's TTL the key and the connection see the same answer. A host
 * that does not resolve is its own server: its requests end in {@code DNS_FAILURE} before any connection.
 */
final class PolitenessKeys {
  private final PolitenessSettings.Key key;
  private final HostResolver resolver;
  private final Executor blocking;

  /**
   * Keys of kind {@code key}; by address, names are resolved with {@code resolver} on {@code blocking} (a lookup
   * blocks its thread).
   */
  PolitenessKeys(PolitenessSettings.Key key, HostResolver resolver, Executor blocking) {
    this.key = key;
    this.resolver = resolver;
    this.blocking = blocking;
  }

  /** Each host its own server: no gate is used. */
  static PolitenessKeys eachHost() {
    return new PolitenessKeys(PolitenessSettings.Key.HOST, HostResolver.system(), Runnable::run);
  }

  /** Whether each host is its own server, so host queues need no gate. */
  boolean perHost() {
    return key == PolitenessSettings.Key.HOST;
  }

  /** The server key of {@code host}, when it is known without a lookup (per host, per domain, an IP literal). */
  Optional<String> known(HostKey host) {
    String hostname = host.hostname();
    if (key == PolitenessSettings.Key.HOST) {
      return Optional.of(host.name());
    }
    if (isAddress(hostname)) {
      return Optional.of(literalKey(hostname));
    }
    if (key == PolitenessSettings.Key.DOMAIN) {
      String domain = EffectiveTldFinder.getAssignedDomain(hostname, true, false);
      return Optional.of(domain == null ? hostname : domain);
    }
    return Optional.empty();
  }

  /** The server key of {@code host}; by address, after a lookup on the blocking executor. Never fails. */
  CompletionStage<String> keyOf(HostKey host) {
    Optional<String> known = known(host);
    if (known.isPresent()) {
      return CompletableFuture.completedFuture(known.get());
    }
    return CompletableFuture.supplyAsync(() -> addressKey(host), blocking);
  }

  /** The first address of {@code host}'s name, as its connections would use it; the host itself if none. */
  private String addressKey(HostKey host) {
    try {
      List<InetAddress> addresses = resolver.resolve(host.hostname());
      return addresses.isEmpty() ? host.name() : text(addresses.get(0));
    } catch (UnknownHostException unresolved) {
      return host.name();
    }
  }

  /** An IP literal's key, written as a resolved address of the same value is ({@code [::1]}, not {@code [0:0:...]}). */
  private static String literalKey(String hostname) {
    if (!hostname.startsWith("[")) {
      return hostname;
    }
    try {
      return text(InetAddress.getByName(hostname.substring(1, hostname.length() - 1))); // a literal: not looked up
    } catch (UnknownHostException invalid) {
      return hostname;
    }
  }

  private static String text(InetAddress address) {
    String text = address.getHostAddress();
    return text.contains(":") ? "[" + text + "]" : text;
  }

  /** Whether {@code hostname} is an IP literal (URLs carry IPv4 dotted and IPv6 in brackets once normalised). */
  private static boolean isAddress(String hostname) {
    return hostname.startsWith("[") || hostname.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }
}
