package spindle.fetch.sitemaps;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import spindle.core.SettingsException;

class SitemapReaderTest {
  private static final SitemapReader READER = new SitemapReader(new SitemapSettings(true, 1 << 20, 50_000));
  private static final String URLSET = """
      <?xml version="1.0" encoding="UTF-8"?>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>http://h.example/a</loc><lastmod>2026-11-30T08:15:30+01:00</lastmod></url>
        <url><loc>http://h.example/b?x=1&amp;y=2</loc></url>
        <url><loc>http://other.example/c</loc><lastmod>2026-10-01</lastmod></url>
      </urlset>
      """;

  @Test
  void anXmlSitemapGivesItsUrlsWithTheirLastmod() {
    SitemapReading.Read read = read("http://h.example/sitemaps/s.xml", "application/xml", URLSET.getBytes(UTF_8));
    assertEquals("xml", read.type());
    assertEquals(3, read.listed());
    assertEquals(List.of(
        new SitemapReading.Entry("http://h.example/a", Optional.of(Instant.parse("2026-11-30T07:15:30Z"))),
        new SitemapReading.Entry("http://h.example/b?x=1&y=2", Optional.empty()),
        // not strict: a URL outside the sitemap's directory (or host) is kept; the crawl's scope decides
        new SitemapReading.Entry("http://other.example/c", Optional.of(Instant.parse("2026-10-01T00:00:00Z")))),
        read.entries());
  }

  @Test
  void aSitemapIndexGivesTheSitemapsItLists() {
    String index = """
        <?xml version="1.0" encoding="UTF-8"?>
        <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <sitemap><loc>http://h.example/s1.xml.gz</loc><lastmod>2026-11-01</lastmod></sitemap>
          <sitemap><loc>http://h.example/s2.xml</loc></sitemap>
        </sitemapindex>
        """;
    SitemapReading.Read read = read("http://h.example/index.xml", "text/xml", index.getBytes(UTF_8));
    assertTrue(read.isIndex());
    assertEquals(List.of("http://h.example/s1.xml.gz", "http://h.example/s2.xml"),
        read.entries().stream().map(SitemapReading.Entry::url).toList());
    assertEquals(Optional.of(Instant.parse("2026-11-01T00:00:00Z")), read.entries().get(0).lastModified());
  }

  @Test
  void aGzippedSitemapIsDecompressedWhateverItsContentType() {
    byte[] gzipped = gzip(URLSET.getBytes(UTF_8));
    for (String type : new String[] {"application/gzip", "application/x-gzip", "application/octet-stream"}) {
      SitemapReading.Read read = read("http://h.example/s.xml.gz", type, gzipped);
      assertEquals(3, read.entries().size(), type);
    }
    assertEquals(3, read("http://h.example/s.xml.gz", null, gzipped).entries().size());
  }

  @Test
  void aTextSitemapGivesOneUrlPerLine() {
    SitemapReading.Read read = read("http://h.example/sitemap.txt", "text/plain; charset=utf-8",
        "http://h.example/one\n\nhttp://h.example/two\n".getBytes(UTF_8));
    assertEquals("text", read.type());
    assertEquals(List.of("http://h.example/one", "http://h.example/two"),
        read.entries().stream().map(SitemapReading.Entry::url).toList());
  }

  @Test
  void onlyMaxUrlsEntriesAreTakenAndTheRecordKnowsHowManyWereListed() {
    SitemapReader reader = new SitemapReader(new SitemapSettings(true, 1 << 20, 2));
    SitemapReading reading = reader.read("http://h.example/s.xml", Optional.of("application/xml"),
        URLSET.getBytes(UTF_8));
    SitemapReading.Read read = assertInstanceOf(SitemapReading.Read.class, reading);
    assertEquals(2, read.entries().size());
    assertEquals(3, read.listed());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "malformed XML       | application/xml | <urlset><url><loc>http://h.example/a</loc></url",
      "an HTML error page  | text/html       | <!DOCTYPE html><html><body><h1>Not here</h1></body></html>",
      "a DOCTYPE (XXE)     | application/xml | <?xml version=\"1.0\"?><!DOCTYPE u [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><urlset><url><loc>&e;</loc></url></urlset>",
      "an unknown root     | application/xml | <?xml version=\"1.0\"?><feed-of-nothing/>",
      "an image            | image/png       | PNG",
  })
  void aBrokenSitemapIsUnreadableAndNeverThrows(String name, String type, String body) {
    SitemapReading reading = READER.read("http://h.example/sitemap.xml", Optional.of(type), body.getBytes(UTF_8));
    assertInstanceOf(SitemapReading.Unreadable.class, reading, name + ": " + reading);
  }

  @Test
  void anEmptyBodyOrCorruptGzipIsUnreadable() {
    assertInstanceOf(SitemapReading.Unreadable.class, READER.read("http://h.example/s.xml", Optional.empty(),
        new byte[0]));
    byte[] gzipped = gzip(URLSET.getBytes(UTF_8));
    byte[] cut = java.util.Arrays.copyOf(gzipped, gzipped.length / 2);
    assertInstanceOf(SitemapReading.Unreadable.class, READER.read("http://h.example/s.xml.gz", Optional.empty(), cut));
  }

  @Test
  void aGzippedSitemapLargerThanMaxSizeOnceDecompressedIsUnreadable() {
    SitemapReader reader = new SitemapReader(new SitemapSettings(true, 1000, 50_000));
    byte[] bomb = gzip(("<urlset>" + " ".repeat(100_000) + "</urlset>").getBytes(UTF_8)); // a few hundred bytes
    SitemapReading reading = reader.read("http://h.example/s.xml.gz", Optional.empty(), bomb);
    SitemapReading.Unreadable unreadable = assertInstanceOf(SitemapReading.Unreadable.class, reading);
    assertTrue(unreadable.reason().contains("spindle.sitemaps.max-size"), unreadable.reason());
  }

  @Test
  void settingsNameTheKeyOfAnImpossibleLimit() {
    assertEquals("spindle.sitemaps.max-urls",
        assertThrows(SettingsException.class, () -> new SitemapSettings(true, 100, 0)).key());
    assertEquals("spindle.sitemaps.max-size",
        assertThrows(SettingsException.class, () -> new SitemapSettings(true, 0, 10)).key());
  }

  private static SitemapReading.Read read(String url, String contentType, byte[] body) {
    SitemapReading reading = READER.read(url, Optional.ofNullable(contentType), body);
    return assertInstanceOf(SitemapReading.Read.class, reading, String.valueOf(reading));
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return out.toByteArray();
  }
}
