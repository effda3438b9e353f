package spindle.engine;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.core.url.UrlNormalizer;
import spindle.store.Frontier;
import spindle.store.FrontierCounts;
import spindle.store.FrontierLimits;
import spindle.store.HostOrder;
import spindle.store.MemoryFrontier;

/**
 * The answers about hosts: the frontier's tallies joined with the running queues' live state, always answered
 * (a failed answer when the frontier cannot be read, the frontier's part alone when the queues are late), and the
 * collector that gathers the queues' statuses. Time is manual: a deadline passes only when a test says so.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostReportsTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder()
      .withCustomConfig(ManualTime.config().withFallback(com.typesafe.config.ConfigFactory.load())).build();

  private static final HostKey A = HostKey.of("a.example", -1);
  private static final HostKey B = HostKey.of("b.example", -1);
  private static final Duration TIMEOUT = ofSeconds(3);
  private static final PolitenessSettings POLITENESS = new PolitenessSettings(ofMillis(500), ofSeconds(10), 1,
      OptionalDouble.empty());

  private ManualTime time() {
    return ManualTime.get(testKit.system());
  }

  private static MemoryFrontier frontier() {
    MemoryFrontier frontier = new MemoryFrontier(FrontierLimits.NONE, UrlNormalizer::fingerprint);
    frontier.add(List.of(CrawlUrl.seed("http://a.example/1", A), CrawlUrl.seed("http://a.example/2", A),
        CrawlUrl.seed("http://a.example/3", A), CrawlUrl.seed("http://b.example/1", B)));
    return frontier;
  }

  /** A frontier whose every read fails, as a database that went away. */
  private static Frontier unreadable() {
    return (Frontier) Proxy.newProxyInstance(Frontier.class.getClassLoader(), new Class<?>[] {Frontier.class},
        (proxy, method, args) -> {
          throw new UncheckedIOException(new java.io.IOException("connection refused"));
        });
  }

  private final TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();

  private HostReports.Sources sources(Frontier frontier, TestProbe<HostRegion.Command> region,
      HostControls controls) {
    return new HostReports.Sources(frontier, Runnable::run, region.ref(), broker.ref(), POLITENESS, true, controls,
        TIMEOUT);
  }

  /** A queue's status with one request in flight, or none when it waits for its delay. */
  private static HostQueue.HostStatus status(HostKey host, int windowed, String robots, boolean ready,
      Optional<Instant> nextRequestAt, Optional<Instant> backoffUntil, boolean paused) {
    List<HostReport.Lease> leases = nextRequestAt.isPresent() ? List.of()
        : List.of(new HostReport.Lease("http://" + host.name() + "/1", ofMillis(40)));
    return new HostQueue.HostStatus(host, windowed, leases.size(), robots, ofMillis(500), "base", "base",
        nextRequestAt,
        backoffUntil, Optional.empty(), OptionalInt.of(200), paused, false, 1, leases, ready, false);
  }

  @Test
  void aHostsReportJoinsItsTallyWithItsRunningQueuesLiveState() {
    TestProbe<HostRegion.Command> region = testKit.createTestProbe();
    TestProbe<Answer<HostReport>> replyTo = testKit.createTestProbe();
    testKit.spawn(HostReports.host(sources(frontier(), region, new HostControls()), A, replyTo.ref()));

    HostRegion.Collect collect = region.expectMessageClass(HostRegion.Collect.class);
    assertEquals(Optional.of(Set.of(A)), collect.hosts()); // only the host asked about, never a new queue
    collect.replyTo().tell(new HostRegion.Collected(List.of(status(A, 2, "ready", true, Optional.empty(),
        Optional.empty(), false)), 0));

    HostReport report = replyTo.receiveMessage().orElseThrow();
    assertEquals(A, report.host());
    assertEquals(5, report.queued()); // three in the frontier and two in the queue's window
    assertEquals(1, report.inFlight());
    assertEquals(1, report.leases().size());
    assertEquals("ready", report.robots());
    assertEquals(OptionalInt.of(200), report.lastStatus());
    assertTrue(report.active());
  }

  @Test
  void aHostWithoutARunningQueueIsReportedWithTheDelayItsQueueWouldUse() {
    TestProbe<HostRegion.Command> region = testKit.createTestProbe();
    TestProbe<Answer<HostReport>> replyTo = testKit.createTestProbe();
    HostControls controls = new HostControls();
    controls.apply(B, new HostControl(Optional.of(ofSeconds(2)), Optional.of(3), Optional.empty(), Optional.empty()));
    testKit.spawn(HostReports.host(sources(frontier(), region, controls), B, replyTo.ref()));
    region.expectMessageClass(HostRegion.Collect.class).replyTo().tell(new HostRegion.Collected(List.of(), 0));

    HostReport report = replyTo.receiveMessage().orElseThrow();
    assertFalse(report.active());
    assertEquals("not-loaded", report.robots());
    assertEquals(1, report.queued());
    assertEquals(ofSeconds(2), report.effectiveDelay()); // the operator's, as HostPoliteness computes it
    assertEquals(3, report.concurrency());
  }

  @Test
  void aListAsksTheRegionOnlyAboutTheHostsTheFrontierNamed() {
    TestProbe<HostRegion.Command> region = testKit.createTestProbe();
    TestProbe<Answer<HostList>> replyTo = testKit.createTestProbe();
    testKit.spawn(HostReports.list(sources(frontier(), region, new HostControls()), HostOrder.QUEUED, 1,
        replyTo.ref()));

    HostRegion.Collect collect = region.expectMessageClass(HostRegion.Collect.class);
    assertEquals(Optional.of(Set.of(A)), collect.hosts()); // the busiest host, the only one of the page
    collect.replyTo().tell(new HostRegion.Collected(List.of(), 0));
    HostList list = replyTo.receiveMessage().orElseThrow();
    assertEquals(2, list.totalHosts());
    assertEquals(List.of(A), list.hosts().stream().map(HostReport::host).toList());
  }

  @Test
  void whySortsTheRunningQueuesByWhatTheyWaitForAndLeavesOffersHeldInTheBrokerOutOfFlight() {
    TestProbe<HostRegion.Command> region = testKit.createTestProbe();
    TestProbe<Answer<WhyReport>> replyTo = testKit.createTestProbe();
    testKit.spawn(HostReports.why(sources(frontier(), region, new HostControls()), 10, false, false,
        replyTo.ref()));

    HostRegion.Collect collect = region.expectMessageClass(HostRegion.Collect.class);
    assertEquals(Optional.empty(), collect.hosts()); // every running queue
    Instant soon = Instant.now().plusSeconds(5);
    HostKey c = HostKey.of("c.example", -1);
    HostKey d = HostKey.of("d.example", -1);
    HostKey e = HostKey.of("e.example", -1);
    collect.replyTo().tell(new HostRegion.Collected(List.of(
        status(A, 3, "ready", false, Optional.of(soon), Optional.empty(), false),
        status(B, 1, "ready", false, Optional.of(soon), Optional.of(soon), false),
        status(c, 1, "waiting-retry", false, Optional.empty(), Optional.empty(), false),
        status(d, 1, "ready", false, Optional.empty(), Optional.empty(), true),
        status(e, 1, "ready", false, Optional.empty(), Optional.empty(), false)), 4));

    // only once the hosts answered: an offer a host made before its answer is in the broker by then
    broker.expectMessageClass(WorkBroker.GetOffered.class).replyTo().tell(new WorkBroker.Offered(
        Set.of("http://e.example/1")));
    WhyReport why = replyTo.receiveMessage().orElseThrow();
    assertEquals(4, why.queued());
    assertEquals(4, why.waitingHosts());
    assertEquals(List.of(A), why.politeness().stream().map(WhyReport.HostWait::host).toList());
    assertEquals(List.of(B), why.backoff().stream().map(WhyReport.HostWait::host).toList());
    assertEquals(List.of(c), why.robots().stream().map(WhyReport.HostWait::host).toList());
    assertEquals(List.of(d), why.pausedHosts());
    // an offer waiting in the broker is leased but not in flight
    assertEquals(Set.of("http://c.example/1", "http://d.example/1"),
        Set.copyOf(why.inFlight().stream().map(WhyReport.InFlight::url).toList()));
  }

  @Test
  void whyListsTheHostsWhoseUrlsAllWaitForARevisitWithTheirNextDueTime() {
    Instant later = Instant.parse("2026-12-06T23:00:00Z");
    Instant latest = later.plusSeconds(60);
    HostKey c = HostKey.of("c.example", -1);
    WhyReport why = HostReports.why(List.of(
            status(A, 1, "ready", true, Optional.empty(), Optional.empty(), false), // work now: not waiting for it
            status(B, 0, "ready", false, Optional.of(later), Optional.empty(), false)), 0, // idle: nothing leased
        new FrontierCounts(9, 1, 1, 0, 0, 0, 0, 7),
        List.of(new Frontier.HostDue(A, later), new Frontier.HostDue(B, later), new Frontier.HostDue(c, latest)),
        10, false, false);
    assertEquals(7, why.scheduled());
    assertEquals(List.of(new WhyReport.HostWait(B, "every URL waits for its revisit", Optional.of(later)),
        new WhyReport.HostWait(c, "every URL waits for its revisit", Optional.of(latest))), why.revisits());
    assertFalse(why.truncated());
    assertTrue(HostReports.why(List.of(), 0, new FrontierCounts(9, 0, 0, 0, 0, 0, 0, 9), List.of(
        new Frontier.HostDue(B, later), new Frontier.HostDue(c, latest)), 1, false, false).truncated());
  }

  @Test
  void aFrontierThatCannotBeReadGetsAFailedAnswerForEveryQuestionAtOnce() {
    TestProbe<HostRegion.Command> region = testKit.createTestProbe();
    HostReports.Sources sources = sources(unreadable(), region, new HostControls());
    TestProbe<Answer<HostReport>> host = testKit.createTestProbe();
    TestProbe<Answer<HostList>> list = testKit.createTestProbe();
    TestProbe<Answer<WhyReport>> why = testKit.createTestProbe();
    testKit.spawn(HostReports.host(sources, A, host.ref()));
    testKit.spawn(HostReports.list(sources, HostOrder.HOST, 10, list.ref()));
    testKit.spawn(HostReports.why(sources, 10, false, false, why.ref()));

    // no time passes: the answers do not wait for a deadline
    for (Answer<?> answer : List.of(host.receiveMessage(), list.receiveMessage(), why.receiveMessage())) {
      Answer.Failed<?> failed = assertInstanceOf(Answer.Failed.class, answer);
      assertTrue(failed.reason().startsWith("could not read the crawl's frontier: "), failed.reason());
      assertTrue(failed.reason().contains("connection refused"), failed.reason());
    }
    broker.expectNoMessage(ofMillis(50));
  }

  @Test
  void queuesThatDoNotAnswerInTimeLeaveTheFrontiersPartToAnswerAlone() {
    TestProbe<HostRegion.Command> region = testKit.createTestProbe();
    TestProbe<Answer<HostReport>> replyTo = testKit.createTestProbe();
    testKit.spawn(HostReports.host(sources(frontier(), region, new HostControls()), A, replyTo.ref()));
    region.expectMessageClass(HostRegion.Collect.class); // and no answer: the region is stuck

    time().expectNoMessageFor(TIMEOUT, replyTo);
    time().timePasses(ofSeconds(1));
    HostReport report = replyTo.receiveMessage().orElseThrow();
    assertEquals(3, report.queued());
    assertFalse(report.active());
  }

  @Test
  void theCollectorRepliesOnceEveryQueueAnswered() {
    TestProbe<HostRegion.Collected> replyTo = testKit.createTestProbe();
    TestProbe<HostQueue.Command> first = testKit.createTestProbe();
    TestProbe<HostQueue.Command> second = testKit.createTestProbe();
    testKit.spawn(StatusCollector.create(2, 7, TIMEOUT, replyTo.ref(), statusTo -> List.of(first, second)
        .forEach(queue -> queue.ref().tell(new HostQueue.GetStatus(statusTo)))));

    first.expectMessageClass(HostQueue.GetStatus.class).replyTo().tell(status(A, 1, "ready", true,
        Optional.empty(), Optional.empty(), false));
    replyTo.expectNoMessage(ofMillis(50));
    second.expectMessageClass(HostQueue.GetStatus.class).replyTo().tell(status(B, 1, "ready", true,
        Optional.empty(), Optional.empty(), false));
    HostRegion.Collected collected = replyTo.receiveMessage();
    assertEquals(Set.of(A, B), Set.copyOf(collected.statuses().stream().map(HostQueue.HostStatus::host).toList()));
    assertEquals(7, collected.waitingHosts());
  }

  @Test
  void theCollectorRepliesWithWhatCameInTimeWhenAQueueNeverAnswers() {
    TestProbe<HostRegion.Collected> replyTo = testKit.createTestProbe();
    TestProbe<HostQueue.Command> answering = testKit.createTestProbe();
    TestProbe<HostQueue.Command> stopped = testKit.createTestProbe();
    testKit.spawn(StatusCollector.create(2, 0, TIMEOUT, replyTo.ref(), statusTo -> List.of(answering, stopped)
        .forEach(queue -> queue.ref().tell(new HostQueue.GetStatus(statusTo)))));
    answering.expectMessageClass(HostQueue.GetStatus.class).replyTo().tell(status(A, 1, "ready", true,
        Optional.empty(), Optional.empty(), false));
    stopped.expectMessageClass(HostQueue.GetStatus.class);

    time().expectNoMessageFor(TIMEOUT.minusMillis(1), replyTo);
    time().timePasses(ofMillis(1));
    assertEquals(List.of(A), replyTo.receiveMessage().statuses().stream().map(HostQueue.HostStatus::host).toList());
  }

  @Test
  void theCollectorOfNoQueueRepliesAtOnce() {
    TestProbe<HostRegion.Collected> replyTo = testKit.createTestProbe();
    testKit.spawn(StatusCollector.create(0, 2, TIMEOUT, replyTo.ref(), statusTo -> { }));
    assertEquals(new HostRegion.Collected(List.of(), 2), replyTo.receiveMessage());
  }
}
