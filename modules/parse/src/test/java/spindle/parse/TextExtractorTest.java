package spindle.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;

/** The main content of a page as Markdown or text: the article is kept, navigation, footer and scripts are not. */
class TextExtractorTest {
  private static final String PAGE = "http://example.org/notes/crawling.html";
  private static final String ARTICLE_WORDS = "Politeness means one request at a time per host and a delay between "
      + "them, so that the crawler never takes more than its share of a small server. ";

  private final TextExtractor extractor = new TextExtractor();

  private static String page() {
    return "<!DOCTYPE html><html><head><title>Crawling notes</title><script>var tracker = 'SECRET-TRACKER';</script>"
        + "<style>body { color: red }</style></head><body>"
        + "<header><p class=site>Example notes</p><nav><ul><li><a href='/'>Home</a></li>"
        + "<li><a href='/about'>About us</a></li><li><a href='/contact'>Contact</a></li></ul></nav></header>"
        + "<main><article><h1>Crawling politely</h1>"
        + "<p>" + ARTICLE_WORDS.repeat(6) + "See <a href='/robots'>the robots page</a> and <b>obey it</b>.</p>"
        + "<h2>Delays</h2><p>" + ARTICLE_WORDS.repeat(5) + "</p>"
        + "<ul><li>one request at a time</li><li>a delay after each</li></ul>"
        + "</article></main><footer><p>&copy; 2026 Example notes &middot; <a href='/privacy'>Privacy</a></p></footer>"
        + "<script>document.write('INJECTED-BY-SCRIPT')</script></body></html>";
  }

  @Test
  void markdownHoldsTheArticleWithItsStructureAndNoNavigationFooterOrScripts() {
    String markdown = extractor.extract(Jsoup.parse(page(), PAGE), PAGE, TextExtractor.Format.MARKDOWN).orElseThrow();
    assertTrue(markdown.contains("Politeness means one request at a time per host"), markdown);
    assertTrue(markdown.contains("Delays\n------") || markdown.contains("## Delays"), markdown);
    assertTrue(markdown.contains("[the robots page](http://example.org/robots)"), markdown);
    assertTrue(markdown.contains("**obey it**"), markdown);
    assertTrue(markdown.contains("* one request at a time"), markdown);
    for (String boilerplate : new String[] {"About us", "Contact", "Privacy", "SECRET-TRACKER", "INJECTED-BY-SCRIPT",
        "color: red"}) {
      assertFalse(markdown.contains(boilerplate), boilerplate + " in:\n" + markdown);
    }
  }

  @Test
  void plainTextHoldsTheParagraphsWithoutMarkup() {
    String text = extractor.extract(Jsoup.parse(page(), PAGE), PAGE, TextExtractor.Format.TEXT).orElseThrow();
    assertTrue(text.contains("See the robots page and obey it."), text);
    assertTrue(text.contains("\n\nDelays\n\n"), text);
    assertFalse(text.contains("**") || text.contains("]("), text);
    assertFalse(text.contains("About us") || text.contains("SECRET-TRACKER"), text);
  }

  @Test
  void offGivesNothingAndAPageWithoutContentGivesNothing() {
    assertEquals(Optional.empty(), extractor.extract(Jsoup.parse(page(), PAGE), PAGE, TextExtractor.Format.OFF));
    assertEquals(Optional.empty(), extractor.extract(Jsoup.parse("<html><body></body></html>", PAGE), PAGE,
        TextExtractor.Format.MARKDOWN));
  }

  @Test
  void theParserGivesTheSimHashOfTheWholeTextAndTheTextOnlyWhenAskedFor() {
    byte[] body = page().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    spindle.core.url.UrlNormalizer normalizer = new spindle.core.url.UrlNormalizer(
        new spindle.core.url.NormalizationSettings(java.util.List.of()));
    ParsedPage both = new PageParser(ParseSettings.defaults(), normalizer, java.util.List.of("SpindleBot"),
        TextExtractor.Format.MARKDOWN).parse(body, Optional.of("text/html; charset=utf-8"), PAGE, Optional.empty());
    assertEquals(spindle.core.SimHash.of(Jsoup.parse(page(), PAGE).text()), both.simhash().getAsLong());
    assertTrue(both.text().orElseThrow().contains("Politeness means"), both.text().toString());

    ParsedPage neither = new PageParser(ParseSettings.defaults(), normalizer, java.util.List.of("SpindleBot"),
        TextExtractor.Format.OFF, false).parse(body, Optional.of("text/html; charset=utf-8"), PAGE, Optional.empty());
    assertTrue(neither.simhash().isEmpty());
    assertTrue(neither.text().isEmpty());
    assertEquals(both.links(), neither.links());
  }
}
