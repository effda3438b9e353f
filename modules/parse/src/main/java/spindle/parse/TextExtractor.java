package spindle.parse;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The main content of an HTML page, as Markdown or plain text, from the document the parser already holds: {@link
 * MainContent} finds the article the way Mozilla's Readability (the Firefox reader view) scores it and leaves out
 * navigation, footers, scripts and the like; {@link MarkdownWriter} writes it. Neither parses the page again nor
 * changes the document, and together they cost about one jsoup parse per page.
 *
 * <p>Thread-safe: one instance serves every parse thread.
 */
public final class TextExtractor {
  /** What {@code spindle.output.text} asks for. */
  public enum Format {
    /** No text. */
    OFF,
    /** The main content as plain text, paragraphs separated by blank lines. */
    TEXT,
    /** The main content as Markdown (headings, lists, links, emphasis, tables). */
    MARKDOWN
  }

  /**
   * The main content of {@code document} in {@code format}, links made absolute against the document's base URL;
   * empty when the format is {@link Format#OFF} or the page has no text.
   */
  public Optional<String> extract(Document document, Format format) {
    return extract(document, format, null);
  }

  /**
   * {@link #extract(Document, Format)} with the URLs of the page's links resolved already, by link element (the
   * parser resolves them for the crawl); a link not among them is resolved here. {@code resolvedLinks} may be null.
   */
  public Optional<String> extract(Document document, Format format, Map<Element, String> resolvedLinks) {
    if (format == Format.OFF) {
      return Optional.empty();
    }
    List<Element> content = MainContent.of(document);
    if (content.isEmpty()) {
      return Optional.empty();
    }
    String text = MarkdownWriter.write(content, format == Format.MARKDOWN, resolvedLinks);
    return text.isBlank() ? Optional.empty() : Optional.of(text);
  }
}
