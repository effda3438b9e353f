package spindle.fetch.robots;

/** What fetching a host's robots.txt tells the crawler to do. */
public sealed interface RobotsOutcome {
  /** Use these rules (a parsed file, or allow-all for a 4xx). */
  record Rules(RobotsPolicy policy) implements RobotsOutcome {}

  /**
   * robots.txt is unreachable (5xx, network failure): fetch nothing from the host for now and ask again later
   * (RFC 9309 2.3.1.4). {@code unresolved}: the host's name did not resolve (a {@code DNS_FAILURE}), so when the
   * retries are used up its URLs get {@code DNS_FAILURE} records rather than {@code ROBOTS_UNAVAILABLE}.
   */
  record Unavailable(String reason, boolean unresolved) implements RobotsOutcome {
    /** Unreachable for another reason than DNS. */
    public Unavailable(String reason) {
      this(reason, false);
    }
  }

  /**
   * robots.txt was not asked: the address policy refuses the host's address ({@code reason} names it and the rule).
   * No URL of the host can be fetched; each gets an {@code ADDRESS_BLOCKED} record.
   */
  record AddressBlocked(String reason) implements RobotsOutcome {}

  /** robots.txt redirects to {@code location}; follow it (up to 5 hops, RFC 9309 2.3.1.2). */
  record Redirect(String location) implements RobotsOutcome {}
}
