package spindle.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.core.LastVisit;

class CrawlUrlCodecTest {
  private static final HostKey HOST = HostKey.of("example.org", -1);
  private static final String LONG_PATH = "/" + "a".repeat(70_000);

  static Stream<Arguments> urls() {
    CrawlUrl seed = CrawlUrl.seed("http://example.org/", HOST);
    CrawlUrl child = CrawlUrl.discovered("http://example.org/a/b?q=1", HOST, seed);
    return Stream.of(
        Arguments.of("a seed", seed),
        Arguments.of("a link with a parent", child),
        Arguments.of("a parent longer than the URL", CrawlUrl.discovered("http://example.org/",
            HOST, CrawlUrl.seed("http://example.org/a/very/long/parent/page.html", HOST))),
        Arguments.of("a parent on another host", CrawlUrl.discovered("http://example.org/x", HOST,
            CrawlUrl.seed("https://other.example/", HostKey.of("other.example", -1)))),
        Arguments.of("a redirect chain", child.redirectedTo("http://example.org/b", HOST)
            .redirectedTo("https://example.org/c", HOST)),
        Arguments.of("non-ASCII everywhere", CrawlUrl.restore("http://example.org/caf\u00e9/\u65e5\u672c/\ud83d\ude00",
            HOST, 7, Optional.of("http://example.org/caf\u00e8"), List.of("http://example.org/caf\u00e9/\u65e5\u672a"))),
        Arguments.of("a URL over 64 KiB", CrawlUrl.restore("http://example.org" + LONG_PATH, HOST, 3,
            Optional.of("http://example.org" + LONG_PATH + "/up"), List.of("http://example.org" + LONG_PATH + "x"))),
        Arguments.of("a large depth", CrawlUrl.restore("http://example.org/deep", HOST, Integer.MAX_VALUE,
            Optional.empty(), List.of())),
        Arguments.of("an empty URL", CrawlUrl.restore("", HOST, 0, Optional.of(""), List.of(""))),
        Arguments.of("a sitemap named by robots.txt", CrawlUrl.sitemap("http://example.org/sitemap.xml", HOST,
            Optional.empty())),
        Arguments.of("a sitemap listed by an index, redirected", CrawlUrl.sitemap("http://example.org/s/1.xml.gz",
            HOST, Optional.of("http://example.org/index.xml")).redirectedTo("https://example.org/s/1.xml.gz", HOST)),
        Arguments.of("a page a sitemap dated", CrawlUrl.listed("http://example.org/p", HOST,
            "http://example.org/sitemap.xml", Optional.of(Instant.parse("2026-11-30T08:15:30.123Z")))),
        Arguments.of("a page a sitemap dated before 1970", CrawlUrl.listed("http://example.org/old", HOST,
            "http://example.org/sitemap.xml", Optional.of(Instant.parse("1969-07-20T20:17:40Z")))),
        Arguments.of("a page a sitemap listed without a date", CrawlUrl.listed("http://example.org/q", HOST,
            "http://example.org/sitemap.xml", Optional.empty())),
        Arguments.of("a revisit with both validators and a digest", child.withLastVisit(new LastVisit(
            Instant.parse("2026-12-06T10:15:30.123Z"), 3, Duration.ofMinutes(90), Optional.of("W/\"caf\u00e9-1\""),
            Optional.of("Sun, 06 Dec 2026 10:00:00 GMT"), Optional.of("sha1:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")))),
        Arguments.of("a revisit without validators, of a sitemap-dated page", CrawlUrl.listed("http://example.org/r",
            HOST, "http://example.org/sitemap.xml", Optional.of(Instant.parse("2026-11-30T08:15:30Z")))
            .withLastVisit(new LastVisit(Instant.parse("2026-12-01T00:00:00Z"), 1, Duration.ofDays(30),
                Optional.empty(), Optional.empty(), Optional.empty()))),
        Arguments.of("a revisit of a sitemap with an ETag only", CrawlUrl.sitemap("http://example.org/sitemap.xml",
            HOST, Optional.empty()).withLastVisit(new LastVisit(Instant.parse("2026-12-01T00:00:00Z"), 1000000,
                Duration.ZERO, Optional.of("\"\""), Optional.empty(), Optional.empty()))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("urls")
  void encodingAndDecodingGivesBackAnEqualUrlWithEveryField(String name, CrawlUrl url) {
    CrawlUrl decoded = CrawlUrlCodec.decode(CrawlUrlCodec.encode(url), HOST);
    assertEquals(url, decoded);
    assertEquals(url.url(), decoded.url());
    assertEquals(url.depth(), decoded.depth());
    assertEquals(url.parent(), decoded.parent());
    assertEquals(url.redirects(), decoded.redirects());
    assertEquals(url.kind(), decoded.kind());
    assertEquals(url.lastModified(), decoded.lastModified());
    assertEquals(url.lastVisit(), decoded.lastVisit());
    assertEquals(HOST, decoded.host());
  }

  @Test
  void aPlainPageIsEncodedAsBeforeSitemapsSoOldStoresReadUnchanged() {
    CrawlUrl page = CrawlUrl.discovered("http://example.org/a", HOST, CrawlUrl.seed("http://example.org/", HOST));
    // the form written before sitemaps: depth 1, the URL, the parent sharing 19 bytes ("http://example.org/"), no hops
    byte[] old = new ByteWriter(64).writeVarint(1).writeLengthPrefixed("http://example.org/a".getBytes(UTF_8))
        .writeVarint(19 + 1).writeVarint(0).writeVarint(0).toByteArray();
    assertArrayEquals(old, CrawlUrlCodec.encode(page));
    assertEquals(page, CrawlUrlCodec.decode(old, HOST));
  }

  @Test
  void unknownUrlFlagsAreReportedAsCorrupt() {
    byte[] sitemap = CrawlUrlCodec.encode(CrawlUrl.sitemap("http://example.org/s.xml", HOST, Optional.empty()));
    sitemap[sitemap.length - 1] = 4;
    assertThrows(IllegalStateException.class, () -> CrawlUrlCodec.decode(sitemap, HOST));
  }

  @Test
  void aParentAndRedirectsOnTheSameHostCostLittleMoreThanTheUrl() {
    CrawlUrl parent = CrawlUrl.seed("https://www.example.org/news/2026/index.html", HOST);
    CrawlUrl url = CrawlUrl.discovered("https://www.example.org/news/2026/article-1234.html", HOST, parent)
        .redirectedTo("https://www.example.org/news/2026/article-1234/", HOST);
    int encoded = CrawlUrlCodec.encode(url).length;
    assertTrue(encoded < url.url().length() + 40, "encoded in " + encoded + " bytes");
  }

  @Test
  void truncatedInputIsReportedAsCorrupt() {
    byte[] whole = CrawlUrlCodec.encode(CrawlUrl.seed("http://example.org/page", HOST));
    assertThrows(IllegalStateException.class, () -> CrawlUrlCodec.decode(Arrays.copyOf(whole, whole.length - 3),
        HOST));
    byte[] longer = Arrays.copyOf(whole, whole.length + 1);
    assertThrows(IllegalStateException.class, () -> CrawlUrlCodec.decode(longer, HOST));
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 127, 128, 16_383, 16_384, Integer.MAX_VALUE, Long.MAX_VALUE, -1, Long.MIN_VALUE})
  void varintsAndLongsReadBackAsWritten(long value) {
    byte[] bytes = new ByteWriter(1).writeVarint(value).writeLong(value).toByteArray();
    ByteReader in = new ByteReader(bytes, 0);
    assertEquals(value, in.readVarint());
    assertEquals(value, in.readLong());
    assertTrue(in.atEnd());
  }
}
