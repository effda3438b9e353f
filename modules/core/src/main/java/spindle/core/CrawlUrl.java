package spindle.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A URL the crawl has admitted: its canonical form, its host, how it was found (depth and parent page) and,
 * when it is the target of a redirect, the chain of URLs fetched before it. Immutable; safe to send between
 * actors.
 */
public final class CrawlUrl {
  private final String url;
  private final HostKey host;
  private final int depth;
  private final String parent;
  private final List<String> redirects;

  private CrawlUrl(String url, HostKey host, int depth, String parent, List<String> redirects) {
    this.url = Objects.requireNonNull(url, "url");
    this.host = Objects.requireNonNull(host, "host");
    if (depth < 0) {
      throw new IllegalArgumentException("depth must be at least 0, was " + depth);
    }
    this.depth = depth;
    this.parent = parent;
    this.redirects = List.copyOf(redirects); // copy: instances cross actor boundaries
  }

  /** A seed: depth 0, no parent. */
  public static CrawlUrl seed(String url, HostKey host) {
    return new CrawlUrl(url, host, 0, null, List.of());
  }

  /** A link found on {@code parent}, one level deeper than it. */
  public static CrawlUrl discovered(String url, HostKey host, CrawlUrl parent) {
    return new CrawlUrl(url, host, parent.depth + 1, parent.url, List.of());
  }

  /** A URL restored from a store, with every field given. */
  public static CrawlUrl restore(String url, HostKey host, int depth, Optional<String> parent, List<String> redirects) {
    return new CrawlUrl(url, host, depth, parent.orElse(null), redirects);
  }

  /**
   * The target of a redirect from this URL: same depth and parent, and a chain that ends with this URL. The
   * record written for the target names the first URL of the chain as its {@code url}.
   */
  public CrawlUrl redirectedTo(String target, HostKey targetHost) {
    List<String> chain = new java.util.ArrayList<>(redirects.size() + 1);
    chain.addAll(redirects);
    chain.add(url);
    return new CrawlUrl(target, targetHost, depth, parent, chain);
  }

  /** The canonical URL to fetch. */
  public String url() {
    return url;
  }

  /** The politeness key of {@link #url()}. */
  public HostKey host() {
    return host;
  }

  /** Links followed from a seed to reach this URL; 0 for a seed. */
  public int depth() {
    return depth;
  }

  /** The page this URL was found on; empty for a seed. */
  public Optional<String> parent() {
    return Optional.ofNullable(parent);
  }

  /** URLs fetched before this one in a redirect chain, oldest first; empty unless this is a redirect target. */
  public List<String> redirects() {
    return redirects;
  }

  /** The URL the crawl originally admitted: the head of the redirect chain, or this URL itself. */
  public String originalUrl() {
    return redirects.isEmpty() ? url : redirects.get(0);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CrawlUrl that
        && that.url.equals(url)
        && that.depth == depth
        && Objects.equals(that.parent, parent)
        && that.redirects.equals(redirects);
  }

  @Override
  public int hashCode() {
    return url.hashCode();
  }

  @Override
  public String toString() {
    return url;
  }
}
