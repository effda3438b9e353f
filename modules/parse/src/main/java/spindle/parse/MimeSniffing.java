package spindle.parse;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a response is HTML, as the MIME Sniffing Standard decides it for a browser: the Content-Type when it
 * names a type, and the body's first bytes when there is none or it is unknown.
 */
final class MimeSniffing {

  /** The bytes the sniffing rules look at (the standard's "resource header"). */
  private static final int RESOURCE_HEADER = 1445;

  /**
   * The HTML patterns of the "rules for identifying an unknown MIME type", each matched ASCII case-insensitively
   * after leading whitespace bytes and followed by a tag-terminating byte (space or '&gt;').
   */
  private static final byte[][] HTML_PATTERNS = patterns("<!DOCTYPE HTML", "<HTML", "<HEAD", "<SCRIPT", "<IFRAME",
      "<H1", "<DIV", "<FONT", "<TABLE", "<A", "<STYLE", "<TITLE", "<B", "<BODY", "<BR", "<P", "<!--");

  private MimeSniffing() {
  }

  /**
   * Whether to parse as HTML: a Content-Type whose essence is text/html or application/xhtml+xml; or, when the
   * header is absent, is not a valid MIME type or is one of unknown/unknown, application/unknown and *&#47;*, a body
   * that starts with one of the standard's HTML patterns. A byte order mark is not skipped: a browser shows such a
   * body as text/plain. A bare {@code application/octet-stream} counts as absent too: Pekko HTTP reports a response
   * without Content-Type so, in some responses and not in others, and a page must not be parsed or not by chance.
   */
  static boolean isHtml(Optional<String> contentType, byte[] body) {
    String essence = contentType.map(MimeSniffing::essence).orElse(null);
    if (essence != null && !essence.equals("unknown/unknown") && !essence.equals("application/unknown")
        && !essence.equals("*/*") && !contentType.get().strip().equalsIgnoreCase("application/octet-stream")) {
      return essence.equals("text/html") || essence.equals("application/xhtml+xml");
    }
    return startsWithHtmlPattern(body);
  }

  /** The lowercase "type/subtype" of a Content-Type, or null when it is not a valid MIME type. */
  static String essence(String contentType) {
    int end = contentType.indexOf(';');
    String value = (end < 0 ? contentType : contentType.substring(0, end)).strip();
    int slash = value.indexOf('/');
    if (slash <= 0 || slash == value.length() - 1) {
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      if (i != slash && !isTokenChar(value.charAt(i))) {
        return null;
      }
    }
    return value.toLowerCase(Locale.ROOT);
  }

  private static boolean startsWithHtmlPattern(byte[] body) {
    int header = Math.min(body.length, RESOURCE_HEADER);
    int start = 0;
    while (start < header && isWhitespaceByte(body[start])) {
      start++;
    }
    if (start == header || body[start] != '<') {
      return false;
    }
    for (byte[] pattern : HTML_PATTERNS) {
      if (matches(body, start, header, pattern)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(byte[] body, int start, int header, byte[] pattern) {
    if (header - start < pattern.length + 1) {
      return false;
    }
    for (int i = 0; i < pattern.length; i++) {
      int b = body[start + i];
      int expected = pattern[i];
      boolean letter = expected >= 'A' && expected <= 'Z';
      if ((letter ? b & 0xDF : b) != expected) {
        return false;
      }
    }
    byte terminator = body[start + pattern.length];
    return terminator == ' ' || terminator == '>';
  }

  private static boolean isWhitespaceByte(byte b) {
    return b == '\t' || b == '\n' || b == '\f' || b == '\r' || b == ' ';
  }

  /** An HTTP token code point. */
  private static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static byte[][] patterns(String... patterns) {
    byte[][] bytes = new byte[patterns.length][];
    for (int i = 0; i < patterns.length; i++) {
      bytes[i] = patterns[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
    return bytes;
  }
}
