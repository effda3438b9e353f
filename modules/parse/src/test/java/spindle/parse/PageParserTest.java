package spindle.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import spindle.core.url.NormalizationSettings;
import spindle.core.url.UrlNormalizer;

class PageParserTest {
  private static final String PAGE = "http://example.org/dir/page.html";
  private final PageParser parser = new PageParser(ParseSettings.defaults(),
      new UrlNormalizer(new NormalizationSettings(List.of(java.util.regex.Pattern.compile("utm_[a-z]+")))),
      List.of("SpindleBot"));

  private ParsedPage parse(String html) {
    return parser.parse(html.getBytes(StandardCharsets.UTF_8), Optional.of("text/html; charset=utf-8"), PAGE,
        Optional.empty());
  }

  private static List<String> urls(ParsedPage page) {
    return page.links().stream().map(PageLink::url).toList();
  }

  @Test
  void extractsLinksFromAnchorsAreasFramesAndRelLinksResolvedAgainstThePage() {
    ParsedPage page = parse("""
        <html><head><title> A  page </title>
        <link rel="next" href="page2.html"><link rel="stylesheet" href="style.css">
        <link rel="alternate" hreflang="fr" href="/fr/page.html"></head>
        <body><a href="../up.html">up</a> <a href="sub/x.html#part">x</a>
        <map><area href="/area.html"></map><iframe src="//other.example.org/frame"></iframe>
        <frameset><frame src="frame.html"></frameset></body></html>""");
    assertEquals(Optional.of("A page"), page.title());
    assertEquals(List.of("http://example.org/dir/page2.html", "http://example.org/fr/page.html",
        "http://example.org/up.html", "http://example.org/dir/sub/x.html", "http://example.org/area.html",
        "http://other.example.org/frame"), urls(page).subList(0, 6));
    assertFalse(urls(page).contains("http://example.org/dir/style.css"), "a stylesheet is not a page link");
  }

  @Test
  void honoursBaseHref() {
    ParsedPage page = parse("<head><base href='http://cdn.example.org/base/'></head><a href='a.html'>a</a>");
    assertEquals(List.of("http://cdn.example.org/base/a.html"), urls(page));
  }

  @ParameterizedTest
  @CsvSource({"javascript:void(0)", "mailto:someone@example.org", "'data:text/html,<p>hi'", "ftp://example.org/f",
      "tel:+441234"})
  void skipsLinksThatAreNotHttp(String href) {
    assertTrue(urls(parse("<a href=\"" + href + "\">x</a>")).isEmpty());
  }

  @Test
  void skipsNofollowLinksButCountsThem() {
    ParsedPage page = parse("<a href='/a' rel='nofollow'>a</a><a href='/b' rel='noopener NOFOLLOW'>b</a>"
        + "<a href='/c'>c</a>");
    assertEquals(List.of("http://example.org/c"), urls(page));
    assertEquals(3, page.linksFound());
  }

  @Test
  void metaRobotsNofollowStopsLinkExtractionAndNoindexIsReported() {
    ParsedPage page = parse("<meta name='robots' content='noindex, nofollow'><a href='/a'>a</a>");
    assertTrue(page.links().isEmpty());
    assertTrue(page.noindex());
    assertTrue(page.nofollow());
    ParsedPage none = parse("<meta name='ROBOTS' content='none'><a href='/a'>a</a>");
    assertTrue(none.noindex() && none.nofollow());
  }

  @Test
  void xRobotsTagAddressedToUsOrToAllApplies() {
    byte[] body = "<a href='/a'>a</a>".getBytes(StandardCharsets.UTF_8);
    ParsedPage forUs = parser.parse(body, Optional.of("text/html"), PAGE, Optional.of("spindlebot: nofollow"));
    assertTrue(forUs.links().isEmpty());
    ParsedPage forOthers = parser.parse(body, Optional.of("text/html"), PAGE, Optional.of("googlebot: nofollow"));
    assertEquals(1, forOthers.links().size());
    ParsedPage forAll = parser.parse(body, Optional.of("text/html"), PAGE, Optional.of("noindex"));
    assertTrue(forAll.noindex());
  }

  @Test
  void deduplicatesAndNormalisesLinks() {
    ParsedPage page = parse("<a href='/x?utm_source=mail&id=3'>1</a><a href='HTTP://EXAMPLE.ORG:80/x?id=3#top'>2</a>"
        + "<a href='/%7euser/'>3</a>");
    assertEquals(List.of("http://example.org/x?id=3", "http://example.org/~user/"), urls(page));
  }

  @Test
  void decodesTheCharsetFromTheHeaderOrTheMetaTag() {
    Charset latin1 = StandardCharsets.ISO_8859_1;
    byte[] declared = "<title>caf\u00e9</title>".getBytes(latin1);
    assertEquals(Optional.of("caf\u00e9"),
        parser.parse(declared, Optional.of("text/html; charset=ISO-8859-1"), PAGE, Optional.empty()).title());
    byte[] meta = "<meta charset='iso-8859-1'><title>na\u00efve</title>".getBytes(latin1);
    assertEquals(Optional.of("na\u00efve"), parser.parse(meta, Optional.of("text/html"), PAGE, Optional.empty()).title());
  }

  @Test
  void doesNotParseBodiesThatAreNotHtml() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
    assertFalse(parser.parse(png, Optional.of("image/png"), PAGE, Optional.empty()).html());
    assertFalse(parser.parse("<a href='/x'>".getBytes(StandardCharsets.UTF_8),
        Optional.of("application/octet-stream"), PAGE, Optional.empty()).html());
    assertTrue(parser.parse("<!DOCTYPE html><a href='/x'>x</a>".getBytes(StandardCharsets.UTF_8),
        Optional.empty(), PAGE, Optional.empty()).html(), "HTML without a Content-Type is sniffed");
  }

  @Test
  void parsesMalformedHtmlLikeABrowser() {
    ParsedPage page = parse("<html><body><div><a href='/a'>a<div><a href='/b'>b</p></td></table><a href=/c>c");
    assertEquals(List.of("http://example.org/a", "http://example.org/b", "http://example.org/c"), urls(page));
  }

  private ParsedPage parse(byte[] body, String contentType) {
    return parser.parse(body, Optional.of(contentType), PAGE, Optional.empty());
  }

  @Test
  void nonAsciiTitlesAndLinksInUtf8ComeOutAsTheRealText() {
    ParsedPage page = parse("<title>Caf\u00e9 \u2014 \u00e0 la carte \u65e5\u672c</title><a href='/caf\u00e9/\u65e5'>x</a>"
        .getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
    assertEquals(Optional.of("Caf\u00e9 \u2014 \u00e0 la carte \u65e5\u672c"), page.title());
    assertEquals(List.of("http://example.org/caf%C3%A9/%E6%97%A5"), urls(page));
  }

  @Test
  void characterReferencesDecodeToTheSameTextAsRawCharacters() {
    byte[] references = "<title>Caf&eacute; &amp; th&#233;&nbsp;!</title><a href='/caf&eacute;'>x</a>"
        .getBytes(StandardCharsets.UTF_8);
    ParsedPage page = parse(references, "text/html; charset=utf-8");
    assertEquals(Optional.of("Caf\u00e9 & th\u00e9 !"), page.title()); // nbsp normalised like any space
    assertEquals(List.of("http://example.org/caf%C3%A9"), urls(page));
    byte[] mixed = "<title>\u00e9t\u00e9 &eacute;t&eacute;</title>".getBytes(StandardCharsets.UTF_8);
    assertEquals(Optional.of("\u00e9t\u00e9 \u00e9t\u00e9"), parse(mixed, "text/html; charset=utf-8").title());
  }

  @Test
  void singleAndMultiByteCharsetsDecodeTitlesAndLinks() throws Exception {
    Charset windows1252 = Charset.forName("windows-1252");
    ParsedPage euro = parse("<title>Prix: 5 \u20ac</title><a href='/\u00e9t\u00e9'>x</a>".getBytes(windows1252),
        "text/html; charset=windows-1252");
    assertEquals(Optional.of("Prix: 5 \u20ac"), euro.title());
    assertEquals(List.of("http://example.org/%C3%A9t%C3%A9"), urls(euro));
    Charset shiftJis = Charset.forName("Shift_JIS");
    ParsedPage japanese = parse("<title>\u30bd\u30d5\u30c8\u8868</title><a href='/\u8868/\u30bd'>x</a>"
        .getBytes(shiftJis), "text/html; charset=Shift_JIS");
    assertEquals(Optional.of("\u30bd\u30d5\u30c8\u8868"), japanese.title());
    assertEquals(1, japanese.links().size());
    ParsedPage utf16 = parse("<title>\u00e9t\u00e9</title><a href='/a'>a</a>".getBytes(StandardCharsets.UTF_16),
        "text/html; charset=UTF-16");
    assertEquals(Optional.of("\u00e9t\u00e9"), utf16.title());
    assertEquals(List.of("http://example.org/a"), urls(utf16));
  }
}
