package spindle.parse;

import static spindle.parse.ScannedTags.*;

import java.nio.charset.Charset;
import java.util.function.Consumer;
import org.jsoup.nodes.Attributes;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;
import org.jsoup.parser.Tag;

/**
 * Finds the elements a crawler reads (link carriers, {@code meta}, {@code base}, the first {@code title}) in an HTML
 * page without building a document: it tokenises as HTML's tokeniser does where that decides which tags exist
 * (comments, bogus comments, raw text in {@code script}, {@code style} and their kind, RCDATA in {@code title} and
 * {@code textarea}, {@code plaintext}, quoted attribute values, a tag cut off by the end of the file), skips text at
 * the speed of {@link String#indexOf(int, int)}, and follows the few tree-building rules that drop such tags: nothing
 * but {@code script} counts inside {@code select}, a {@code frame} counts only in a {@code frameset} that came
 * before the body's content (and then nothing else does), and inside {@code svg} or {@code math} a {@code style} is
 * markup, not raw text.
 *
 * <p>A DOM costs most of a crawl's CPU on large pages (jsoup's tokeniser and tree builder were 60 % of the Java
 * samples at 16 fetchers, bench/README.md), and most of what it builds is text that a crawl without
 * {@code spindle.output.text} or SimHash never reads. jsoup does not expose its tokeniser, and the event parsers on
 * Maven Central (attoparser) were no faster than jsoup's full parse on these pages; so this scanner is ours.
 * {@code TagScannerTest} checks it finds exactly what jsoup's document gives on tricky markup and on the fixture's
 * pages. Known differences: links inside a {@code noscript} in the {@code head} are found here, jsoup drops them;
 * a script holding {@code </scrip} followed by a quote ends at its end tag here, as HTML says, while jsoup reads the
 * rest of the page as script; an element jsoup clones to mend misnested formatting tags is handed out once; a
 * {@code frameset} after the body's first tags (before any text) replaces the body in jsoup's document, and is
 * ignored here (the body's links stay); a script in the body that hides a {@code </script>} after
 * {@code <!-- <script>} ends at its real end tag here, as in browsers, where jsoup ends it at the hidden one.
 *
 * <p>Each element found is a detached jsoup {@link Element} with its attributes (character references decoded as
 * jsoup decodes them) and, for {@code title}, its text, so the parser reads it as it reads a document's. The page may
 * be its bytes seen through ISO-8859-1 (one char per byte, as {@link SourceText} explains) with its real charset:
 * then only the values handed out are decoded, each before its character references, as HTML decodes a page before
 * it tokenises it; no copy of the page is made. Not thread-safe; one per page.
 */
final class TagScanner {
  private final String html;
  private final int length;
  /** The charset of the bytes {@link #html} holds one per char; null when it is the page's text already. */
  private final Charset charset;
  private final Consumer<Element> found;
  private int pos;
  /** Text or a tag that makes HTML refuse a frameset has come: a frameset no longer counts. */
  private boolean bodyStarted;
  private boolean inFrameset;
  private boolean inSelect;
  /** Templates open: a frameset in one is ignored. */
  private int templates;
  /** Tables open (start tags less end tags): a select in a table ends at the table's next cell or row. */
  private int tables;
  /**
   * The svg (true) and math (false) elements open, innermost last, up to {@link #foreignDepth}; while any is open,
   * the tags HTML reads as raw text are markup.
   */
  private boolean[] foreign = new boolean[8];
  private int foreignDepth;
  private boolean titleSeen;
  /** The attributes of the tag being read, when it is one the scanner hands out; else null. */
  private Attributes attributes;

  private TagScanner(String html, Charset charset, Consumer<Element> found) {
    this.html = html;
    this.length = html.length();
    this.charset = charset;
    this.found = found;
  }

  /** Hands {@code found} each element a crawler reads in {@code html}, the page's text, in document order. */
  static void scan(String html, Consumer<Element> found) {
    new TagScanner(html, null, found).run();
  }

  /**
   * Hands {@code found} each element a crawler reads in {@code latin1}, a page's bytes seen through ISO-8859-1, in
   * document order; its values are decoded as {@code charset}, which must be one {@link SourceText#appliesTo}.
   */
  static void scan(String latin1, Charset charset, Consumer<Element> found) {
    new TagScanner(latin1, charset, found).run();
  }

  private void run() {
    while (pos < length) {
      int lt = html.indexOf('<', pos);
      if (lt < 0) {
        text(pos, length);
        return;
      }
      text(pos, lt);
      pos = lt + 1;
      if (pos >= length) {
        return;
      }
      char c = html.charAt(pos);
      if (isAsciiLetter(c)) {
        startTag();
      } else if (c == '/') {
        endTag();
      } else if (c == '!') {
        markupDeclaration();
      } else if (c == '?') {
        pos = skipTo('>', pos);
      }
      // anything else: the '<' was text
    }
  }

  /** Text between tags: the first non-blank character begins the body's content. */
  private void text(int from, int to) {
    if (bodyStarted || inFrameset) {
      return;
    }
    for (int i = from; i < to; i++) {
      if (!isSpace(html.charAt(i))) {
        bodyStarted = true;
        return;
      }
    }
  }

  private void startTag() {
    int nameStart = pos;
    int nameEnd = tagNameEnd(pos);
    if (nameEnd >= length) {
      pos = length; // the file ends inside the tag: no tag
      return;
    }
    int tag = tagId(nameStart, nameEnd);
    boolean wanted = tag >= A && tag <= TITLE && counts(tag);
    attributes = wanted ? new Attributes() : null;
    pos = nameEnd;
    int end = attributesEnd();
    if (end < 0) {
      attributes = null;
      pos = length;
      return;
    }
    boolean selfClosing = html.charAt(end - 2) == '/';
    pos = end;
    String text = afterStartTag(tag, selfClosing);
    if (wanted) {
      Element element = new Element(Tag.valueOf(ScannedTags.name(tag)), "", attributes);
      attributes = null;
      if (tag == TITLE) {
        titleSeen = true;
        element.appendText(Parser.unescapeEntities(decoded(text), false));
      }
      found.accept(element);
    }
  }

  /** Whether an element of a wanted tag exists here, as HTML's tree builder would place it. */
  private boolean counts(int tag) {
    if (inSelect) {
      return false;
    }
    if (inFrameset) {
      return tag == FRAME;
    }
    if (tag == FRAME) {
      return foreignDepth > 0; // an svg or math element of that name
    }
    return tag != TITLE || (!titleSeen && foreignDepth == 0);
  }

  /**
   * What a start tag does to the reading of what follows and to the scanner's modes; returns the text of a
   * {@code title} (RCDATA), else null.
   */
  private String afterStartTag(int tag, boolean selfClosing) {
    if (tag == FRAMESET_OFF || tag == TABLE || tag == AREA || tag == KEYGEN || tag == INPUT || tag == TEXTAREA
        || tag == XMP || tag == IFRAME || tag == SELECT) {
      bodyStarted = true;
    }
    if (inSelect) { // HTML's "in select" ignores every other tag, so none of them changes the tokeniser
      if (tag == SCRIPT) {
        skipScript();
      } else if (tag == SELECT || tag == INPUT || tag == KEYGEN || tag == TEXTAREA || tag == TEMPLATE
          || (tables > 0 && (tag == TABLE || tag == TABLE_PART))) {
        if (tag == TABLE) {
          tables++;
        }
        inSelect = false; // these close the select (a template's content is read as usual); a textarea then is too
        if (tag == TEXTAREA) {
          rawText("textarea");
        }
      }
      return null;
    }
    if (inFrameset) { // "in frameset" and after it: only noframes is read as raw text
      if (tag == NOFRAMES) {
        rawText("noframes");
      }
      return null;
    }
    if (foreignDepth > 0) {
      if (tag == BREAKOUT) {
        foreignDepth = 0;
      } else if ((tag == SVG || tag == MATH) && !selfClosing) {
        openForeign(tag == SVG);
      } else if (tag == SCRIPT && !selfClosing) {
        skipScript();
      }
      return null;
    }
    switch (tag) {
      case SCRIPT -> skipScript();
      case STYLE -> rawText("style");
      case XMP -> rawText("xmp");
      case IFRAME -> rawText("iframe");
      case NOEMBED -> rawText("noembed");
      case NOFRAMES -> rawText("noframes");
      case TEXTAREA -> rawText("textarea");
      case TITLE -> {
        return rawText("title");
      }
      case PLAINTEXT -> pos = length;
      case SELECT -> inSelect = true;
      case TABLE -> tables++;
      case SVG, MATH -> {
        if (!selfClosing) {
          openForeign(tag == SVG);
        }
      }
      case TEMPLATE -> templates++;
      case FRAMESET -> {
        if (!bodyStarted && templates == 0) {
          inFrameset = true;
        }
      }
      default -> { }
    }
    return null;
  }

  private void endTag() {
    pos++; // the '/'
    if (pos >= length) {
      return;
    }
    char c = html.charAt(pos);
    if (c == '>') {
      pos++;
      return;
    }
    if (!isAsciiLetter(c)) {
      pos = skipTo('>', pos); // a bogus comment
      return;
    }
    int nameEnd = tagNameEnd(pos);
    if (nameEnd >= length) {
      pos = length;
      return;
    }
    int tag = tagId(pos, nameEnd);
    pos = nameEnd;
    int end = attributesEnd();
    pos = end < 0 ? length : end;
    if (tag == SELECT || (tag == TABLE && inSelect && tables > 0)) {
      inSelect = false;
    }
    if (tag == TEMPLATE && templates > 0) {
      templates--;
    }
    if (tag == TABLE && tables > 0 && foreignDepth == 0) {
      tables--;
    } else if (tag == SVG || tag == MATH) {
      closeForeign(tag == SVG);
    }
  }

  private void openForeign(boolean svg) {
    if (foreignDepth == foreign.length) {
      foreign = java.util.Arrays.copyOf(foreign, foreignDepth * 2);
    }
    foreign[foreignDepth++] = svg;
  }

  /** An end tag of svg or math closes the innermost such element open, and those inside it; else it is ignored. */
  private void closeForeign(boolean svg) {
    for (int i = foreignDepth - 1; i >= 0; i--) {
      if (foreign[i] == svg) {
        foreignDepth = i;
        return;
      }
    }
  }

  /** After {@code <!}: a comment, a CDATA section, or a bogus comment (doctype included). */
  private void markupDeclaration() {
    int at = pos + 1;
    if (html.startsWith("--", at)) {
      pos = commentEnd(at + 2);
    } else if (html.startsWith("[CDATA[", at)) { // as jsoup reads it anywhere, not only in svg and math
      int end = html.indexOf("]]>", at + 7);
      pos = end < 0 ? length : end + 3;
    } else {
      pos = skipTo('>', at);
    }
  }

  /** Where a comment whose text starts at {@code from} ends: after {@code -->} or {@code --!>}, or the file's end. */
  private int commentEnd(int from) {
    if (html.startsWith(">", from)) {
      return from + 1; // <!-->
    }
    if (html.startsWith("->", from)) {
      return from + 2; // <!--->
    }
    int at = from;
    while (true) {
      int dashes = html.indexOf("--", at);
      if (dashes < 0) {
        return length;
      }
      int after = dashes + 2;
      while (after < length && html.charAt(after) == '-') {
        after++;
      }
      if (after < length && html.charAt(after) == '>') {
        return after + 1;
      }
      if (after + 1 < length && html.charAt(after) == '!' && html.charAt(after + 1) == '>') {
        return after + 2;
      }
      at = after;
    }
  }

  /**
   * Skips the raw text or RCDATA of an element named {@code name} and its end tag; returns the text (a title's is
   * used). Without its end tag, the text runs to the file's end.
   */
  private String rawText(String name) {
    int from = pos;
    int at = pos;
    while (true) {
      int close = html.indexOf("</", at);
      if (close < 0) {
        if (name.equals("title") || name.equals("textarea")) {
          // jsoup ends an unclosed title or textarea at the next start tag, which is then read (HTML reads on to
          // the file's end)
          int next = html.indexOf('<', from);
          while (next >= 0 && (next + 1 >= length || !isAsciiLetter(html.charAt(next + 1)))) {
            next = html.indexOf('<', next + 1);
          }
          pos = next < 0 ? length : next;
          return html.substring(from, pos);
        }
        pos = length;
        return html.substring(from);
      }
      if (isEndTagOf(close, name)) {
        String text = html.substring(from, close);
        pos = close + 2 + name.length();
        int end = attributesEnd();
        pos = end < 0 ? length : end;
        return text;
      }
      at = close + 2;
    }
  }

  /**
   * Skips a script's text and end tag as HTML's tokeniser reads script data: after {@code <!--}, a {@code <script>}
   * hides the next {@code </script>} until {@code -->}.
   */
  private void skipScript() {
    boolean escaped = false;
    boolean doubleEscaped = false;
    int i = pos;
    while (i < length) {
      char c = html.charAt(i);
      if (c == '<') {
        if (!escaped && html.startsWith("<!--", i)) {
          escaped = true;
          i += 4;
          if (i < length && html.charAt(i) == '>') { // <!--> closes at once
            escaped = false;
            i++;
          }
          continue;
        }
        if (escaped && !doubleEscaped && i + 1 < length && html.charAt(i + 1) != '/'
            && isScriptTag(i + 1)) {
          doubleEscaped = true;
          i += 7;
          continue;
        }
        if (html.startsWith("</", i) && isEndTagOf(i, "script")) {
          if (!doubleEscaped) {
            pos = i + 8;
            int end = attributesEnd();
            pos = end < 0 ? length : end;
            return;
          }
          doubleEscaped = false;
          i += 8;
          continue;
        }
      } else if (c == '-' && escaped && html.startsWith("-->", i)) {
        escaped = false;
        doubleEscaped = false;
        i += 3;
        continue;
      }
      i++;
    }
    pos = length;
  }

  /** Whether the word {@code script} starts at {@code at} and ends at a space, {@code /} or {@code >}. */
  private boolean isScriptTag(int at) {
    return html.regionMatches(true, at, "script", 0, 6) && at + 6 < length && isTagEnd(html.charAt(at + 6));
  }

  /** Whether {@code </name} starts at {@code at} and ends at a space, {@code /} or {@code >}, as an end tag must. */
  private boolean isEndTagOf(int at, String name) {
    int end = at + 2 + name.length();
    return end < length && html.regionMatches(true, at + 2, name, 0, name.length()) && isTagEnd(html.charAt(end));
  }

  /**
   * Reads the attributes from {@link #pos} (just past the tag name) as HTML's tokeniser does, keeping them in
   * {@link #attributes} when it is set (the first of a name wins); returns the index just past the tag's {@code >},
   * or -1 when the file ends inside the tag.
   */
  private int attributesEnd() {
    int i = pos;
    while (true) {
      while (i < length && (isSpace(html.charAt(i)) || html.charAt(i) == '/')) {
        i++;
      }
      if (i >= length) {
        return -1;
      }
      if (html.charAt(i) == '>') {
        return i + 1;
      }
      int nameStart = i;
      i++; // the name's first character, even an '='
      while (i < length) {
        char c = html.charAt(i);
        if (isSpace(c) || c == '/' || c == '>' || c == '=') {
          break;
        }
        i++;
      }
      int nameEnd = i;
      while (i < length && isSpace(html.charAt(i))) {
        i++;
      }
      if (i >= length) {
        return -1;
      }
      if (html.charAt(i) != '=') {
        keep(nameStart, nameEnd, -1, -1);
        continue;
      }
      i++;
      while (i < length && isSpace(html.charAt(i))) {
        i++;
      }
      if (i >= length) {
        return -1;
      }
      char quote = html.charAt(i);
      if (quote == '"' || quote == '\'') {
        int close = html.indexOf(quote, i + 1);
        if (close < 0) {
          return -1;
        }
        keep(nameStart, nameEnd, i + 1, close);
        i = close + 1;
      } else if (quote == '>') {
        keep(nameStart, nameEnd, -1, -1);
        return i + 1;
      } else {
        int valueStart = i;
        while (i < length && !isSpace(html.charAt(i)) && html.charAt(i) != '>') {
          i++;
        }
        keep(nameStart, nameEnd, valueStart, i);
      }
    }
  }

  private void keep(int nameStart, int nameEnd, int valueStart, int valueEnd) {
    if (attributes == null) {
      return;
    }
    String name = lowerCase(nameStart, nameEnd);
    if (attributes.hasKey(name)) {
      return;
    }
    String value = valueStart < 0 ? "" : decoded(html.substring(valueStart, valueEnd));
    if (value.indexOf('\0') >= 0) {
      value = value.replace('\0', '\uFFFD');
    }
    attributes.put(name, value.indexOf('&') < 0 ? value : unescape(value));
  }

  /** {@code raw}, a part of {@link #html}, as text: decoded ({@link SourceText#decode}) when {@link #html} is the view. */
  private String decoded(String raw) {
    return charset == null ? raw : SourceText.decode(raw, charset);
  }

  /**
   * An attribute value's character references decoded as jsoup decodes them; a value whose only references are
   * {@code &amp;} (a query's separators, nearly always) without jsoup's tokeniser, which costs a 32 kB buffer a call.
   */
  private static String unescape(String value) {
    for (int amp = value.indexOf('&'); amp >= 0; amp = value.indexOf('&', amp + 1)) {
      if (!value.startsWith("amp;", amp + 1)) {
        return Parser.unescapeEntities(value, true);
      }
    }
    return value.replace("&amp;", "&");
  }

  private int tagNameEnd(int from) {
    int i = from;
    while (i < length && !isTagEnd(html.charAt(i))) {
      i++;
    }
    return i;
  }

  /**
   * The scanner's code for the tag named by {@code html[from, to)} ({@link ScannedTags#lookUp}), with the tags whose
   * meaning depends on it resolved by whether an {@code svg} or {@code math} subtree is open.
   */
  private int tagId(int from, int to) {
    int tag = ScannedTags.lookUp(html, from, to);
    if (tag == BREAKOUT_OR_FRAMESET_OFF) {
      return foreignDepth > 0 ? BREAKOUT : FRAMESET_OFF;
    }
    if (tag == BREAKOUT) {
      return foreignDepth > 0 ? BREAKOUT : OTHER;
    }
    return tag;
  }

  private int skipTo(char c, int from) {
    int at = html.indexOf(c, from);
    return at < 0 ? length : at + 1;
  }

  private String lowerCase(int from, int to) {
    for (int i = from; i < to; i++) {
      char c = html.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        char[] chars = html.substring(from, to).toCharArray();
        for (int j = i - from; j < chars.length; j++) {
          chars[j] = lower(chars[j]);
        }
        return new String(chars);
      }
    }
    return html.substring(from, to);
  }

  private static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
  }

  private static boolean isTagEnd(char c) {
    return isSpace(c) || c == '/' || c == '>';
  }
}
