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
  static final UrlNormalizer NORMALIZER =
      new UrlNormalizer(new NormalizationSettings(List.of(java.util.regex.Pattern.compile("utm_[a-z]+"))));
  private final PageParser parser = parser();

  /** The parser under test: with SimHash on, it reads pages from jsoup's document (see ScannedPageParserTest). */
  PageParser parser() {
    return new PageParser(ParseSettings.defaults(), NORMALIZER, List.of("SpindleBot"), TextExtractor.Format.OFF, true);
  }

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
    assertFalse(parser.parse(png, Optional.of("application/octet-stream"), PAGE, Optional.empty()).html());
    assertTrue(parser.parse("<!DOCTYPE html><a href='/x'>x</a>".getBytes(StandardCharsets.UTF_8),
        Optional.empty(), PAGE, Optional.empty()).html(), "HTML without a Content-Type is sniffed");
    // Pekko HTTP reports a missing Content-Type as application/octet-stream now and then: sniffed alike
    assertTrue(parser.parse("<!DOCTYPE html><a href='/x'>x</a>".getBytes(StandardCharsets.UTF_8),
        Optional.of("application/octet-stream"), PAGE, Optional.empty()).html());
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

  // Issue 19: links exactly as a browser finds them.

  private ParsedPage sniffed(String body) {
    return parser.parse(body.getBytes(StandardCharsets.UTF_8), Optional.empty(), PAGE, Optional.empty());
  }

  @ParameterizedTest
  @CsvSource({"javascript:void(0)", "'data:text/html,<p>hi'", "mailto:webmaster@example.org", "tel:+441234",
      "about:blank", "http://[::1"})
  void aBaseThatIsNotAnHttpUrlLeavesRelativeLinksResolvedAgainstThePage(String href) {
    ParsedPage page = parse("<head><base href=\"" + href + "\"><base href='http://cdn.example.org/'></head>"
        + "<a href='next.html'>next</a><a href='/top'>top</a><a href='#part'>here</a>");
    // HTML: only the first <base href> counts; when its URL is unusable the document's own URL is the base
    assertEquals(List.of("http://example.org/dir/next.html", "http://example.org/top",
        "http://example.org/dir/page.html"), urls(page));
  }

  private static Optional<String> refreshOf(ParsedPage page) {
    return page.refresh().map(refresh -> refresh.delaySeconds() + " " + refresh.target().url());
  }

  private Optional<String> refresh(String content) {
    return refreshOf(parse("<head><meta http-equiv='Refresh' content=\"" + content + "\"></head><p>x"));
  }

  @Test
  void metaRefreshTargetsAreReadAsTheHtmlStandardParsesTheContentAttribute() {
    assertEquals(Optional.of("0 http://example.org/next"), refresh("0; url=/next"));
    assertEquals(Optional.of("5 http://example.org/dir/other.html"), refresh("5;URL='other.html'"));
    assertEquals(Optional.of("0 http://example.org/dir/q?a=1"), refresh("0,Url = &quot;q?a=1&quot; trailing"));
    assertEquals(Optional.of("3 https://other.example.org/x"), refresh("  3  https://other.example.org/x"));
    assertEquals(Optional.of("1 http://example.org/a"), refresh("1.5; url=/a"));
    assertEquals(Optional.of("0 http://example.org/b"), refresh(".5 url=/b"));
    assertEquals(Optional.of("0 http://example.org/dir/u-turn.html"), refresh("0;u-turn.html"));
    assertEquals(Optional.of("0 http://example.org/dir/url-less.html"), refresh("0; url-less.html"));
    assertEquals(Optional.empty(), refresh("5"), "a bare delay reloads the page itself");
    assertEquals(Optional.empty(), refresh("soon; url=/a"), "no delay: not a refresh");
    assertEquals(Optional.empty(), refresh("0x; url=/a"));
    assertEquals(Optional.empty(), refresh("0; url=javascript:go()"));
    assertEquals(Optional.empty(), refresh("0; url=mailto:a@example.org"));
  }

  @Test
  void theFirstValidMetaRefreshCountsItIsResolvedAgainstTheBaseAndItIsALink() {
    ParsedPage page = parse("<head><base href='http://cdn.example.org/b/'><meta http-equiv=refresh content='soon'>"
        + "<meta http-equiv=refresh content='2;url=x.html'><meta http-equiv=refresh content='0;url=/y'></head>"
        + "<a href='/z'>z</a>");
    assertEquals(Optional.of("2 http://cdn.example.org/b/x.html"), refreshOf(page));
    assertEquals(List.of("http://cdn.example.org/b/x.html", "http://cdn.example.org/z"), urls(page));
    assertEquals(2, page.linksFound());
    ParsedPage nofollow = parse("<meta name=robots content=nofollow><meta http-equiv=refresh content='0;url=/moved'>");
    assertTrue(nofollow.links().isEmpty());
    assertEquals(Optional.of("0 http://example.org/moved"), refreshOf(nofollow), "reported even when nofollow");
  }

  @Test
  void queriesOnALegacyCharsetPageAreEncodedInThatCharsetWhilePathsAndFragmentsStayUtf8() {
    Charset windows1252 = Charset.forName("windows-1252");
    String html = "<a href='/s\u00fc?q=\u00fc&amp;r=\u20ac&amp;s=&#26085;#\u00fc'>x</a>";
    String expected = "http://example.org/s%C3%BC?q=%FC&r=%80&s=%26%2326085%3B";
    assertEquals(List.of(expected), urls(parse(html.getBytes(windows1252), "text/html; charset=windows-1252")));
    // the charset declared in the page itself, not in the header, counts the same
    byte[] declaredInPage = ("<meta charset='windows-1252'>" + html).getBytes(windows1252);
    assertEquals(List.of(expected), urls(parse(declaredInPage, "text/html")));
    // ISO-8859-1 is windows-1252 to a browser (the Encoding Standard's labels)
    assertEquals(List.of("http://example.org/?e=%80"),
        urls(parse("<a href='/?e=&euro;'>x</a>".getBytes(windows1252), "text/html; charset=ISO-8859-1")));
    assertEquals(List.of("http://example.org/s%C3%BC?q=%C3%BC"),
        urls(parse("<a href='/s\u00fc?q=\u00fc'>x</a>".getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8")));
  }

  @Test
  void aLinkWrittenWithCharacterReferencesIsNotTakenForTheSameBytesWrittenRaw() {
    // on a UTF-8 page the bytes C3 A9 are "\u00e9", while &#xC3;&#xA9; are the two characters "\u00c3\u00a9"
    ParsedPage page = parse("<a href='/a\u00e9'>1</a><a href='/a&#xC3;&#xA9;'>2</a>"
        + "<a href='/b&#xC3;&#xA9;'>3</a><a href='/b\u00e9'>4</a>");
    assertEquals(List.of("http://example.org/a%C3%A9", "http://example.org/a%C3%83%C2%A9",
        "http://example.org/b%C3%83%C2%A9", "http://example.org/b%C3%A9"), urls(page));
    assertEquals(Optional.of("\u00e9 \u00c3\u00a9 \u00e9"),
        parse("<title>\u00e9 &#xC3;&#xA9; &eacute;</title>").title());
    // references the byte view cannot pin down (no ';', U+0080..U+009F) make the page decode in full: same text
    ParsedPage legacy = parse("<title>caf&eacute soon &#x81;&#150;\u00e9</title><a href='/a&#xC3;&#xA9;'>1</a>"
        + "<a href='/?x=1&copy=2&amp;\u00e9'>2</a>");
    assertEquals(Optional.of("caf\u00e9 soon \u0081\u2013\u00e9"), legacy.title());
    assertEquals(List.of("http://example.org/a%C3%83%C2%A9", "http://example.org/?x=1&copy=2&%C3%A9"), urls(legacy));
  }

  @ParameterizedTest
  @CsvSource({"'<!DOCTYPE html>', true", "'<!doctype HTML lang=en>', true", "'  \t<HTML>', true", "<head>, true",
      "<script>x</script>, true", "<iframe src=x>, true", "<h1>T</h1>, true", "<div>, true", "<font size=2>, true",
      "<table>, true", "<a>x</a>, true", "<A href=/x>x</A>, true", "<style>, true", "<title>T</title>, true",
      "<b>x</b>, true", "<body>, true", "<br>, true", "<p>x, true", "<P class=x>, true", "'<!-- c -->', true",
      "<base href=/>, false", "<map>, false", "<meta charset=utf-8>, false", "<pre>x</pre>, false",
      "<param>, false", "'<html\nlang=en>', false", "<?xml version=1.0?><html>, false", "hello <html>, false",
      "'\uFEFF<html>', false", "<!DOCTYPE htm>, false", "'<!---->', false"})
  void bodiesWithoutAContentTypeAreSniffedWithTheMimeSniffingStandardsHtmlPatterns(String body, boolean html) {
    assertEquals(html, sniffed(body).html(), body);
  }

  @Test
  void onlyAnUnknownOrUnparseableContentTypeIsSniffed() {
    byte[] body = "<html><a href='/x'>x</a>".getBytes(StandardCharsets.UTF_8);
    for (String unknown : List.of("unknown/unknown", "application/unknown; charset=x", "*/*", "", "html")) {
      assertTrue(parse(body, unknown).html(), unknown);
    }
    for (String declared : List.of("text/plain", "text/htmlx", "application/json", "text/xml")) {
      assertFalse(parse(body, declared).html(), declared);
    }
    assertTrue(parse(body, " Text/HTML ; charset=utf-8").html());
  }

  @Test
  void theCheapByteViewOfAUtf8PageGivesWhatDecodingThePageGives() {
    // UTF-8 pages are parsed through a byte-for-byte view, UTF-16 ones are decoded: both must give the same page
    List<String> tricky = List.of("caf\u00e9", "&eacute;", "&#xE9;", "&#233;", "&#xC3;&#xA9;", "&nbsp;x", "&copy",
        "&copy x", "&#169", "&#x80;", "&#150;", "&notit;", "&notit x", "&region=1", "&reg=1", "&frac12abc",
        "&amp;", "&AMP;", "&lt;&gt;&quot;", "&#x0;", "&#xF8A9;", "&#xD800;", "\u2013\u20ac", "&mdash;&euro;",
        "&#1234567;", "&;", "& x", "&#;", "&#x;", "&Eacute;", "&eacute", "&szlig;\u00df", "&Auml", "&ampx",
        "&amp", "&middotx", "&#xA0;", "&#160", "&#x9F;", "\u00e9&eacute;\u00e9", "&frac34;", "&plusmnx;");
    for (String text : tricky) {
      String html = "<title>" + text + " t</title><a href='/p?v=" + text + "'>1</a><a href='/" + text + "/q'>2</a>"
          + "<p>" + text + "</p>";
      ParsedPage viewed = parse(html.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
      ParsedPage decoded = parse(html.getBytes(StandardCharsets.UTF_16), "text/html; charset=utf-16");
      assertEquals(decoded, viewed, text);
    }
  }
}
