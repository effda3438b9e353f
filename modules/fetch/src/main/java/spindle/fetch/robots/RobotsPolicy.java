package spindle.fetch.robots;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRules;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The rules of one host's robots.txt for our user agent: which URLs are allowed, the Crawl-delay it asks for and
 * the sitemaps it lists. Immutable once built; safe to share.
 */
public final class RobotsPolicy {
  private static final RobotsPolicy ALLOW_ALL =
      new RobotsPolicy(new SimpleRobotRules(SimpleRobotRules.RobotRulesMode.ALLOW_ALL), "allow all");

  private final BaseRobotRules rules;
  private final String description;

  RobotsPolicy(BaseRobotRules rules, String description) {
    this.rules = rules;
    this.description = description;
  }

  /** The policy for a host without a robots.txt (4xx, RFC 9309 2.3.1.3) or with robots.txt disabled. */
  public static RobotsPolicy allowAll() {
    return ALLOW_ALL;
  }

  /**
   * Whether {@code url} may be fetched. {@code /robots.txt} itself is always allowed (RFC 9309 2.2.2); the URL
   * must be absolute.
   */
  public boolean isAllowed(String url) {
    if (rules.isAllowAll()) {
      return true;
    }
    return isRobotsTxt(url) || rules.isAllowed(url);
  }

  /** Whether nothing at all is allowed. */
  public boolean isAllowNone() {
    return rules.isAllowNone();
  }

  /** The Crawl-delay asked for, or empty when robots.txt sets none. */
  public Optional<Duration> crawlDelay() {
    long millis = rules.getCrawlDelay();
    return millis == BaseRobotRules.UNSET_CRAWL_DELAY || millis < 0
        ? Optional.empty()
        : Optional.of(Duration.ofMillis(millis));
  }

  /** Sitemap URLs the file lists, in order. */
  public List<String> sitemaps() {
    return List.copyOf(rules.getSitemaps());
  }

  /** A short description for status pages and logs: "allow all", "rules (12 lines)". */
  public String description() {
    return description;
  }

  private static boolean isRobotsTxt(String url) {
    int scheme = url.indexOf("://");
    int path = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
    return path >= 0 && url.startsWith("/robots.txt", path)
        && (url.length() == path + 11 || url.charAt(path + 11) == '?');
  }

  @Override
  public String toString() {
    return "RobotsPolicy[" + description + "]";
  }
}
