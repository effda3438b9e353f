package spindle.core.url;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Maps a parsed URL to the crawler's canonical form, so that equivalent links are fetched and stored once.
 *
 * <p>On top of what {@link WebUrl} already does (lowercase scheme and host, no default port, no dot
 * segments), the canonical form:
 * <ul>
 *   <li>exists only for http and https; other schemes are {@link Rejected};</li>
 *   <li>has no fragment;</li>
 *   <li>writes percent-escapes in path and query with uppercase hex ({@code %2f} becomes {@code %2F}) and
 *       decodes those of unreserved characters, letters, digits and {@code - . _ ~} ({@code %41} becomes
 *       {@code A}); an escape that is not {@code %} and two hex digits is left as it is;</li>
 *   <li>has path {@code /} rather than an empty path, and no {@code ?} when the query is empty;</li>
 *   <li>drops query parameters, and {@code ;name=value} path parameters, whose name matches one of the
 *       {@link NormalizationSettings#stripQueryParameters()} patterns, keeping the others in order; when
 *       patterns are configured, empty parameters ({@code a=1&&b=2}) are dropped too.</li>
 * </ul>
 * Userinfo is kept as it is. Normalising a canonical URL again returns it unchanged.
 *
 * <p>Instances are safe to share between threads (their only state is a bounded cache of which parameter names the
 * strip patterns match).
 */
public final class UrlNormalizer {

  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;

  private final List<Pattern> stripPatterns;
  /**
   * The strip patterns as one alternation, one match per query parameter instead of one per pattern; null when
   * there are none, or when one was compiled with flags (the configured ones never are: they carry inline flags).
   */
  private final Pattern stripped;
  /** Whether {@link #stripped} matches a parameter name, for the names seen first (at most {@link #MAX_VERDICTS}). */
  private final java.util.concurrent.ConcurrentHashMap<String, Boolean> verdicts =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final int MAX_VERDICTS = 4096;

  /**
   * Creates a normalizer.
   *
   * @param settings the parameters to strip; an empty pattern list keeps every parameter
   */
  public UrlNormalizer(NormalizationSettings settings) {
    this.stripPatterns = Objects.requireNonNull(settings, "settings").stripQueryParameters();
    this.stripped = stripPatterns.isEmpty() || stripPatterns.stream().anyMatch(pattern -> pattern.flags() != 0)
        ? null : Pattern.compile(stripPatterns.stream().map(pattern -> "(?:" + pattern.pattern() + ")")
            .collect(Collectors.joining("|")));
  }

  /** The result of {@link #canonicalize(WebUrl)}. */
  public sealed interface Normalized permits Canonical, Rejected {
  }

  /**
   * A crawlable URL in canonical form.
   *
   * @param url the canonical URL; its href is what the seen-set stores and {@link #fingerprint} hashes
   */
  public record Canonical(WebUrl url) implements Normalized {
    /** Rejects a null URL. */
    public Canonical {
      Objects.requireNonNull(url, "url");
    }
  }

  /**
   * A URL the crawler does not fetch.
   *
   * @param reason why, for the crawl log; never empty
   */
  public record Rejected(String reason) implements Normalized {
    /** Rejects a null reason. */
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Canonicalises a URL.
   *
   * @return {@link Canonical} for http and https URLs, {@link Rejected} naming the scheme for all others
   */
  public Normalized canonicalize(WebUrl url) {
    String scheme = url.scheme();
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return new Rejected("not crawlable: scheme '" + scheme + "' is neither http nor https");
    }
    String href = url.rawHref();
    StringBuilder out = new StringBuilder(href.length());
    out.append(href, 0, url.pathStart()); // scheme and authority: already canonical after parsing
    int pathStart = out.length();
    appendWithNormalizedEscapes(out, href, url.pathStart(), url.pathEnd());
    if (!stripPatterns.isEmpty()) {
      stripPathParameters(out, pathStart);
    }
    if (out.length() == pathStart) {
      out.append('/');
    }
    if (url.queryStart() >= 0) {
      int queryStart = out.length();
      out.append('?');
      appendWithNormalizedEscapes(out, href, url.queryStart() + 1, url.queryEnd());
      if (!stripPatterns.isEmpty()) {
        stripQueryParameters(out, queryStart + 1);
      }
      if (out.length() == queryStart + 1) {
        out.setLength(queryStart);
      }
    }
    int unchangedEnd = url.queryStart() >= 0 ? url.queryEnd() : url.pathEnd();
    if (out.length() == unchangedEnd && regionEquals(out, href)) {
      return new Canonical(url.withoutFragment()); // the usual case: at most the fragment went
    }
    // Re-parse rather than compute offsets by hand: the text only lost parts and gained decoded unreserved
    // characters, which the parser leaves alone, so this cannot fail. It also resolves a "/.." that
    // removing a path parameter may have exposed ("/..;jsessionid=1/"), which keeps the form idempotent.
    return WebUrl.parse(out.toString())
        .<Normalized>map(Canonical::new)
        .orElseGet(() -> new Rejected("canonical form does not parse: " + out));
  }

  /**
   * Canonicalises a URL, dropping the reason when it is not crawlable.
   *
   * @return the canonical URL, or empty for schemes other than http and https
   */
  public Optional<WebUrl> normalize(WebUrl url) {
    return canonicalize(url) instanceof Canonical canonical ? Optional.of(canonical.url()) : Optional.empty();
  }

  /**
   * A 64-bit hash of a canonical href for the seen-set, mixing four UTF-16 chars per round in the manner of
   * MurmurHash3 and finishing with its 64-bit avalanche.
   *
   * <p>Collision odds: for n distinct URLs the expected number of colliding pairs is n(n-1)/2^65, about
   * 0.03 for one billion URLs, 0.43 for four billion (a 35% chance of at least one) and 2.7 for ten
   * billion. A collision makes one URL look already seen, so it is silently never crawled. The hash is
   * not keyed, so a hostile site could craft colliding URLs; that only hides its own pages or one other.
   *
   * @return the fingerprint; equal strings give equal fingerprints, and the empty string gives a fixed value
   */
  public static long fingerprint(String canonicalHref) {
    int length = canonicalHref.length();
    long hash = 0x9E3779B97F4A7C15L;
    int i = 0;
    for (; i + 4 <= length; i += 4) {
      long block = canonicalHref.charAt(i)
          | (long) canonicalHref.charAt(i + 1) << 16
          | (long) canonicalHref.charAt(i + 2) << 32
          | (long) canonicalHref.charAt(i + 3) << 48;
      hash ^= mixBlock(block);
      hash = Long.rotateLeft(hash, 27) * 5 + 0x52dce729;
    }
    long tail = 0;
    for (int shift = 0; i < length; i++, shift += 16) {
      tail |= (long) canonicalHref.charAt(i) << shift;
    }
    hash ^= mixBlock(tail);
    hash ^= length;
    hash ^= hash >>> 33;
    hash *= 0xff51afd7ed558ccdL;
    hash ^= hash >>> 33;
    hash *= 0xc4ceb9fe1a85ec53L;
    hash ^= hash >>> 33;
    return hash;
  }

  private static long mixBlock(long block) {
    block *= C1;
    block = Long.rotateLeft(block, 31);
    return block * C2;
  }

  /** Copies text[from, to), uppercasing escapes and decoding those of unreserved characters. */
  private static void appendWithNormalizedEscapes(StringBuilder out, String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c == '%' && i + 2 < to) {
        int high = PercentEncoding.hexValue(text.charAt(i + 1));
        int low = PercentEncoding.hexValue(text.charAt(i + 2));
        if (high >= 0 && low >= 0) {
          int decoded = high << 4 | low;
          if (isUnreserved(decoded)) {
            out.append((char) decoded);
          } else {
            out.append('%').append(PercentEncoding.upperHex(high)).append(PercentEncoding.upperHex(low));
          }
          i += 2;
          continue;
        }
      }
      out.append(c);
    }
  }

  private static boolean regionEquals(StringBuilder out, String href) {
    for (int i = out.length() - 1; i >= 0; i--) {
      if (out.charAt(i) != href.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }

  /** Removes ";name=value" path parameters whose name matches; they end at the next ';' or '/'. */
  private void stripPathParameters(StringBuilder out, int pathStart) {
    int i = pathStart;
    while (i < out.length()) {
      if (out.charAt(i) != ';') {
        i++;
        continue;
      }
      int end = i + 1;
      int equals = -1;
      while (end < out.length() && out.charAt(end) != ';' && out.charAt(end) != '/') {
        if (equals < 0 && out.charAt(end) == '=') {
          equals = end;
        }
        end++;
      }
      if (equals > 0 && isStripped(out.subSequence(i + 1, equals))) {
        out.delete(i, end);
      } else {
        i = end;
      }
    }
  }

  /** Rebuilds the query from out[queryStart..] without stripped or empty parameters. */
  private void stripQueryParameters(StringBuilder out, int queryStart) {
    String query = out.substring(queryStart);
    out.setLength(queryStart);
    int start = 0;
    while (start <= query.length()) {
      int end = query.indexOf('&', start);
      if (end < 0) {
        end = query.length();
      }
      if (end > start) {
        int equals = query.indexOf('=', start);
        CharSequence name = query.subSequence(start, equals >= 0 && equals < end ? equals : end);
        if (!isStripped(name)) {
          if (out.length() > queryStart) {
            out.append('&');
          }
          out.append(query, start, end);
        }
      }
      start = end + 1;
    }
  }

  private boolean isStripped(CharSequence name) {
    if (stripped != null) {
      // a site's links repeat a few parameter names; the regex runs once per name (up to a bound), not per link
      String key = name.toString();
      Boolean known = verdicts.get(key);
      if (known != null) {
        return known;
      }
      boolean strip = stripped.matcher(key).matches();
      if (verdicts.size() < MAX_VERDICTS) {
        verdicts.put(key, strip);
      }
      return strip;
    }
    for (Pattern pattern : stripPatterns) {
      if (pattern.matcher(name).matches()) {
        return true;
      }
    }
    return false;
  }
}
