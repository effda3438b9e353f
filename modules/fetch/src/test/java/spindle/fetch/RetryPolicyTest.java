package spindle.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import spindle.core.ErrorKind;

class RetryPolicyTest {
  private final RetryPolicy policy =
      new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofMinutes(10));

  private static FetchResult status(int status, Duration retryAfter) {
    return FetchResult.response("http://h/", status, new FetchResult.Headers(null, null, retryAfter, null),
        new byte[0], false, 100, 5);
  }

  @ParameterizedTest(name = "status {0} after {1} attempts waits {2} ms")
  @CsvSource({
      "429, 1, 2000", "429, 2, 4000", "429, 3, -1",
      "503, 1, 2000", "500, 1, -1", "404, 1, -1", "200, 1, -1"})
  void retries429And503WithExponentialBackoffAtMostTwice(int status, int attempts, long expectedMillis) {
    Optional<Duration> delay = policy.retryDelay(status(status, null), attempts);
    assertEquals(expectedMillis < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(expectedMillis)), delay);
  }

  @Test
  void honoursRetryAfterUpToItsCap() {
    assertEquals(Optional.of(Duration.ofSeconds(30)), policy.retryDelay(status(429, Duration.ofSeconds(30)), 1));
    assertEquals(Optional.of(Duration.ofMinutes(10)), policy.retryDelay(status(503, Duration.ofHours(5)), 1));
    assertEquals(Optional.of(Duration.ofSeconds(2)), policy.retryDelay(status(503, Duration.ofSeconds(1)), 1));
  }

  @ParameterizedTest
  @CsvSource({"CONNECT_FAILED, true", "CONNECTION_RESET, true", "CONNECT_TIMEOUT, true", "DNS_FAILURE, true",
      "RESPONSE_TIMEOUT, false", "TOTAL_TIMEOUT, false", "PROTOCOL_ERROR, false"})
  void retriesConnectionFailuresButNotTimeouts(ErrorKind kind, boolean retried) {
    FetchResult failed = FetchResult.failed("http://h/", kind, "x", 1);
    assertEquals(retried, policy.retryDelay(failed, 1).isPresent());
  }

  @ParameterizedTest
  @CsvSource({"120, 120", "0, 0", "' 7 ', 7"})
  void parsesRetryAfterSeconds(String value, long seconds) {
    assertEquals(Optional.of(Duration.ofSeconds(seconds)), RetryPolicy.parseRetryAfter(value, Instant.now()));
  }

  @Test
  void parsesRetryAfterDatesAndRejectsGarbage() {
    Instant now = Instant.parse("2026-11-25T10:00:00Z");
    assertEquals(Optional.of(Duration.ofSeconds(90)),
        RetryPolicy.parseRetryAfter("Wed, 25 Nov 2026 10:01:30 GMT", now));
    assertEquals(Optional.of(Duration.ZERO), RetryPolicy.parseRetryAfter("Wed, 25 Nov 2026 09:00:00 GMT", now));
    assertEquals(Optional.empty(), RetryPolicy.parseRetryAfter("soon", now));
  }
}
