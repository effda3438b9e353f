package spindle.core;

/** Whether a URL is inside the crawl's scope, and if not, why. */
public sealed interface ScopeDecision {
  /** The URL is in scope. */
  enum Accepted implements ScopeDecision { INSTANCE }

  /** The URL is out of scope for {@code reason}, a short phrase such as "host not allowed". */
  record Rejected(String reason) implements ScopeDecision {}

  /** The accepted decision. */
  static ScopeDecision accepted() {
    return Accepted.INSTANCE;
  }

  /** Whether this decision accepts the URL. */
  default boolean isAccepted() {
    return this == Accepted.INSTANCE;
  }
}
