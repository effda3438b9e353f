package spindle.engine;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import spindle.fetch.robots.RobotsOutcome;
import spindle.fetch.robots.RobotsPolicy;
import spindle.fetch.robots.RobotsRules;
import spindle.fetch.robots.RobotsSettings;

/** The values a host queue's states carry: its politeness, its politeness clock and its robots.txt state. */
class PolitenessValuesTest {
  private static final PolitenessSettings SETTINGS = new PolitenessSettings(ofMillis(500), ofSeconds(10), 2,
      OptionalDouble.empty());
  private static final RobotsSettings ROBOTS = new RobotsSettings(true, Duration.ofHours(1), ofSeconds(30), 2, 1024);

  private static Optional<Duration> millis(long value) {
    return value < 0 ? Optional.empty() : Optional.of(ofMillis(value));
  }

  @ParameterizedTest(name = "operator delay {0} ms, Crawl-delay {1} ms: {2} ms")
  @CsvSource({
      // operator's delay (-1: none), robots.txt Crawl-delay (-1: none), effective delay
      "-1,    -1,     500",   // spindle.politeness.delay
      "-1,   200,     500",   // a shorter Crawl-delay does not shorten it
      "-1,  2000,    2000",   // a longer Crawl-delay wins
      "-1, 60000,   10000",   // capped at max-crawl-delay
      "100,   -1,     100",   // the operator's delay replaces the crawl's
      "100, 2000,    2000",   // ... but a longer Crawl-delay still wins
      "20000, 60000, 20000",  // the operator may go past the cap
  })
  void theEffectiveDelayIsTheLongerOfTheHostsDelayAndItsCappedCrawlDelay(long operator, long crawlDelay,
      long expected) {
    HostControl control = new HostControl(millis(operator), Optional.empty(), Optional.empty(), Optional.empty());
    HostPoliteness politeness = HostPoliteness.of(SETTINGS, control).withCrawlDelay(millis(crawlDelay));
    assertEquals(ofMillis(expected), politeness.delay());
  }

  @Test
  void anOperatorsControlsOverrideTheConcurrencyAndPauseOrBlockTheHost() {
    HostPoliteness plain = HostPoliteness.of(SETTINGS, HostControl.NONE);
    assertEquals(2, plain.concurrency());
    assertFalse(plain.paused());
    assertFalse(plain.blocked());
    HostPoliteness changed = plain.withControl(new HostControl(Optional.empty(), Optional.of(5), Optional.of(true),
        Optional.of(true)));
    assertEquals(5, changed.concurrency());
    assertTrue(changed.paused());
    assertTrue(changed.blocked());
  }

  @Test
  void theNextRequestWaitsTheDelayFromTheEndOfTheLastOne() {
    PolitenessClock clock = PolitenessClock.startingAt(1_000);
    assertTrue(clock.waitNanos(1_000) <= 0);
    PolitenessClock after = clock.afterRequest(5_000, Duration.ofNanos(300), Optional.empty());
    assertEquals(5_300, after.nextStartNanos());
    assertEquals(300, after.waitNanos(5_000));
    // a request ending earlier (several in flight) never brings the next start forward
    assertEquals(5_300, after.afterRequest(4_000, Duration.ofNanos(300), Optional.empty()).nextStartNanos());
  }

  @Test
  void aBackoffPushesTheNextStartAndIsReportedUntilItEnds() {
    PolitenessClock clock = PolitenessClock.startingAt(0)
        .afterRequest(1_000, Duration.ofNanos(100), Optional.of(Duration.ofNanos(5_000)));
    assertEquals(6_000, clock.nextStartNanos());
    assertEquals(6_000, clock.backoffUntilNanos());
    Instant wall = Instant.parse("2026-11-01T00:00:00Z");
    assertEquals(Optional.of(wall.plusNanos(4_000)), clock.backoffUntil(wall, 2_000));
    assertEquals(Optional.empty(), clock.backoffUntil(wall, 6_000));
    // a later request without a backoff keeps the end for reports
    assertEquals(6_000, clock.afterRequest(7_000, Duration.ofNanos(100), Optional.empty()).backoffUntilNanos());
  }

  @ParameterizedTest(name = "in flight {0}: next start {1}")
  @CsvSource({"0, 2100", "1, 5000"})
  void aShorterDelayFromAnOperatorCountsFromNowOnlyWithNothingInFlight(int inFlight, long expected) {
    PolitenessClock clock = new PolitenessClock(5_000, 0);
    assertEquals(expected, clock.delayChanged(2_000, Duration.ofNanos(100), inFlight).nextStartNanos());
  }

  @Test
  void aHostTakenOverFromAnotherNodeWaitsOneFullDelay() {
    assertEquals(9_000, PolitenessClock.startingAt(0).fullDelayFrom(4_000, Duration.ofNanos(5_000)).nextStartNanos());
    assertEquals(7_777, PolitenessClock.startingAt(0).continuing(7_777).nextStartNanos());
  }

  @Test
  void robotsTxtIsFetchedFirstUnlessItIsOff() {
    assertEquals(new RobotsState.Unknown(0), RobotsState.initial(ROBOTS));
    RobotsState off = RobotsState.initial(new RobotsSettings(false, Duration.ofHours(1), ofSeconds(30), 2, 1024));
    RobotsState.Ready ready = assertInstanceOf(RobotsState.Ready.class, off);
    assertTrue(ready.policy().isAllowed("http://example.org/anything"));
    assertFalse(ready.expired(Long.MAX_VALUE - 1));
  }

  @Test
  void rulesLoadedAreReadyUntilTheCacheTimeToLiveRunsOut() {
    byte[] file = "User-agent: *\nDisallow: /private/\n".getBytes(StandardCharsets.UTF_8);
    RobotsPolicy policy = new RobotsRules(List.of("SpindleBot"), 1024).parse("http://example.org/robots.txt", file,
        "text/plain");
    RobotsState state = new RobotsState.Fetching(1).after(new RobotsOutcome.Rules(policy), 100, ROBOTS);
    RobotsState.Ready ready = assertInstanceOf(RobotsState.Ready.class, state);
    assertEquals("ready", ready.label());
    assertEquals(0, ready.failures());
    assertFalse(ready.expired(100 + Duration.ofHours(1).toNanos()));
    assertTrue(ready.expired(101 + Duration.ofHours(1).toNanos()));
    assertFalse(ready.policy().isAllowed("http://example.org/private/x"));
  }

  @Test
  void anUnavailableRobotsTxtIsRetriedThenGivenUp() {
    RobotsOutcome unavailable = new RobotsOutcome.Unavailable("HTTP 503");
    RobotsState first = new RobotsState.Fetching(0).after(unavailable, 1_000, ROBOTS);
    assertEquals(new RobotsState.WaitingRetry(1, 1_000 + ofSeconds(30).toNanos()), first);
    assertEquals("waiting-retry", first.label());
    RobotsState due = first.retryDue();
    assertEquals(new RobotsState.Unknown(1), due);
    RobotsState second = new RobotsState.Fetching(due.failures()).after(unavailable, 2_000, ROBOTS);
    assertInstanceOf(RobotsState.WaitingRetry.class, second);
    RobotsState third = new RobotsState.Fetching(second.failures()).after(unavailable, 3_000, ROBOTS);
    assertEquals(new RobotsState.GaveUp(3), third); // max-error-retries = 2
    assertEquals("gave-up", third.label());
  }

  @Test
  void aRobotsTxtWhoseHostDoesNotResolveIsGivenUpAsADnsFailure() {
    RobotsOutcome unresolved = new RobotsOutcome.Unavailable("DNS_FAILURE: nowhere.invalid", true);
    RobotsState state = new RobotsState.Fetching(2).after(unresolved, 1_000, ROBOTS); // max-error-retries = 2
    assertEquals(new RobotsState.GaveUp(3, java.util.Optional.of("DNS_FAILURE: nowhere.invalid")), state);
    // the last attempt decides: a 503 after DNS failures gives up as unavailable, not as unresolved
    RobotsState last503 = new RobotsState.Fetching(2).after(new RobotsOutcome.Unavailable("HTTP 503"), 1_000, ROBOTS);
    assertEquals(new RobotsState.GaveUp(3), last503);
  }

  @Test
  void anAddressRefusedStaysRefusedWhateverHappensToARequest() {
    RobotsState blocked = new RobotsState.Fetching(0).after(new RobotsOutcome.AddressBlocked("10.0.0.5 is private"),
        0, ROBOTS);
    assertEquals(new RobotsState.AddressBlocked("10.0.0.5 is private"), blocked);
    assertSame(blocked, blocked.lost());
    assertSame(blocked, blocked.retryDue());
    assertEquals(new RobotsState.Unknown(2), new RobotsState.Fetching(2).lost()); // a lost request is asked again
  }
}
