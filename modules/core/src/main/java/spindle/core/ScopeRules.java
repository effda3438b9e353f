package spindle.core;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The crawl's scope: which hosts or domains it may enter, which URLs it includes or excludes by regular
 * expression, and how deep it follows links. Pure and thread-safe; the page limits live in the frontier, which
 * counts.
 *
 * <p>An allowed host written with a port ("127.0.1.1:8080") matches that host and port only; without a port it
 * matches the host on any port. An allowed domain matches the domain and every subdomain. When no host and no
 * domain is given, the seeds' hosts are the scope.
 */
public final class ScopeRules {
  private final Set<String> allowedHosts;
  private final List<String> allowedDomains;
  private final List<Pattern> include;
  private final List<Pattern> exclude;
  private final int maxDepth;

  /**
   * Rules from their parts; {@code maxDepth} is {@link Integer#MAX_VALUE} for no limit. Host and domain names are
   * lowercased.
   */
  public ScopeRules(Set<String> allowedHosts, List<String> allowedDomains, List<Pattern> include,
      List<Pattern> exclude, int maxDepth) {
    if (maxDepth < 0) {
      throw new IllegalArgumentException("max depth must be at least 0, was " + maxDepth);
    }
    this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    this.allowedDomains = allowedDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
    this.include = List.copyOf(include);
    this.exclude = List.copyOf(exclude);
    this.maxDepth = maxDepth;
  }

  /** These rules with the seeds' hosts as the allowed hosts when no host or domain was configured. */
  public ScopeRules withDefaultHosts(Set<HostKey> seedHosts) {
    if (!allowedHosts.isEmpty() || !allowedDomains.isEmpty()) {
      return this;
    }
    Set<String> names = seedHosts.stream().map(HostKey::name).collect(Collectors.toUnmodifiableSet());
    return new ScopeRules(names, allowedDomains, include, exclude, maxDepth);
  }

  /** The deepest link depth admitted. */
  public int maxDepth() {
    return maxDepth;
  }

  /** Decides whether {@code url} (canonical, on {@code host}, found at {@code depth}) is in scope. */
  public ScopeDecision decide(String url, HostKey host, int depth) {
    if (depth > maxDepth) {
      return new ScopeDecision.Rejected("deeper than max-depth " + maxDepth);
    }
    if (!hostAllowed(host)) {
      return new ScopeDecision.Rejected("host " + host + " not in scope");
    }
    for (Pattern pattern : exclude) {
      if (pattern.matcher(url).find()) {
        return new ScopeDecision.Rejected("matches exclude pattern " + pattern.pattern());
      }
    }
    if (!include.isEmpty() && include.stream().noneMatch(pattern -> pattern.matcher(url).find())) {
      return new ScopeDecision.Rejected("matches no include pattern");
    }
    return ScopeDecision.accepted();
  }

  private boolean hostAllowed(HostKey host) {
    if (allowedHosts.isEmpty() && allowedDomains.isEmpty()) {
      return true;
    }
    if (allowedHosts.contains(host.name())) {
      return true;
    }
    String hostname = host.hostname();
    if (allowedHosts.contains(hostname)) {
      return true;
    }
    for (String domain : allowedDomains) {
      if (hostname.equals(domain)
          || (hostname.endsWith(domain) && hostname.charAt(hostname.length() - domain.length() - 1) == '.')) {
        return true;
      }
    }
    return false;
  }
}
