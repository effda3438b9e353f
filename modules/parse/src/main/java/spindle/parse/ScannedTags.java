package spindle.parse;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tags {@link TagScanner} tells apart, each by a code: those it hands out, those that change how what follows is
 * read, and the lists of HTML's tree builder it needs (tags that end foreign content, that turn "frameset-ok" off,
 * that close a select in a table). Any other tag is {@link #OTHER}.
 */
final class ScannedTags {
  /** Tags whose elements the scanner hands out. */
  static final int A = 1;
  static final int AREA = 2;
  static final int LINK = 3;
  static final int FRAME = 4;
  static final int IFRAME = 5;
  static final int META = 6;
  static final int BASE = 7;
  static final int TITLE = 8;
  /** Tags that change how what follows is read. */
  static final int SCRIPT = 20;
  static final int STYLE = 21;
  static final int XMP = 22;
  static final int NOEMBED = 23;
  static final int NOFRAMES = 24;
  static final int TEXTAREA = 25;
  static final int PLAINTEXT = 26;
  static final int SELECT = 27;
  static final int FRAMESET = 28;
  static final int SVG = 29;
  static final int MATH = 30;
  static final int INPUT = 31;
  static final int KEYGEN = 32;
  /**
   * HTML tags that end an {@code svg} or {@code math} subtree (HTML's "breakout" list for foreign content, less
   * the void elements br, embed, hr, img and meta, which jsoup inserts without leaving the subtree).
   */
  static final int BREAKOUT = 41;
  /** A breakout tag that also turns HTML's "frameset-ok" off (dd, li, pre, listing, body). */
  static final int BREAKOUT_OR_FRAMESET_OFF = 42;
  static final int OTHER = 0;

  static final int TEMPLATE = 33;
  static final int TABLE = 34;
  /** caption, tbody, tfoot, thead, tr, td, th: in a table, they close a select. */
  static final int TABLE_PART = 35;
  private static final String[] TABLE_PARTS = {"caption", "tbody", "tfoot", "thead", "tr", "td", "th"};
  /** Tags after which HTML no longer accepts a frameset (they set its "frameset-ok" flag to "not ok"). */
  static final int FRAMESET_OFF = 36;
  private static final String[] FRAMESET_OFF_TAGS = {"body", "li", "dd", "dt", "pre", "listing", "button", "applet",
      "marquee", "object", "br", "embed", "img", "wbr", "hr"};
  private static final String[] BREAKOUT_TAGS = {"b", "big", "blockquote", "body", "center", "code", "dd", "div", "dl",
      "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "head", "i", "li", "listing", "menu", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike", "sub", "sup", "table", "tt", "u",
      "ul", "var"};

  private ScannedTags() {
  }

  /**
   * The code of the tag named by {@code html[from, to)}, compared without case ({@link #OTHER} for a tag the scanner
   * does not know, {@link #BREAKOUT_OR_FRAMESET_OFF} for one of both lists): the name is packed into a long, six bits a
   * character, and looked up in {@link #NAMES} (no string is made for a tag the scanner does not know, which is most of
   * them).
   */
  static int lookUp(String html, int from, int to) {
    long key = 0;
    int n = to - from;
    if (n > 10) {
      return OTHER;
    }
    for (int i = from; i < to; i++) {
      int code = symbol(html.charAt(i));
      if (code < 0) {
        return OTHER;
      }
      key = key << 6 | code;
    }
    int at = Arrays.binarySearch(NAMES, key);
    if (at < 0) {
      return OTHER;
    }
    return IDS[at];
  }

  /** A tag name's character as six bits: a-z (either case) 1-26, 0-9 27-36; -1 for any other character. */
  private static int symbol(char c) {
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 1;
    }
    if (c >= 'A' && c <= 'Z') {
      return c - 'A' + 1;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 27;
    }
    return -1;
  }

  private static long pack(String name) {
    long key = 0;
    for (int i = 0; i < name.length(); i++) {
      key = key << 6 | symbol(name.charAt(i));
    }
    return key;
  }

  /** The packed names the scanner knows, sorted, and their codes at the same index. */
  private static final long[] NAMES;
  private static final int[] IDS;

  static {
    Map<Long, Integer> ids = new TreeMap<>();
    for (String name : BREAKOUT_TAGS) {
      ids.put(pack(name), BREAKOUT);
    }
    for (String name : FRAMESET_OFF_TAGS) {
      ids.merge(pack(name), FRAMESET_OFF, (breakout, off) -> BREAKOUT_OR_FRAMESET_OFF);
    }
    for (String name : TABLE_PARTS) {
      ids.put(pack(name), TABLE_PART);
    }
    String[] names = {"a", "area", "link", "frame", "iframe", "meta", "base", "title", "script", "style", "xmp",
        "noembed", "noframes", "textarea", "plaintext", "select", "frameset", "svg", "math", "input", "keygen",
        "template", "table"};
    int[] codes = {A, AREA, LINK, FRAME, IFRAME, META, BASE, TITLE, SCRIPT, STYLE, XMP, NOEMBED, NOFRAMES, TEXTAREA,
        PLAINTEXT, SELECT, FRAMESET, SVG, MATH, INPUT, KEYGEN, TEMPLATE, TABLE};
    for (int i = 0; i < names.length; i++) {
      ids.put(pack(names[i]), codes[i]);
    }
    NAMES = ids.keySet().stream().mapToLong(Long::longValue).toArray();
    IDS = ids.values().stream().mapToInt(Integer::intValue).toArray();
  }

  /** The name of a tag the scanner hands out. */
  static String name(int tag) {
    return switch (tag) {
      case A -> "a";
      case AREA -> "area";
      case LINK -> "link";
      case FRAME -> "frame";
      case IFRAME -> "iframe";
      case META -> "meta";
      case BASE -> "base";
      case TITLE -> "title";
      default -> throw new IllegalArgumentException("not a tag the scanner hands out: " + tag);
    };
  }
}
