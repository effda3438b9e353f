package spindle.parse;

import java.util.Locale;
import java.util.Set;

/**
 * The indexing directives of a page, from {@code <meta name=robots>} and the {@code X-Robots-Tag} header:
 * {@code noindex}, {@code nofollow}, and {@code none} (both).
 */
record RobotsDirectives(boolean noindex, boolean nofollow) {
  static final RobotsDirectives NONE = new RobotsDirectives(false, false);

  /** These directives combined with {@code other}: a restriction from either side applies. */
  RobotsDirectives plus(RobotsDirectives other) {
    return new RobotsDirectives(noindex || other.noindex, nofollow || other.nofollow);
  }

  /** Directives from a meta robots {@code content} value, e.g. "noindex, nofollow". */
  static RobotsDirectives fromContent(String content) {
    boolean noindex = false;
    boolean nofollow = false;
    for (String token : content.toLowerCase(Locale.ROOT).split("[,\\s]+")) {
      switch (token) {
        case "noindex" -> noindex = true;
        case "nofollow" -> nofollow = true;
        case "none" -> {
          noindex = true;
          nofollow = true;
        }
        default -> { }
      }
    }
    return new RobotsDirectives(noindex, nofollow);
  }

  /**
   * Directives from an X-Robots-Tag header value. A value may address one crawler ("googlebot: noindex"); those
   * addressed to another agent are ignored, unaddressed ones apply to all.
   */
  static RobotsDirectives fromHeader(String header, Set<String> agentNames) {
    RobotsDirectives result = NONE;
    String currentAgent = null;
    for (String part : header.split(",")) {
      String token = part.trim();
      int colon = token.indexOf(':');
      if (colon > 0) {
        String prefix = token.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        if (!prefix.equals("unavailable_after")) {
          currentAgent = prefix;
          token = token.substring(colon + 1).trim();
        }
      }
      if (currentAgent == null || agentNames.contains(currentAgent)) {
        result = result.plus(fromContent(token));
      }
    }
    return result;
  }
}
