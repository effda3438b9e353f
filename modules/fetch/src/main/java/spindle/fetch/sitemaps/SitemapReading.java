package spindle.fetch.sitemaps;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What a fetched sitemap holds: its entries, or why it could not be read. */
public sealed interface SitemapReading {
  /** A URL a sitemap lists, with the {@code lastmod} it gives (empty when none, or not a date). */
  record Entry(String url, Optional<Instant> lastModified) {
    public Entry {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(lastModified, "lastModified");
    }
  }

  /**
   * A sitemap read: its {@code type} ("xml", "index", "text", "rss" or "atom"), the first {@code maxUrls} of its
   * {@code entries} (pages, or for an index the sitemaps it lists), and how many it listed in all.
   */
  record Read(String type, List<Entry> entries, int listed) implements SitemapReading {
    public Read {
      Objects.requireNonNull(type, "type");
      entries = List.copyOf(entries); // copy: readings cross threads and actors
    }

    /** Whether the entries are sitemaps (a sitemap index) rather than pages. */
    public boolean isIndex() {
      return type.equals("index");
    }
  }

  /** A body that is not a sitemap, is malformed, or is too large once decompressed; {@code reason} says which. */
  record Unreadable(String reason) implements SitemapReading {
    public Unreadable {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
