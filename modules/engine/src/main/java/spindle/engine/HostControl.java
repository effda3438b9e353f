package spindle.engine;

import java.time.Duration;
import java.util.Optional;

/**
 * An operator's change to one host of a running crawl; an empty field leaves that setting as it is.
 *
 * @param delay the host's delay between requests, in place of {@code spindle.politeness.delay} (a robots.txt
 *     Crawl-delay, capped, still wins when it is longer)
 * @param concurrency the host's requests in flight, in place of {@code spindle.politeness.per-host-concurrency}
 * @param paused true: start no request to the host until unpaused (its URLs stay queued, the crawl waits)
 * @param blocked true: fetch nothing more from the host; its queued URLs get a {@code BLOCKED} record
 */
public record HostControl(Optional<Duration> delay, Optional<Integer> concurrency, Optional<Boolean> paused,
    Optional<Boolean> blocked) {
  public HostControl {
    delay.ifPresent(value -> {
      if (value.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative, was " + value);
      }
    });
    concurrency.ifPresent(value -> {
      if (value < 1 || value > 1024) {
        throw new IllegalArgumentException("concurrency must be between 1 and 1024, was " + value);
      }
    });
  }

  /** No change. */
  public static final HostControl NONE = new HostControl(Optional.empty(), Optional.empty(), Optional.empty(),
      Optional.empty());

  /** This change applied over {@code earlier}: fields set here win. */
  HostControl over(HostControl earlier) {
    return new HostControl(delay.or(earlier::delay), concurrency.or(earlier::concurrency), paused.or(earlier::paused),
        blocked.or(earlier::blocked));
  }
}
