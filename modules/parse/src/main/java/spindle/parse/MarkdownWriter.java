package spindle.parse;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

/**
 * Writes elements of a parsed page as Markdown (CommonMark with GitHub's tables) or as plain text, in one walk:
 * headings as {@code #} lines, paragraphs and other blocks separated by a blank line, lists with {@code *} and
 * {@code 1.} and their nesting, block quotes, fenced code, links with absolute URLs, emphasis, images and tables.
 * White space is collapsed as a browser does; the boilerplate {@link MainContent#isBoilerplate} names is left out.
 * Plain text keeps the blocks and lines and drops all markup.
 *
 * <p>flexmark's HTML-to-Markdown converter, the first choice, took 13-16 ms per page of the benchmark site, more than
 * 20 jsoup parses; this writer appends to one buffer as it walks. One instance writes one text; not thread-safe.
 */
final class MarkdownWriter implements NodeFilter {
  private final boolean markup;
  private final StringBuilder out = new StringBuilder(4096);
  /** What starts each line of the current block: quote marks and list indentation. */
  private String prefix = "";
  private final Deque<String> prefixes = new ArrayDeque<>();
  /** Line breaks owed before the next text: 0, 1 (a new line) or 2 (a blank line). */
  private int breaks;
  private boolean space;
  /** Written after the breaks and before the next text: a heading's or list item's marker, an opening mark. */
  private final StringBuilder lead = new StringBuilder();
  /** Whether {@link #lead} holds a list item's marker, which takes the place of the line's indentation. */
  private boolean leadIsMarker;
  private final Deque<int[]> lists = new ArrayDeque<>(); // per list: {ordered ? 1 : 0, next number}
  private final Deque<String> links = new ArrayDeque<>(); // per open link: its URL, empty when not written
  private int headings;
  private int preformatted;
  private int tables;
  private int cellsInRow;
  private int rowsInTable;

  private final Map<Element, String> resolvedLinks;

  private MarkdownWriter(boolean markup, Map<Element, String> resolvedLinks) {
    this.markup = markup;
    this.resolvedLinks = resolvedLinks == null ? Map.of() : resolvedLinks;
  }

  /**
   * {@code content} as Markdown when {@code markup}, as plain text otherwise; blank when it holds no text. Links take
   * their URL from {@code resolvedLinks} (by element, may be null) or are resolved against the document's base.
   */
  static String write(List<Element> content, boolean markup, Map<Element, String> resolvedLinks) {
    MarkdownWriter writer = new MarkdownWriter(markup, resolvedLinks);
    for (Element element : content) {
      NodeTraversor.filter(writer, element);
      writer.block(2);
    }
    return writer.out.toString().strip();
  }

  @Override
  public FilterResult head(Node node, int depth) {
    if (node instanceof TextNode) {
      text(((TextNode) node).getWholeText());
      return FilterResult.CONTINUE;
    }
    if (!(node instanceof Element)) {
      return FilterResult.SKIP_ENTIRELY;
    }
    Element element = (Element) node;
    if (MainContent.isBoilerplate(element)) {
      return FilterResult.SKIP_ENTIRELY;
    }
    String tag = element.normalName();
    switch (tag) {
      case "h1", "h2", "h3", "h4", "h5", "h6" -> {
        block(2);
        if (markup) {
          lead("#".repeat(tag.charAt(1) - '0') + " ", false);
        }
        headings++;
      }
      case "p", "div", "section", "article", "main", "header", "figure", "figcaption", "address", "details",
          "summary", "dl", "dt", "dd", "center", "hgroup" -> block(2);
      case "ul", "ol" -> {
        block(lists.isEmpty() ? 2 : 1);
        lists.push(new int[] {tag.equals("ol") ? 1 : 0, startOf(element)});
      }
      case "li" -> listItem();
      case "blockquote" -> {
        block(2);
        indent(markup ? "> " : "");
      }
      case "pre" -> {
        block(2);
        if (markup) {
          raw("```");
          newLine();
        }
        preformatted++;
      }
      case "br" -> {
        if (headings > 0 || tables > 0) {
          space = true;
        } else {
          block(1);
        }
      }
      case "hr" -> {
        block(2);
        if (markup) {
          raw("---");
        }
        block(2);
      }
      case "table" -> {
        block(2);
        if (tables++ == 0) {
          rowsInTable = 0;
        }
      }
      case "tr" -> {
        if (tables == 1) {
          lineBreak(1);
          cellsInRow = 0;
          if (markup) {
            raw("|");
          }
        }
      }
      case "td", "th" -> {
        if (tables == 1) {
          cellsInRow++;
          space = true;
        }
      }
      case "b", "strong" -> open("**");
      case "i", "em" -> open("*");
      case "code", "kbd", "samp", "tt" -> {
        if (preformatted == 0) {
          open("`");
        }
      }
      case "a" -> {
        String href = markup ? link(element) : null;
        links.push(href == null ? "" : href);
        if (href != null) {
          open("[");
        }
      }
      case "img" -> image(element);
      default -> { }
    }
    return FilterResult.CONTINUE;
  }

  @Override
  public FilterResult tail(Node node, int depth) {
    if (!(node instanceof Element)) {
      return FilterResult.CONTINUE;
    }
    Element element = (Element) node;
    String tag = element.normalName();
    switch (tag) {
      case "h1", "h2", "h3", "h4", "h5", "h6" -> {
        headings--;
        if (markup && lead.toString().endsWith("# ")) { // a heading without text
          lead.setLength(lead.lastIndexOf(" #") + 1);
        }
        block(2);
      }
      case "p", "div", "section", "article", "main", "header", "figure", "figcaption", "address", "details",
          "summary", "dl", "dt", "dd", "center", "hgroup" -> block(2);
      case "ul", "ol" -> {
        lists.pop();
        block(lists.isEmpty() ? 2 : 1);
      }
      case "li" -> {
        outdent();
        if (leadIsMarker) { // an item without text
          lead.setLength(0);
          leadIsMarker = false;
        }
        block(1);
      }
      case "blockquote" -> {
        outdent();
        block(2);
      }
      case "pre" -> {
        preformatted--;
        if (markup) {
          newLine();
          raw("```");
        }
        block(2);
      }
      case "table" -> {
        if (--tables == 0) {
          block(2);
        }
      }
      case "tr" -> {
        if (tables == 1 && cellsInRow > 0) {
          if (markup && ++rowsInTable == 1) { // the header row's separator
            newLine();
            raw("|" + " --- |".repeat(cellsInRow));
          }
          lineBreak(1);
        }
      }
      case "td", "th" -> {
        if (tables == 1) {
          space = false;
          raw(markup ? " |" : "\t");
        }
      }
      case "b", "strong" -> close("**", "**");
      case "i", "em" -> close("*", "*");
      case "code", "kbd", "samp", "tt" -> {
        if (preformatted == 0) {
          close("`", "`");
        }
      }
      case "a" -> {
        String href = links.pop();
        if (!href.isEmpty()) {
          close("[", "](" + href + ")");
        }
      }
      default -> { }
    }
    return FilterResult.CONTINUE;
  }

  // ------------------------------------------------------------------------------------------------- blocks

  /** Asks for {@code lines} line breaks (1: a new line, 2: a blank line) before whatever comes next. */
  private void block(int lines) {
    if (tables > 0) { // a table's cell holds one line: its blocks are separated by a space
      space = true;
      return;
    }
    lineBreak(lines);
  }

  private void lineBreak(int lines) {
    space = false;
    if (out.length() > 0 && lead.length() == 0) {
      breaks = Math.max(breaks, lines);
    }
  }

  private void newLine() {
    out.append('\n').append(prefix);
  }

  private void indent(String more) {
    prefixes.push(prefix);
    prefix = prefix + more;
  }

  private void outdent() {
    if (!prefixes.isEmpty()) {
      prefix = prefixes.pop();
    }
  }

  private void listItem() {
    block(1);
    int[] list = lists.peek();
    String marker;
    if (!markup) {
      marker = "";
    } else if (list != null && list[0] == 1) {
      marker = list[1]++ + ". ";
    } else {
      marker = "* ";
    }
    lead(prefix + marker, true);
    indent(" ".repeat(marker.length()));
  }

  private static int startOf(Element list) {
    try {
      return list.hasAttr("start") ? Integer.parseInt(list.attr("start").strip()) : 1;
    } catch (NumberFormatException notANumber) {
      return 1;
    }
  }

  private void lead(String text, boolean marker) {
    if (marker || lead.length() == 0) {
      leadIsMarker = marker;
    }
    lead.append(text);
  }

  // ------------------------------------------------------------------------------------------------- inline

  /** An opening mark (Markdown only): written just before the next text, so that it hugs it. */
  private void open(String mark) {
    if (markup) {
      lead(mark, false);
    }
  }

  /**
   * The closing mark of {@code opening} (Markdown only); when nothing was written since the opening mark, the
   * opening mark is dropped instead, so an empty element leaves no trace.
   */
  private void close(String opening, String closing) {
    if (!markup) {
      return;
    }
    int pending = lead.length() - opening.length();
    if (pending >= 0 && lead.indexOf(opening, pending) == pending && !(leadIsMarker && pending == 0)) {
      lead.setLength(pending);
    } else {
      out.append(closing);
    }
  }

  /** The absolute http(s) URL of a link, written so that Markdown reads it whole; null for any other link. */
  private String link(Element anchor) {
    String resolved = resolvedLinks.get(anchor);
    return resolved != null ? markdownUrl(resolved) : absolute(anchor, "href");
  }

  private static String absolute(Element element, String attribute) {
    String value = element.attr(attribute);
    // most links of a page are absolute already: resolving them again (a java.net.URL each) costs more than the rest
    String url = isHttp(value) && value.indexOf(' ') < 0 ? value : element.absUrl(attribute);
    return markdownUrl(url);
  }

  private static String markdownUrl(String url) {
    if (!isHttp(url)) {
      return null;
    }
    return url.indexOf(' ') < 0 && url.indexOf('(') < 0 && url.indexOf(')') < 0 ? url
        : url.replace(" ", "%20").replace("(", "%28").replace(")", "%29");
  }

  private static boolean isHttp(String url) {
    return url.regionMatches(true, 0, "http://", 0, 7) || url.regionMatches(true, 0, "https://", 0, 8);
  }

  private void image(Element image) {
    if (!markup) {
      return;
    }
    String src = absolute(image, "src");
    if (src == null) {
      return;
    }
    start();
    out.append("![");
    escaped(image.attr("alt").strip());
    out.append("](").append(src).append(')');
  }

  /** Text as written: the owed breaks, the line's start, the lead; then {@code text} unescaped. */
  private void raw(String text) {
    start();
    out.append(text);
  }

  /** Writes what is owed before text on the current line: breaks, the line's prefix or marker, a space, the lead. */
  private void start() {
    if (breaks > 0) {
      out.append('\n');
      if (breaks > 1) {
        out.append(prefix.stripTrailing()).append('\n');
      }
      if (!leadIsMarker || lead.length() == 0) {
        out.append(prefix);
      }
      breaks = 0;
      space = false;
    } else if (space) {
      out.append(' ');
      space = false;
    }
    if (lead.length() > 0) {
      out.append(lead);
      lead.setLength(0);
      leadIsMarker = false;
    }
  }

  private void text(String text) {
    if (preformatted > 0) {
      for (int i = 0, n = text.length(); i < n; i++) {
        char c = text.charAt(i);
        if (c == '\n') {
          start();
          newLine();
        } else if (c != '\r') {
          start();
          out.append(c);
        }
      }
      return;
    }
    // one pass: white space collapsed, runs of characters appended whole, a backslash before what reads as markup
    int n = text.length();
    int run = -1; // the start of the characters not yet appended, or -1 between words
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c <= ' ' && isSpace(c)) {
        if (run >= 0) {
          out.append(text, run, i);
          run = -1;
        }
        if (out.length() > 0 || lead.length() > 0) {
          space = true;
        }
        continue;
      }
      if (run < 0) {
        start();
        run = i;
      }
      if (markup && (c <= '`' || c == '|') && needsEscape(text, i)) {
        out.append(text, run, i).append('\\');
        run = i;
      }
    }
    if (run >= 0) {
      out.append(text, run, n);
    }
  }

  /** Appends {@code text} with a backslash before each character that would read as Markdown. */
  private void escaped(String text) {
    int run = 0;
    for (int i = 0; i < text.length(); i++) {
      if (needsEscape(text, i)) {
        out.append(text, run, i).append('\\');
        run = i;
      }
    }
    out.append(text, run, text.length());
  }

  /** Whether the character at {@code i} of {@code text}, about to be written, would read as Markdown. */
  private boolean needsEscape(String text, int i) {
    char c = text.charAt(i);
    return switch (c) {
      case '\\', '*', '`', '[', ']' -> true;
      case '|' -> tables > 0;
      case '_' -> i == 0 || i + 1 == text.length() || !Character.isLetterOrDigit(text.charAt(i - 1))
          || !Character.isLetterOrDigit(text.charAt(i + 1));
      case '#', '>' -> (i == 0 || isSpace(text.charAt(i - 1))) && atLineStart();
      default -> false;
    };
  }

  private boolean atLineStart() {
    return out.length() == 0 || out.charAt(out.length() - 1) == '\n' || endsWithPrefix();
  }

  private boolean endsWithPrefix() {
    int length = out.length();
    int start = length - prefix.length();
    return !prefix.isEmpty() && start > 0 && out.charAt(start - 1) == '\n'
        && out.substring(start).equals(prefix);
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
  }
}
