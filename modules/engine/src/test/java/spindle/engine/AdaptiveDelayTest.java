package spindle.engine;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import spindle.core.ErrorKind;
import spindle.fetch.FetchResult;

/** The adaptive delay's computation: pacing by the last fetch, growth on errors, recovery, and its reasons. */
class AdaptiveDelayTest {
  /** Factor 5, max-delay 30 s, growth 2, two healthy answers undo one error. */
  private static final AdaptiveDelaySettings ADAPTIVE = new AdaptiveDelaySettings(5, ofSeconds(30), 2, 2);
  private static final PolitenessSettings SETTINGS = new PolitenessSettings(ofSeconds(1), ofSeconds(10), 1,
      OptionalDouble.empty(), ADAPTIVE);

  private static HostPoliteness host() {
    return HostPoliteness.of(SETTINGS, HostControl.NONE);
  }

  private static HostPoliteness answered(HostPoliteness politeness, AdaptiveDelay.Answer answer, long millis,
      int times) {
    HostPoliteness result = politeness;
    for (int i = 0; i < times; i++) {
      result = result.after(answer, ofMillis(millis));
    }
    return result;
  }

  @ParameterizedTest(name = "last fetch {0} ms: delay {1} ms, {2}")
  @CsvSource({
      // last fetch, delay (factor 5, base 1 s, max-delay 30 s), source
      "0,        1000, base",            // nothing known yet
      "150,      1000, base",            // 5 x 150 ms is below the base
      "200,      1000, base",            // 5 x 200 ms is the base
      "400,      2000, slow-responses",  // 5 x 400 ms
      "1200,     6000, slow-responses",
      "9000,    30000, slow-responses",  // 45 s, capped at max-delay
  })
  void theDelayIsAtLeastTheFactorTimesTheLastFetchKeptBetweenTheBaseAndMaxDelay(long fetch, long expected,
      String source) {
    HostPoliteness politeness = host().after(AdaptiveDelay.Answer.HEALTHY, ofMillis(fetch));
    assertEquals(ofMillis(expected), politeness.delay());
    assertEquals(source, politeness.reason().source());
  }

  @Test
  void theReasonOfASlowHostNamesTheFactorAndTheLastFetch() {
    HostPoliteness slow = host().after(AdaptiveDelay.Answer.HEALTHY, ofMillis(1234));
    assertEquals("slow responses (5 x last fetch 1.2 s)", slow.reason().text());
    HostPoliteness slower = host().after(AdaptiveDelay.Answer.HEALTHY, ofSeconds(7));
    assertEquals("slow responses (5 x last fetch 7.0 s), capped at max-delay 30.0 s", slower.reason().text());
  }

  @Test
  void errorsGrowTheDelayUpToMaxDelayAndHealthyAnswersBringItBackStepByStep() {
    HostPoliteness politeness = host();
    long[] grown = {2000, 4000, 8000, 16000, 30000, 30000};
    for (int i = 0; i < grown.length; i++) {
      politeness = politeness.after(AdaptiveDelay.Answer.SERVER_ERROR, ofMillis(10));
      assertEquals(ofMillis(grown[i]), politeness.delay(), "after error " + (i + 1));
    }
    assertEquals(new HostPoliteness.Reason("errors", "5xx: grown after 6 errors, capped at max-delay 30.0 s"),
        politeness.reason());
    // growth stopped at the cap (x30), so recovery starts from 30 s: each healthy answer divides by sqrt(2)
    politeness = politeness.after(AdaptiveDelay.Answer.HEALTHY, ofMillis(10));
    assertEquals(21213, politeness.delay().toMillis());
    assertEquals(new HostPoliteness.Reason("recovering", "recovering after 6 errors"), politeness.reason());
    int steps = 1;
    while (politeness.delay().compareTo(ofSeconds(1)) > 0) {
      politeness = politeness.after(AdaptiveDelay.Answer.HEALTHY, ofMillis(10));
      steps++;
    }
    assertEquals(10, steps); // log2(30) = 4.9 halvings, two answers each
    assertEquals(new HostPoliteness.Reason("base", "base"), politeness.reason());
    assertEquals(1.0, politeness.adaptive().growth());
    assertEquals(0, politeness.adaptive().errors());
  }

  @Test
  void aTooManyRequestsWithoutRetryAfterAndATimeoutGrowTheDelayToo() {
    HostPoliteness refused = answered(host(), AdaptiveDelay.Answer.TOO_MANY_REQUESTS, 5, 2);
    assertEquals(ofSeconds(4), refused.delay());
    assertEquals("429 without Retry-After: grown after 2 errors", refused.reason().text());
    HostPoliteness timedOut = host().after(AdaptiveDelay.Answer.TIMEOUT, ofSeconds(20));
    assertEquals(ofSeconds(2), timedOut.delay()); // a timeout's duration is not the server's pace
    assertEquals("timeouts: grown after 1 error", timedOut.reason().text());
  }

  @Test
  void anAnswerWithRetryAfterOrWithoutAStatusNeitherGrowsNorRecovers() {
    HostPoliteness grown = host().after(AdaptiveDelay.Answer.SERVER_ERROR, ofMillis(10));
    assertEquals(ofSeconds(2), grown.delay());
    assertEquals(ofSeconds(2), grown.after(AdaptiveDelay.Answer.ASKED_TO_WAIT, ofMillis(10)).delay());
    HostPoliteness reset = grown.after(AdaptiveDelay.Answer.OTHER, ofMillis(10));
    assertEquals(ofSeconds(2), reset.delay());
    assertEquals("errors", reset.reason().source());
  }

  @ParameterizedTest(name = "operator {0} ms, Crawl-delay {1} ms, last fetch {2} ms, errors {3}: {4} ms, {5}")
  @CsvSource({
      // operator's delay (-1: none), Crawl-delay (-1: none), last fetch, 5xx answers, delay, source
      "-1,     -1,    10, 0,  1000, base",
      "-1,   3000,    10, 0,  3000, crawl-delay",     // a longer Crawl-delay is the floor
      "-1,   3000,   800, 0,  4000, slow-responses",  // the server's pace may ask for more
      "-1,   3000,    10, 1,  6000, errors",          // errors grow from the Crawl-delay
      "500,    -1,    10, 0,   500, operator",        // the operator's delay replaces the base
      "500,    -1,    10, 2,  2000, errors",          // ... and errors grow from it
      "60000,  -1,    10, 3, 60000, operator",        // an operator's delay past max-delay still holds
      "0,      -1,  5000, 3,     0, operator",        // an operator's 0: no delay, no adaptation
  })
  void theOperatorsDelayAndTheCrawlDelayAreTheFloorTheDelayAdaptsAbove(long operator, long crawlDelay, long fetch,
      int errors, long expected, String source) {
    HostControl control = new HostControl(operator < 0 ? Optional.empty() : Optional.of(ofMillis(operator)),
        Optional.empty(), Optional.empty(), Optional.empty());
    HostPoliteness politeness = HostPoliteness.of(SETTINGS, control)
        .withCrawlDelay(crawlDelay < 0 ? Optional.empty() : Optional.of(ofMillis(crawlDelay)))
        .after(AdaptiveDelay.Answer.HEALTHY, ofMillis(fetch));
    politeness = answered(politeness, AdaptiveDelay.Answer.SERVER_ERROR, fetch, errors);
    assertEquals(ofMillis(expected), politeness.delay());
    assertEquals(source, politeness.reason().source());
  }

  @Test
  void aCrawlWithoutDelayOrWithAdaptationOffKeepsItsDelay() {
    PolitenessSettings noDelay = new PolitenessSettings(Duration.ZERO, ofSeconds(10), 1, OptionalDouble.empty(),
        ADAPTIVE);
    HostPoliteness fast = answered(HostPoliteness.of(noDelay, HostControl.NONE), AdaptiveDelay.Answer.SERVER_ERROR,
        500, 3);
    assertEquals(Duration.ZERO, fast.delay());
    PolitenessSettings off = new PolitenessSettings(ofSeconds(1), ofSeconds(10), 1, OptionalDouble.empty(),
        AdaptiveDelaySettings.OFF);
    HostPoliteness fixed = answered(HostPoliteness.of(off, HostControl.NONE), AdaptiveDelay.Answer.SERVER_ERROR,
        5000, 3);
    assertEquals(ofSeconds(1), fixed.delay());
    assertEquals("base", fixed.reason().source());
  }

  @ParameterizedTest(name = "status {0}, error {1}, Retry-After {2}: {3}")
  @CsvSource({
      // status (-1: none), error kind (empty: none), Retry-After seconds (-1: none), answer
      "200, ,                  -1, HEALTHY",
      "404, ,                  -1, HEALTHY",
      "301, ,                  -1, HEALTHY",
      "500, ,                  -1, SERVER_ERROR",
      "503, ,                  -1, SERVER_ERROR",
      "503, ,                   5, ASKED_TO_WAIT",
      "429, ,                  -1, TOO_MANY_REQUESTS",
      "429, ,                   1, ASKED_TO_WAIT",
      "-1,  RESPONSE_TIMEOUT,  -1, TIMEOUT",
      "-1,  CONNECT_TIMEOUT,   -1, TIMEOUT",
      "200, TOTAL_TIMEOUT,     -1, TIMEOUT",
      "-1,  CONNECTION_RESET,  -1, OTHER",
      "-1,  DNS_FAILURE,       -1, OTHER",
  })
  void anAnswersKindComesFromItsStatusItsRetryAfterAndItsError(int status, ErrorKind kind, int retryAfter,
      AdaptiveDelay.Answer expected) {
    FetchResult result;
    if (status < 0) {
      result = FetchResult.failed("http://a.example/", kind, "failed", 10);
    } else {
      FetchResult.Headers headers = new FetchResult.Headers("text/html", null,
          retryAfter < 0 ? null : ofSeconds(retryAfter), null);
      result = kind == null
          ? FetchResult.response("http://a.example/", status, headers, new byte[0], false, 1024, 10)
          : FetchResult.bodyFailed("http://a.example/", status, headers, kind, "failed", 10);
    }
    assertEquals(expected, AdaptiveDelay.Answer.of(result));
  }

  @Test
  void settingsOutOfRangeNameTheirKey() {
    assertKey("spindle.politeness.delay-factor", () -> new AdaptiveDelaySettings(-1, ofSeconds(30), 2, 4));
    assertKey("spindle.politeness.max-delay", () -> new AdaptiveDelaySettings(5, ofSeconds(-1), 2, 4));
    assertKey("spindle.politeness.error-growth", () -> new AdaptiveDelaySettings(5, ofSeconds(30), 0.5, 4));
    assertKey("spindle.politeness.recovery-responses", () -> new AdaptiveDelaySettings(5, ofSeconds(30), 2, 0));
    assertKey("spindle.politeness.max-delay", () -> new PolitenessSettings(ofSeconds(2), ofSeconds(30), 1,
        OptionalDouble.empty(), new AdaptiveDelaySettings(5, ofSeconds(1), 2, 4)));
  }

  private static void assertKey(String key, org.junit.jupiter.api.function.Executable make) {
    spindle.core.SettingsException thrown = org.junit.jupiter.api.Assertions.assertThrows(
        spindle.core.SettingsException.class, make);
    assertEquals(key, thrown.key());
  }
}
