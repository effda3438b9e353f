package spindle.engine;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.store.FrontierCounts;

/** Matching offers with idle fetchers, the rate-limit permits, draining, and work lost to dead letters. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkBrokerTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private final CrawlMetrics metrics =
      new CrawlMetrics(new SimpleMeterRegistry(), () -> new FrontierCounts(0, 0, 0, 0, 0, 0, 0));

  private static WorkItem.PageFetch page(String path) {
    return new WorkItem.PageFetch(CrawlUrl.seed("http://example.org" + path, HostKey.of("example.org", -1)), 1);
  }

  @Test
  void givesEachIdleFetcherOneItemInTheOrderOffered() {
    ActorRef<WorkBroker.Command> broker = testKit.spawn(WorkBroker.create(2, false, metrics));
    TestProbe<Fetcher.Command> fetcher = testKit.createTestProbe();
    TestProbe<HostQueue.Command> host = testKit.createTestProbe();
    broker.tell(new WorkBroker.Offer(page("/1"), host.ref()));
    broker.tell(new WorkBroker.Offer(page("/2"), host.ref()));
    broker.tell(new WorkBroker.RequestWork(fetcher.ref()));

    assertEquals(page("/1"), fetcher.expectMessageClass(Fetcher.Assign.class).item());
    fetcher.expectNoMessage(ofMillis(200)); // busy until it asks again
    broker.tell(new WorkBroker.RequestWork(fetcher.ref()));
    assertEquals(page("/2"), fetcher.expectMessageClass(Fetcher.Assign.class).item());
  }

  @Test
  void withARateLimitARequestWaitsForAPermit() {
    ActorRef<WorkBroker.Command> broker = testKit.spawn(WorkBroker.create(1, true, metrics));
    TestProbe<Fetcher.Command> fetcher = testKit.createTestProbe();
    TestProbe<HostQueue.Command> host = testKit.createTestProbe();
    TestProbe<WorkBroker.PermitAck> permits = testKit.createTestProbe();
    broker.tell(new WorkBroker.Offer(page("/1"), host.ref()));
    broker.tell(new WorkBroker.RequestWork(fetcher.ref()));
    fetcher.expectNoMessage(ofMillis(200));

    broker.tell(new WorkBroker.Permit(permits.ref()));
    fetcher.expectMessageClass(Fetcher.Assign.class);
    permits.expectMessage(WorkBroker.PermitAck.INSTANCE); // the permit was used: ask for the next
  }

  @Test
  void drainedOnlyWhenEveryFetcherIsIdle() {
    ActorRef<WorkBroker.Command> broker = testKit.spawn(WorkBroker.create(2, false, metrics));
    TestProbe<Fetcher.Command> first = testKit.createTestProbe();
    TestProbe<Fetcher.Command> second = testKit.createTestProbe();
    TestProbe<WorkBroker.Drained> drained = testKit.createTestProbe();
    broker.tell(new WorkBroker.RequestWork(first.ref()));
    broker.tell(new WorkBroker.Drain(drained.ref()));
    drained.expectNoMessage(ofMillis(200));
    broker.tell(new WorkBroker.Offer(page("/late"), testKit.<HostQueue.Command>createTestProbe().ref()));
    broker.tell(new WorkBroker.RequestWork(second.ref()));
    drained.expectMessage(ofSeconds(1), WorkBroker.Drained.INSTANCE);
    first.expectNoMessage(ofMillis(100)); // nothing is handed out while draining
  }

  @Test
  void withdrawnOffersGoBackToTheirQueueAndNoFetcherGetsThem() {
    ActorRef<WorkBroker.Command> broker = testKit.spawn(WorkBroker.create(1, false, metrics));
    TestProbe<Fetcher.Command> fetcher = testKit.createTestProbe();
    TestProbe<HostQueue.Command> leaving = testKit.createTestProbe();
    TestProbe<HostQueue.Command> staying = testKit.createTestProbe();
    broker.tell(WorkBroker.Pause.INSTANCE);
    broker.tell(new WorkBroker.Offer(page("/1"), leaving.ref()));
    broker.tell(new WorkBroker.Offer(page("/2"), staying.ref()));
    broker.tell(new WorkBroker.Withdraw(leaving.ref()));
    assertEquals(page("/1"), leaving.expectMessageClass(HostQueue.Undeliverable.class).item());

    broker.tell(WorkBroker.Resume.INSTANCE);
    broker.tell(new WorkBroker.RequestWork(fetcher.ref()));
    assertEquals(page("/2"), fetcher.expectMessageClass(Fetcher.Assign.class).item());
    broker.tell(new WorkBroker.RequestWork(fetcher.ref()));
    fetcher.expectNoMessage(ofMillis(200)); // /1 was taken back
    leaving.expectNoMessage(ofMillis(100));
  }

  @Test
  void theOffersOfAQueueThatStoppedAreNeverHandedToAFetcher() {
    ActorRef<WorkBroker.Command> broker = testKit.spawn(WorkBroker.create(1, false, metrics));
    TestProbe<Fetcher.Command> fetcher = testKit.createTestProbe();
    ActorRef<HostQueue.Command> gone = testKit.spawn(Behaviors.<HostQueue.Command>ignore());
    broker.tell(WorkBroker.Pause.INSTANCE);
    broker.tell(new WorkBroker.Offer(page("/orphan"), gone));
    testKit.stop(gone); // stopped by force (a sharding hand-off that timed out) without taking its offer back

    broker.tell(new WorkBroker.RequestWork(fetcher.ref()));
    fetcher.awaitAssert(ofSeconds(5), () -> { // the broker hears of the stop through its watch
      TestProbe<WorkBroker.Offered> offered = testKit.createTestProbe();
      broker.tell(new WorkBroker.GetOffered(offered.ref()));
      assertEquals(Set.of(), offered.receiveMessage().urls());
      return null;
    });
    broker.tell(WorkBroker.Resume.INSTANCE);
    fetcher.expectNoMessage(ofMillis(200));
  }

  @Test
  void workSentToAStoppedFetcherGoesBackToItsHostAndIsCounted() {
    testKit.spawn(DeadLetterMonitor.create(metrics, testKit.system().path()));
    TestProbe<HostQueue.Command> host = testKit.createTestProbe();
    ActorRef<Fetcher.Command> gone = testKit.spawn(Behaviors.<Fetcher.Command>stopped());
    host.expectTerminated(gone, ofSeconds(1));
    long before = metrics.deadLetters();

    // the monitor subscribes to the event stream asynchronously: send until it is listening
    HostQueue.Undeliverable back = host.awaitAssert(ofSeconds(5), () -> {
      gone.tell(new Fetcher.Assign(page("/lost"), host.ref()));
      return host.expectMessageClass(HostQueue.Undeliverable.class, ofMillis(300));
    });
    assertEquals(page("/lost"), back.item());
    host.awaitAssert(() -> {
      assertTrue(metrics.deadLetters() > before);
      return null;
    });
  }
}
