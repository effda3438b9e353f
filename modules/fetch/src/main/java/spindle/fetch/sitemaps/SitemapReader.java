package spindle.fetch.sitemaps;

import crawlercommons.sitemaps.AbstractSiteMap;
import crawlercommons.sitemaps.SiteMap;
import crawlercommons.sitemaps.SiteMapIndex;
import crawlercommons.sitemaps.SiteMapParser;
import crawlercommons.sitemaps.SiteMapURL;
import crawlercommons.sitemaps.UnknownFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Reads a fetched sitemap with crawler-commons' {@link SiteMapParser}: bytes in, entries out, no I/O. A gzipped
 * body ({@code .xml.gz} served as is) is decompressed here first, at most {@code spindle.sitemaps.max-size}, so a
 * small file cannot unpack into an unbounded one. The parser is not strict: a sitemap may list URLs outside its own
 * directory (the crawl's scope decides what is followed), and a DOCTYPE is refused (no external entities).
 * Thread-safe: each call uses its own parser.
 */
public final class SitemapReader {
  private static final int GZIP_MAGIC_1 = 0x1f;
  private static final int GZIP_MAGIC_2 = 0x8b;

  private final SitemapSettings settings;

  /** A reader with the limits of {@code settings}. */
  public SitemapReader(SitemapSettings settings) {
    this.settings = settings;
  }

  /**
   * What {@code body}, fetched from {@code url} with {@code contentType}, holds. Never throws for a bad body: a
   * body that is not a sitemap is {@link SitemapReading.Unreadable}.
   */
  public SitemapReading read(String url, Optional<String> contentType, byte[] body) {
    URL location;
    try {
      location = new URI(url).toURL();
    } catch (URISyntaxException | MalformedURLException | IllegalArgumentException invalid) {
      return new SitemapReading.Unreadable("not a URL: " + url);
    }
    if (body.length == 0) {
      return new SitemapReading.Unreadable("empty body");
    }
    byte[] content = body;
    boolean gzipped = isGzip(body);
    if (gzipped) {
      Optional<byte[]> unpacked;
      try {
        unpacked = gunzip(body, settings.maxSizeBytes());
      } catch (IOException corrupt) {
        return new SitemapReading.Unreadable("corrupt gzip: " + corrupt.getMessage());
      }
      if (unpacked.isEmpty()) {
        return new SitemapReading.Unreadable("larger than " + settings.maxSizeBytes()
            + " bytes (spindle.sitemaps.max-size) once decompressed");
      }
      content = unpacked.get();
    }
    SiteMapParser parser = new SiteMapParser(false);
    AbstractSiteMap sitemap;
    try {
      // a decompressed body's type is sniffed: the header named the gzip file, not what it holds
      sitemap = contentType.isPresent() && !gzipped
          ? parser.parseSiteMap(contentType.get(), content, location)
          : parser.parseSiteMap(content, location);
    } catch (UnknownFormatException | IOException | RuntimeException unreadable) {
      return new SitemapReading.Unreadable(oneLine(unreadable));
    }
    return reading(sitemap);
  }

  private SitemapReading reading(AbstractSiteMap sitemap) {
    String type = sitemap.getType() == null ? "xml" : sitemap.getType().name().toLowerCase(Locale.ROOT);
    List<SitemapReading.Entry> entries = new ArrayList<>();
    int listed;
    if (sitemap instanceof SiteMapIndex index) {
      Collection<AbstractSiteMap> children = index.getSitemaps();
      listed = children.size();
      for (AbstractSiteMap child : children) {
        if (entries.size() == settings.maxUrls()) {
          break;
        }
        entries.add(new SitemapReading.Entry(child.getUrl().toString(), instant(child.getLastModified())));
      }
      type = "index";
    } else if (sitemap instanceof SiteMap urlset) {
      Collection<SiteMapURL> urls = urlset.getSiteMapUrls();
      listed = urls.size();
      for (SiteMapURL listedUrl : urls) {
        if (entries.size() == settings.maxUrls()) {
          break;
        }
        // isValid() is the strict check (under the sitemap's directory), which we leave to the crawl's scope
        entries.add(new SitemapReading.Entry(listedUrl.getUrl().toString(), instant(listedUrl.getLastModified())));
      }
    } else {
      return new SitemapReading.Unreadable("not a sitemap: " + sitemap.getClass().getSimpleName());
    }
    return new SitemapReading.Read(type, entries, listed);
  }

  private static Optional<Instant> instant(Date date) {
    return Optional.ofNullable(date).map(Date::toInstant);
  }

  private static boolean isGzip(byte[] body) {
    return body.length >= 2 && (body[0] & 0xff) == GZIP_MAGIC_1 && (body[1] & 0xff) == GZIP_MAGIC_2;
  }

  /** The decompressed bytes, or empty when there are more than {@code max}. */
  private static Optional<byte[]> gunzip(byte[] body, long max) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(body.length * 4, 1 << 20));
      byte[] buffer = new byte[8192];
      long total = 0;
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        total += read;
        if (total > max) {
          return Optional.empty();
        }
        out.write(buffer, 0, read);
      }
      return Optional.of(out.toByteArray());
    }
  }

  private static String oneLine(Throwable failure) {
    String message = failure.getClass().getSimpleName()
        + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    message = message.replace('\n', ' ').replace('\r', ' ');
    return message.length() <= 200 ? message : message.substring(0, 200) + "...";
  }
}
