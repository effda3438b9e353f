package spindle.core.url;

/**
 * The Punycode encoder of RFC 3492, for the labels that {@link java.net.IDN} would map differently from
 * the URL Standard. {@code java.net.IDN} has one inside but does not expose it.
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
