package spindle.engine;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.QueueOfferResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import spindle.core.CrawlUrl;
import spindle.core.ErrorKind;
import spindle.core.HostKey;
import spindle.fetch.FetchResult;
import spindle.fetch.PageFetcher;
import spindle.fetch.RetryPolicy;
import spindle.fetch.robots.RobotsRules;
import spindle.fetch.sitemaps.SitemapSettings;
import spindle.store.FrontierCounts;

/** A fetcher's protocol with its host queue, the broker and the results stream, with fakes for all three. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FetcherTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private static final CrawlUrl URL = CrawlUrl.seed("http://example.org/a", HostKey.of("example.org", -1));

  private final CrawlMetrics metrics =
      new CrawlMetrics(new SimpleMeterRegistry(), () -> new FrontierCounts(0, 0, 0, 0, 0, 0, 0));

  private ActorRef<Fetcher.Command> fetcher(TestProbe<WorkBroker.Command> broker, PageFetcher pages,
      ResultsQueue results) {
    Fetcher.Dependencies deps = new Fetcher.Dependencies(broker.ref(), pages, results,
        new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5)),
        new RobotsRules(List.of("SpindleBot"), 1024), 1 << 20, 1024, ofSeconds(5), metrics);
    return testKit.spawn(Behaviors.supervise(Fetcher.create(deps)).onFailure(SupervisorStrategy.restart()));
  }

  private ActorRef<Fetcher.Command> sitemapFetcher(TestProbe<WorkBroker.Command> broker, PageFetcher pages,
      ResultsQueue results) {
    Fetcher.Dependencies deps = new Fetcher.Dependencies(broker.ref(), pages, results,
        new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5)),
        new RobotsRules(List.of("SpindleBot"), 1024), 1 << 20, 1024, ofSeconds(5), metrics,
        new SitemapSettings(true, 4096, 10));
    return testKit.spawn(Behaviors.supervise(Fetcher.create(deps)).onFailure(SupervisorStrategy.restart()));
  }

  @Test
  void theHostHearsItsRobotsRulesOnlyOnceTheSitemapsTheyNameAreAdmitted() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    TestProbe<HostQueue.Command> host = testKit.createTestProbe();
    java.util.concurrent.atomic.AtomicReference<Submitted> submitted = new java.util.concurrent.atomic.AtomicReference<>();
    byte[] robots = "User-agent: *\nDisallow:\nSitemap: http://example.org/a.xml\nSitemap: http://example.org/b.xml\n"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ActorRef<Fetcher.Command> fetcher = sitemapFetcher(broker, (url, max) -> CompletableFuture.completedFuture(
        FetchResult.response(url, 200, FetchResult.Headers.NONE, robots, false, max, 3)), outcome -> {
          submitted.set(outcome);
          return CompletableFuture.completedFuture(QueueOfferResult.enqueued());
        });
    broker.expectMessageClass(WorkBroker.RequestWork.class);

    fetcher.tell(new Fetcher.Assign(new WorkItem.RobotsFetch("http://example.org/robots.txt"), host.ref()));
    host.expectNoMessage(Duration.ofMillis(200)); // the sitemaps are in the stream, not yet in the frontier
    FetchOutcome.RobotsFetched fetched = (FetchOutcome.RobotsFetched) submitted.get().outcome();
    assertEquals(List.of("http://example.org/a.xml", "http://example.org/b.xml"), fetched.sitemaps());
    submitted.get().ack().committed();
    assertTrue(host.expectMessageClass(HostQueue.RobotsFinished.class).outcome()
        instanceof spindle.fetch.robots.RobotsOutcome.Rules);
    broker.expectMessageClass(WorkBroker.RequestWork.class);
  }

  @Test
  void aRobotsTxtThatNamesNoSitemapLeadsToSitemapXmlAndASitemapIsFetchedWithItsOwnSizeLimit() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    TestProbe<HostQueue.Command> host = testKit.createTestProbe();
    TestProbe<FetchOutcome> stream = testKit.createTestProbe();
    java.util.Map<String, Long> limits = new java.util.concurrent.ConcurrentHashMap<>();
    ActorRef<Fetcher.Command> fetcher = sitemapFetcher(broker, (url, max) -> {
      limits.put(url, max);
      return CompletableFuture.completedFuture(FetchResult.response(url, 404, FetchResult.Headers.NONE, new byte[0],
          false, max, 3));
    }, outcome -> {
      stream.ref().tell(outcome.outcome());
      outcome.ack().committed();
      return CompletableFuture.completedFuture(QueueOfferResult.enqueued());
    });
    broker.expectMessageClass(WorkBroker.RequestWork.class);

    fetcher.tell(new Fetcher.Assign(new WorkItem.RobotsFetch("http://example.org:8080/robots.txt"), host.ref()));
    assertEquals(List.of("http://example.org:8080/sitemap.xml"),
        ((FetchOutcome.RobotsFetched) stream.expectMessageClass(FetchOutcome.RobotsFetched.class)).sitemaps());
    host.expectMessageClass(HostQueue.RobotsFinished.class);
    broker.expectMessageClass(WorkBroker.RequestWork.class);

    CrawlUrl sitemap = CrawlUrl.sitemap("http://example.org/s.xml", URL.host(), java.util.Optional.empty());
    fetcher.tell(new Fetcher.Assign(new WorkItem.PageFetch(sitemap, 1), host.ref()));
    host.expectMessageClass(HostQueue.FetchFinished.class);
    assertEquals(4096L, limits.get(sitemap.url()), "spindle.sitemaps.max-size, not max-body-size");
    assertEquals(1024L, limits.get("http://example.org:8080/robots.txt"));
  }

  private static PageFetcher answering(int status) {
    return (url, max) -> CompletableFuture.completedFuture(FetchResult.response(url, status,
        FetchResult.Headers.NONE, new byte[0], false, max, 3));
  }

  @Test
  void reportsTheEndOfTheRequestToItsHostThenAsksForMoreOnlyOnceTheOutcomeIsDurable() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    TestProbe<HostQueue.Command> host = testKit.createTestProbe();
    CompletableFuture<QueueOfferResult> accepted = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicReference<Submitted> submitted = new java.util.concurrent.atomic.AtomicReference<>();
    ActorRef<Fetcher.Command> fetcher = fetcher(broker, answering(200), outcome -> {
      submitted.set(outcome);
      return accepted;
    });
    broker.expectMessageClass(WorkBroker.RequestWork.class);

    fetcher.tell(new Fetcher.Assign(new WorkItem.PageFetch(URL, 1), host.ref()));
    HostQueue.FetchFinished finished = host.expectMessageClass(HostQueue.FetchFinished.class);
    assertTrue(finished.retryAfter().isEmpty());
    broker.expectNoMessage(Duration.ofMillis(200)); // the stream has not taken the outcome yet
    accepted.complete(QueueOfferResult.enqueued());
    broker.expectNoMessage(Duration.ofMillis(200)); // taken, but not yet written and marked done
    submitted.get().ack().committed();
    broker.expectMessageClass(WorkBroker.RequestWork.class);
  }

  @Test
  void aRetryableAnswerGoesBackToTheHostWithoutARecord() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    TestProbe<HostQueue.Command> host = testKit.createTestProbe();
    AtomicInteger offers = new AtomicInteger();
    ActorRef<Fetcher.Command> fetcher = fetcher(broker, answering(503), outcome -> {
      offers.incrementAndGet();
      outcome.ack().committed(); // before the offer completes: either order must work
      return CompletableFuture.completedFuture(QueueOfferResult.enqueued());
    });
    broker.expectMessageClass(WorkBroker.RequestWork.class);

    fetcher.tell(new Fetcher.Assign(new WorkItem.PageFetch(URL, 1), host.ref()));
    HostQueue.FetchFinished finished = host.expectMessageClass(HostQueue.FetchFinished.class);
    assertEquals(Duration.ofMillis(100), finished.retryAfter().orElseThrow());
    broker.expectMessageClass(WorkBroker.RequestWork.class);
    assertEquals(0, offers.get());

    fetcher.tell(new Fetcher.Assign(new WorkItem.PageFetch(URL, 3), host.ref())); // the last allowed attempt
    assertTrue(host.expectMessageClass(HostQueue.FetchFinished.class).retryAfter().isEmpty());
    broker.expectMessageClass(WorkBroker.RequestWork.class);
    assertEquals(1, offers.get());
  }

  @Test
  void aCrashedFetcherIsRestartedItsUrlGetsAnInternalRecordAndItAsksForWorkAgain() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    TestProbe<HostQueue.Command> host = testKit.createTestProbe();
    long restartsBefore = metrics.restarts();
    ActorRef<Fetcher.Command> fetcher = fetcher(broker, answering(200), outcome -> {
      throw new IllegalStateException("a bug in the results queue");
    });
    broker.expectMessageClass(WorkBroker.RequestWork.class);

    fetcher.tell(new Fetcher.Assign(new WorkItem.PageFetch(URL, 1), host.ref()));
    host.expectMessageClass(HostQueue.FetchFinished.class);
    HostQueue.Crashed crashed = host.expectMessageClass(HostQueue.Crashed.class);
    assertEquals(new WorkItem.PageFetch(URL, 1), crashed.item());
    assertTrue(crashed.requestEnded(), "the host's slot was already freed");
    broker.expectMessageClass(WorkBroker.RequestWork.class, ofSeconds(3)); // the restarted fetcher
    assertEquals(restartsBefore + 1, metrics.restarts());
  }

  @Test
  void aRejectionBecomesARecordWithoutARequest() {
    TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    TestProbe<HostQueue.Command> host = testKit.createTestProbe();
    TestProbe<FetchOutcome> stream = testKit.createTestProbe();
    ActorRef<Fetcher.Command> fetcher = fetcher(broker,
        (url, max) -> { throw new AssertionError("no request may be sent for a rejection"); },
        outcome -> {
          stream.ref().tell(outcome.outcome());
          CompletableFuture<QueueOfferResult> offered = CompletableFuture.completedFuture(QueueOfferResult.enqueued());
          outcome.ack().committed();
          return offered;
        });
    broker.expectMessageClass(WorkBroker.RequestWork.class);

    fetcher.tell(new Fetcher.Assign(new WorkItem.Reject(URL, ErrorKind.ROBOTS_DISALLOWED, "no"), host.ref()));
    FetchOutcome.Rejected rejected = (FetchOutcome.Rejected) stream.expectMessageClass(FetchOutcome.Rejected.class);
    assertEquals(ErrorKind.ROBOTS_DISALLOWED, rejected.kind());
    host.expectMessage(HostQueue.RejectRecorded.INSTANCE);
    broker.expectMessageClass(WorkBroker.RequestWork.class);
  }
}
