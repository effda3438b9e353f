package spindle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import spindle.core.CrawlRecord;
import spindle.core.CrawlUrl;
import spindle.core.ErrorKind;
import spindle.core.HostKey;
import spindle.core.ScopeRules;
import spindle.core.url.NormalizationSettings;
import spindle.core.url.UrlNormalizer;
import spindle.fetch.FetchResult;
import spindle.parse.PageParser;
import spindle.parse.ParseSettings;

/** What becomes of one fetch outcome: its record, the links it admits, or the target a redirect is handed on to. */
class PageProcessorTest {
  private static final HostKey HOST = HostKey.of("example.org", -1);
  private static final UrlNormalizer NORMALIZER = new UrlNormalizer(new NormalizationSettings(List.of()));
  private static final PageParsing PARSER = new PageParser(ParseSettings.defaults(), NORMALIZER,
      List.of("SpindleBot"))::parse;
  private static final ScopeRules SCOPE = new ScopeRules(Set.of("example.org"), List.of(), List.of(),
      List.of(Pattern.compile(".*/private/.*")), 3);

  private static PageProcessor processor(PageParsing parsing) {
    return new PageProcessor(parsing, NORMALIZER, SCOPE, 2);
  }

  private static FetchOutcome.Fetched page(CrawlUrl url, int status, String contentType, String body,
      String location) {
    FetchResult result = FetchResult.response(url.url(), status, new FetchResult.Headers(contentType, location,
        null, null), body.getBytes(StandardCharsets.UTF_8), false, 1 << 20, 12);
    return new FetchOutcome.Fetched(url, result, 1);
  }

  private static final CrawlUrl SEED = CrawlUrl.seed("http://example.org/", HOST);

  @Test
  void aPageGivesItsRecordAndItsInScopeLinksOneLevelDeeper() {
    Processed processed = processor(PARSER).process(page(SEED, 200, "text/html", """
        <html><head><title>Home</title></head><body>
        <a href="/a">a</a> <a href="http://other.example/x">elsewhere</a> <a href="/private/p">private</a>
        </body></html>""", null));

    CrawlRecord record = processed.record();
    assertEquals(Optional.of("Home"), record.title());
    assertEquals(200, record.status().getAsInt());
    assertTrue(record.error().isEmpty());
    assertEquals(List.of("http://example.org/a"), processed.outlinks().stream().map(CrawlUrl::url).toList());
    assertEquals(1, processed.outlinks().get(0).depth());
    assertTrue(processed.redirectTarget().isEmpty());
  }

  @Test
  void aSitemapGivesItsInScopePagesAtSeedDepthWithTheirLastmodAndItsOwnRecord() {
    CrawlUrl sitemap = CrawlUrl.sitemap("http://example.org/sitemap.xml", HOST, Optional.empty());
    Processed processed = processor(PARSER).process(page(sitemap, 200, "application/xml", """
        <?xml version="1.0" encoding="UTF-8"?>
        <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <url><loc>http://example.org/deep/a?utm_source=x</loc><lastmod>2026-11-30</lastmod></url>
          <url><loc>http://other.example/out-of-scope</loc></url>
          <url><loc>http://example.org/private/excluded</loc></url>
          <url><loc>ftp://example.org/not-http</loc></url>
        </urlset>""", null));

    assertEquals(List.of("http://example.org/deep/a?utm_source=x"),
        processed.outlinks().stream().map(CrawlUrl::url).toList());
    CrawlUrl listed = processed.outlinks().get(0);
    assertEquals(0, listed.depth());
    assertEquals(CrawlUrl.Kind.PAGE, listed.kind());
    assertEquals(Optional.of(sitemap.url()), listed.parent());
    assertEquals(Optional.of(java.time.Instant.parse("2026-11-30T00:00:00Z")), listed.lastModified());
    assertEquals(Optional.of(new CrawlRecord.Sitemap(Optional.of("xml"), 4, 4)), processed.record().sitemap());
    assertTrue(processed.record().error().isEmpty());
  }

  @Test
  void aSitemapIndexGivesSitemapsAndAnUnreadableSitemapIsOneParseError() {
    CrawlUrl index = CrawlUrl.sitemap("http://example.org/index.xml", HOST, Optional.empty());
    Processed processed = processor(PARSER).process(page(index, 200, "text/xml", """
        <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <sitemap><loc>http://example.org/s1.xml.gz</loc></sitemap>
        </sitemapindex>""", null));
    CrawlUrl child = processed.outlinks().get(0);
    assertEquals(CrawlUrl.Kind.SITEMAP, child.kind());
    assertEquals(Optional.of(index.url()), child.parent());

    Processed broken = processor(PARSER).process(page(index, 200, "text/html", "<html><body>Moved</body></html>",
        null));
    assertEquals(ErrorKind.PARSE_ERROR, broken.record().error().orElseThrow().kind());
    assertEquals(Optional.of(CrawlRecord.Sitemap.unread()), broken.record().sitemap());
    assertTrue(broken.outlinks().isEmpty());
    Processed missing = processor(PARSER).process(page(index, 404, "text/html", "gone", null));
    assertEquals(ErrorKind.HTTP_CLIENT_ERROR, missing.record().error().orElseThrow().kind());
    assertEquals(Optional.of(CrawlRecord.Sitemap.unread()), missing.record().sitemap());
  }

  @Test
  void aRejectedUrlGetsItsRecordWithoutAFetch() {
    Processed processed = processor(PARSER).process(new FetchOutcome.Rejected(SEED, ErrorKind.ROBOTS_DISALLOWED,
        "robots.txt disallows it for SpindleBot"));
    assertEquals(Optional.of(new CrawlRecord.Failure(ErrorKind.ROBOTS_DISALLOWED,
        "robots.txt disallows it for SpindleBot")), processed.record().error());
    assertTrue(processed.outlinks().isEmpty());
  }

  @ParameterizedTest(name = "HTTP {0}: {1}")
  @CsvSource({"404, HTTP_CLIENT_ERROR", "429, HTTP_TOO_MANY_REQUESTS", "503, HTTP_SERVER_ERROR"})
  void anErrorStatusIsTheRecordsErrorAndItsLinksAreNotFollowed(int status, ErrorKind kind) {
    Processed processed = processor(PARSER).process(page(SEED, status, "text/html", "<a href=\"/a\">a</a>", null));
    assertEquals(Optional.of(new CrawlRecord.Failure(kind, "HTTP " + status)), processed.record().error());
    assertTrue(processed.outlinks().isEmpty());
  }

  @Test
  void aRedirectIsHandedOnToItsCanonicalTarget() {
    Processed processed = processor(PARSER).process(page(SEED, 301, null, "", "/B/../next?"));
    CrawlUrl target = processed.redirectTarget().orElseThrow();
    assertEquals("http://example.org/next", target.url());
    assertEquals(List.of("http://example.org/"), target.redirects());
    assertEquals(Optional.of("http://example.org/next"), processed.record().location());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no Location header       |                              | REDIRECT_INVALID",
      "not http(s)              | mailto:someone@example.org   | REDIRECT_INVALID",
      "back to itself           | http://example.org/          | REDIRECT_LOOP",
      "out of scope             | http://other.example/        | REDIRECT_OUT_OF_SCOPE",
  })
  void aRedirectThatFailsItsChecksIsRecordedWithWhy(String why, String location, ErrorKind kind) {
    Processed processed = processor(PARSER).process(page(SEED, 302, null, "", location));
    assertTrue(processed.redirectTarget().isEmpty());
    assertEquals(kind, processed.record().error().orElseThrow().kind());
  }

  @Test
  void aChainLongerThanMaxRedirectsStops() {
    CrawlUrl twice = SEED.redirectedTo("http://example.org/1", HOST).redirectedTo("http://example.org/2", HOST);
    Processed processed = processor(PARSER).process(page(twice, 301, null, "", "/3"));
    assertEquals(ErrorKind.TOO_MANY_REDIRECTS, processed.record().error().orElseThrow().kind());
  }

  @Test
  void aMetaRefreshWithoutDelayIsARedirectAndThePagesOtherLinksAreStillAdmitted() {
    Processed processed = processor(PARSER).process(page(SEED, 200, "text/html", """
        <html><head><meta http-equiv="refresh" content="0; url=/moved"></head>
        <body><a href="/moved">moved</a> <a href="/a">a</a></body></html>""", null));
    assertEquals("http://example.org/moved", processed.redirectTarget().orElseThrow().url());
    assertEquals(List.of("http://example.org/a"), processed.outlinks().stream().map(CrawlUrl::url).toList());
  }

  @Test
  void aParserThatFailsGivesAParseErrorRecordNotAnException() {
    PageParsing exploding = (body, type, url, tag) -> {
      throw new IllegalStateException("parser exploded");
    };
    Processed processed = processor(exploding).process(page(SEED, 200, "text/html", "<p>x</p>", null));
    CrawlRecord.Failure failure = processed.record().error().orElseThrow();
    assertEquals(ErrorKind.PARSE_ERROR, failure.kind());
    assertEquals("IllegalStateException: parser exploded", failure.message());
    assertEquals(200, processed.record().status().getAsInt());
  }
}
