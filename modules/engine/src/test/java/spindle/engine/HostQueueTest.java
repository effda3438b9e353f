package spindle.engine;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import spindle.core.CrawlUrl;
import spindle.core.ErrorKind;
import spindle.core.HostKey;
import spindle.core.url.UrlNormalizer;
import spindle.fetch.robots.RobotsOutcome;
import spindle.fetch.robots.RobotsRules;
import spindle.fetch.robots.RobotsSettings;
import spindle.store.FrontierLimits;
import spindle.store.MemoryFrontier;

/** One host's politeness, driven message by message with probes in place of the broker and fetchers. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostQueueTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private static final HostKey HOST = HostKey.of("example.org", -1);
  private HostControls controls;

  @BeforeEach
  void freshControls() {
    controls = new HostControls(); // one instance serves every test (PER_CLASS): no test sees another's controls
  }

  private static RobotsSettings robots(boolean enabled) {
    return new RobotsSettings(enabled, Duration.ofHours(24), ofMillis(200), 1, 512 * 1024);
  }

  private ActorRef<HostQueue.Command> queue(TestProbe<WorkBroker.Command> broker, MemoryFrontier frontier,
      Duration delay, int perHost, boolean robotsEnabled) {
    return queue(broker, frontier, delay, perHost, robotsEnabled, testKit.<HostRegion.Command>createTestProbe(),
        ofSeconds(60));
  }

  private ActorRef<HostQueue.Command> queue(TestProbe<WorkBroker.Command> broker, MemoryFrontier frontier,
      Duration delay, int perHost, boolean robotsEnabled, TestProbe<HostRegion.Command> region, Duration idle) {
    return queue(broker, frontier, delay, perHost, robotsEnabled, region, idle,
        new CrawlMetrics(new SimpleMeterRegistry(), frontier::counts));
  }

  private ActorRef<HostQueue.Command> queue(TestProbe<WorkBroker.Command> broker, MemoryFrontier frontier,
      Duration delay, int perHost, boolean robotsEnabled, TestProbe<HostRegion.Command> region, Duration idle,
      CrawlMetrics metrics) {
    PolitenessSettings politeness = new PolitenessSettings(delay, ofSeconds(30), perHost, OptionalDouble.empty());
    return testKit.spawn(HostQueue.create(HOST, new HostQueue.Dependencies(broker.ref(), frontier, Runnable::run,
        politeness, robots(robotsEnabled), "SpindleBot", 16, idle, metrics, controls, 100, ofSeconds(60)),
        region.ref()));
  }

  private static MemoryFrontier frontierWith(String... paths) {
    MemoryFrontier frontier = new MemoryFrontier(FrontierLimits.NONE, UrlNormalizer::fingerprint);
    frontier.add(java.util.Arrays.stream(paths).map(path -> CrawlUrl.seed("http://example.org" + path, HOST)).toList());
    return frontier;
  }

  private static WorkItem.PageFetch page(TestProbe<WorkBroker.Command> broker, Duration within) {
    WorkBroker.Offer offer = broker.expectMessageClass(WorkBroker.Offer.class, within);
    return assertInstanceOf(WorkItem.PageFetch.class, offer.item());
  }

  @Test
  void countsTheHostAsBackingOffFromARetryUntilItAnswersWell() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    MemoryFrontier frontier = frontierWith("/a", "/b");
    CrawlMetrics metrics = new CrawlMetrics(new SimpleMeterRegistry(), frontier::counts);
    ActorRef<HostQueue.Command> queue = queue(broker, frontier, Duration.ZERO, 1, false,
        testKit.<HostRegion.Command>createTestProbe(), ofSeconds(60), metrics);
    queue.tell(HostQueue.WorkAvailable.INSTANCE);
    WorkItem.PageFetch first = page(broker, ofSeconds(1));
    assertEquals(0, backingOff(metrics));

    queue.tell(new HostQueue.FetchFinished(first.url(), 1, Optional.of(ofMillis(100)), 503));
    WorkItem.PageFetch retry = page(broker, ofSeconds(1)); // the same URL again, after the backoff
    assertEquals(first.url(), retry.url());
    assertEquals(1, backingOff(metrics));
    assertTrue(metrics.registry().get("spindle.host.backoff.longest").gauge().value() > 0);
    queue.tell(new HostQueue.FetchFinished(retry.url(), 2, Optional.empty(), 503)); // retries spent, still failing
    WorkItem.PageFetch second = page(broker, ofSeconds(1));
    assertEquals(1, backingOff(metrics), "a 503 is no good answer");

    queue.tell(new HostQueue.FetchFinished(second.url(), 1, Optional.empty(), 200));
    testKit.createTestProbe().awaitAssert(ofSeconds(1), () -> {
      assertEquals(0, backingOff(metrics));
      assertEquals(0.0, metrics.registry().get("spindle.host.backoff.longest").gauge().value());
      return null;
    });
  }

  private static double backingOff(CrawlMetrics metrics) {
    return metrics.registry().get("spindle.hosts.backing.off").gauge().value();
  }

  @Test
  void offersTheNextUrlOnlyAfterTheDelayHasPassedSinceTheLastFetchEnded() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    ActorRef<HostQueue.Command> queue = queue(broker, frontierWith("/a", "/b"), ofMillis(300), 1, false);
    queue.tell(HostQueue.WorkAvailable.INSTANCE);

    WorkItem.PageFetch first = page(broker, ofSeconds(1));
    assertEquals("http://example.org/a", first.url().url());
    broker.expectNoMessage(ofMillis(200)); // one request in flight per host
    queue.tell(new HostQueue.FetchFinished(first.url(), 1, Optional.empty(), 200));
    broker.expectNoMessage(ofMillis(250)); // the delay counts from the end of the fetch
    assertEquals("http://example.org/b", page(broker, ofSeconds(1)).url().url());
  }

  @Test
  void allowsAsManyRequestsInFlightAsThePerHostConcurrency() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    ActorRef<HostQueue.Command> queue = queue(broker, frontierWith("/a", "/b", "/c", "/d"), Duration.ZERO, 3, false);
    queue.tell(HostQueue.WorkAvailable.INSTANCE);

    WorkItem.PageFetch first = page(broker, ofSeconds(1));
    page(broker, ofSeconds(1));
    page(broker, ofSeconds(1));
    broker.expectNoMessage(ofMillis(200));
    queue.tell(new HostQueue.FetchFinished(first.url(), 1, Optional.empty(), 200));
    assertEquals("http://example.org/d", page(broker, ofSeconds(1)).url().url());
  }

  @Test
  void fetchesRobotsTxtFirstThenRejectsDisallowedUrlsAndWaitsTheCrawlDelay() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    ActorRef<HostQueue.Command> queue = queue(broker, frontierWith("/private/x", "/a", "/b"), Duration.ZERO, 1, true);
    queue.tell(HostQueue.WorkAvailable.INSTANCE);

    WorkBroker.Offer robots = broker.expectMessageClass(WorkBroker.Offer.class, ofSeconds(1));
    assertEquals(new WorkItem.RobotsFetch("http://example.org/robots.txt"), robots.item());
    broker.expectNoMessage(ofMillis(100)); // nothing else until robots.txt is known
    byte[] file = "User-agent: *\nDisallow: /private/\nCrawl-delay: 1\n".getBytes(StandardCharsets.UTF_8);
    RobotsRules rules = new RobotsRules(List.of("SpindleBot"), 512 * 1024);
    queue.tell(new HostQueue.RobotsFinished(new RobotsOutcome.Rules(
        rules.parse("http://example.org/robots.txt", file, "text/plain"))));

    WorkBroker.Offer reject = broker.expectMessageClass(WorkBroker.Offer.class, ofSeconds(1));
    WorkItem.Reject rejected = assertInstanceOf(WorkItem.Reject.class, reject.item());
    assertEquals(ErrorKind.ROBOTS_DISALLOWED, rejected.kind());
    broker.expectNoMessage(ofMillis(800)); // the Crawl-delay of 1 s counts from the robots.txt request
    WorkItem.PageFetch a = page(broker, ofSeconds(1));
    queue.tell(new HostQueue.FetchFinished(a.url(), 1, Optional.empty(), 200));
    broker.expectNoMessage(ofMillis(900));
    page(broker, ofSeconds(1));
  }

  private static void assertAddressBlocked(TestProbe<WorkBroker.Command> broker, String reason) {
    WorkBroker.Offer offer = broker.expectMessageClass(WorkBroker.Offer.class, ofSeconds(1));
    WorkItem.Reject rejected = assertInstanceOf(WorkItem.Reject.class, offer.item());
    assertEquals(ErrorKind.ADDRESS_BLOCKED, rejected.kind());
    assertEquals(reason, rejected.message());
  }

  @Test
  void aHostWhoseAddressIsRefusedForRobotsTxtGetsAddressBlockedForEveryUrlWithoutARequest() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    ActorRef<HostQueue.Command> queue = queue(broker, frontierWith("/a", "/b"), Duration.ZERO, 1, true);
    queue.tell(HostQueue.WorkAvailable.INSTANCE);
    assertInstanceOf(WorkItem.RobotsFetch.class, broker.expectMessageClass(WorkBroker.Offer.class, ofSeconds(1))
        .item());

    String reason = "169.254.169.254 (example.org) is the cloud metadata address, always refused";
    queue.tell(new HostQueue.RobotsFinished(new RobotsOutcome.AddressBlocked(reason)));
    assertAddressBlocked(broker, reason);
    assertAddressBlocked(broker, reason);
    broker.expectNoMessage(ofMillis(300)); // neither robots.txt again nor a page
  }

  @Test
  void aRefusedPageMakesTheHostsOtherUrlsAddressBlockedWithoutARequest() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    ActorRef<HostQueue.Command> queue = queue(broker, frontierWith("/a", "/b", "/c"), Duration.ZERO, 1, false);
    queue.tell(HostQueue.WorkAvailable.INSTANCE);
    WorkItem.PageFetch first = page(broker, ofSeconds(1));

    String reason = "10.0.0.5 (example.org) is private (10.0.0.0/8), refused";
    queue.tell(new HostQueue.FetchFinished(first.url(), 1, Optional.empty(), -1, Optional.of(reason)));
    assertAddressBlocked(broker, reason);
    assertAddressBlocked(broker, reason);
    broker.expectNoMessage(ofMillis(300));
  }

  @Test
  void aRetryWaitsForItsBackoffAndKeepsTheAttemptCount() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    ActorRef<HostQueue.Command> queue = queue(broker, frontierWith("/a"), Duration.ZERO, 1, false);
    queue.tell(HostQueue.WorkAvailable.INSTANCE);

    WorkItem.PageFetch first = page(broker, ofSeconds(1));
    queue.tell(new HostQueue.FetchFinished(first.url(), 1, Optional.of(ofMillis(400)), 429));
    broker.expectNoMessage(ofMillis(300));
    WorkItem.PageFetch retry = page(broker, ofSeconds(1));
    assertEquals(first.url(), retry.url());
    assertEquals(2, retry.attempt());
  }

  @Test
  void workThatNeverReachedAFetcherIsOfferedAgain() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    ActorRef<HostQueue.Command> queue = queue(broker, frontierWith("/a"), Duration.ZERO, 1, false);
    queue.tell(HostQueue.WorkAvailable.INSTANCE);

    WorkItem.PageFetch lost = page(broker, ofSeconds(1));
    queue.tell(new HostQueue.Undeliverable(lost));
    WorkItem.PageFetch again = page(broker, ofSeconds(1));
    assertEquals(lost, again);
  }

  @Test
  void anIdleQueueAsksToBePassivatedAndStopsOnlyWhileStillIdle() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    TestProbe<HostRegion.Command> region = testKit.createTestProbe();
    MemoryFrontier frontier = frontierWith("/a");
    ActorRef<HostQueue.Command> queue = queue(broker, frontier, Duration.ZERO, 1, false, region, ofMillis(300));
    queue.tell(HostQueue.WorkAvailable.INSTANCE);
    WorkItem.PageFetch fetch = page(broker, ofSeconds(1));
    region.expectNoMessage(ofMillis(500)); // a request in flight: not idle
    queue.tell(new HostQueue.FetchFinished(fetch.url(), 1, Optional.empty(), 200));

    assertEquals(queue, region.expectMessageClass(HostRegion.Idle.class, ofSeconds(1)).queue()); // at once
    HostRegion.Passivate passivate = region.expectMessageClass(HostRegion.Passivate.class, ofSeconds(2));
    assertEquals(queue, passivate.queue());
    frontier.add(List.of(CrawlUrl.seed("http://example.org/late", HOST)));
    queue.tell(HostQueue.WorkAvailable.INSTANCE); // work arrives before the region's answer
    queue.tell(HostQueue.Stop.INSTANCE);
    region.expectMessageClass(HostRegion.PassivationCancelled.class);
    WorkItem.PageFetch late = page(broker, ofSeconds(1));
    queue.tell(new HostQueue.FetchFinished(late.url(), 1, Optional.empty(), 200));

    region.expectMessageClass(HostRegion.Idle.class, ofSeconds(1));
    region.expectMessageClass(HostRegion.Passivate.class, ofSeconds(2));
    queue.tell(HostQueue.Stop.INSTANCE);
    region.expectTerminated(queue, ofSeconds(1));
  }

  @Test
  void aPausedHostStartsNothingUntilResumedAndItsStatusSaysSo() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    ActorRef<HostQueue.Command> queue = queue(broker, frontierWith("/a", "/b"), Duration.ZERO, 1, false);
    controls.apply(HOST, new HostControl(Optional.empty(), Optional.empty(), Optional.of(true), Optional.empty()));
    queue.tell(new HostQueue.ControlsChanged(controls.get(HOST)));
    queue.tell(HostQueue.WorkAvailable.INSTANCE);
    broker.expectNoMessage(ofMillis(300));

    TestProbe<HostQueue.HostStatus> status = testKit.createTestProbe();
    queue.tell(new HostQueue.GetStatus(status.ref()));
    HostQueue.HostStatus paused = status.receiveMessage();
    assertTrue(paused.paused());
    assertEquals(false, paused.ready());

    controls.apply(HOST, new HostControl(Optional.empty(), Optional.empty(), Optional.of(false), Optional.empty()));
    queue.tell(new HostQueue.ControlsChanged(controls.get(HOST)));
    assertEquals("http://example.org/a", page(broker, ofSeconds(1)).url().url());
  }

  @Test
  void aBlockedHostRecordsItsQueuedUrlsAsBlockedWithoutFetchingThem() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    ActorRef<HostQueue.Command> queue = queue(broker, frontierWith("/a", "/b"), Duration.ZERO, 1, false);
    controls.apply(HOST, new HostControl(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(true)));
    queue.tell(new HostQueue.ControlsChanged(controls.get(HOST)));

    for (String path : List.of("/a", "/b")) {
      WorkBroker.Offer offer = broker.expectMessageClass(WorkBroker.Offer.class, ofSeconds(1));
      WorkItem.Reject reject = assertInstanceOf(WorkItem.Reject.class, offer.item());
      assertEquals(ErrorKind.BLOCKED, reject.kind());
      assertEquals("http://example.org" + path, reject.url().url());
    }
  }

  @Test
  void anOperatorsDelayAndConcurrencyReplaceTheDefaultsLive() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    ActorRef<HostQueue.Command> queue = queue(broker, frontierWith("/a", "/b", "/c", "/d"), ofSeconds(30), 1, false);
    queue.tell(HostQueue.WorkAvailable.INSTANCE);
    WorkItem.PageFetch first = page(broker, ofSeconds(1));
    queue.tell(new HostQueue.FetchFinished(first.url(), 1, Optional.empty(), 503));
    broker.expectNoMessage(ofMillis(200)); // 30 s of delay

    controls.apply(HOST, new HostControl(Optional.of(Duration.ZERO), Optional.of(2), Optional.empty(),
        Optional.empty()));
    queue.tell(new HostQueue.ControlsChanged(controls.get(HOST)));
    page(broker, ofSeconds(1));
    page(broker, ofSeconds(1)); // two in flight now
    broker.expectNoMessage(ofMillis(200));

    TestProbe<HostQueue.HostStatus> status = testKit.createTestProbe();
    queue.tell(new HostQueue.GetStatus(status.ref()));
    HostQueue.HostStatus now = status.receiveMessage();
    assertEquals(2, now.inFlight());
    assertEquals(2, now.leases().size());
    assertEquals(2, now.concurrency());
    assertEquals(Duration.ZERO, now.effectiveDelay());
    assertEquals(java.util.OptionalInt.of(503), now.lastStatus());
  }

  @Test
  void aBackoffAfter429IsReportedWithItsEnd() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    ActorRef<HostQueue.Command> queue = queue(broker, frontierWith("/a"), Duration.ZERO, 1, false);
    queue.tell(HostQueue.WorkAvailable.INSTANCE);
    WorkItem.PageFetch first = page(broker, ofSeconds(1));
    java.time.Instant before = java.time.Instant.now();
    queue.tell(new HostQueue.FetchFinished(first.url(), 1, Optional.of(ofSeconds(20)), 429));

    TestProbe<HostQueue.HostStatus> status = testKit.createTestProbe();
    queue.tell(new HostQueue.GetStatus(status.ref()));
    HostQueue.HostStatus backingOff = status.receiveMessage();
    java.time.Instant until = backingOff.backoffUntil().orElseThrow();
    assertTrue(until.isAfter(before.plusSeconds(19)) && until.isBefore(before.plusSeconds(21)), until.toString());
    assertEquals(0, backingOff.inFlight());
    assertEquals(1, backingOff.windowed());
  }
}
