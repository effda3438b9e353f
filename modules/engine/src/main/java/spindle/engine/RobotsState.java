package spindle.engine;

import java.util.Optional;
import spindle.fetch.robots.RobotsOutcome;
import spindle.fetch.robots.RobotsPolicy;
import spindle.fetch.robots.RobotsSettings;

/**
 * What a host queue knows of its host's robots.txt: an immutable value, one record per phase. The queue's state
 * follows it: no page is offered before the rules are {@link Ready}; while robots.txt is unavailable the host is
 * disallowed until the retry; after the last retry, or when the address policy refuses the host, every URL gets a
 * record without a request. Times are on the {@link System#nanoTime()} scale of the queue's clock.
 */
sealed interface RobotsState {
  /** The robots.txt state as host reports show it. */
  String label();

  /** Unavailable answers in a row so far; 0 once rules are loaded. */
  int failures();

  /** The value after the robots.txt request was lost (its fetcher crashed, or it never reached one). */
  default RobotsState lost() {
    return new Unknown(failures());
  }

  /** The value once a retry of an unavailable robots.txt is due: {@link Unknown} after {@link WaitingRetry}. */
  default RobotsState retryDue() {
    return this;
  }

  /**
   * The value after the robots.txt request ended at {@code now} with {@code outcome}: rules for
   * {@code cache-ttl}, an address refused for good, or one more failure (a retry after
   * {@code error-retry-interval}, or giving up past {@code max-error-retries}).
   */
  default RobotsState after(RobotsOutcome outcome, long now, RobotsSettings settings) {
    if (outcome instanceof RobotsOutcome.Rules rules) {
      return new Ready(rules.policy(), now + settings.cacheTtl().toNanos());
    }
    if (outcome instanceof RobotsOutcome.AddressBlocked blocked) {
      return new AddressBlocked(blocked.reason());
    }
    if (!(outcome instanceof RobotsOutcome.Unavailable)) { // the fetcher follows redirects itself
      throw new IllegalArgumentException("not an outcome for a host queue: " + outcome);
    }
    int failures = failures() + 1;
    RobotsOutcome.Unavailable unavailable = (RobotsOutcome.Unavailable) outcome;
    return failures > settings.maxErrorRetries()
        ? new GaveUp(failures, unavailable.unresolved() ? Optional.of(unavailable.reason()) : Optional.empty())
        : new WaitingRetry(failures, now + settings.errorRetryInterval().toNanos());
  }

  /** A new queue's value: to be fetched, or allow-all for good when robots.txt is off. */
  static RobotsState initial(RobotsSettings settings) {
    return settings.enabled() ? new Unknown(0) : new Ready(RobotsPolicy.allowAll(), Long.MAX_VALUE);
  }

  /** Not known (never fetched, or the cached copy expired): fetched before the next page. */
  record Unknown(int failures) implements RobotsState {
    @Override
    public String label() {
      return "unknown";
    }
  }

  /** The robots.txt request is in flight. */
  record Fetching(int failures) implements RobotsState {
    @Override
    public String label() {
      return "fetching";
    }
  }

  /** Rules in force until {@code expiresNanos}, then fetched again before the next page. */
  record Ready(RobotsPolicy policy, long expiresNanos) implements RobotsState {
    @Override
    public String label() {
      return "ready";
    }

    @Override
    public int failures() {
      return 0;
    }

    /** Whether the rules are too old to decide about a page at {@code now}. */
    boolean expired(long now) {
      return now - expiresNanos > 0;
    }
  }

  /** robots.txt was unavailable (5xx or unreachable): the host is disallowed until {@code retryAtNanos}. */
  record WaitingRetry(int failures, long retryAtNanos) implements RobotsState {
    @Override
    public String label() {
      return "waiting-retry";
    }

    @Override
    public RobotsState retryDue() {
      return new Unknown(failures);
    }
  }

  /**
   * Unavailable after every retry: each URL of the host gets a {@code ROBOTS_UNAVAILABLE} record, or a
   * {@code DNS_FAILURE} record when the last attempt found that the host's name does not resolve
   * ({@code unresolved}: that failure's message).
   */
  record GaveUp(int failures, Optional<String> unresolved) implements RobotsState {
    /** Unavailable for another reason than DNS. */
    GaveUp(int failures) {
      this(failures, Optional.empty());
    }

    @Override
    public String label() {
      return "gave-up";
    }
  }

  /** The address policy refuses the host's address ({@code reason}): each URL gets an ADDRESS_BLOCKED record. */
  record AddressBlocked(String reason) implements RobotsState {
    @Override
    public String label() {
      return "address-blocked";
    }

    @Override
    public int failures() {
      return 0;
    }

    @Override
    public RobotsState lost() {
      return this; // the address stays refused whatever happens to a request
    }
  }
}
