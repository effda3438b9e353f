package spindle.parse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.internal.StringUtil;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;
import spindle.core.HostKey;
import spindle.core.url.UrlNormalizer;
import spindle.core.url.WebUrl;

/**
 * Extracts title, links and robots directives from an HTML page with jsoup, parsing each page exactly once.
 * Links come from {@code a[href]}, {@code area[href]}, frames and iframes, and {@code link[rel=alternate|next|prev]};
 * they are resolved against {@code <base href>} (or the page URL) as a browser resolves them, then normalised.
 * {@code javascript:}, {@code mailto:}, {@code data:} and every other non-http(s) scheme are skipped.
 *
 * <p>Pages whose charset keeps HTML's syntax in ASCII bytes (UTF-8, ISO-8859-x, windows-125x, Shift_JIS, EUC,
 * GBK, Big5...) are parsed from a byte-for-byte ISO-8859-1 view of the body, which costs a tenth of a real UTF-8
 * decode; the few values kept (links, base, title) are then decoded with the real charset (see
 * {@link SourceText}). A page where that cannot be done exactly is parsed again with full decoding.
 *
 * <p>Thread-safe: it holds only immutable settings, so one instance serves every parse thread.
 */
public final class PageParser {

  private final ParseSettings settings;
  private final UrlNormalizer normalizer;
  private final Set<String> agentNames;

  /**
   * A parser that normalises links with {@code normalizer} and treats robots meta tags and X-Robots-Tag
   * directives addressed to any of {@code agentNames} (case-insensitive) as its own.
   */
  public PageParser(ParseSettings settings, UrlNormalizer normalizer, List<String> agentNames) {
    this.settings = settings;
    this.normalizer = normalizer;
    Set<String> names = new HashSet<>();
    for (String name : agentNames) {
      names.add(name.toLowerCase(Locale.ROOT));
    }
    this.agentNames = Set.copyOf(names);
  }

  /**
   * Parses {@code body}, fetched from {@code pageUrl} with the given Content-Type and X-Robots-Tag headers.
   * A body that is neither declared HTML nor, without a declared type, looks like HTML gives
   * {@link ParsedPage#notHtml}. Throws only on a bug in jsoup or here; malformed HTML is parsed as a browser would.
   */
  public ParsedPage parse(byte[] body, Optional<String> contentType, String pageUrl, Optional<String> robotsTag) {
    RobotsDirectives directives = RobotsDirectives.NONE;
    if (settings.honourMetaRobots() && robotsTag.isPresent()) {
      directives = directives.plus(RobotsDirectives.fromHeader(robotsTag.get(), agentNames));
    }
    if (!looksLikeHtml(contentType, body)) {
      return ParsedPage.notHtml(directives.noindex(), directives.nofollow());
    }
    Charset charset = charsetOf(contentType);
    if (charset != null && SourceText.appliesTo(charset)) {
      SourceText source = SourceText.of(body, charset);
      ParsedPage page = extract(Jsoup.parse(source.latin1(), pageUrl), source, directives, pageUrl);
      if (page != null) {
        return page;
      }
    }
    Document document = parseDocument(body, charset, pageUrl);
    return extract(document, SourceText.EXACT, directives, pageUrl);
  }

  /**
   * Reads title, robots directives and links from a parsed document. Values that matter are passed through
   * {@code source} to undo the byte-transparent decoding; null means one could not be restored and the page must
   * be parsed again with exact decoding.
   */
  private ParsedPage extract(Document document, SourceText source, RobotsDirectives headerDirectives,
      String pageUrl) {
    PageElements elements = PageElements.of(document);
    RobotsDirectives directives = headerDirectives;
    if (settings.honourMetaRobots()) {
      for (Element meta : elements.metas) {
        String name = meta.attr("name").toLowerCase(Locale.ROOT);
        if (name.equals("robots") || agentNames.contains(name)) {
          directives = directives.plus(RobotsDirectives.fromContent(meta.attr("content")));
        }
      }
    }
    Optional<WebUrl> page = WebUrl.parse(pageUrl);
    Optional<WebUrl> base = page;
    if (elements.base != null && page.isPresent()) {
      String href = source.restore(elements.base.attr("href"));
      if (href == null) {
        return null;
      }
      base = WebUrl.parse(href, page.get()).or(() -> page);
    }
    List<PageLink> links = new ArrayList<>();
    int found = 0;
    if (base.isPresent()) {
      Set<String> seen = new HashSet<>();
      for (Element element : elements.links) {
        String tag = element.normalName();
        boolean isLink = tag.equals("link");
        String raw = source.restore(tag.equals("frame") || tag.equals("iframe") ? element.attr("src")
            : element.attr("href"));
        if (raw == null) {
          return null;
        }
        Optional<WebUrl> canonical = WebUrl.parse(raw, base.get()).flatMap(normalizer::normalize);
        if (canonical.isEmpty() || !seen.add(canonical.get().href())) {
          continue;
        }
        found++;
        boolean followable = !directives.nofollow()
            && !(settings.honourNofollow() && !isLink && hasRel(element, "nofollow"))
            && links.size() < settings.maxLinksPerPage();
        if (followable) {
          WebUrl url = canonical.get();
          links.add(new PageLink(url.href(), HostKey.of(url.host(), url.port().orElse(-1))));
        }
      }
    }
    Optional<String> title = Optional.empty();
    if (elements.title != null) {
      String text = source.restore(elements.title.wholeText());
      if (text == null) {
        return null;
      }
      title = title(StringUtil.normaliseWhitespace(text).strip());
    }
    return new ParsedPage(title, links, found, directives.noindex(), directives.nofollow(), true);
  }

  /**
   * The elements a crawler reads from a page, gathered in one walk of the document (a walk per selector cost as
   * much as a tenth of the parse): link carriers, meta tags with a name, the first base with an href, the first
   * title.
   */
  private static final class PageElements implements NodeVisitor {
    final List<Element> links = new ArrayList<>();
    final List<Element> metas = new ArrayList<>(4);
    Element base;
    Element title;

    static PageElements of(Document document) {
      PageElements elements = new PageElements();
      NodeTraversor.traverse(elements, document);
      return elements;
    }

    @Override
    public void head(Node node, int depth) {
      if (!(node instanceof Element element)) {
        return;
      }
      switch (element.normalName()) {
        case "a", "area" -> {
          if (element.hasAttr("href")) {
            links.add(element);
          }
        }
        case "link" -> {
          if (element.hasAttr("href") && hasRel(element, "alternate", "next", "prev")) {
            links.add(element);
          }
        }
        case "frame", "iframe" -> {
          if (element.hasAttr("src")) {
            links.add(element);
          }
        }
        case "meta" -> {
          if (element.hasAttr("name")) {
            metas.add(element);
          }
        }
        case "base" -> {
          if (base == null && element.hasAttr("href")) {
            base = element;
          }
        }
        case "title" -> {
          if (title == null) {
            title = element;
          }
        }
        default -> { }
      }
    }
  }

  private Optional<String> title(String title) {
    if (title.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(title.length() <= settings.maxTitleLength() ? title
        : title.substring(0, settings.maxTitleLength()));
  }

  private static Document parseDocument(byte[] body, Charset charset, String pageUrl) {
    try {
      // with a charset from the header jsoup decodes as it reads; without one it sniffs the BOM and <meta charset>
      return Jsoup.parse(new ByteArrayInputStream(body), charset == null ? null : charset.name(), pageUrl);
    } catch (IOException impossible) { // a ByteArrayInputStream does not fail
      throw new UncheckedIOException(impossible);
    }
  }

  private static boolean hasRel(Element element, String... values) {
    String rel = element.attr("rel");
    if (rel.isEmpty()) {
      return false;
    }
    for (String token : rel.toLowerCase(Locale.ROOT).split("\\s+")) {
      for (String value : values) {
        if (token.equals(value)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The charset named in a Content-Type header, when it names one this JVM supports; otherwise null (sniff). */
  static Charset charsetOf(Optional<String> contentType) {
    if (contentType.isEmpty()) {
      return null;
    }
    String lower = contentType.get().toLowerCase(Locale.ROOT);
    int at = lower.indexOf("charset=");
    if (at < 0) {
      return null;
    }
    String name = lower.substring(at + 8).trim();
    int end = name.indexOf(';');
    if (end >= 0) {
      name = name.substring(0, end).trim();
    }
    name = name.replace("\"", "").replace("'", "");
    try {
      return Charset.isSupported(name) ? Charset.forName(name) : null;
    } catch (IllegalCharsetNameException invalid) {
      return null;
    }
  }

  /**
   * Whether to parse as HTML: a declared text/html or application/xhtml+xml; or, with no Content-Type at all, a
   * body whose first non-blank bytes look like markup (the one sniffing case HTML's own rules allow).
   */
  static boolean looksLikeHtml(Optional<String> contentType, byte[] body) {
    if (contentType.isPresent()) {
      String type = contentType.get().toLowerCase(Locale.ROOT).trim();
      return type.startsWith("text/html") || type.startsWith("application/xhtml+xml");
    }
    int i = 0;
    if (body.length >= 3 && (body[0] & 0xff) == 0xEF && (body[1] & 0xff) == 0xBB && (body[2] & 0xff) == 0xBF) {
      i = 3;
    }
    while (i < body.length && i < 512 && Character.isWhitespace(body[i])) {
      i++;
    }
    if (i >= body.length || body[i] != '<') {
      return false;
    }
    String start = new String(body, i, Math.min(body.length - i, 16), java.nio.charset.StandardCharsets.ISO_8859_1)
        .toLowerCase(Locale.ROOT);
    return start.startsWith("<!doctype html") || start.startsWith("<html") || start.startsWith("<head")
        || start.startsWith("<body") || start.startsWith("<!--") || start.startsWith("<title")
        || start.startsWith("<meta") || start.startsWith("<div") || start.startsWith("<p") || start.startsWith("<a ");
  }
}
