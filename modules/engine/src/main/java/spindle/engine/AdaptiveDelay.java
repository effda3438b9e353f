package spindle.engine;

import java.time.Duration;
import java.util.Locale;
import spindle.core.ErrorKind;
import spindle.fetch.FetchResult;

/**
 * What a host's answers have taught its queue about the server's pace: the duration of its last fetch, how far
 * errors have grown its delay, and the last kind of answer. An immutable value, replaced after each page request;
 * {@link HostPoliteness} turns it into the host's delay and the reason for it. Pure: no clock, no I/O.
 *
 * <p>The delay, for a host whose floor (the larger of its own delay and its capped Crawl-delay) is {@code floor}:
 * {@code max(floor, min(max-delay, max(floor, delay-factor x lastFetch) x growth))}. An error (a 5xx, a 429 without
 * {@code Retry-After}, a timeout) multiplies {@code growth} by {@code error-growth}, no further than the growth that
 * reaches {@code max-delay}; each healthy answer (a status below 500 other than 429) divides it by the
 * {@code recovery-responses}-th root of {@code error-growth}, until it is back at 1.
 *
 * @param lastFetch the duration of the host's last request that got an answer (0 before the first)
 * @param growth the factor errors have grown the delay by, 1 or more
 * @param errors the errors since the growth was last back at 1
 * @param last the kind of the host's last answer
 */
public record AdaptiveDelay(Duration lastFetch, double growth, int errors, Answer last) {
  /** A host nothing is known of yet. */
  static final AdaptiveDelay INITIAL = new AdaptiveDelay(Duration.ZERO, 1, 0, Answer.NONE);

  /** Below this the growth counts as back at 1: a double divided step by step seldom lands on 1 exactly. */
  private static final double SETTLED = 1.000_001;

  /** What an answer says about the server's health. */
  public enum Answer {
    /** No answer yet. */
    NONE("none"),
    /** A status below 500, other than 429: the server copes. */
    HEALTHY("healthy"),
    /** A 5xx without {@code Retry-After}. */
    SERVER_ERROR("5xx"),
    /** A 429 without {@code Retry-After}. */
    TOO_MANY_REQUESTS("429 without Retry-After"),
    /** A connect, response or total timeout. */
    TIMEOUT("timeouts"),
    /** A 429 or 5xx with {@code Retry-After}: the backoff honours it, the delay does not grow as well. */
    ASKED_TO_WAIT("Retry-After"),
    /** No answer for another reason (connection refused or reset, DNS, the address policy): says nothing. */
    OTHER("other");

    private final String label;

    Answer(String label) {
      this.label = label;
    }

    /** Whether this answer grows the delay. */
    boolean isError() {
      return this == SERVER_ERROR || this == TOO_MANY_REQUESTS || this == TIMEOUT;
    }

    /** Whether this answer came with a status, so its duration is the server's pace. */
    boolean answered() {
      return this == HEALTHY || this == SERVER_ERROR || this == TOO_MANY_REQUESTS || this == ASKED_TO_WAIT;
    }

    /** What a fetch's result says: timeouts first, then the status and whether it came with Retry-After. */
    static Answer of(FetchResult result) {
      if (result.error().isPresent()) {
        ErrorKind kind = result.error().get().kind();
        if (kind == ErrorKind.CONNECT_TIMEOUT || kind == ErrorKind.RESPONSE_TIMEOUT
            || kind == ErrorKind.TOTAL_TIMEOUT) {
          return TIMEOUT;
        }
      }
      if (result.status().isEmpty()) {
        return OTHER;
      }
      return ofStatus(result.status().getAsInt(), result.retryAfter().isPresent());
    }

    /** What HTTP {@code status} says (-1: no answer), with or without a {@code Retry-After} header. */
    static Answer ofStatus(int status, boolean retryAfter) {
      if (status < 0) {
        return OTHER;
      }
      if (status == 429 || status >= 500) {
        return retryAfter ? ASKED_TO_WAIT : status == 429 ? TOO_MANY_REQUESTS : SERVER_ERROR;
      }
      return HEALTHY;
    }
  }

  /** The host's delay under {@code settings}, with {@code floor} the least it may be (see the class comment). */
  Duration delay(AdaptiveDelaySettings settings, Duration floor) {
    double grown = Math.min(settings.maxDelay().toNanos(), paced(settings, floor) * growth);
    return grown > floor.toNanos() ? Duration.ofNanos((long) grown) : floor;
  }

  /** The delay before errors grew it: the floor, or {@code delay-factor} times the last fetch if longer. */
  private double paced(AdaptiveDelaySettings settings, Duration floor) {
    return Math.max(floor.toNanos(), settings.delayFactor() * lastFetch.toNanos());
  }

  /** After {@code answer}, which took {@code fetchTime}, under {@code settings} and with {@code floor}. */
  AdaptiveDelay after(Answer answer, Duration fetchTime, AdaptiveDelaySettings settings, Duration floor) {
    Duration fetch = answer.answered() ? fetchTime : lastFetch;
    if (answer.isError()) {
      double paced = new AdaptiveDelay(fetch, 1, 0, answer).paced(settings, floor);
      // no growth past the one that reaches max-delay: recovery then starts from the cap, not from far above it
      double ceiling = paced <= 0 ? 1 : Math.max(1, settings.maxDelay().toNanos() / paced);
      return new AdaptiveDelay(fetch, Math.max(1, Math.min(growth * settings.errorGrowth(), ceiling)), errors + 1,
          answer);
    }
    if (answer == Answer.HEALTHY && growth > 1) {
      double shrunk = growth / Math.pow(settings.errorGrowth(), 1.0 / settings.recoveryResponses());
      return shrunk < SETTLED ? new AdaptiveDelay(fetch, 1, 0, answer) : new AdaptiveDelay(fetch, shrunk, errors,
          answer);
    }
    return new AdaptiveDelay(fetch, growth, errors, answer == Answer.OTHER ? last : answer);
  }

  /**
   * Why the delay is what it is, given the delay in force and {@code floor} (whose reason is {@code floorReason}):
   * the floor's reason while the delay is the floor; else errors, recovery or slow responses.
   */
  HostPoliteness.Reason reason(AdaptiveDelaySettings settings, Duration floor, HostPoliteness.Reason floorReason) {
    Duration delay = delay(settings, floor);
    if (delay.compareTo(floor) <= 0) {
      return floorReason;
    }
    String capped = delay.compareTo(settings.maxDelay()) >= 0
        ? ", capped at max-delay " + readable(settings.maxDelay()) : "";
    String times = errors == 1 ? "1 error" : errors + " errors";
    if (growth > 1 && last.isError()) {
      return new HostPoliteness.Reason("errors", last.label + ": grown after " + times + capped);
    }
    if (growth > 1) {
      return new HostPoliteness.Reason("recovering", "recovering after " + times + capped);
    }
    return new HostPoliteness.Reason("slow-responses", "slow responses (" + factor(settings.delayFactor())
        + " x last fetch " + readable(lastFetch) + ")" + capped);
  }

  private static String factor(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
  }

  /** {@code 250 ms}, {@code 1.2 s}. */
  static String readable(Duration duration) {
    long millis = duration.toMillis();
    return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
