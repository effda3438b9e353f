package spindle.parse;

import com.vladsch.flexmark.html2md.converter.FlexmarkHtmlConverter;
import java.util.Optional;
import java.util.regex.Pattern;
import net.dankito.readability4j.Article;
import net.dankito.readability4j.Readability4J;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The main content of an HTML page, as Markdown or plain text, from the document the parser already holds: Mozilla's
 * Readability (the Firefox reader view's algorithm, in Readability4J's port) finds the article and drops navigation,
 * footers, scripts and the like; flexmark's HTML-to-Markdown converter writes the article as Markdown. Neither
 * parses the page again: both work on jsoup nodes.
 *
 * <p>Readability rewrites the document it is given, so call it last, after everything else was read from it.
 * Thread-safe: one instance serves every parse thread.
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

  private static final Pattern BLANK_LINES = Pattern.compile("\n[ \t]*(\n[ \t]*)+");
  private static final Pattern SPACES = Pattern.compile("[ \t\u00a0]+");

  private final FlexmarkHtmlConverter markdown = FlexmarkHtmlConverter.builder().build();

  /**
   * The main content of {@code document} (fetched from {@code pageUrl}) in {@code format}; empty when the format is
   * {@link Format#OFF} or Readability finds no content. Readability's own failures on odd documents give empty too:
   * a page's text is never worth its record.
   */
  public Optional<String> extract(Document document, String pageUrl, Format format) {
    if (format == Format.OFF) {
      return Optional.empty();
    }
    Article article;
    try {
      article = new Readability4J(pageUrl, document).parse();
    } catch (RuntimeException unexpected) { // a bug of the port on some document: no text rather than no record
      return Optional.empty();
    }
    Element content = article.getArticleContent();
    if (content == null) {
      return Optional.empty();
    }
    String text = format == Format.MARKDOWN ? markdown(content, pageUrl) : plain(content);
    return text.isBlank() ? Optional.empty() : Optional.of(text);
  }

  private String markdown(Element content, String pageUrl) {
    // the converter looks at a node's parent and siblings: give the detached article a document of its own
    Document shell = Document.createShell(pageUrl);
    shell.body().appendChild(content);
    return BLANK_LINES.matcher(markdown.convert(shell.body())).replaceAll("\n\n").strip();
  }

  private static String plain(Element content) {
    StringBuilder text = new StringBuilder();
    for (Element block : content.select("h1, h2, h3, h4, h5, h6, p, li, pre, blockquote, td, th, dt, dd")) {
      if (block.select("p, li, pre, blockquote").size() > (block.is("p, li, pre, blockquote") ? 1 : 0)) {
        continue; // a container of other blocks: its children speak for it
      }
      String line = SPACES.matcher(block.text()).replaceAll(" ").strip();
      if (!line.isEmpty()) {
        text.append(line).append("\n\n");
      }
    }
    if (text.length() == 0) {
      text.append(SPACES.matcher(content.text()).replaceAll(" ").strip());
    }
    return text.toString().strip();
  }
}
