package spindle.fetch.robots;

import crawlercommons.robots.SimpleRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import java.util.List;
import spindle.core.ErrorKind;
import spindle.fetch.FetchResult;

/**
 * Turns a robots.txt fetch into an outcome, with crawler-commons' RFC 9309 parser. Pure: the bytes were fetched
 * by someone else. Thread-safe (a new parser per call: crawler-commons parsers count warnings per instance).
 */
public final class RobotsRules {
  private final List<String> agentNames;
  private final long maxSizeBytes;

  /**
   * Rules for the product tokens in {@code agentNames} (matched case-insensitively), reading at most
   * {@code maxSizeBytes} of each file (RFC 9309 2.5 asks for at least 500 KiB).
   */
  public RobotsRules(List<String> agentNames, long maxSizeBytes) {
    this.agentNames = agentNames.stream().map(name -> name.toLowerCase(java.util.Locale.ROOT)).toList();
    this.maxSizeBytes = maxSizeBytes;
  }

  /** Parses a robots.txt body fetched from {@code url}. */
  public RobotsPolicy parse(String url, byte[] body, String contentType) {
    byte[] content = body.length > maxSizeBytes ? java.util.Arrays.copyOf(body, (int) maxSizeBytes) : body;
    // no cap inside the parser: Spindle caps Crawl-delay itself (spindle.politeness.max-crawl-delay)
    SimpleRobotRulesParser parser = new SimpleRobotRulesParser(Long.MAX_VALUE, 10);
    SimpleRobotRules rules = parser.parseContent(url, content, contentType == null ? "text/plain" : contentType,
        agentNames);
    return new RobotsPolicy(rules, rules.isAllowAll() ? "allow all"
        : rules.isAllowNone() ? "disallow all" : rules.getRobotRules().size() + " rules");
  }

  /**
   * The outcome of a robots.txt fetch: rules for 2xx and 4xx, a redirect to follow, unavailable, or the address
   * refused by the address policy.
   */
  public RobotsOutcome outcomeOf(FetchResult result) {
    if (result.error().isPresent() && result.error().get().kind() == ErrorKind.ADDRESS_BLOCKED) {
      return new RobotsOutcome.AddressBlocked(result.error().get().message());
    }
    if (result.status().isEmpty()) {
      return new RobotsOutcome.Unavailable(result.error().map(e -> e.kind() + ": " + e.message()).orElse("no response"),
          result.error().filter(e -> e.kind() == ErrorKind.DNS_FAILURE).isPresent());
    }
    int status = result.status().getAsInt();
    if (result.isRedirect()) {
      return new RobotsOutcome.Redirect(result.location().orElseThrow());
    }
    if (status >= 200 && status < 300) {
      if (result.error().isPresent() && !result.truncated()) {
        return new RobotsOutcome.Unavailable(result.error().get().kind() + ": " + result.error().get().message());
      }
      return new RobotsOutcome.Rules(parse(result.url(), result.body(), result.contentType().orElse(null)));
    }
    if (status >= 400 && status < 500) {
      return new RobotsOutcome.Rules(RobotsPolicy.allowAll());
    }
    if (status >= 300 && status < 400) { // a redirect without Location: treat as unavailable file, allow all
      return new RobotsOutcome.Rules(RobotsPolicy.allowAll());
    }
    return new RobotsOutcome.Unavailable("HTTP " + status);
  }
}
