package spindle.core.url;

/**
 * The WHATWG percent-encode sets and UTF-8 percent-encoding of single characters.
 *
 * <p>Every set contains all code points above U+007E, so only the ASCII part is kept in a table.
 */
final class PercentEncoding {

  static final boolean[] C0_CONTROL = new boolean[128];
  static final boolean[] FRAGMENT = new boolean[128];
  static final boolean[] QUERY = new boolean[128];
  static final boolean[] SPECIAL_QUERY = new boolean[128];
  static final boolean[] PATH = new boolean[128];
  static final boolean[] USERINFO = new boolean[128];

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  static {
    for (int c = 0; c < 0x20; c++) {
      C0_CONTROL[c] = true;
    }
    C0_CONTROL[0x7F] = true;
    copyAndAdd(C0_CONTROL, FRAGMENT, " \"<>`");
    copyAndAdd(C0_CONTROL, QUERY, " \"#<>");
    copyAndAdd(QUERY, SPECIAL_QUERY, "'");
    copyAndAdd(QUERY, PATH, "?^`{}");
    copyAndAdd(PATH, USERINFO, "/:;=@[\\]^|");
  }

  private PercentEncoding() {
  }

  private static void copyAndAdd(boolean[] from, boolean[] to, String extra) {
    System.arraycopy(from, 0, to, 0, from.length);
    for (int i = 0; i < extra.length(); i++) {
      to[extra.charAt(i)] = true;
    }
  }

  /**
   * Appends {@code text.charAt(index)} to {@code out}, percent-encoding it when it is in {@code set}.
   *
   * <p>A high surrogate encodes the whole code point with the low surrogate after it, and a low surrogate
   * appends nothing. The parser replaces lone surrogates with U+FFFD beforehand, so pairs are always
   * complete and are always handled by the same state, which only changes on ASCII characters.
   */
  static void append(StringBuilder out, CharSequence text, int index, boolean[] set) {
    char c = text.charAt(index);
    if (c < 0x80) {
      if (set[c]) {
        appendByte(out, c);
      } else {
        out.append(c);
      }
      return;
    }
    if (Character.isLowSurrogate(c)) {
      return;
    }
    int codePoint = Character.isHighSurrogate(c) ? Character.toCodePoint(c, text.charAt(index + 1)) : c;
    appendUtf8(out, codePoint);
  }

  /** Appends the UTF-8 bytes of a non-ASCII code point, each as %XX. */
  static void appendUtf8(StringBuilder out, int codePoint) {
    if (codePoint < 0x800) {
      appendByte(out, 0xC0 | (codePoint >> 6));
      appendByte(out, 0x80 | (codePoint & 0x3F));
    } else if (codePoint < 0x10000) {
      appendByte(out, 0xE0 | (codePoint >> 12));
      appendByte(out, 0x80 | ((codePoint >> 6) & 0x3F));
      appendByte(out, 0x80 | (codePoint & 0x3F));
    } else {
      appendByte(out, 0xF0 | (codePoint >> 18));
      appendByte(out, 0x80 | ((codePoint >> 12) & 0x3F));
      appendByte(out, 0x80 | ((codePoint >> 6) & 0x3F));
      appendByte(out, 0x80 | (codePoint & 0x3F));
    }
  }

  static void appendByte(StringBuilder out, int b) {
    out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
  }

  /** The value of an ASCII hex digit, or -1 when {@code c} is not one. */
  static int hexValue(int c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  static char upperHex(int nibble) {
    return HEX[nibble & 0xF];
  }
}
