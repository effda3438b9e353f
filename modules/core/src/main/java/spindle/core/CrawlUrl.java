package spindle.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A URL the crawl has admitted: its canonical form, its host, what it is (a page, or a sitemap to read), how it was
 * found (depth and parent page), the last modification a sitemap gave for it and, when it is the target of a
 * redirect, the chain of URLs fetched before it. Immutable; safe to send between actors.
 */
public final class CrawlUrl {
  /** What fetching the URL is for. */
  public enum Kind {
    /** A page: parsed as HTML, its links followed. */
    PAGE,
    /** A sitemap (XML, sitemap index, text, RSS or Atom, maybe gzipped): its URLs enter the crawl at seed depth. */
    SITEMAP
  }

  private final String url;
  private final HostKey host;
  private final Kind kind;
  private final int depth;
  private final String parent;
  private final List<String> redirects;
  private final Instant lastModified;
  private final LastVisit lastVisit;

  private CrawlUrl(String url, HostKey host, Kind kind, int depth, String parent, List<String> redirects,
      Instant lastModified) {
    this(url, host, kind, depth, parent, redirects, lastModified, null);
  }

  private CrawlUrl(String url, HostKey host, Kind kind, int depth, String parent, List<String> redirects,
      Instant lastModified, LastVisit lastVisit) {
    this.url = Objects.requireNonNull(url, "url");
    this.host = Objects.requireNonNull(host, "host");
    this.kind = Objects.requireNonNull(kind, "kind");
    if (depth < 0) {
      throw new IllegalArgumentException("depth must be at least 0, was " + depth);
    }
    this.depth = depth;
    this.parent = parent;
    this.redirects = List.copyOf(redirects); // copy: instances cross actor boundaries
    // milliseconds: what a store keeps, so a URL read back equals the one written
    this.lastModified = lastModified == null ? null : lastModified.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    this.lastVisit = lastVisit;
  }

  /** A seed: depth 0, no parent. */
  public static CrawlUrl seed(String url, HostKey host) {
    return new CrawlUrl(url, host, Kind.PAGE, 0, null, List.of(), null);
  }

  /** A link found on {@code parent}, one level deeper than it. */
  public static CrawlUrl discovered(String url, HostKey host, CrawlUrl parent) {
    return new CrawlUrl(url, host, Kind.PAGE, parent.depth + 1, parent.url, List.of(), null);
  }

  /**
   * A sitemap to read, at the depth of a seed: one named by robots.txt or guessed ({@code parent} empty), or one
   * listed by the sitemap index {@code parent}.
   */
  public static CrawlUrl sitemap(String url, HostKey host, Optional<String> parent) {
    return new CrawlUrl(url, host, Kind.SITEMAP, 0, parent.orElse(null), List.of(), null);
  }

  /** A page listed by the sitemap {@code sitemap}, at the depth of a seed, with the sitemap's lastmod if it gave one. */
  public static CrawlUrl listed(String url, HostKey host, String sitemap, Optional<Instant> lastModified) {
    return new CrawlUrl(url, host, Kind.PAGE, 0, sitemap, List.of(), lastModified.orElse(null));
  }

  /** A page restored from a store, with every field given. */
  public static CrawlUrl restore(String url, HostKey host, int depth, Optional<String> parent, List<String> redirects) {
    return new CrawlUrl(url, host, Kind.PAGE, depth, parent.orElse(null), redirects, null);
  }

  /** A URL of any kind restored from a store, with every field given. */
  public static CrawlUrl restore(String url, HostKey host, Kind kind, int depth, Optional<String> parent,
      List<String> redirects, Optional<Instant> lastModified) {
    return new CrawlUrl(url, host, kind, depth, parent.orElse(null), redirects, lastModified.orElse(null));
  }

  /**
   * A URL of any kind restored from a store with what the crawl remembers of its last visit (a URL due for a
   * revisit).
   */
  public static CrawlUrl restore(String url, HostKey host, Kind kind, int depth, Optional<String> parent,
      List<String> redirects, Optional<Instant> lastModified, Optional<LastVisit> lastVisit) {
    return new CrawlUrl(url, host, kind, depth, parent.orElse(null), redirects, lastModified.orElse(null),
        lastVisit.orElse(null));
  }

  /** This URL remembering {@code visit} as its last visit: the form a revisit is scheduled and leased in. */
  public CrawlUrl withLastVisit(LastVisit visit) {
    return new CrawlUrl(url, host, kind, depth, parent, redirects, lastModified, Objects.requireNonNull(visit));
  }

  /**
   * The target of a redirect from this URL: same depth and parent, and a chain that ends with this URL. The
   * record written for the target names the first URL of the chain as its {@code url}.
   */
  public CrawlUrl redirectedTo(String target, HostKey targetHost) {
    List<String> chain = new java.util.ArrayList<>(redirects.size() + 1);
    chain.addAll(redirects);
    chain.add(url);
    return new CrawlUrl(target, targetHost, kind, depth, parent, chain, lastModified);
  }

  /** The canonical URL to fetch. */
  public String url() {
    return url;
  }

  /** The politeness key of {@link #url()}. */
  public HostKey host() {
    return host;
  }

  /** What fetching the URL is for: a page (the default) or a sitemap. */
  public Kind kind() {
    return kind;
  }

  /** Whether this URL is a sitemap to read rather than a page. */
  public boolean isSitemap() {
    return kind == Kind.SITEMAP;
  }

  /** The {@code lastmod} a sitemap gave for this page; empty when it was found otherwise, or the sitemap gave none. */
  public Optional<Instant> lastModified() {
    return Optional.ofNullable(lastModified);
  }

  /**
   * What the crawl remembers of this URL's last visit, when this is a revisit (its validators, digest and interval);
   * empty for a URL not visited yet.
   */
  public Optional<LastVisit> lastVisit() {
    return Optional.ofNullable(lastVisit);
  }

  /** Links followed from a seed to reach this URL; 0 for a seed, a sitemap and the pages sitemaps list. */
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
        && that.kind == kind
        && that.depth == depth
        && Objects.equals(that.parent, parent)
        && that.redirects.equals(redirects)
        && Objects.equals(that.lastModified, lastModified)
        && Objects.equals(that.lastVisit, lastVisit);
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
