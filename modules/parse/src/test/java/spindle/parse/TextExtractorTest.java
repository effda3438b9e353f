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
    String markdown = extractor.extract(Jsoup.parse(page(), PAGE), TextExtractor.Format.MARKDOWN).orElseThrow();
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
    String text = extractor.extract(Jsoup.parse(page(), PAGE), TextExtractor.Format.TEXT).orElseThrow();
    assertTrue(text.contains("See the robots page and obey it."), text);
    assertTrue(text.contains("\n\nDelays\n\n"), text);
    assertFalse(text.contains("**") || text.contains("]("), text);
    assertFalse(text.contains("About us") || text.contains("SECRET-TRACKER"), text);
  }

  @Test
  void offGivesNothingAndAPageWithoutContentGivesNothing() {
    assertEquals(Optional.empty(), extractor.extract(Jsoup.parse(page(), PAGE), TextExtractor.Format.OFF));
    assertEquals(Optional.empty(), extractor.extract(Jsoup.parse("<html><body></body></html>", PAGE),
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

  /** A blog's layout of divs, with no article or main element: the post's body wins over sidebar and comments. */
  @Test
  void onAPageOfDivsThePostsBodyIsFoundAndTheSidebarCommentsAndMenusAreNot() {
    String paragraph = "<p>" + ARTICLE_WORDS.repeat(3) + "</p>";
    String html = "<html><body><div id=wrapper>"
        + "<div class=menu><a href='/a'>Archive page</a> <a href='/b'>Blogroll page</a></div>"
        + "<div id=columns><div class='post-body entry'><h2>Queues</h2>" + paragraph.repeat(4) + "</div>"
        + "<div class=sidebar><h3>Popular</h3><p>Sidebar teaser, with a comma, that is long enough to count.</p>"
        + "<ul><li><a href='/x'>Popular post one</a></li><li><a href='/y'>Popular post two</a></li></ul></div>"
        + "</div><div id=comments><p>First comment, which says little, but at length enough to be scored.</p></div>"
        + "<div hidden><p>Hidden paragraph that a reader never sees, long enough to be scored too.</p></div>"
        + "</div></body></html>";
    String markdown = extractor.extract(Jsoup.parse(html, PAGE), TextExtractor.Format.MARKDOWN).orElseThrow();
    assertTrue(markdown.startsWith("## Queues\n\nPoliteness means"), markdown);
    assertEquals(4, markdown.split("\n\n").length - 1, "the heading and four paragraphs:\n" + markdown);
    for (String boilerplate : new String[] {"Archive page", "Sidebar teaser", "Popular post", "First comment",
        "Hidden paragraph"}) {
      assertFalse(markdown.contains(boilerplate), boilerplate + " in:\n" + markdown);
    }
  }

  @Test
  void markdownWritesListsQuotesCodeTablesImagesAndEscapesWhatWouldReadAsMarkup() {
    String html = "<html><head><base href='http://example.org/docs/'></head><body><article>"
        + "<h1>Reference</h1><p>" + ARTICLE_WORDS.repeat(3) + "Stars like *this* and [brackets] stay text; "
        + "snake_case stays; see <a href='keys.html'>the keys</a> and <code>spindle.warc.dir</code>.</p>"
        + "<ol start=3><li>third<ul><li>nested <em>item</em></li></ul></li><li>fourth</li></ol>"
        + "<blockquote><p>Quoted line one.</p><p>Quoted line two.</p></blockquote>"
        + "<pre><code>crawl --warc out\n  --fresh</code></pre>"
        + "<table><tr><th>key</th><th>default</th></tr><tr><td>delay</td><td>1s | 2s</td></tr></table>"
        + "<p><img src='/img/a.png' alt='a chart'> <a href='javascript:void(0)'>Print</a> <b> </b></p>"
        + "</article></body></html>";
    String markdown = extractor.extract(Jsoup.parse(html, PAGE), TextExtractor.Format.MARKDOWN).orElseThrow();
    for (String expected : new String[] {
        "# Reference\n\n",
        "Stars like \\*this\\* and \\[brackets\\] stay text; snake_case stays;",
        "[the keys](http://example.org/docs/keys.html) and `spindle.warc.dir`.",
        "3. third\n   * nested *item*\n4. fourth",
        "> Quoted line one.\n>\n> Quoted line two.",
        "```\ncrawl --warc out\n  --fresh\n```",
        "| key | default |\n| --- | --- |\n| delay | 1s \\| 2s |",
        "![a chart](http://example.org/img/a.png) Print"}) {
      assertTrue(markdown.contains(expected), "expected " + expected + " in:\n" + markdown);
    }
    assertFalse(markdown.contains("javascript:") || markdown.contains("****"), markdown);
  }
}
