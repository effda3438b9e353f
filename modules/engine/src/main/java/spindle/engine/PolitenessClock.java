package spindle.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a host's next request may start, on the {@link System#nanoTime()} scale: an immutable value, replaced when
 * a request ends, the host asks to be left alone (429, 503, Retry-After) or an operator changes its delay. The
 * delay counts from the end of a request, never from its start.
 *
 * @param nextStartNanos no request to the host starts before this
 * @param backoffUntilNanos the end of the host's last backoff (0: never backed off); reported while ahead
 */
record PolitenessClock(long nextStartNanos, long backoffUntilNanos) {
  /** A clock that allows a request at {@code now}. */
  static PolitenessClock startingAt(long now) {
    return new PolitenessClock(now, 0);
  }

  /**
   * The clock after a request ended at {@code now}: the next start waits {@code delay} from now, and with a
   * {@code retryAfter} (the host asked for a backoff) until the backoff ends too.
   */
  PolitenessClock afterRequest(long now, Duration delay, Optional<Duration> retryAfter) {
    long next = Math.max(nextStartNanos, now + delay.toNanos());
    if (retryAfter.isEmpty()) {
      return new PolitenessClock(next, backoffUntilNanos);
    }
    long until = now + retryAfter.get().toNanos();
    return new PolitenessClock(Math.max(next, until), until);
  }

  /**
   * The clock after an operator's change made the delay {@code delay} at {@code now}: with no request in flight a
   * shorter delay counts from now (the last request has ended); with requests in flight the change takes effect
   * when the next one ends. The new wait also replaces what is left of a backoff.
   */
  PolitenessClock delayChanged(long now, Duration delay, int requestsInFlight) {
    return requestsInFlight > 0 ? this
        : new PolitenessClock(Math.min(nextStartNanos, now + delay.toNanos()), backoffUntilNanos);
  }

  /** The clock of a host taken over from another node: one full {@code delay} from {@code now}. */
  PolitenessClock fullDelayFrom(long now, Duration delay) {
    return new PolitenessClock(now + delay.toNanos(), backoffUntilNanos);
  }

  /** The clock of a host's next queue, whose previous queue allowed the next request at {@code carriedNanos}. */
  PolitenessClock continuing(long carriedNanos) {
    return new PolitenessClock(carriedNanos, backoffUntilNanos);
  }

  /** How long from {@code now} until a request may start; 0 or less when one may start now. */
  long waitNanos(long now) {
    return nextStartNanos - now;
  }

  /** The wall-clock time of the next allowed start, while it is ahead of {@code now} (wall time {@code wallNow}). */
  Optional<Instant> nextStartAt(Instant wallNow, long now) {
    return ahead(wallNow, now, nextStartNanos);
  }

  /** The wall-clock end of the backoff, while one is still running. */
  Optional<Instant> backoffUntil(Instant wallNow, long now) {
    return ahead(wallNow, now, backoffUntilNanos);
  }

  /** The wall-clock time of the monotonic {@code target}, when it is set and still ahead of {@code now}. */
  static Optional<Instant> ahead(Instant wallNow, long now, long target) {
    long ahead = target - now;
    return target == 0 || ahead <= 0 ? Optional.empty() : Optional.of(wallNow.plusNanos(ahead));
  }
}
