package spindle.parse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

/**
 * Finds the main content of a page, the way Mozilla's Readability scores it, in one pass over the document jsoup
 * already holds and without changing it: every paragraph of at least {@value #MIN_PARAGRAPH} characters scores one
 * point, one per comma and one per hundred characters (at most three); its parent gets the score, its grandparent
 * half, its great-grandparent a sixth. A candidate starts from its tag's weight and a class or id that names content
 * ({@code article}, {@code content}, ...) or boilerplate ({@code comment}, {@code sidebar}, ...), and its score is cut
 * by the share of its text that sits in links. The best candidate is the content, with those of its siblings that
 * score at least a fifth as much, or are long paragraphs of few links.
 *
 * <p>Navigation, asides, footers, forms, scripts, styles, hidden elements and elements whose class or id names
 * boilerplate are never scored (and {@link MarkdownWriter} leaves them out). Readability4J, the port of the same
 * algorithm, took 23-26 ms per 100-230 KB page of the benchmark site (it copies the document, scores it several
 * times and rewrites it), 40 times a jsoup parse; this pass takes about a parse's time.
 */
final class MainContent {
  /** The shortest paragraph (in characters, spaces collapsed) that counts. */
  static final int MIN_PARAGRAPH = 25;

  private static final Set<String> NEVER_ROLES = Set.of("navigation", "menu", "menubar", "complementary", "alert",
      "alertdialog", "dialog", "banner", "contentinfo", "search");
  /** Readability's classes and ids of boilerplate, unless they also name content. */
  private static final Pattern UNLIKELY = Pattern.compile("-ad-|ai2html|banner|breadcrumbs|combx|comment|community|"
      + "cover-wrap|disqus|extra|footer|gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|"
      + "skyscraper|social|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote");
  private static final Pattern MAYBE = Pattern.compile("and|article|body|column|content|main|shadow");
  private static final Pattern POSITIVE = Pattern.compile("article|body|content|entry|hentry|h-entry|main|page|"
      + "pagination|post|text|blog|story");
  private static final Pattern NEGATIVE = Pattern.compile("-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|"
      + "com-|contact|foot|footer|footnote|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|"
      + "sidebar|skyscraper|sponsor|shopping|tags|widget");
  /** Blocks that end a paragraph: a div holding one is a container, not a paragraph. */
  private static final Set<String> BLOCKS = Set.of("address", "article", "aside", "blockquote", "details", "dialog",
      "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
      "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "ul");

  private MainContent() {}

  /**
   * Elements that are never content: neither scored nor written. A switch, not a set: asked of every element of a
   * page, an immutable set's probe cost as much as the rest of the walk together.
   */
  private static boolean isNever(String tag) {
    switch (tag) {
      case "script", "style", "noscript", "template", "svg", "nav", "aside", "footer", "form", "button", "select",
          "input", "textarea", "iframe", "frame", "frameset", "object", "embed", "canvas", "dialog", "head", "menu",
          "label", "option", "audio", "video", "map":
        return true;
      default:
        return false;
    }
  }

  /** Whether {@code element} and everything in it is boilerplate, whatever it holds. */
  static boolean isBoilerplate(Element element) {
    String tag = element.normalName();
    if (isNever(tag)) {
      return true;
    }
    if (element.attributesSize() == 0) {
      return false;
    }
    if (element.hasAttr("hidden") || "true".equals(element.attr("aria-hidden"))
        || NEVER_ROLES.contains(element.attr("role"))) {
      return true;
    }
    if (tag.equals("body") || tag.equals("article") || tag.equals("main") || tag.equals("a")) {
      return false;
    }
    String names = classAndId(element);
    return !names.isEmpty() && UNLIKELY.matcher(names).find() && !MAYBE.matcher(names).find();
  }

  /**
   * The elements that make the main content of {@code document}, in document order: the best candidate and the
   * siblings that belong with it; empty when the page has no paragraph of text (the body as a last resort when it
   * has text but no paragraph long enough).
   */
  static List<Element> of(Document document) {
    Element body = document.body();
    if (body == null) {
      return List.of();
    }
    Scores scores = new Scores();
    scores.walk(body);
    Candidate best = null;
    for (Candidate candidate : scores.candidates.values()) {
      candidate.score *= 1 - candidate.linkDensity();
      if (best == null || candidate.score > best.score) {
        best = candidate;
      }
    }
    if (best == null) {
      return scores.bodyText > 0 ? List.of(body) : List.of();
    }
    Element parent = best.element.parent();
    if (parent == null) {
      return List.of(best.element);
    }
    double threshold = Math.max(10, best.score * 0.2);
    List<Element> content = new ArrayList<>();
    for (Element sibling : parent.children()) {
      if (sibling == best.element) {
        content.add(sibling);
        continue;
      }
      Candidate scored = scores.candidates.get(sibling);
      if (scored != null && scored.score >= threshold) {
        content.add(sibling);
      } else if (sibling.normalName().equals("p") && !isBoilerplate(sibling)) {
        Stats stats = Stats.of(sibling);
        double density = stats.text == 0 ? 0 : (double) stats.links / stats.text;
        boolean sentence = stats.last == '.' || stats.last == '!' || stats.last == '?';
        if ((stats.text > 80 && density < 0.25) || (stats.text > 0 && density == 0 && sentence)) {
          content.add(sibling);
        }
      }
    }
    return content;
  }

  private static String classAndId(Element element) {
    String className = element.className();
    String id = element.id();
    if (className.isEmpty()) {
      return id.toLowerCase(Locale.ROOT);
    }
    return id.isEmpty() ? className.toLowerCase(Locale.ROOT) : (className + " " + id).toLowerCase(Locale.ROOT);
  }

  private static double tagWeight(String tag) {
    switch (tag) {
      case "div":
      case "article":
      case "main":
      case "section":
        return 5;
      case "pre":
      case "td":
      case "blockquote":
        return 3;
      case "address":
      case "ol":
      case "ul":
      case "dl":
      case "dd":
      case "dt":
      case "li":
      case "form":
        return -3;
      case "h1":
      case "h2":
      case "h3":
      case "h4":
      case "h5":
      case "h6":
      case "th":
        return -5;
      default:
        return 0;
    }
  }

  private static double classWeight(Element element) {
    String names = classAndId(element);
    if (names.isEmpty()) {
      return 0;
    }
    double weight = 0;
    if (NEGATIVE.matcher(names).find()) {
      weight -= 25;
    }
    if (POSITIVE.matcher(names).find()) {
      weight += 25;
    }
    return weight;
  }

  /** An element that holds paragraphs: its score and, once it was walked, its text and link characters. */
  private static final class Candidate {
    final Element element;
    double score;
    int text;
    int links;

    Candidate(Element element) {
      this.element = element;
      this.score = tagWeight(element.normalName()) + classWeight(element);
    }

    double linkDensity() {
      return text == 0 ? 0 : Math.min(1, (double) links / text);
    }
  }

  /** Text measures of one element: characters (white space at its texts' ends left out), those in links, commas. */
  private static final class Stats {
    int text;
    int links;
    int commas;
    boolean blockChild;
    /** The last character that is not a space, or a space when there is none. */
    char last;

    static Stats of(Element element) {
      Scores scores = new Scores();
      return scores.measure(element);
    }
  }

  /**
   * The walk: measures every element bottom-up with a stack of frames (jsoup's traversal does not recurse, so a deep
   * document cannot overflow the stack), credits each paragraph's score to its ancestors, and remembers the
   * candidates' text.
   */
  private static final class Scores implements NodeFilter {
    final Map<Element, Candidate> candidates = new IdentityHashMap<>();
    int bodyText;
    private Stats[] frames = new Stats[64];
    private int depth;
    private int inLinks;

    void walk(Element body) {
      bodyText = measure(body).text;
    }

    /** The measures of {@code root}, everything in it walked. */
    Stats measure(Element root) {
      depth = 0;
      inLinks = 0;
      push(); // an outer frame that root's measures go to
      NodeTraversor.filter(this, root);
      return frames[0];
    }

    @Override
    public FilterResult head(Node node, int nodeDepth) {
      if (node instanceof TextNode) {
        text((TextNode) node);
        return FilterResult.CONTINUE;
      }
      if (!(node instanceof Element)) {
        return FilterResult.SKIP_ENTIRELY; // comments, data
      }
      Element element = (Element) node;
      if (isBoilerplate(element)) {
        return FilterResult.SKIP_ENTIRELY;
      }
      if (element.normalName().equals("a")) {
        inLinks++;
      }
      push();
      return FilterResult.CONTINUE;
    }

    @Override
    public FilterResult tail(Node node, int nodeDepth) {
      if (node instanceof Element) {
        end((Element) node);
      }
      return FilterResult.CONTINUE;
    }

    private void push() {
      if (depth == frames.length) {
        frames = Arrays.copyOf(frames, depth * 2);
      }
      Stats frame = frames[depth];
      if (frame == null) {
        frame = new Stats();
        frame.last = ' ';
        frames[depth] = frame;
      } else {
        frame.text = 0;
        frame.links = 0;
        frame.commas = 0;
        frame.blockChild = false;
        frame.last = ' ';
      }
      depth++;
    }

    /**
     * Counts a text node: its length without the white space at its ends (a node of white space between two tags
     * counts nothing), its commas, its last character. Runs of spaces inside it count in full: close enough for a
     * score, and it reads only the ends and the commas of a text, not every character.
     */
    private void text(TextNode node) {
      String text = node.getWholeText();
      int from = 0;
      int to = text.length();
      while (from < to && isSpace(text.charAt(from))) {
        from++;
      }
      while (to > from && isSpace(text.charAt(to - 1))) {
        to--;
      }
      if (from == to) {
        return;
      }
      int commas = 0;
      for (int comma = text.indexOf(',', from); comma >= 0 && comma < to; comma = text.indexOf(',', comma + 1)) {
        commas++;
      }
      int length = to - from;
      Stats frame = frames[depth - 1];
      frame.text += length;
      frame.commas += commas;
      if (inLinks > 0) {
        frame.links += length;
      }
      frame.last = text.charAt(to - 1);
    }

    private static boolean isSpace(char c) {
      return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
    }

    /** The end of {@code element}'s walk: hand its measures up and score it if it is a paragraph. */
    private void end(Element element) {
      Stats frame = frames[--depth];
      Stats parent = frames[depth - 1];
      parent.text += frame.text;
      parent.links += frame.links;
      parent.commas += frame.commas;
      if (frame.last != ' ') {
        parent.last = frame.last;
      }
      String tag = element.normalName();
      if (tag.equals("a")) {
        inLinks--;
      }
      if (BLOCKS.contains(tag)) {
        parent.blockChild = true;
      }
      Candidate self = candidates.get(element);
      if (self != null) {
        self.text = frame.text;
        self.links = frame.links;
      }
      boolean paragraph = tag.equals("p") || tag.equals("pre") || tag.equals("td")
          || ((tag.equals("div") || tag.equals("section") || tag.equals("blockquote")) && !frame.blockChild);
      if (paragraph && frame.text >= MIN_PARAGRAPH) {
        double score = 1 + frame.commas + Math.min(frame.text / 100, 3);
        Element ancestor = element.parent();
        for (int level = 0; level < 3 && ancestor != null && !ancestor.normalName().equals("html"); level++) {
          Candidate candidate = candidates.computeIfAbsent(ancestor, Candidate::new);
          candidate.score += level == 0 ? score : level == 1 ? score / 2 : score / 6;
          ancestor = ancestor.parent();
        }
      }
    }
  }
}
