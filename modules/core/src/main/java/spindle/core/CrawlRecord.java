package spindle.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the crawl learned about one admitted URL: one record per URL attempted, failures included. The output
 * writes it as one JSON line whose field names are part of Spindle's interface ({@code url}, {@code final_url},
 * {@code status}, {@code content_type}, {@code bytes}, {@code fetch_ms}, {@code depth}, {@code parent},
 * {@code title}, {@code outlinks}, {@code fetched_at}, {@code error}, plus {@code redirects}, {@code truncated},
 * {@code noindex}, {@code nofollow}, {@code attempts}, {@code location}, {@code content_digest}, {@code simhash},
 * {@code near_duplicate_of} and, when asked for, {@code text}; a sitemap's record has {@code sitemap}, a page a
 * sitemap gave a last modification has {@code lastmod}).
 */
public final class CrawlRecord {
  /**
   * What a sitemap held: its {@code type} ("xml", "index", "text", "rss", "atom"; empty when it could not be
   * read), the {@code entries} it listed (URLs, or sitemaps for an index) and how many of them were {@code taken}
   * (at most {@code spindle.sitemaps.max-urls}; taken entries still pass the scope and the seen-set).
   */
  public record Sitemap(Optional<String> type, int entries, int taken) {
    public Sitemap {
      Objects.requireNonNull(type, "type");
    }

    /** A sitemap that could not be read (no answer, an HTTP error, or a body that is no sitemap). */
    public static Sitemap unread() {
      return new Sitemap(Optional.empty(), 0, 0);
    }
  }

  /** A failure's kind and a one-line message. */
  public record Failure(ErrorKind kind, String message) {
    public Failure {
      Objects.requireNonNull(kind, "kind");
      message = message == null ? "" : message;
    }
  }

  private final String url;
  private final String finalUrl;
  private final int status;
  private final String contentType;
  private final long bytes;
  private final long fetchMillis;
  private final int depth;
  private final String parent;
  private final String title;
  private final int outlinks;
  private final Instant fetchedAt;
  private final Failure error;
  private final List<String> redirects;
  private final boolean truncated;
  private final boolean noindex;
  private final boolean nofollow;
  private final int attempts;
  private final String location;
  private final String contentDigest;
  private final String simhash;
  private final String nearDuplicateOf;
  private final String text;
  private final Sitemap sitemap;
  private final Instant lastModified;
  private final Boolean changed;
  private final int visit;

  private CrawlRecord(Builder builder) {
    this.url = builder.url;
    this.finalUrl = builder.finalUrl == null ? builder.url : builder.finalUrl;
    this.status = builder.status;
    this.contentType = builder.contentType;
    this.bytes = builder.bytes;
    this.fetchMillis = builder.fetchMillis;
    this.depth = builder.depth;
    this.parent = builder.parent;
    this.title = builder.title;
    this.outlinks = builder.outlinks;
    this.fetchedAt = builder.fetchedAt == null ? Instant.now() : builder.fetchedAt;
    this.error = builder.error;
    this.redirects = List.copyOf(builder.redirects);
    this.truncated = builder.truncated;
    this.noindex = builder.noindex;
    this.nofollow = builder.nofollow;
    this.attempts = builder.attempts;
    this.location = builder.location;
    this.contentDigest = builder.contentDigest;
    this.simhash = builder.simhash;
    this.nearDuplicateOf = builder.nearDuplicateOf;
    this.text = builder.text;
    this.sitemap = builder.sitemap;
    this.lastModified = builder.lastModified;
    this.changed = builder.changed;
    this.visit = builder.visit;
  }

  /** A builder for the record of {@code url}, taking depth, parent and redirect chain from it. */
  public static Builder builder(CrawlUrl url) {
    Builder builder = new Builder(url.originalUrl());
    builder.finalUrl = url.url();
    builder.depth = url.depth();
    builder.parent = url.parent().orElse(null);
    builder.lastModified = url.lastModified().orElse(null);
    if (!url.redirects().isEmpty()) {
      builder.redirects = url.redirects();
    }
    return builder;
  }

  /** A builder for a record of {@code url} with no other field set. */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  /** The URL as admitted (the head of a redirect chain). */
  public String url() {
    return url;
  }

  /** The URL whose response this record describes: {@link #url()} unless redirects were followed. */
  public String finalUrl() {
    return finalUrl;
  }

  /** The HTTP status of the last response, or empty when no response arrived. */
  public OptionalInt status() {
    return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }

  /** The Content-Type header of the last response, or empty when there was none. */
  public Optional<String> contentType() {
    return Optional.ofNullable(contentType);
  }

  /** Body bytes received after decoding; 0 when no body arrived. */
  public long bytes() {
    return bytes;
  }

  /** Milliseconds from sending the last request to the end of its body (or the failure). */
  public long fetchMillis() {
    return fetchMillis;
  }

  /** Links followed from a seed to reach {@link #url()}. */
  public int depth() {
    return depth;
  }

  /** The page {@link #url()} was found on; empty for a seed. */
  public Optional<String> parent() {
    return Optional.ofNullable(parent);
  }

  /** The page's title; empty when it has none or was not parsed. */
  public Optional<String> title() {
    return Optional.ofNullable(title);
  }

  /** Number of distinct http(s) links found on the page (whether or not they were in scope). */
  public int outlinks() {
    return outlinks;
  }

  /** When the last response arrived, or when the failure was decided. */
  public Instant fetchedAt() {
    return fetchedAt;
  }

  /** The failure, or empty for a normal page. */
  public Optional<Failure> error() {
    return Optional.ofNullable(error);
  }

  /** URLs fetched before {@link #finalUrl()}, head of the chain first; empty without redirects. */
  public List<String> redirects() {
    return redirects;
  }

  /** Whether the body was cut at {@code spindle.fetch.max-body-size}. */
  public boolean truncated() {
    return truncated;
  }

  /** Whether the page asked not to be indexed (meta robots or X-Robots-Tag). */
  public boolean noindex() {
    return noindex;
  }

  /** Whether the page asked that its links not be followed (meta robots or X-Robots-Tag). */
  public boolean nofollow() {
    return nofollow;
  }

  /** HTTP attempts made for the last URL of the chain, retries included; 0 when nothing was sent. */
  public int attempts() {
    return attempts;
  }

  /**
   * Where the last response redirected to, when the chain ended at a redirect (its target was already crawled,
   * or could not be followed); empty otherwise.
   */
  public Optional<String> location() {
    return Optional.ofNullable(location);
  }

  /** {@code sha1:} and the base32 SHA-1 of the payload as sent (WARC's payload digest); empty without a body. */
  public Optional<String> contentDigest() {
    return Optional.ofNullable(contentDigest);
  }

  /** The 64-bit SimHash of the page's text as 16 hex digits ({@link SimHash}); empty for a page not parsed. */
  public Optional<String> simhash() {
    return Optional.ofNullable(simhash);
  }

  /** An earlier page of the crawl whose text is within {@link SimHash#NEAR} bits of this one's; empty if none. */
  public Optional<String> nearDuplicateOf() {
    return Optional.ofNullable(nearDuplicateOf);
  }

  /** The page's main content as Markdown or text ({@code spindle.output.text}); empty when off or none. */
  public Optional<String> text() {
    return Optional.ofNullable(text);
  }

  /** What the sitemap held, when this is a sitemap's record; empty for a page. */
  public Optional<Sitemap> sitemap() {
    return Optional.ofNullable(sitemap);
  }

  /** The {@code lastmod} a sitemap gave for {@link #url()}; empty when it was found otherwise or none was given. */
  public Optional<Instant> lastModified() {
    return Optional.ofNullable(lastModified);
  }

  /** A builder holding every field of this record, to change a few. */
  /**
   * On a revisit ({@code spindle.recrawl}), whether the page changed since the last visit: false after a 304 or an
   * identical payload digest, true otherwise; empty on a first visit and in crawls without revisits.
   */
  public Optional<Boolean> changed() {
    return Optional.ofNullable(changed);
  }

  /** Which visit of the URL this record is (1 for the first) in a crawl that revisits pages; empty otherwise. */
  public OptionalInt visit() {
    return visit > 0 ? OptionalInt.of(visit) : OptionalInt.empty();
  }

  public Builder toBuilder() {
    Builder builder = new Builder(url);
    builder.finalUrl = finalUrl;
    builder.status = status;
    builder.contentType = contentType;
    builder.bytes = bytes;
    builder.fetchMillis = fetchMillis;
    builder.depth = depth;
    builder.parent = parent;
    builder.title = title;
    builder.outlinks = outlinks;
    builder.fetchedAt = fetchedAt;
    builder.error = error;
    builder.redirects = redirects;
    builder.truncated = truncated;
    builder.noindex = noindex;
    builder.nofollow = nofollow;
    builder.attempts = attempts;
    builder.location = location;
    builder.contentDigest = contentDigest;
    builder.simhash = simhash;
    builder.nearDuplicateOf = nearDuplicateOf;
    builder.text = text;
    builder.sitemap = sitemap;
    builder.lastModified = lastModified;
    builder.changed = changed;
    builder.visit = visit;
    return builder;
  }

  @Override
  public String toString() {
    return "CrawlRecord[" + url + " status=" + status + (error == null ? "" : " error=" + error.kind()) + "]";
  }

  /** Builds a {@link CrawlRecord}; fields left unset are absent (status, content type, title, error) or 0. */
  public static final class Builder {
    private final String url;
    private String finalUrl;
    private int status = -1;
    private String contentType;
    private long bytes;
    private long fetchMillis;
    private int depth;
    private String parent;
    private String title;
    private int outlinks;
    private Instant fetchedAt;
    private Failure error;
    private List<String> redirects = List.of();
    private boolean truncated;
    private boolean noindex;
    private boolean nofollow;
    private int attempts;
    private String location;
    private String contentDigest;
    private String simhash;
    private String nearDuplicateOf;
    private String text;
    private Sitemap sitemap;
    private Instant lastModified;
    private Boolean changed;
    private int visit;

    private Builder(String url) {
      this.url = Objects.requireNonNull(url, "url");
    }

    public Builder finalUrl(String value) {
      this.finalUrl = value;
      return this;
    }

    public Builder status(int value) {
      this.status = value;
      return this;
    }

    public Builder contentType(String value) {
      this.contentType = value;
      return this;
    }

    public Builder bytes(long value) {
      this.bytes = value;
      return this;
    }

    public Builder fetchMillis(long value) {
      this.fetchMillis = value;
      return this;
    }

    public Builder depth(int value) {
      this.depth = value;
      return this;
    }

    public Builder parent(String value) {
      this.parent = value;
      return this;
    }

    public Builder title(String value) {
      this.title = value;
      return this;
    }

    public Builder outlinks(int value) {
      this.outlinks = value;
      return this;
    }

    public Builder fetchedAt(Instant value) {
      this.fetchedAt = value;
      return this;
    }

    public Builder error(ErrorKind kind, String message) {
      this.error = new Failure(kind, message);
      return this;
    }

    public Builder redirects(List<String> value) {
      this.redirects = value;
      return this;
    }

    public Builder truncated(boolean value) {
      this.truncated = value;
      return this;
    }

    public Builder noindex(boolean value) {
      this.noindex = value;
      return this;
    }

    public Builder nofollow(boolean value) {
      this.nofollow = value;
      return this;
    }

    public Builder attempts(int value) {
      this.attempts = value;
      return this;
    }

    public Builder location(String value) {
      this.location = value;
      return this;
    }

    public Builder contentDigest(String value) {
      this.contentDigest = value;
      return this;
    }

    public Builder simhash(long value) {
      this.simhash = SimHash.hex(value);
      return this;
    }

    public Builder nearDuplicateOf(String value) {
      this.nearDuplicateOf = value;
      return this;
    }

    public Builder text(String value) {
      this.text = value;
      return this;
    }

    public Builder sitemap(Sitemap value) {
      this.sitemap = value;
      return this;
    }

    /** Whether a revisit found the page changed. */
    public Builder changed(boolean value) {
      this.changed = value;
      return this;
    }

    /** Which visit of the URL this is, from 1, in a crawl that revisits pages. */
    public Builder visit(int value) {
      this.visit = value;
      return this;
    }

    public Builder lastModified(Instant value) {
      this.lastModified = value;
      return this;
    }

    public CrawlRecord build() {
      return new CrawlRecord(this);
    }
  }
}
