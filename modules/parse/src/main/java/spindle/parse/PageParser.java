package spindle.parse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.internal.StringUtil;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.parser.Parser;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;
import spindle.core.HostKey;
import spindle.core.SimHash;
import spindle.core.url.UrlNormalizer;
import spindle.core.url.WebUrl;

/**
 * Extracts title, links, meta refresh and robots directives from an HTML page, reading each page exactly once: with
 * neither text nor SimHash wanted, by scanning its tags ({@link TagScanner}, which finds what jsoup's document would
 * hold at a third of the CPU), else from the document jsoup parses. Links come from {@code a[href]}, {@code area[href]}, frames and iframes, {@code link[rel=alternate|next|prev]}
 * and the first valid {@code <meta http-equiv=refresh>}; they are resolved as a browser resolves them (against the
 * document base URL, queries in the document's encoding), then normalised. {@code javascript:}, {@code mailto:},
 * {@code data:} and every other non-http(s) scheme are skipped.
 *
 * <p>The document base URL is the first {@code <base href>} parsed against the page URL, unless that fails or is
 * not http(s): then it is the page URL, so one bad tag never costs a page its relative links. The HTML Standard
 * itself ignores a base that fails to parse or is {@code javascript:} or {@code data:}; other schemes
 * ({@code mailto:}, {@code file:}...) would leave every relative link unresolvable or uncrawlable.
 *
 * <p>The encoding is the byte order mark's, else the Content-Type's charset, else what jsoup sniffs from
 * {@code <meta charset>} (UTF-8 by default); labels are read as the Encoding Standard reads them, so ISO-8859-1 and
 * US-ASCII are windows-1252. With a known encoding that keeps HTML's syntax in ASCII bytes (UTF-8, single-byte
 * charsets), the page is parsed from a byte-for-byte ISO-8859-1 view, far cheaper than decoding it, and the few
 * values kept are decoded exactly afterwards (see {@link SourceText}).
 *
 * <p>Thread-safe: it holds only immutable settings, so one instance serves every parse thread.
 */
public final class PageParser {

  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

  private final ParseSettings settings;
  private final UrlNormalizer normalizer;
  private final Set<String> agentNames;
  private final TextExtractor.Format textFormat;
  private final boolean simhash;
  private final TextExtractor texts = new TextExtractor();

  /**
   * A parser that normalises links with {@code normalizer} and treats robots meta tags and X-Robots-Tag
   * directives addressed to any of {@code agentNames} (case-insensitive) as its own; it extracts no text.
   */
  public PageParser(ParseSettings settings, UrlNormalizer normalizer, List<String> agentNames) {
    this(settings, normalizer, agentNames, TextExtractor.Format.OFF);
  }

  /** {@link #PageParser(ParseSettings, UrlNormalizer, List)} that also extracts each page's main content as text. */
  public PageParser(ParseSettings settings, UrlNormalizer normalizer, List<String> agentNames,
      TextExtractor.Format textFormat) {
    this(settings, normalizer, agentNames, textFormat, true);
  }

  /**
   * {@link #PageParser(ParseSettings, UrlNormalizer, List, TextExtractor.Format)} that computes each page's SimHash
   * only when {@code simhash} is true (it reads the whole text of the page once more).
   */
  public PageParser(ParseSettings settings, UrlNormalizer normalizer, List<String> agentNames,
      TextExtractor.Format textFormat, boolean simhash) {
    this.textFormat = textFormat;
    this.simhash = simhash;
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
   * A body that is neither declared HTML nor, without a usable declared type, sniffed as HTML gives
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
    Charset bom = bomCharset(body);
    if (bom == null && charset == null) {
      Document document = sniffAndParse(body, pageUrl);
      return extract(document, SourceText.EXACT, browserCharset(document.charset()), directives, pageUrl);
    }
    Charset encoding = bom != null ? bom : charset;
    int skip = bom == null ? 0 : bom.equals(StandardCharsets.UTF_8) ? 3 : 2;
    if (SourceText.appliesTo(encoding)) {
      if (scansTags()) { // the scanner decodes the few values it hands out: no decoded or rewritten copy of the page
        String latin1 = new String(body, skip, body.length - skip, StandardCharsets.ISO_8859_1);
        return extract(PageElements.scan(latin1, encoding), null, SourceText.EXACT, encoding, directives, pageUrl);
      }
      SourceText source = SourceText.of(body, skip, encoding);
      if (source != null) {
        return parse(source.latin1(), source, encoding, directives, pageUrl);
      }
    }
    return parse(new String(body, skip, body.length - skip, encoding), SourceText.EXACT, encoding, directives,
        pageUrl);
  }

  /**
   * Reads {@code html}: with neither text nor SimHash wanted, by scanning its tags ({@link TagScanner}: a crawl
   * reads only link carriers, metas, the base and the title, and a document costs several times the scan); else
   * from the document jsoup parses.
   */
  private ParsedPage parse(String html, SourceText source, Charset encoding, RobotsDirectives directives,
      String pageUrl) {
    if (scansTags()) {
      return extract(PageElements.scan(html, null), null, source, encoding, directives, pageUrl);
    }
    return extract(Jsoup.parse(html, pageUrl), source, encoding, directives, pageUrl);
  }

  /** Whether pages are read by scanning their tags: neither text nor SimHash needs a document. */
  private boolean scansTags() {
    return textFormat == TextExtractor.Format.OFF && !simhash;
  }

  /**
   * Reads title, robots directives, meta refresh and links from a document parsed from {@code source}, whose
   * encoding is {@code encoding}; the values used are passed through {@code source} to get their real text.
   */
  private ParsedPage extract(Document document, SourceText source, Charset encoding,
      RobotsDirectives headerDirectives, String pageUrl) {
    SimHash.Builder words = simhash ? new SimHash.Builder() : null;
    return extract(PageElements.of(document, words, source), document, source, encoding, headerDirectives, pageUrl);
  }

  /**
   * Reads what {@code elements} hold; {@code document}, when the page was parsed into one (else null), gives the
   * text and the elements' SimHash, if any, is complete.
   */
  private ParsedPage extract(PageElements elements, Document document, SourceText source, Charset encoding,
      RobotsDirectives headerDirectives, String pageUrl) {
    RobotsDirectives directives = headerDirectives;
    if (settings.honourMetaRobots()) {
      for (Element meta : elements.metas) {
        String name = meta.attr("name").toLowerCase(Locale.ROOT);
        if (name.equals("robots") || agentNames.contains(name)) {
          directives = directives.plus(RobotsDirectives.fromContent(meta.attr("content")));
        }
      }
    }
    Links links = new Links(source, encoding);
    Optional<WebUrl> page = WebUrl.parse(pageUrl);
    if (page.isPresent()) {
      links.collect(elements, page.get(), directives.nofollow());
    }
    Optional<String> title = Optional.empty();
    if (elements.title != null) {
      title = title(StringUtil.normaliseWhitespace(source.restore(elements.title.wholeText())).strip());
    }
    OptionalLong fingerprint = elements.simhash != null ? OptionalLong.of(elements.simhash.fingerprint())
        : OptionalLong.empty();
    Optional<String> text = document == null ? Optional.empty()
        : texts.extract(document, textFormat, links.resolvedHrefs).map(source::restore);
    return new ParsedPage(title, links.followable, links.found, directives.noindex(), directives.nofollow(), true,
        Optional.ofNullable(links.refresh), fingerprint, text);
  }

  /** The links of one page as they are resolved, deduplicated and counted; one per parse. */
  private final class Links {
    /** The encoding of link queries, or null for UTF-8 (the common case, parsed without an encoder). */
    private final Charset queryEncoding;
    private final SourceText source;
    private final Set<String> seen = new HashSet<>();
    final List<PageLink> followable = new ArrayList<>();
    /** Each link element's URL resolved against the base, for the text's links; null when no text is wanted. */
    final Map<Element, String> resolvedHrefs;
    int found;
    PageRefresh refresh;
    private boolean refreshDeclared;

    Links(SourceText source, Charset encoding) {
      this.source = source;
      this.queryEncoding = encoding.equals(StandardCharsets.UTF_8) ? null : encoding;
      this.resolvedHrefs = textFormat == TextExtractor.Format.OFF ? null : new IdentityHashMap<>();
    }

    void collect(PageElements elements, WebUrl page, boolean nofollow) {
      WebUrl base = documentBase(elements.base, page);
      for (Element element : elements.links) {
        String tag = element.normalName();
        Optional<WebUrl> canonical;
        boolean relNofollow = false;
        if (tag.equals("meta")) {
          canonical = refreshTarget(element, base, page);
        } else {
          String raw = source.restore(tag.equals("frame") || tag.equals("iframe") ? element.attr("src")
              : element.attr("href"));
          Optional<WebUrl> resolved = resolve(raw, base);
          if (resolvedHrefs != null && resolved.isPresent()) {
            resolvedHrefs.put(element, resolved.get().href());
          }
          canonical = resolved.flatMap(normalizer::normalize);
          relNofollow = settings.honourNofollow() && !tag.equals("link") && hasRel(element, "nofollow");
        }
        if (canonical.isEmpty() || !seen.add(canonical.get().href())) {
          continue;
        }
        found++;
        if (!nofollow && !relNofollow && followable.size() < settings.maxLinksPerPage()) {
          WebUrl url = canonical.get();
          followable.add(new PageLink(url.href(), HostKey.of(url.host(), url.port().orElse(-1))));
        }
      }
    }

    /**
     * HTML's frozen base URL of the first {@code <base href>}: its href parsed against the page URL; the page URL
     * itself when that fails or is not http(s).
     */
    private WebUrl documentBase(Element baseElement, WebUrl page) {
      if (baseElement == null) {
        return page;
      }
      Optional<WebUrl> base = resolve(source.restore(baseElement.attr("href")), page);
      if (base.isEmpty() || !(base.get().scheme().equals("http") || base.get().scheme().equals("https"))) {
        return page;
      }
      return base.get();
    }

    /**
     * The target of the first meta refresh whose content the HTML Standard accepts and whose URL parses and is not
     * javascript: (later ones are ignored as a browser ignores them); empty for any other meta refresh, and for a
     * refresh of the page itself or to a URL that is not crawlable.
     */
    private Optional<WebUrl> refreshTarget(Element meta, WebUrl base, WebUrl page) {
      if (refreshDeclared) {
        return Optional.empty();
      }
      MetaRefresh declared = MetaRefresh.parse(source.restore(meta.attr("content")));
      if (declared == null) {
        return Optional.empty();
      }
      Optional<WebUrl> url = declared.url() == null ? Optional.of(page) : resolve(declared.url(), base);
      if (url.isEmpty() || url.get().scheme().equals("javascript")) {
        return Optional.empty();
      }
      refreshDeclared = true;
      Optional<WebUrl> target = url.flatMap(normalizer::normalize);
      Optional<WebUrl> self = normalizer.normalize(page);
      if (target.isEmpty() || target.equals(self)) {
        return Optional.empty();
      }
      WebUrl canonical = target.get();
      refresh = new PageRefresh(new PageLink(canonical.href(), HostKey.of(canonical.host(),
          canonical.port().orElse(-1))), declared.delaySeconds());
      return target;
    }

    private Optional<WebUrl> resolve(String raw, WebUrl base) {
      return queryEncoding == null ? WebUrl.parse(raw, base) : WebUrl.parse(raw, base, queryEncoding);
    }
  }

  /**
   * The elements a crawler reads from a page, gathered in one walk of the document (a walk per selector cost as
   * much as a tenth of the parse): link carriers in document order (meta refreshes among them), meta tags with a
   * name, the first base with an href, the first title.
   */
  private static final class PageElements implements NodeVisitor {
    final List<Element> links = new ArrayList<>();
    final List<Element> metas = new ArrayList<>(4);
    Element base;
    Element title;
    /** The SimHash of the page's text as the walk reads it, or null when none is wanted. */
    final SimHash.Builder simhash;
    private final SourceText source;

    private PageElements(SimHash.Builder simhash, SourceText source) {
      this.simhash = simhash;
      this.source = source;
    }

    /**
     * The elements of {@code document}; with {@code simhash}, the walk also feeds it the document's text (restored
     * through {@code source}) as {@code document.text()} reads it, words ending where block elements do, without
     * joining the text into one string.
     */
    static PageElements of(Document document, SimHash.Builder simhash, SourceText source) {
      PageElements elements = new PageElements(simhash, source);
      NodeTraversor.traverse(elements, document);
      return elements;
    }

    /**
     * The elements of {@code html}, found by {@link TagScanner} without a document; no SimHash. With a
     * {@code charset}, {@code html} is the page's bytes seen through ISO-8859-1 and the values are decoded as it.
     */
    static PageElements scan(String html, Charset charset) {
      PageElements elements = new PageElements(null, SourceText.EXACT);
      TagScanner.scan(html, charset, element -> elements.head(element, 0));
      return elements;
    }

    @Override
    public void tail(Node node, int depth) {
      if (simhash != null && node instanceof Element element && element.isBlock()) {
        simhash.boundary();
      }
    }

    @Override
    public void head(Node node, int depth) {
      if (!(node instanceof Element element)) {
        if (simhash != null && node instanceof TextNode text) {
          simhash.add(source.restore(text.getWholeText()));
        }
        return;
      }
      if (simhash != null && (element.isBlock() || element.normalName().equals("br"))) {
        simhash.boundary();
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
          if (isAsciiCaseInsensitive(element.attr("http-equiv"), "refresh") && !element.attr("content").isEmpty()) {
            links.add(element);
          }
        }
        case "base" -> {
          if (base == null && element.hasAttr("href")) {
            base = element;
          }
        }
        case "title" -> { // HTML's title, not an svg icon's (document.title reads the first in HTML's namespace)
          if (title == null && element.tag().namespace().equals(Parser.NamespaceHtml)) {
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

  /** Without a charset from the header, jsoup decodes as it reads, after sniffing {@code <meta charset>}. */
  private static Document sniffAndParse(byte[] body, String pageUrl) {
    try {
      return Jsoup.parse(new ByteArrayInputStream(body), null, pageUrl);
    } catch (IOException impossible) { // a ByteArrayInputStream does not fail
      throw new UncheckedIOException(impossible);
    }
  }

  /** The encoding a byte order mark names (it wins over the Content-Type, as in browsers), or null. */
  private static Charset bomCharset(byte[] body) {
    if (body.length >= 3 && (body[0] & 0xff) == 0xEF && (body[1] & 0xff) == 0xBB && (body[2] & 0xff) == 0xBF) {
      return StandardCharsets.UTF_8;
    }
    if (body.length >= 2 && (body[0] & 0xff) == 0xFE && (body[1] & 0xff) == 0xFF) {
      return StandardCharsets.UTF_16BE;
    }
    if (body.length >= 2 && (body[0] & 0xff) == 0xFF && (body[1] & 0xff) == 0xFE) {
      return StandardCharsets.UTF_16LE;
    }
    return null;
  }

  private static boolean isAsciiCaseInsensitive(String value, String lowercase) {
    if (value.length() != lowercase.length()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) != lowercase.charAt(i)) {
        return false;
      }
    }
    return true;
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

  /**
   * The charset named in a Content-Type header, as a browser reads the label (see {@link #browserCharset}), when
   * this JVM supports it; otherwise null (sniff).
   */
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
      return Charset.isSupported(name) ? browserCharset(Charset.forName(name)) : null;
    } catch (IllegalCharsetNameException invalid) {
      return null;
    }
  }

  /**
   * The encoding a browser uses for a charset label: the Encoding Standard reads ISO-8859-1 and US-ASCII as
   * windows-1252 (so byte 0x80 is the euro sign and a query's euro sign is %80), ISO-8859-9 as windows-1254 and
   * GB2312 as GBK; other charsets are themselves.
   */
  static Charset browserCharset(Charset charset) {
    return switch (charset.name()) {
      case "ISO-8859-1", "US-ASCII" -> WINDOWS_1252;
      case "ISO-8859-9" -> Charset.isSupported("windows-1254") ? Charset.forName("windows-1254") : charset;
      case "GB2312" -> Charset.isSupported("GBK") ? Charset.forName("GBK") : charset;
      default -> charset;
    };
  }

  /** Whether to parse as HTML, as the MIME Sniffing Standard decides it (see {@link MimeSniffing#isHtml}). */
  static boolean looksLikeHtml(Optional<String> contentType, byte[] body) {
    return MimeSniffing.isHtml(contentType, body);
  }
}
