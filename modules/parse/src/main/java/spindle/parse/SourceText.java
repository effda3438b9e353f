package spindle.parse;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.jsoup.nodes.Entities;

/**
 * A page body seen through ISO-8859-1, one char per byte, which jsoup parses exactly as it would the real text when
 * the real charset never uses the bytes of HTML's syntax ({@code < > " ' = & /}, whitespace) inside a multi-byte
 * character and never uses an ASCII byte as the second byte of one: UTF-8, the single-byte charsets, EUC-JP and
 * EUC-KR. Decoding ISO-8859-1 is a plain copy into a compact string, and jsoup works faster on compact strings than
 * on the UTF-16 ones real text gives as soon as a page has a dash or a curly quote.
 *
 * <p>A value taken from the parsed document is restored to real text by decoding its bytes with the real charset.
 * That is exact because the view never lets a character reference pass for bytes: a reference that would decode
 * to U+00A0..U+00FF, which raw bytes give too ({@code &eacute;}, {@code &#xC3;}), is rewritten before parsing into
 * one to U+F8A0..U+F8FF, which no byte gives and {@link #restore} maps back. A reference this cannot pin down (a
 * legacy name or a number without its ';', U+0080..U+009F) makes {@link #of} give up, and the caller decodes the
 * page instead. Other
 * references decode to ASCII, which every one of these charsets encodes as itself, or above U+00FF, which no
 * byte gives. Not thread-safe; one per page.
 */
final class SourceText {
  /** Values are already exact (the document was parsed from properly decoded text). */
  static final SourceText EXACT = new SourceText(null, null);

  /** Where a reference to U+00A0..U+00FF is moved: U+F800 above it, in the private use area. */
  private static final int SHIFT = 0xF800;

  private final String latin1;
  private final Charset charset;

  private SourceText(String latin1, Charset charset) {
    this.latin1 = latin1;
    this.charset = charset;
  }

  /** Whether pages in {@code charset} can be parsed through an ISO-8859-1 view. */
  static boolean appliesTo(Charset charset) {
    String name = charset.name().toUpperCase(Locale.ROOT);
    return name.equals("UTF-8") || name.equals("US-ASCII") || name.startsWith("ISO-8859-")
        || name.startsWith("WINDOWS-125") || name.startsWith("KOI8-") || name.equals("EUC-JP")
        || name.equals("EUC-KR");
  }

  /**
   * The ISO-8859-1 view of {@code body} from {@code offset} (past a byte order mark), to be decoded as
   * {@code charset}; null when a character reference in it is ambiguous and the page must be decoded instead.
   */
  static SourceText of(byte[] body, int offset, Charset charset) {
    String latin1 = new String(body, offset, body.length - offset, StandardCharsets.ISO_8859_1);
    byte[] rewritten = null;
    int written = 0;
    int copied = 0;
    for (int amp = latin1.indexOf('&'); amp >= 0; amp = latin1.indexOf('&', amp + 1)) {
      int end = referenceEnd(latin1, amp);
      if (end == AMBIGUOUS) {
        return null;
      }
      if (end > 0) {
        // copy whole runs of bytes (a per-char append is several times slower than the parse saves)
        if (rewritten == null) {
          rewritten = new byte[latin1.length() + 256];
        } else if (written + (amp - copied) + 8 > rewritten.length) {
          rewritten = Arrays.copyOf(rewritten, Math.max(rewritten.length * 2, written + (amp - copied) + 8));
        }
        System.arraycopy(body, offset + copied, rewritten, written, amp - copied);
        written += amp - copied;
        byte[] reference = ("&#x" + Integer.toHexString(SHIFT + latin1Value(latin1, amp, end)) + ";")
            .getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(reference, 0, rewritten, written, reference.length);
        written += reference.length;
        copied = end;
      }
    }
    if (rewritten != null) {
      int rest = latin1.length() - copied;
      if (written + rest > rewritten.length) {
        rewritten = Arrays.copyOf(rewritten, written + rest);
      }
      System.arraycopy(body, offset + copied, rewritten, written, rest);
      latin1 = new String(rewritten, 0, written + rest, StandardCharsets.ISO_8859_1);
    }
    return new SourceText(latin1, charset);
  }

  private static final int AMBIGUOUS = -1;

  /** The longest of the legacy entity names that decode without ';' ("middot", "plusmn", "frac34"...). */
  private static final int LONGEST_LEGACY_NAME = 6;


  /**
   * For the '&amp;' at {@code amp}: the end of a reference to U+00A0..U+00FF written in full (a numeric one, or a
   * named one, ending in ';'), which is rewritten; {@link #AMBIGUOUS} when what follows may decode to U+0080..U+00FF
   * some other way (a legacy name without ';' such as {@code &copy}, even as the start of a longer name, a number
   * without ';', U+0080..U+009F) or to the private range this class uses; 0 when jsoup never decodes it to anything
   * a byte could give. PageParserTest checks that pages give the same values through this view as decoded.
   */
  private static int referenceEnd(String text, int amp) {
    int length = text.length();
    int i = amp + 1;
    if (i < length && text.charAt(i) == '#') {
      i++;
      boolean hex = i < length && (text.charAt(i) == 'x' || text.charAt(i) == 'X');
      if (hex) {
        i++;
      }
      int digitsStart = i;
      long value = 0;
      while (i < length && text.charAt(i) < 0x80 && Character.digit(text.charAt(i), hex ? 16 : 10) >= 0) {
        value = Math.min(value * (hex ? 16 : 10) + Character.digit(text.charAt(i), hex ? 16 : 10), 0x110000);
        i++;
      }
      if (i == digitsStart) {
        return 0;
      }
      boolean clash = (value >= 0x80 && value <= 0xFF) || (value >= SHIFT + 0x80 && value <= SHIFT + 0xFF);
      if (!clash) {
        return 0;
      }
      return value >= 0xA0 && value <= 0xFF && i < length && text.charAt(i) == ';' ? i + 1 : AMBIGUOUS;
    }
    int nameStart = i;
    if (i == length || !isAsciiLetter(text.charAt(i))) {
      return 0;
    }
    while (i < length && (isAsciiLetter(text.charAt(i)) || (text.charAt(i) >= '0' && text.charAt(i) <= '9'))) {
      i++;
    }
    boolean semicolon = i < length && text.charAt(i) == ';';
    if (semicolon && isAsciiOnlyEntity(text, nameStart, i)) {
      return 0; // &amp; &lt; &gt; &quot; &apos;: by far the most common, decided without a lookup
    }
    String name = text.substring(nameStart, i);
    if (semicolon && Entities.isNamedEntity(name)) {
      String value = Entities.getByName(name);
      if (!hasLatin1Supplement(value)) {
        return 0;
      }
      return value.length() == 1 && value.charAt(0) >= 0xA0 ? i + 1 : AMBIGUOUS;
    }
    // a legacy name decodes without ';', and in text even as the start of a longer word ("&notit;" is "¬it;")
    for (int end = Math.min(name.length(), LONGEST_LEGACY_NAME); end >= 2; end--) {
      String prefix = end == name.length() ? name : name.substring(0, end);
      if (Entities.isBaseNamedEntity(prefix) && hasLatin1Supplement(Entities.getByName(prefix))) {
        return AMBIGUOUS;
      }
    }
    return 0;
  }

  private static boolean isAsciiOnlyEntity(String text, int from, int to) {
    int length = to - from;
    return length == 3 && text.startsWith("amp", from) || length == 2 && (text.startsWith("lt", from)
        || text.startsWith("gt", from)) || length == 4 && (text.startsWith("quot", from)
        || text.startsWith("apos", from));
  }

  /** The code point of the reference {@code text[amp, end)} that {@link #referenceEnd} accepted. */
  private static int latin1Value(String text, int amp, int end) {
    if (text.charAt(amp + 1) != '#') {
      return Entities.getByName(text.substring(amp + 1, end - 1)).charAt(0);
    }
    boolean hex = text.charAt(amp + 2) == 'x' || text.charAt(amp + 2) == 'X';
    int value = 0;
    for (int i = amp + (hex ? 3 : 2); i < end - 1; i++) {
      value = Math.min(value * (hex ? 16 : 10) + Character.digit(text.charAt(i), hex ? 16 : 10), 0x110000);
    }
    return value;
  }

  private static boolean hasLatin1Supplement(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) >= 0x80 && value.charAt(i) <= 0xFF) {
        return true;
      }
    }
    return false;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** The text to parse. */
  String latin1() {
    return latin1;
  }

  /**
   * {@code bytes}, a part of a view in which no reference was rewritten (one char per byte), as real text: decoded as
   * {@code charset} when it has a byte above 0x7F, else itself (ASCII is itself in every charset the view applies to).
   */
  static String decode(String bytes, Charset charset) {
    for (int i = 0; i < bytes.length(); i++) {
      if (bytes.charAt(i) >= 0x80) {
        return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), charset);
      }
    }
    return bytes;
  }

  /**
   * {@code value} as real text: runs of chars up to U+00FF are bytes of the body, decoded with the real charset;
   * U+F8A0..U+F8FF are rewritten references, moved back; anything else came from a reference as it is.
   */
  String restore(String value) {
    if (latin1 == null) {
      return value;
    }
    int first = 0;
    while (first < value.length() && value.charAt(first) < 0x80) {
      first++;
    }
    if (first == value.length()) {
      return value;
    }
    int wide = first;
    while (wide < value.length() && value.charAt(wide) <= 0xFF) {
      wide++;
    }
    if (wide == value.length()) { // bytes only, no reference: decode them at once (a long text, in two fast copies)
      return decode(value, charset);
    }
    StringBuilder out = new StringBuilder(value.length()).append(value, 0, first);
    byte[] run = new byte[value.length() - first];
    int bytes = 0;
    for (int i = first; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= 0xFF) {
        run[bytes++] = (byte) c;
        continue;
      }
      if (bytes > 0) {
        out.append(new String(run, 0, bytes, charset));
        bytes = 0;
      }
      out.append(c >= SHIFT + 0xA0 && c <= SHIFT + 0xFF ? (char) (c - SHIFT) : c);
    }
    if (bytes > 0) {
      out.append(new String(run, 0, bytes, charset));
    }
    return out.toString();
  }
}
