package spindle.parse;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A page body seen through ISO-8859-1: one char per byte, which jsoup can parse exactly as it would the real text
 * when the real charset never uses the bytes of HTML's syntax ({@code < > " ' = & /}, whitespace) inside a
 * multi-byte character. That holds for UTF-8, single-byte charsets and the usual CJK multi-byte ones; not for
 * UTF-16 or ISO-2022. Decoding ISO-8859-1 is a plain widening copy, an order of magnitude cheaper than UTF-8
 * decoding of text with accents.
 *
 * <p>A value taken from the parsed document is restored to real text by re-encoding it as ISO-8859-1 and
 * decoding the bytes with the real charset. That is exact only when every non-ASCII char in it came from the
 * body's bytes, not from a character reference such as {@code &eacute;}: {@link #restore} checks that the value
 * occurs verbatim in the body and otherwise returns null, and the caller parses the page again with exact
 * decoding. Not thread-safe; one per page.
 */
final class SourceText {
  /** Values are already exact (the document was parsed from properly decoded text). */
  static final SourceText EXACT = new SourceText(null, null);

  /** Restoring more than this many values costs more than decoding the page: parse it exactly instead. */
  private static final int MAX_RESTORES = 32;

  private final String latin1;
  private final Charset charset;
  private int restores;

  private SourceText(String latin1, Charset charset) {
    this.latin1 = latin1;
    this.charset = charset;
  }

  /** Whether pages in {@code charset} can be parsed through an ISO-8859-1 view. */
  static boolean appliesTo(Charset charset) {
    String name = charset.name().toUpperCase(Locale.ROOT);
    return name.equals("UTF-8") || name.equals("US-ASCII") || name.startsWith("ISO-8859-")
        || name.startsWith("WINDOWS-125") || name.equals("SHIFT_JIS") || name.equals("WINDOWS-31J")
        || name.equals("EUC-JP") || name.equals("EUC-KR") || name.equals("GBK") || name.equals("GB2312")
        || name.equals("GB18030") || name.equals("BIG5") || name.startsWith("KOI8-");
  }

  /** The ISO-8859-1 view of {@code body} (without a UTF-8 byte order mark), to be decoded as {@code charset}. */
  static SourceText of(byte[] body, Charset charset) {
    boolean bom = body.length >= 3 && (body[0] & 0xff) == 0xEF && (body[1] & 0xff) == 0xBB
        && (body[2] & 0xff) == 0xBF;
    int start = bom && charset.equals(StandardCharsets.UTF_8) ? 3 : 0;
    return new SourceText(new String(body, start, body.length - start, StandardCharsets.ISO_8859_1), charset);
  }

  /** The text to parse. */
  String latin1() {
    return latin1;
  }

  /** {@code value} as real text, or null when it cannot be restored exactly. */
  String restore(String value) {
    if (latin1 == null) {
      return value;
    }
    boolean nonAscii = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= 0x80) {
        if (c > 0xFF) {
          return null; // a character reference (or jsoup's U+FFFD for NUL) made it: not bytes of the body
        }
        nonAscii = true;
      }
    }
    if (!nonAscii) {
      return value;
    }
    if (++restores > MAX_RESTORES || latin1.indexOf(value) < 0) {
      return null;
    }
    return new String(value.getBytes(StandardCharsets.ISO_8859_1), charset);
  }
}
