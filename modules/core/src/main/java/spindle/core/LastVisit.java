package spindle.core;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * What a crawl that revisits pages remembers of a URL's last visit: when it was, how many visits were made, the
 * interval chosen for the next one ({@link RevisitSchedule}), the validators the server sent (ETag and
 * Last-Modified, sent back as {@code If-None-Match} and {@code If-Modified-Since}) and the payload's digest (which
 * decides whether a page without validators changed). Immutable; times in milliseconds, what a store keeps ({@code at}
 * rounded up).
 *
 * @param at when the visit's response arrived
 * @param visits visits made so far, this one included (1 after the first)
 * @param interval the wait from this visit to the next
 * @param etag the response's ETag header, as sent; empty when it had none
 * @param lastModified the response's Last-Modified header, as sent; empty when it had none
 * @param digest the payload's digest ({@code sha1:...}); empty when the response had no payload
 */
public record LastVisit(Instant at, int visits, Duration interval, Optional<String> etag,
    Optional<String> lastModified, Optional<String> digest) {
  public LastVisit {
    // rounded up, not down: the next visit is due no earlier than a whole interval after the response arrived
    Instant truncated = at.truncatedTo(ChronoUnit.MILLIS);
    at = truncated.equals(at) ? at : truncated.plusMillis(1);
    interval = interval.truncatedTo(ChronoUnit.MILLIS);
    Objects.requireNonNull(etag, "etag");
    Objects.requireNonNull(lastModified, "lastModified");
    Objects.requireNonNull(digest, "digest");
    if (visits < 1) {
      throw new IllegalArgumentException("visits must be at least 1, was " + visits);
    }
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval must not be negative, was " + interval);
    }
  }

  /** When the next visit is due: {@link #at} plus {@link #interval}. */
  public Instant due() {
    return at.plus(interval);
  }

  /** Whether the server gave a validator a conditional GET can send back. */
  public boolean hasValidators() {
    return etag.isPresent() || lastModified.isPresent();
  }
}
