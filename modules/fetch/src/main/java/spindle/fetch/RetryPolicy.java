package spindle.fetch;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import spindle.core.SettingsException;

/**
 * When a failed fetch is tried again: after 429 and 503 (waiting what {@code Retry-After} asks, up to a cap) and
 * after connection errors (with exponential backoff), at most {@code maxRetries} times. Pure and thread-safe.
 */
public record RetryPolicy(int maxRetries, Duration baseBackoff, Duration maxBackoff, Duration maxRetryAfter) {
  public RetryPolicy {
    if (maxRetries < 0) {
      throw new SettingsException("spindle.fetch.retry.max-retries", "must be 0 or more, was " + maxRetries);
    }
    FetchSettings.requirePositive("spindle.fetch.retry.base-backoff", baseBackoff);
    FetchSettings.requirePositive("spindle.fetch.retry.max-backoff", maxBackoff);
    FetchSettings.requirePositive("spindle.fetch.retry.max-retry-after", maxRetryAfter);
  }

  /**
   * How long to wait before trying {@code result}'s URL again, after {@code attempts} attempts so far; empty when
   * the result is final (success, a failure that retrying cannot fix, or no retries left).
   */
  public Optional<Duration> retryDelay(FetchResult result, int attempts) {
    if (attempts > maxRetries || !isRetryable(result)) {
      return Optional.empty();
    }
    Duration backoff = baseBackoff.multipliedBy(1L << Math.min(attempts - 1, 20));
    if (backoff.compareTo(maxBackoff) > 0) {
      backoff = maxBackoff;
    }
    Optional<Duration> asked = result.retryAfter();
    if (asked.isPresent()) {
      Duration wanted = asked.get().compareTo(maxRetryAfter) > 0 ? maxRetryAfter : asked.get();
      return Optional.of(wanted.compareTo(backoff) > 0 ? wanted : backoff);
    }
    return Optional.of(backoff);
  }

  /** Whether retrying can help: 429, 503 and failures to connect or to keep the connection. */
  public static boolean isRetryable(FetchResult result) {
    if (result.status().isPresent()) {
      int status = result.status().getAsInt();
      if (status == 429 || status == 503) {
        return true;
      }
    }
    return result.error().map(failure -> switch (failure.kind()) {
      case CONNECT_FAILED, CONNECT_TIMEOUT, CONNECTION_RESET, DNS_FAILURE -> result.status().isEmpty();
      default -> false;
    }).orElse(false);
  }

  /**
   * Parses a {@code Retry-After} value (delay-seconds or an HTTP-date, RFC 9110 10.2.3) relative to {@code now};
   * empty when it is neither. A date in the past means no wait.
   */
  public static Optional<Duration> parseRetryAfter(String value, Instant now) {
    String trimmed = value.trim();
    if (trimmed.isEmpty()) {
      return Optional.empty();
    }
    if (trimmed.chars().allMatch(Character::isDigit)) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(trimmed)));
      } catch (NumberFormatException tooLarge) {
        return Optional.of(Duration.ofDays(365));
      }
    }
    try {
      Instant when = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(now, when);
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    } catch (DateTimeParseException notADate) {
      return Optional.empty();
    }
  }
}
