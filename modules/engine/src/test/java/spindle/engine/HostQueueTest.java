package spindle.engine;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import spindle.core.ErrorKind;
import spindle.fetch.robots.RobotsOutcome;

/**
 * One host's politeness, state by state (Active, FetchingRobots, WaitingRobotsRetry, Refusing), driven message by
 * message with probes in place of the broker and the region, on manual time.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostQueueTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder()
      .withCustomConfig(ManualTime.config().withFallback(com.typesafe.config.ConfigFactory.load())).build();

  private HostQueueRig rig(String... paths) {
    return new HostQueueRig(testKit, paths);
  }

  private static HostControl control(Optional<Duration> delay, Optional<Integer> concurrency, Optional<Boolean> paused,
      Optional<Boolean> blocked) {
    return new HostControl(delay, concurrency, paused, blocked);
  }

  // ------------------------------------------------------------------------------------------ Active

  @Test
  void offersTheNextUrlOnlyAfterTheDelayHasPassedSinceTheLastFetchEnded() {
    HostQueueRig host = rig("/a", "/b").delay(ofMillis(300));
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);

    WorkItem.PageFetch first = host.page("/a");
    host.pass(ofSeconds(5));
    host.noOffer(); // one request in flight per host, however long it takes
    host.finished(first, 200);
    host.settle();
    host.pass(ofMillis(299));
    host.noOffer(); // the delay counts from the end of the fetch
    host.pass(ofMillis(1));
    host.page("/b");
  }

  @Test
  void allowsAsManyRequestsInFlightAsThePerHostConcurrency() {
    HostQueueRig host = rig("/a", "/b", "/c", "/d").perHost(3);
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);

    WorkItem.PageFetch first = host.page("/a");
    host.page("/b");
    host.page("/c");
    host.noOffer();
    host.finished(first, 200);
    host.page("/d");
  }

  @Test
  void aRetryWaitsForItsRetryAfterHoldingTheWholeHostAndKeepsTheAttemptCount() {
    HostQueueRig host = rig("/a", "/b");
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);

    WorkItem.PageFetch first = host.page("/a");
    host.retry(first, 429, ofMillis(400));
    host.settle();
    host.pass(ofMillis(399));
    host.noOffer(); // nor /b: the host asked to be left alone
    host.pass(ofMillis(1));
    WorkItem.PageFetch retry = host.page("/a");
    assertEquals(2, retry.attempt());
    host.finished(retry, 200);
    host.page("/b");
  }

  @Test
  void aBackoffAfter429IsReportedWithItsEnd() {
    HostQueueRig host = rig("/a");
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    WorkItem.PageFetch first = host.page();
    Instant before = Instant.now();
    host.retry(first, 429, ofSeconds(20));

    HostQueue.HostStatus backingOff = host.status();
    Instant until = backingOff.backoffUntil().orElseThrow();
    assertTrue(until.isAfter(before.plusSeconds(19)) && until.isBefore(before.plusSeconds(21)), until.toString());
    assertEquals(backingOff.backoffUntil(), backingOff.nextRequestAt());
    assertEquals(0, backingOff.inFlight());
    assertEquals(1, backingOff.windowed());
    assertFalse(backingOff.ready());
  }

  @Test
  void countsTheHostAsBackingOffFromARetryUntilItAnswersWell() {
    HostQueueRig host = rig("/a", "/b");
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    WorkItem.PageFetch first = host.page();
    assertEquals(0, backingOff(host.metrics));

    host.retry(first, 503, ofMillis(100));
    host.settle();
    assertEquals(1, backingOff(host.metrics));
    host.pass(ofMillis(100));
    WorkItem.PageFetch retry = host.page("/a"); // the same URL again, after the backoff
    host.finished(retry, 503); // retries spent, still failing
    WorkItem.PageFetch second = host.page("/b");
    host.settle();
    assertEquals(1, backingOff(host.metrics), "a 503 is no good answer");

    host.finished(second, 200);
    host.settle();
    assertEquals(0, backingOff(host.metrics));
    assertEquals(0.0, host.metrics.registry().get("spindle.host.backoff.longest").gauge().value());
  }

  private static double backingOff(CrawlMetrics metrics) {
    return metrics.registry().get("spindle.hosts.backing.off").gauge().value();
  }

  @Test
  void workThatNeverReachedAFetcherIsOfferedAgain() {
    HostQueueRig host = rig("/a");
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);

    WorkItem.PageFetch lost = host.page();
    host.tell(new HostQueue.Undeliverable(lost));
    assertEquals(lost, host.page());
  }

  @Test
  void aPageWhoseFetcherCrashedGetsAnInternalRecordAndFreesItsSlot() {
    HostQueueRig host = rig("/a", "/b");
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);

    WorkItem.PageFetch crashed = host.page("/a");
    host.tell(new HostQueue.Crashed(crashed, "fetcher failed while handling it", false));
    WorkItem.Reject record = host.reject(ErrorKind.INTERNAL);
    assertEquals(crashed.url(), record.url());
    host.page("/b");
  }

  @Test
  void aPausedHostStartsNothingUntilResumedAndItsStatusSaysSo() {
    HostQueueRig host = rig("/a", "/b");
    host.start();
    host.control(control(Optional.empty(), Optional.empty(), Optional.of(true), Optional.empty()));
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.pass(ofSeconds(10));
    host.noOffer();

    HostQueue.HostStatus paused = host.status();
    assertTrue(paused.paused());
    assertFalse(paused.ready());

    host.control(control(Optional.empty(), Optional.empty(), Optional.of(false), Optional.empty()));
    host.page("/a");
  }

  @Test
  void aBlockedHostRecordsItsQueuedUrlsAsBlockedWithoutFetchingThem() {
    HostQueueRig host = rig("/a", "/b").robots(true);
    host.start();
    host.control(control(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(true)));

    for (String path : List.of("/a", "/b")) { // not even robots.txt is asked
      assertEquals("http://example.org" + path, host.reject(ErrorKind.BLOCKED).url().url());
    }
    host.noOffer();
  }

  @Test
  void anOperatorsDelayAndConcurrencyReplaceTheDefaultsLive() {
    HostQueueRig host = rig("/a", "/b", "/c", "/d").delay(ofSeconds(30));
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    WorkItem.PageFetch first = host.page();
    host.finished(first, 503);
    host.noOffer(); // 30 s of delay

    host.control(control(Optional.of(Duration.ZERO), Optional.of(2), Optional.empty(), Optional.empty()));
    host.page();
    host.page(); // two in flight now
    host.noOffer();

    HostQueue.HostStatus now = host.status();
    assertEquals(2, now.inFlight());
    assertEquals(2, now.leases().size());
    assertEquals(2, now.concurrency());
    assertEquals(Duration.ZERO, now.effectiveDelay());
    assertEquals(OptionalInt.of(503), now.lastStatus());
  }

  // ------------------------------------------------------------------------------------------ FetchingRobots

  @Test
  void fetchesRobotsTxtFirstThenRejectsDisallowedUrlsAndWaitsTheCrawlDelay() {
    HostQueueRig host = rig("/private/x", "/a", "/b").robots(true);
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);

    host.robotsRequest();
    assertEquals("fetching", host.status().robots());
    host.pass(ofSeconds(5));
    host.noOffer(); // nothing else until robots.txt is known
    host.robotsAnswered("User-agent: *\nDisallow: /private/\nCrawl-delay: 1\n");

    WorkItem.Reject rejected = host.reject(ErrorKind.ROBOTS_DISALLOWED);
    assertEquals("http://example.org/private/x", rejected.url().url());
    assertEquals("robots.txt disallows it for SpindleBot", rejected.message());
    host.settle();
    host.pass(ofMillis(999));
    host.noOffer(); // the Crawl-delay of 1 s counts from the end of the robots.txt request
    host.pass(ofMillis(1));
    WorkItem.PageFetch a = host.page("/a");
    host.finished(a, 200);
    host.settle();
    host.pass(ofMillis(999));
    host.noOffer();
    host.pass(ofMillis(1));
    host.page("/b");
  }

  @Test
  void aCrawlDelayLongerThanMaxCrawlDelayIsCapped() {
    HostQueueRig host = rig("/a").robots(true).maxCrawlDelay(ofSeconds(2));
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.robotsRequest();
    host.robotsAnswered("User-agent: *\nCrawl-delay: 60\n");
    host.settle();
    assertEquals(ofSeconds(2), host.status().effectiveDelay());
    host.pass(ofMillis(1999));
    host.noOffer();
    host.pass(ofMillis(1));
    host.page("/a");
  }

  @Test
  void robotsTxtIsFetchedOncePerHostAndAgainOnlyWhenItsRulesExpire() {
    HostQueueRig host = rig("/a", "/b").robots(true).robotsTtl(Duration.ofHours(1)).delay(ofMillis(100));
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.robotsRequest();
    host.robotsAnswered("User-agent: *\nDisallow: /private/\n");
    host.settle();
    host.pass(ofMillis(100));
    host.finished(host.page("/a"), 200);
    host.settle();
    host.pass(ofMillis(100));
    host.finished(host.page("/b"), 200); // no second robots.txt request

    host.pass(Duration.ofMinutes(30));
    host.add("/c");
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.finished(host.page("/c"), 200); // rules still fresh

    host.pass(Duration.ofMinutes(31));
    host.add("/d");
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.robotsRequest(); // expired: asked again before the next page
    host.noOffer();
    host.robotsAnswered("User-agent: *\nDisallow: /d\n");
    host.reject(ErrorKind.ROBOTS_DISALLOWED); // and the new rules apply
  }

  @Test
  void aLostRobotsTxtRequestIsAskedAgain() {
    HostQueueRig host = rig("/a").robots(true);
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.robotsRequest();
    host.tell(new HostQueue.Undeliverable(new WorkItem.RobotsFetch("http://example.org/robots.txt")));
    host.robotsRequest(); // it never reached a fetcher
    host.tell(new HostQueue.Crashed(new WorkItem.RobotsFetch("http://example.org/robots.txt"), "bug", false));
    host.robotsRequest(); // its fetcher crashed
    host.robotsAnswered("User-agent: *\nAllow: /\n");
    host.page("/a");
  }

  @Test
  void aHostWhoseRobotsTxtIsAskedOverHttpsKeepsItsScheme() {
    HostQueueRig host = new HostQueueRig(testKit).robots(true);
    host.frontier.add(List.of(spindle.core.CrawlUrl.seed("https://example.org/a", HostQueueRig.HOST)));
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    assertEquals(new WorkItem.RobotsFetch("https://example.org/robots.txt"), host.offer());
  }

  // ------------------------------------------------------------------------------------------ WaitingRobotsRetry

  @Test
  void anUnavailableRobotsTxtDisallowsTheHostUntilItsRetry() {
    HostQueueRig host = rig("/a").robots(true);
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.robotsRequest();
    Instant before = Instant.now();
    host.robotsUnavailable();

    HostQueue.HostStatus waiting = host.status();
    assertEquals("waiting-retry", waiting.robots());
    Instant retryAt = waiting.robotsRetryAt().orElseThrow();
    assertTrue(retryAt.isAfter(before.plusMillis(150)) && retryAt.isBefore(before.plusSeconds(5)), retryAt.toString());
    host.pass(ofMillis(199));
    host.noOffer(); // spindle.robots.error-retry-interval is 200 ms here
    host.pass(ofMillis(1));
    host.robotsRequest();
    host.robotsAnswered("User-agent: *\nAllow: /\n");
    host.page("/a");
  }

  // ------------------------------------------------------------------------------------------ Refusing

  @Test
  void robotsTxtUnavailableAfterEveryRetryRecordsEveryUrlWithoutARequest() {
    HostQueueRig host = rig("/a", "/b").robots(true).robotsRetries(1);
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.robotsRequest();
    host.robotsUnavailable();
    host.settle();
    host.pass(ofMillis(200));
    host.robotsRequest();
    host.robotsUnavailable(); // past spindle.robots.max-error-retries

    for (String path : List.of("/a", "/b")) {
      WorkItem.Reject reject = host.reject(ErrorKind.ROBOTS_UNAVAILABLE);
      assertEquals("http://example.org" + path, reject.url().url());
      assertEquals("robots.txt unavailable after 2 attempts", reject.message());
    }
    host.pass(ofSeconds(10));
    host.noOffer(); // robots.txt is not asked again
    assertEquals("gave-up", host.status().robots());
  }

  @Test
  void aHostWhoseAddressIsRefusedForRobotsTxtGetsAddressBlockedForEveryUrlWithoutARequest() {
    HostQueueRig host = rig("/a", "/b").robots(true);
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.robotsRequest();

    String reason = "169.254.169.254 (example.org) is the cloud metadata address, always refused";
    host.tell(new HostQueue.RobotsFinished(new RobotsOutcome.AddressBlocked(reason)));
    assertEquals(reason, host.reject(ErrorKind.ADDRESS_BLOCKED).message());
    assertEquals(reason, host.reject(ErrorKind.ADDRESS_BLOCKED).message());
    host.noOffer(); // neither robots.txt again nor a page
    assertEquals("address-blocked", host.status().robots());
  }

  @Test
  void aRefusedPageMakesTheHostsOtherUrlsAddressBlockedWithoutARequest() {
    HostQueueRig host = rig("/a", "/b", "/c");
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    WorkItem.PageFetch first = host.page();

    String reason = "10.0.0.5 (example.org) is private (10.0.0.0/8), refused";
    host.tell(new HostQueue.FetchFinished(first.url(), 1, Optional.empty(), -1, Optional.of(reason),
        AdaptiveDelay.Answer.OTHER, Duration.ZERO));
    assertEquals(reason, host.reject(ErrorKind.ADDRESS_BLOCKED).message());
    assertEquals(reason, host.reject(ErrorKind.ADDRESS_BLOCKED).message());
    host.noOffer();
  }
}
