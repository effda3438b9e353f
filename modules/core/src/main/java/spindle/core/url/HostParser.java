package spindle.core.url;

import java.net.IDN;
import java.nio.charset.StandardCharsets;

/**
 * The WHATWG host parser: IPv6 and IPv4 addresses, domains (through IDNA2003) and opaque hosts.
 *
 * <p>Each method returns the serialized host, or null after reporting the reason to the parser.
 */
final class HostParser {

  private HostParser() {
  }

  /** Parses {@code in[from, to)} as the host of a URL; {@code special} selects domain or opaque parsing. */
  static String parse(String in, int from, int to, boolean special, UrlParser parser) {
    if (from < to && in.charAt(from) == '[') {
      if (in.charAt(to - 1) != ']' || to - from < 2) {
        return parser.fail("IPv6-unclosed: '[' without a matching ']'");
      }
      int[] address = parseIpv6(in, from + 1, to - 1);
      if (address == null) {
        return parser.fail("IPv6-invalid: not a valid IPv6 address");
      }
      return serializeIpv6(address);
    }
    if (!special) {
      return parseOpaque(in, from, to, parser);
    }
    String ascii = asciiFastPath(in, from, to);
    if (ascii == null) {
      String domain = percentDecode(in, from, to);
      ascii = isAscii(domain) ? lowercase(domain) : domainToAscii(domain);
      if (ascii == null) {
        return parser.fail("domain-to-ASCII: the host is not a valid internationalised domain name");
      }
    }
    if (ascii.isEmpty()) {
      return parser.fail("domain-to-ASCII: the host is empty after mapping");
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (isForbiddenDomainCodePoint(ascii.charAt(i))) {
        return parser.fail("domain-invalid-code-point: forbidden character in host");
      }
    }
    if (endsInNumber(ascii)) {
      long address = parseIpv4(ascii);
      if (address < 0) {
        return parser.fail("IPv4-invalid: the host ends in a number but is not an IPv4 address");
      }
      return serializeIpv4(address);
    }
    return ascii;
  }

  /**
   * Lowercases a host that is plain ASCII without '%', which is all the standard's domain parser does for an
   * ASCII domain: since June 2026 it returns such a domain lowercased whatever Unicode ToASCII makes of it, so
   * an "xn--" label that is not valid Punycode ({@code http://xn--a.com/}, {@code https://xn--/}) is only a
   * validation error, for web compatibility. Returns null when the host needs percent-decoding or IDNA.
   */
  private static String asciiFastPath(String in, int from, int to) {
    boolean upper = false;
    for (int i = from; i < to; i++) {
      char c = in.charAt(i);
      if (c >= 0x80 || c == '%') {
        return null;
      }
      upper |= c >= 'A' && c <= 'Z';
    }
    if (!upper) {
      return in.substring(from, to);
    }
    char[] lower = new char[to - from];
    for (int i = from; i < to; i++) {
      char c = in.charAt(i);
      lower[i - from] = (c >= 'A' && c <= 'Z') ? (char) (c + 32) : c;
    }
    return new String(lower);
  }

  /** Percent-decodes to bytes and decodes those as UTF-8, replacing bad sequences with U+FFFD. */
  private static String percentDecode(String in, int from, int to) {
    if (in.indexOf('%', from) < 0 || in.indexOf('%', from) >= to) {
      return in.substring(from, to);
    }
    byte[] bytes = new byte[(to - from) * 4];
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = in.charAt(i);
      if (c == '%' && i + 2 < to) {
        int high = PercentEncoding.hexValue(in.charAt(i + 1));
        int low = PercentEncoding.hexValue(in.charAt(i + 2));
        if (high >= 0 && low >= 0) {
          bytes[n++] = (byte) (high << 4 | low);
          i += 2;
          continue;
        }
      }
      if (c < 0x80) {
        bytes[n++] = (byte) c;
      } else {
        int codePoint = c;
        if (Character.isHighSurrogate(c) && i + 1 < to) {
          codePoint = Character.toCodePoint(c, in.charAt(++i));
        }
        byte[] utf8 = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(utf8, 0, bytes, n, utf8.length);
        n += utf8.length;
      }
    }
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static String lowercase(String ascii) {
    StringBuilder out = new StringBuilder(ascii.length());
    for (int i = 0; i < ascii.length(); i++) {
      char c = ascii.charAt(i);
      out.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
    }
    return out.toString();
  }

  /**
   * Maps a domain that has non-ASCII characters to ASCII label by label: ASCII labels are lowercased, others go
   * through IDNA2003 ToASCII, except that the deviation characters ß and ς are kept and Punycode-encoded as
   * UTS #46 non-transitional processing does. Every resulting "xn--" label must then be valid Punycode of a
   * valid label, as UTS #46 ToASCII requires of such a domain. Returns null on failure.
   */
  private static String domainToAscii(String domain) {
    StringBuilder out = new StringBuilder(domain.length() + 8);
    int labelStart = 0;
    for (int i = 0; i <= domain.length(); i++) {
      char c = i < domain.length() ? domain.charAt(i) : '.';
      if (c == '.' || c == '\u3002' || c == '\uFF0E' || c == '\uFF61') {
        if (!appendLabel(out, domain.substring(labelStart, i))) {
          return null;
        }
        if (i < domain.length()) {
          out.append('.');
        }
        labelStart = i + 1;
      }
    }
    return out.toString();
  }

  private static boolean appendLabel(StringBuilder out, String label) {
    String ascii = isAscii(label) ? lowercase(label) : toAscii(label);
    if (ascii == null || (ascii.startsWith("xn--") && !isValidAceLabel(ascii))) {
      return false;
    }
    out.append(ascii);
    return true;
  }

  /** One non-ASCII label through IDNA2003 ToASCII (deviation characters kept), lowercased; null on failure. */
  private static String toAscii(String label) {
    try {
      String mapped = IDN.toASCII(label, IDN.ALLOW_UNASSIGNED);
      return lowercase(hasDeviation(label) ? nonTransitional(label) : mapped);
    } catch (IllegalArgumentException notAnIdn) {
      return null;
    }
  }

  /**
   * UTS #46 "Convert/Validate" for a lowercase label starting "xn--": the rest must decode as Punycode to a
   * label that is not empty, not all ASCII and does not itself start "xn--", that does not start with a
   * combining mark, and that is already mapped and normalised, which holds when encoding it again gives this very
   * label (so {@code xn--8i7caa}, fullwidth "ｗｗｗ", is refused: those characters are mapped to "www").
   */
  private static boolean isValidAceLabel(String label) {
    String decoded = Punycode.decode(label.substring(4));
    if (decoded == null || decoded.isEmpty() || isAscii(decoded) || decoded.startsWith("xn--")) {
      return false;
    }
    int type = Character.getType(decoded.codePointAt(0));
    if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
        || type == Character.COMBINING_SPACING_MARK) {
      return false;
    }
    return label.equals(toAscii(decoded));
  }

  private static boolean hasDeviation(String label) {
    return label.indexOf('\u00DF') >= 0 || label.indexOf('\u03C2') >= 0;
  }

  /**
   * IDNA2003 maps ß to "ss" and ς to σ; UTS #46 as the URL Standard uses it keeps both. Map the
   * runs between them with IDNA2003 (toASCII then back to Unicode gives the mapped form), keep the
   * deviation characters, and Punycode-encode the whole label.
   */
  private static String nonTransitional(String label) {
    StringBuilder mapped = new StringBuilder(label.length());
    int runStart = 0;
    for (int i = 0; i <= label.length(); i++) {
      char c = i < label.length() ? label.charAt(i) : '\u00DF';
      if (c == '\u00DF' || c == '\u03C2') {
        if (i > runStart) {
          String run = label.substring(runStart, i);
          mapped.append(IDN.toUnicode(IDN.toASCII(run, IDN.ALLOW_UNASSIGNED), IDN.ALLOW_UNASSIGNED));
        }
        if (i < label.length()) {
          mapped.append(c);
        }
        runStart = i + 1;
      }
    }
    return "xn--" + Punycode.encode(mapped);
  }

  private static String parseOpaque(String in, int from, int to, UrlParser parser) {
    for (int i = from; i < to; i++) {
      if (isForbiddenHostCodePoint(in.charAt(i))) {
        return parser.fail("host-invalid-code-point: forbidden character in opaque host");
      }
    }
    StringBuilder out = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      PercentEncoding.append(out, in, i, PercentEncoding.C0_CONTROL);
    }
    return out.toString();
  }

  /** NUL, tab, LF, CR, space and # / : &lt; &gt; ? @ [ \ ] ^ |. */
  static boolean isForbiddenHostCodePoint(char c) {
    switch (c) {
      case 0:
      case '\t':
      case '\n':
      case '\r':
      case ' ':
      case '#':
      case '/':
      case ':':
      case '<':
      case '>':
      case '?':
      case '@':
      case '[':
      case '\\':
      case ']':
      case '^':
      case '|':
        return true;
      default:
        return false;
    }
  }

  /** The forbidden host code points plus all C0 controls, '%' and DEL. */
  static boolean isForbiddenDomainCodePoint(char c) {
    return c < 0x20 || c == '%' || c == 0x7F || isForbiddenHostCodePoint(c);
  }

  // IPv4

  /** True when the last label (ignoring one trailing dot) is all digits or a valid IPv4 number. */
  static boolean endsInNumber(String host) {
    int end = host.length();
    if (end > 0 && host.charAt(end - 1) == '.') {
      end--;
    }
    int start = host.lastIndexOf('.', end - 1) + 1;
    if (start >= end) {
      return false;
    }
    boolean digits = true;
    for (int i = start; i < end && digits; i++) {
      char c = host.charAt(i);
      digits = c >= '0' && c <= '9';
    }
    return digits || parseIpv4Number(host, start, end) >= 0;
  }

  /** Parses the standard's IPv4 forms (1 to 4 parts, each decimal, 0x-hex or 0-octal); -1 on failure. */
  static long parseIpv4(String host) {
    int end = host.length();
    if (host.charAt(end - 1) == '.') {
      end--;
    }
    long[] numbers = new long[4];
    int count = 0;
    int start = 0;
    for (int i = 0; i <= end; i++) {
      if (i == end || host.charAt(i) == '.') {
        if (count == 4) {
          return -1;
        }
        long number = parseIpv4Number(host, start, i);
        if (number < 0) {
          return -1;
        }
        numbers[count++] = number;
        start = i + 1;
      }
    }
    for (int i = 0; i < count - 1; i++) {
      if (numbers[i] > 255) {
        return -1;
      }
    }
    long last = numbers[count - 1];
    if (last >= 1L << (8 * (5 - count))) {
      return -1;
    }
    long address = last;
    for (int i = 0; i < count - 1; i++) {
      address += numbers[i] << (8 * (3 - i));
    }
    return address;
  }

  /** One IPv4 part; values above 2^32 saturate, which is enough to fail the range checks. */
  private static long parseIpv4Number(String s, int from, int to) {
    if (from >= to) {
      return -1;
    }
    int radix = 10;
    if (to - from >= 2 && s.charAt(from) == '0' && (s.charAt(from + 1) | 0x20) == 'x') {
      radix = 16;
      from += 2;
    } else if (to - from >= 2 && s.charAt(from) == '0') {
      radix = 8;
      from += 1;
    }
    long value = 0;
    for (int i = from; i < to; i++) {
      int digit = PercentEncoding.hexValue(s.charAt(i));
      if (digit < 0 || digit >= radix) {
        return -1;
      }
      value = Math.min(value * radix + digit, 1L << 40);
    }
    return value;
  }

  static String serializeIpv4(long address) {
    return new StringBuilder(15)
        .append(address >>> 24).append('.')
        .append((address >>> 16) & 0xFF).append('.')
        .append((address >>> 8) & 0xFF).append('.')
        .append(address & 0xFF)
        .toString();
  }

  // IPv6

  /** Parses the text between the brackets into eight 16-bit pieces; null on failure. */
  static int[] parseIpv6(String in, int from, int to) {
    int[] address = new int[8];
    int pieceIndex = 0;
    int compress = -1;
    int p = from;
    if (charAt(in, p, to) == ':') {
      if (charAt(in, p + 1, to) != ':') {
        return null;
      }
      p += 2;
      pieceIndex++;
      compress = pieceIndex;
    }
    while (p < to) {
      if (pieceIndex == 8) {
        return null;
      }
      if (in.charAt(p) == ':') {
        if (compress >= 0) {
          return null;
        }
        p++;
        pieceIndex++;
        compress = pieceIndex;
        continue;
      }
      int value = 0;
      int length = 0;
      while (length < 4 && PercentEncoding.hexValue(charAt(in, p, to)) >= 0) {
        value = value * 16 + PercentEncoding.hexValue(in.charAt(p));
        p++;
        length++;
      }
      int c = charAt(in, p, to);
      if (c == '.') {
        if (length == 0) {
          return null;
        }
        p -= length;
        if (pieceIndex > 6) {
          return null;
        }
        int numbersSeen = 0;
        while (p < to) {
          int ipv4Piece = -1;
          if (numbersSeen > 0) {
            if (in.charAt(p) == '.' && numbersSeen < 4) {
              p++;
            } else {
              return null;
            }
          }
          if (!isDigit(charAt(in, p, to))) {
            return null;
          }
          while (isDigit(charAt(in, p, to))) {
            int number = in.charAt(p) - '0';
            if (ipv4Piece < 0) {
              ipv4Piece = number;
            } else if (ipv4Piece == 0) {
              return null;
            } else {
              ipv4Piece = ipv4Piece * 10 + number;
            }
            if (ipv4Piece > 255) {
              return null;
            }
            p++;
          }
          address[pieceIndex] = address[pieceIndex] * 0x100 + ipv4Piece;
          numbersSeen++;
          if (numbersSeen == 2 || numbersSeen == 4) {
            pieceIndex++;
          }
        }
        if (numbersSeen != 4) {
          return null;
        }
        break;
      } else if (c == ':') {
        p++;
        if (p >= to) {
          return null;
        }
      } else if (p < to) {
        return null;
      }
      address[pieceIndex] = value;
      pieceIndex++;
    }
    if (compress >= 0) {
      int swaps = pieceIndex - compress;
      pieceIndex = 7;
      while (pieceIndex != 0 && swaps > 0) {
        int swap = address[compress + swaps - 1];
        address[compress + swaps - 1] = address[pieceIndex];
        address[pieceIndex] = swap;
        pieceIndex--;
        swaps--;
      }
    } else if (pieceIndex != 8) {
      return null;
    }
    return address;
  }

  /** Serializes with brackets, compressing the first longest run of two or more zero pieces. */
  static String serializeIpv6(int[] address) {
    int compress = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (address[i] != 0) {
        i++;
        continue;
      }
      int runEnd = i;
      while (runEnd < 8 && address[runEnd] == 0) {
        runEnd++;
      }
      if (runEnd - i > bestLength) {
        bestLength = runEnd - i;
        compress = i;
      }
      i = runEnd;
    }
    StringBuilder out = new StringBuilder(41).append('[');
    boolean ignoreZero = false;
    for (int i = 0; i < 8; i++) {
      if (ignoreZero && address[i] == 0) {
        continue;
      }
      ignoreZero = false;
      if (compress == i) {
        out.append(i == 0 ? "::" : ":");
        ignoreZero = true;
        continue;
      }
      out.append(Integer.toHexString(address[i]));
      if (i != 7) {
        out.append(':');
      }
    }
    return out.append(']').toString();
  }

  private static int charAt(String s, int index, int end) {
    return index < end ? s.charAt(index) : -1;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }
}
