package spindle.engine;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.core.url.UrlNormalizer;
import spindle.fetch.robots.RobotsOutcome;
import spindle.fetch.robots.RobotsSettings;
import spindle.store.FrontierLimits;
import spindle.store.MemoryFrontier;

/**
 * The single-node region: it routes by host and starts queues on first use, runs at most {@code max-active-hosts}
 * of them, lets waiting hosts take turns (a retiring queue hands its robots.txt rules and next start to the host's
 * next queue), and holds messages for a queue that is stopping. Real host queues; a probe stands in for the broker
 * (the test answers the fetches it is offered); time is manual.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostRegionTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder()
      .withCustomConfig(ManualTime.config().withFallback(com.typesafe.config.ConfigFactory.load())).build();

  private static final HostKey A = HostKey.of("a.example", -1);
  private static final HostKey B = HostKey.of("b.example", -1);

  private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

  private void pass(Duration time) {
    nanos.addAndGet(time.toNanos());
    ManualTime.get(testKit.system()).timePasses(time);
  }

  /** A region and what it runs on. */
  private final class Region {
    final TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();
    final MemoryFrontier frontier = new MemoryFrontier(FrontierLimits.NONE, UrlNormalizer::fingerprint);
    final ActorRef<HostRegion.Command> ref;

    Region(int maxActive, boolean robots, Duration delay, int sessionRequests) {
      PolitenessSettings politeness = new PolitenessSettings(delay, ofSeconds(30), 1, OptionalDouble.empty());
      RobotsSettings robotsSettings = new RobotsSettings(robots, Duration.ofHours(1), ofMillis(200), 1, 1024);
      HostQueue.Dependencies deps = new HostQueue.Dependencies(broker.ref(), frontier, Runnable::run, politeness,
          robotsSettings, "SpindleBot", 16, ofSeconds(60), new CrawlMetrics(new SimpleMeterRegistry(),
          frontier::counts), new HostControls(), sessionRequests, ofSeconds(600)).withNanoTime(nanos::get);
      ref = testKit.spawn(HostRegion.create(deps, maxActive));
    }

    void add(HostKey host, String... paths) {
      frontier.add(Arrays.stream(paths).map(path -> CrawlUrl.seed("http://" + host.name() + path, host)).toList());
    }

    void wake(HostKey host) {
      ref.tell(new HostRegion.Envelope(host, HostQueue.WorkAvailable.INSTANCE));
    }

    WorkBroker.Offer offer() {
      return broker.expectMessageClass(WorkBroker.Offer.class);
    }

    /** The next offer, which must be a page of {@code host}'s {@code path}. */
    WorkBroker.Offer page(HostKey host, String path) {
      WorkBroker.Offer offer = offer();
      WorkItem.PageFetch page = assertInstanceOf(WorkItem.PageFetch.class, offer.item());
      assertEquals("http://" + host.name() + path, page.url().url());
      return offer;
    }

    /** Ends the request of {@code offer} with {@code status}, to be retried after {@code retryAfter} if present. */
    void answer(WorkBroker.Offer offer, int status, Optional<Duration> retryAfter) {
      WorkItem.PageFetch page = (WorkItem.PageFetch) offer.item();
      offer.host().tell(new HostQueue.FetchFinished(page.url(), page.attempt(), retryAfter, status));
    }

    /**
     * The next offer, a robots.txt request of {@code host}; answered allow-all, and handled by the queue before
     * this returns (its delay then counts from now).
     */
    void robots(HostKey host) {
      WorkBroker.Offer offer = offer();
      assertEquals(new WorkItem.RobotsFetch("http://" + host.name() + "/robots.txt"), offer.item());
      offer.host().tell(new HostQueue.RobotsFinished(new RobotsOutcome.Rules(HostQueueRig.rules(
          "User-agent: *\nAllow: /\n"))));
      TestProbe<HostQueue.HostStatus> status = testKit.createTestProbe();
      offer.host().tell(new HostQueue.GetStatus(status.ref()));
      assertEquals("ready", status.receiveMessage().robots());
    }

    HostRegion.Collected collect() {
      TestProbe<HostRegion.Collected> replyTo = testKit.createTestProbe();
      ref.tell(new HostRegion.Collect(Optional.empty(), ofSeconds(3), replyTo.ref()));
      return replyTo.receiveMessage();
    }

    int running() {
      TestProbe<Integer> replyTo = testKit.createTestProbe();
      ref.tell(new HostRegion.CountHosts(replyTo.ref()));
      return replyTo.receiveMessage();
    }
  }

  @Test
  void routesByHostAndStartsAQueueOnFirstUse() {
    Region region = new Region(4, false, Duration.ZERO, 100);
    region.add(A, "/1");
    region.add(B, "/1");
    assertEquals(0, region.running());
    region.wake(A);
    region.page(A, "/1");
    region.wake(B);
    region.page(B, "/1");
    assertEquals(2, region.running());
  }

  @Test
  void runsAtMostMaxActiveQueuesAndAWaitingHostTakesThePlaceOfAnIdleOneAtOnce() {
    Region region = new Region(1, false, Duration.ZERO, 100);
    region.add(A, "/1");
    region.add(B, "/1");
    region.wake(A);
    WorkBroker.Offer first = region.page(A, "/1");
    region.wake(B);
    region.broker.expectNoMessage(ofMillis(100)); // no place for B while A works
    HostRegion.Collected collected = region.collect();
    assertEquals(List.of(A), collected.statuses().stream().map(HostQueue.HostStatus::host).toList());
    assertEquals(1, collected.waitingHosts());

    region.answer(first, 200, Optional.empty()); // A holds nothing more: stopped for B, no idle timeout needed
    region.page(B, "/1");
    assertEquals(1, region.running());
    assertEquals(0, region.collect().waitingHosts());
  }

  @Test
  void aQueuePastItsTurnRetiresForAWaitingHostAndItsNextTurnNeitherRefetchesRobotsNorStartsEarly() {
    Region region = new Region(1, true, ofMillis(500), 1);
    region.add(A, "/1", "/2");
    region.add(B, "/1");
    region.wake(A);
    region.robots(A);
    region.wake(B); // B waits for a place
    region.collect(); // (the region has handled it)
    pass(ofMillis(500));
    WorkBroker.Offer first = region.page(A, "/1"); // A's turn (one page) is spent: it retires
    region.answer(first, 503, Optional.of(ofSeconds(10))); // and the host asked to be left alone for 10 s

    region.robots(B); // B's turn
    pass(ofMillis(500));
    region.answer(region.page(B, "/1"), 200, Optional.empty());

    // A's next queue: its robots.txt rules and its next allowed start (the backoff's end) were carried over
    pass(ofMillis(9499)); // 10 s after A's answer, with B's 500 ms

    region.broker.expectNoMessage(ofMillis(100));
    pass(ofMillis(1));
    assertInstanceOf(WorkItem.PageFetch.class, region.offer().item());
  }

  @Test
  void workForAHostWhoseQueueIsBeingPassivatedIsNotLost() {
    Region region = new Region(4, false, Duration.ZERO, 100);
    region.add(A, "/1");
    region.wake(A);
    region.answer(region.page(A, "/1"), 200, Optional.empty());
    region.collect();
    pass(ofSeconds(60)); // host-idle-timeout: the queue asks to be passivated, and the region stops it
    region.add(A, "/2");
    region.wake(A); // held while the queue stops, or taken by the queue if it stays: either way /2 is fetched
    region.page(A, "/2");
  }

  @Test
  void aDrainStopsOfferingEverywhereAndNoWaitingHostStarts() {
    Region region = new Region(1, false, Duration.ZERO, 100);
    region.add(A, "/1", "/2");
    region.add(B, "/1");
    region.wake(A);
    WorkBroker.Offer first = region.page(A, "/1");
    region.wake(B);
    region.ref.tell(new HostRegion.Broadcast(HostQueue.Drain.INSTANCE));
    assertTrue(region.collect().statuses().get(0).draining()); // A has the drain
    region.answer(first, 200, Optional.empty());
    region.broker.expectNoMessage(ofMillis(200)); // neither A's /2 nor B
    assertEquals(1, region.collect().waitingHosts());
  }
}
