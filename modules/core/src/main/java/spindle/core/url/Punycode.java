package spindle.core.url;

/**
 * Punycode (RFC 3492): the encoder, for the labels that {@link java.net.IDN} would map differently from the URL
 * Standard, and the decoder, to check the "xn--" labels of a domain as UTS #46 does. {@code java.net.IDN} has
 * both inside but exposes neither.
 */
final class Punycode {

  private static final int BASE = 36;
  private static final int T_MIN = 1;
  private static final int T_MAX = 26;
  private static final int SKEW = 38;
  private static final int DAMP = 700;
  private static final int INITIAL_BIAS = 72;
  private static final int INITIAL_N = 128;

  private Punycode() {
  }

  /** Encodes a label (without the "xn--" prefix); overflow cannot happen for labels of sane length. */
  static String encode(CharSequence label) {
    int[] codePoints = label.codePoints().toArray();
    StringBuilder out = new StringBuilder(codePoints.length + 8);
    for (int c : codePoints) {
      if (c < 0x80) {
        out.append((char) c);
      }
    }
    int basic = out.length();
    int handled = basic;
    if (basic > 0) {
      out.append('-');
    }
    int n = INITIAL_N;
    long delta = 0;
    int bias = INITIAL_BIAS;
    while (handled < codePoints.length) {
      int next = Integer.MAX_VALUE;
      for (int c : codePoints) {
        if (c >= n && c < next) {
          next = c;
        }
      }
      delta += (long) (next - n) * (handled + 1);
      n = next;
      for (int c : codePoints) {
        if (c < n) {
          delta++;
        }
        if (c == n) {
          long q = delta;
          for (int k = BASE; ; k += BASE) {
            int t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
            if (q < t) {
              break;
            }
            out.append(digit((int) (t + (q - t) % (BASE - t))));
            q = (q - t) / (BASE - t);
          }
          out.append(digit((int) q));
          bias = adapt(delta, handled + 1, handled == basic);
          delta = 0;
          handled++;
        }
      }
      delta++;
      n++;
    }
    return out.toString();
  }

  /**
   * Decodes a label (without the "xn--" prefix, ASCII lowercased); null when it is not valid Punycode: a
   * character that is neither a basic code point before the last '-' nor a digit, a number that overflows, or a
   * result that is not a Unicode scalar value.
   */
  static String decode(String label) {
    int delimiter = label.lastIndexOf('-');
    int[] output = new int[label.length()];
    int size = 0;
    for (int j = 0; j < Math.max(delimiter, 0); j++) {
      char c = label.charAt(j);
      if (c >= 0x80) {
        return null;
      }
      output[size++] = c;
    }
    int n = INITIAL_N;
    long i = 0;
    int bias = INITIAL_BIAS;
    int in = delimiter > 0 ? delimiter + 1 : 0;
    while (in < label.length()) {
      long oldI = i;
      long weight = 1;
      for (int k = BASE; ; k += BASE) {
        if (in >= label.length()) {
          return null;
        }
        int digit = digitValue(label.charAt(in++));
        if (digit < 0) {
          return null;
        }
        i += digit * weight;
        if (i > Integer.MAX_VALUE) {
          return null;
        }
        int t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
        if (digit < t) {
          break;
        }
        weight *= BASE - t;
        if (weight > Integer.MAX_VALUE) {
          return null;
        }
      }
      bias = adapt(i - oldI, size + 1, oldI == 0);
      long codePoint = n + i / (size + 1);
      if (codePoint > Character.MAX_CODE_POINT || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
        return null;
      }
      n = (int) codePoint;
      int at = (int) (i % (size + 1));
      if (size == output.length) {
        output = java.util.Arrays.copyOf(output, size * 2 + 1);
      }
      System.arraycopy(output, at, output, at + 1, size - at);
      output[at] = n;
      size++;
      i = at + 1;
    }
    return new String(output, 0, size);
  }

  private static int digitValue(char c) {
    if (c >= 'a' && c <= 'z') {
      return c - 'a';
    }
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    return c >= '0' && c <= '9' ? c - '0' + 26 : -1;
  }

  private static int adapt(long delta, int points, boolean first) {
    delta = first ? delta / DAMP : delta / 2;
    delta += delta / points;
    int k = 0;
    while (delta > ((BASE - T_MIN) * T_MAX) / 2) {
      delta /= BASE - T_MIN;
      k += BASE;
    }
    return (int) (k + (BASE - T_MIN + 1) * delta / (delta + SKEW));
  }

  private static char digit(int d) {
    return (char) (d < 26 ? 'a' + d : '0' + d - 26);
  }
}
