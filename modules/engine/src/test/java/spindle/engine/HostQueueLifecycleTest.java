package spindle.engine;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import spindle.core.HostKey;

/**
 * A host queue's life around its work: idle and passivated, giving its turn up and handing on what it knows,
 * stopped as a sharding entity, draining with the crawl, and recovering its saved state on a new node. Probes stand
 * in for the broker and the region; time is manual.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostQueueLifecycleTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder()
      .withCustomConfig(ManualTime.config().withFallback(com.typesafe.config.ConfigFactory.load())).build();

  private static final String ALLOW_ALL = "User-agent: *\nAllow: /\n";

  private HostQueueRig rig(String... paths) {
    return new HostQueueRig(testKit, paths);
  }

  /** A host's durable memory in a cluster, whose load the test completes. */
  private static final class Memory implements HostMemory {
    final CompletableFuture<Optional<Saved>> loaded = new CompletableFuture<>();
    final List<Saved> saved = new CopyOnWriteArrayList<>();
    /** What the next save returns: done at once, unless a test holds it. */
    volatile CompletableFuture<Void> nextSave = CompletableFuture.completedFuture(null);

    @Override
    public CompletionStage<Optional<Saved>> load(HostKey host) {
      return loaded;
    }

    @Override
    public CompletionStage<Void> save(HostKey host, long revision, HostState state) {
      saved.add(new Saved(state, revision));
      return nextSave;
    }
  }

  // ------------------------------------------------------------------------------------------ Idle

  @Test
  void anIdleQueueAsksToBePassivatedAndStopsOnlyWhileStillIdle() {
    HostQueueRig host = rig("/a").idleTimeout(ofMillis(300));
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    WorkItem.PageFetch fetch = host.page();
    host.pass(ofSeconds(1));
    host.region.expectNoMessage(ofMillis(100)); // a request in flight: not idle
    host.finished(fetch, 200);

    assertEquals(host.queue, host.region.expectMessageClass(HostRegion.Idle.class).queue()); // at once
    host.pass(ofMillis(299));
    host.region.expectNoMessage(ofMillis(100));
    host.pass(ofMillis(1));
    HostRegion.Passivate passivate = host.region.expectMessageClass(HostRegion.Passivate.class);
    assertEquals(host.queue, passivate.queue());
    assertFalse(passivate.retired());
    host.add("/late");
    host.tell(HostQueue.WorkAvailable.INSTANCE); // work arrives before the region's answer
    host.tell(HostQueue.Stop.INSTANCE);
    host.region.expectMessageClass(HostRegion.PassivationCancelled.class);
    WorkItem.PageFetch late = host.page("/late");
    host.finished(late, 200);

    host.region.expectMessageClass(HostRegion.Idle.class);
    host.pass(ofMillis(300));
    host.region.expectMessageClass(HostRegion.Passivate.class);
    host.tell(HostQueue.Stop.INSTANCE);
    host.region.expectTerminated(host.queue);
  }

  @Test
  void anIdleQueueTellsTheRegionWhatItsHostsNextQueueContinuesFrom() {
    HostQueueRig host = rig("/a").robots(true).delay(ofMillis(500));
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.robotsRequest();
    host.robotsAnswered(ALLOW_ALL);
    host.pass(ofMillis(500));
    WorkItem.PageFetch page = host.page("/a");
    host.pass(ofSeconds(2));
    long ended = host.now();
    host.finished(page, 200);

    HostQueue.Carry carry = host.region.expectMessageClass(HostRegion.Idle.class).carry();
    assertTrue(carry.robots().isPresent(), "the robots.txt rules are handed on");
    assertEquals(ended + ofMillis(500).toNanos(), carry.nextStartNanos(), "so is the next allowed start");
    assertEquals("http", carry.scheme());
  }

  @Test
  void workResumesAnIdleQueueWhereItWas() {
    HostQueueRig host = rig("/a").robots(true);
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.robotsRequest();
    host.robotsAnswered(ALLOW_ALL);
    host.finished(host.page("/a"), 200);
    host.region.expectMessageClass(HostRegion.Idle.class);

    host.add("/b");
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.page("/b"); // with its rules: no robots.txt request
    assertEquals("ready", host.status().robots());
  }

  // ------------------------------------------------------------------------------------------ Retiring

  @Test
  void aQueuePastItsSessionAsksForAnotherTurnAndGoesOnWhenNobodyWaits() {
    HostQueueRig host = rig("/a", "/b", "/c").sessionRequests(1);
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    WorkItem.PageFetch first = host.page("/a");
    assertEquals(host.queue, host.region.expectMessageClass(HostRegion.SessionSpent.class).queue());
    host.finished(first, 200);
    WorkItem.PageFetch second = host.page("/b");
    host.region.expectNoMessage(ofMillis(100)); // asked once, waiting for the answer

    host.tell(HostQueue.Continue.INSTANCE);
    host.region.expectNoMessage(ofMillis(100));
    host.finished(second, 200);
    host.page("/c");
    host.region.expectMessageClass(HostRegion.SessionSpent.class); // a new session, spent after one more page
  }

  @Test
  void aRetiringQueueFinishesWhatIsInFlightThenHandsItsRulesAndNextStartOn() {
    HostQueueRig host = rig("/a", "/b", "/c").robots(true).delay(ofMillis(500)).sessionRequests(1);
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.robotsRequest();
    host.robotsAnswered(ALLOW_ALL);
    host.pass(ofMillis(500));
    WorkItem.PageFetch first = host.page("/a");
    host.region.expectMessageClass(HostRegion.SessionSpent.class);

    host.tell(HostQueue.Retire.INSTANCE); // other hosts wait for a turn
    host.pass(ofSeconds(5));
    host.noOffer();
    host.region.expectNoMessage(ofMillis(100)); // not while /a is in flight
    long ended = host.now();
    host.finished(first, 200);

    HostRegion.Passivate passivate = host.region.expectMessageClass(HostRegion.Passivate.class);
    assertTrue(passivate.retired());
    assertTrue(passivate.carry().robots().isPresent());
    assertEquals(ended + ofMillis(500).toNanos(), passivate.carry().nextStartNanos());
    assertEquals(2, host.frontier.counts().queued(), "the window goes back to the frontier");
    host.tell(HostQueue.Stop.INSTANCE);
    host.region.expectTerminated(host.queue);
  }

  @Test
  void aHostsNextQueueNeitherRefetchesRobotsTxtNorStartsBeforeTheCarriedStart() {
    HostQueueRig host = rig("/private/x", "/a").robots(true);
    long start = host.now() + ofMillis(500).toNanos();
    RobotsState.Ready rules = new RobotsState.Ready(HostQueueRig.rules("User-agent: *\nDisallow: /private/\n"),
        host.now() + Duration.ofHours(1).toNanos());
    host.start(Optional.of(new HostQueue.Carry(Optional.of(rules), start, "http")));
    host.tell(HostQueue.WorkAvailable.INSTANCE);

    host.reject(spindle.core.ErrorKind.ROBOTS_DISALLOWED); // the carried rules apply at once
    host.pass(ofMillis(499));
    host.noOffer();
    host.pass(ofMillis(1));
    host.page("/a");
  }

  @Test
  void aHostsNextQueueFetchesRobotsTxtWhenTheCarriedRulesHaveExpired() {
    HostQueueRig host = rig("/a").robots(true);
    RobotsState.Ready stale = new RobotsState.Ready(HostQueueRig.rules(ALLOW_ALL), host.now() - 1);
    host.start(Optional.of(new HostQueue.Carry(Optional.of(stale), host.now(), "http")));
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.robotsRequest();
  }

  // ------------------------------------------------------------------------------------------ Stopping

  @Test
  void aShardedQueueToldToStopFinishesWhatIsInFlightThenStopsAndWakesItsHost() {
    Memory memory = new Memory();
    HostQueueRig host = rig("/a", "/b").sharded(memory);
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.settle();
    memory.loaded.complete(Optional.empty());
    WorkItem.PageFetch first = host.page("/a");

    host.tell(HostQueue.Stop.INSTANCE); // sharding passivates or hands off: no refusal possible
    host.broker.expectMessageClass(WorkBroker.Withdraw.class); // a fetcher has /a already: nothing comes back
    host.pass(ofSeconds(1));
    host.noOffer();
    host.region.expectNoMessage(ofMillis(100));
    host.finished(first, 200);

    host.region.expectTerminated(host.queue);
    assertEquals(new HostRegion.Envelope(HostQueueRig.HOST, HostQueue.WorkAvailable.INSTANCE),
        host.region.expectMessageClass(HostRegion.Envelope.class)); // the host's next entity takes /b on
    assertEquals(1, host.frontier.counts().queued());
  }

  @Test
  void aShardedQueueHandingItsHostOverSavesItsGrownDelayBeforeWakingTheHostsNextEntity() {
    Memory memory = new Memory();
    HostQueueRig host = rig("/a", "/b").sharded(memory).delay(ofMillis(100))
        .adaptive(new AdaptiveDelaySettings(0, ofSeconds(1), 2, 1));
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.settle();
    memory.loaded.complete(Optional.of(new HostMemory.Saved(new HostMemory.HostState(HostControl.NONE), 7)));
    host.pass(ofMillis(100)); // one full delay after loading
    WorkItem.PageFetch first = host.page("/a");
    memory.nextSave = new CompletableFuture<>();

    host.tell(HostQueue.Stop.INSTANCE);
    host.broker.expectMessageClass(WorkBroker.Withdraw.class);
    host.finished(first, 503, ofMillis(5));
    host.region.expectTerminated(host.queue);
    host.region.expectNoMessage(ofMillis(100)); // not before the delay is saved: the next entity loads it

    assertEquals(1, memory.saved.size());
    assertEquals(8, memory.saved.get(0).revision());
    AdaptiveDelay pace = memory.saved.get(0).state().pace().orElseThrow();
    assertEquals(2.0, pace.growth());
    assertEquals(AdaptiveDelay.Answer.SERVER_ERROR, pace.last());
    memory.nextSave.complete(null);
    assertEquals(new HostRegion.Envelope(HostQueueRig.HOST, HostQueue.WorkAvailable.INSTANCE),
        host.region.expectMessageClass(HostRegion.Envelope.class));
  }

  @Test
  void aShardedQueueSavesNoDelayThatNeverLeftItsFloor() {
    Memory memory = new Memory();
    HostQueueRig host = rig("/a", "/b").sharded(memory).delay(ofMillis(100))
        .adaptive(new AdaptiveDelaySettings(2, ofSeconds(1), 2, 1));
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.settle();
    memory.loaded.complete(Optional.empty());
    host.pass(ofMillis(100)); // one full delay after loading
    WorkItem.PageFetch first = host.page("/a");
    host.tell(HostQueue.Stop.INSTANCE);
    host.broker.expectMessageClass(WorkBroker.Withdraw.class);
    host.finished(first, 200, ofMillis(10)); // 2 x 10 ms: below the 100 ms floor
    host.region.expectTerminated(host.queue);
    host.region.expectMessageClass(HostRegion.Envelope.class);
    assertEquals(List.of(), memory.saved);
  }

  @Test
  void aShardedQueueToldToStopTakesBackItsOfferNoFetcherStartedAndStopsWithoutWaitingForIt() {
    Memory memory = new Memory();
    HostQueueRig host = rig("/a", "/b").sharded(memory).robots(true);
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.settle();
    memory.loaded.complete(Optional.empty());
    host.robotsRequest(); // waits in the broker: the crawl is paused

    host.tell(HostQueue.Stop.INSTANCE); // handed to another node meanwhile
    WorkBroker.Withdraw withdraw = host.broker.expectMessageClass(WorkBroker.Withdraw.class);
    assertEquals(host.queue, withdraw.host());
    host.region.expectNoMessage(ofMillis(100));
    host.tell(new HostQueue.Undeliverable(new WorkItem.RobotsFetch("http://example.org/robots.txt"))); // the answer

    host.region.expectTerminated(host.queue);
    host.region.expectMessageClass(HostRegion.Envelope.class); // its host goes on with its next entity
    assertEquals(2, host.frontier.counts().queued(), "both URLs are back in the frontier");
  }

  @Test
  void aShardedQueueStoppedWhileTheCrawlDrainsHandsNothingOn() {
    Memory memory = new Memory();
    HostQueueRig host = rig("/a", "/b").sharded(memory);
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.settle();
    memory.loaded.complete(Optional.empty());
    WorkItem.PageFetch first = host.page("/a");
    host.tell(HostQueue.Drain.INSTANCE);
    host.tell(HostQueue.Stop.INSTANCE);
    host.finished(first, 200);

    host.region.expectTerminated(host.queue);
    host.region.expectNoMessage(ofMillis(100)); // no wake: the crawl is over
    assertEquals(0, host.frontier.counts().queued());
  }

  // ------------------------------------------------------------------------------------------ Draining

  @Test
  void aDrainingQueueOffersNothingMoreAndSaysSo() {
    HostQueueRig host = rig("/a", "/b");
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    WorkItem.PageFetch first = host.page("/a");
    host.tell(HostQueue.Drain.INSTANCE);
    host.finished(first, 200);
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.pass(ofSeconds(10));
    host.noOffer();

    HostQueue.HostStatus draining = host.status();
    assertTrue(draining.draining());
    assertFalse(draining.ready());
    assertEquals(0, draining.inFlight());
    assertEquals(1, draining.windowed());
    host.region.expectNoMessage(ofMillis(100)); // neither idle nor asking for another turn

    host.tell(HostQueue.Stop.INSTANCE);
    host.region.expectTerminated(host.queue);
    assertEquals(0, host.frontier.counts().queued(), "a drained crawl's leases are requeued when it resumes");
  }

  // ------------------------------------------------------------------------------------------ Recovering

  @Test
  void aShardedQueueOffersNothingUntilItsSavedStateIsLoadedThenWaitsOneFullDelay() {
    Memory memory = new Memory();
    HostQueueRig host = rig("/a").sharded(memory).delay(ofMillis(300));
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    host.pass(ofSeconds(5));
    host.noOffer();
    assertEquals(0, host.status().windowed(), "nothing is leased before the state is loaded");

    HostControl saved = new HostControl(Optional.of(ofSeconds(2)), Optional.empty(), Optional.empty(),
        Optional.empty());
    memory.loaded.complete(Optional.of(new HostMemory.Saved(new HostMemory.HostState(saved), 4)));
    assertEquals(ofSeconds(2), host.status().effectiveDelay()); // the operator's delay, from the previous owner
    host.pass(ofMillis(1999));
    host.noOffer(); // the previous owner's last request may have ended just now
    host.pass(ofMillis(1));
    host.page("/a");
  }

  @Test
  void aShardedQueueStartsFromTheAdaptiveDelayItsHostsPreviousOwnerSavedAndWaitsItFully() {
    Memory memory = new Memory();
    HostQueueRig host = rig("/a").sharded(memory).delay(ofMillis(100))
        .adaptive(new AdaptiveDelaySettings(0, ofSeconds(1), 2, 1));
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    AdaptiveDelay grown = new AdaptiveDelay(ofMillis(5), 4, 2, AdaptiveDelay.Answer.SERVER_ERROR);
    memory.loaded.complete(Optional.of(new HostMemory.Saved(new HostMemory.HostState(HostControl.NONE,
        Optional.of(grown)), 3)));
    HostQueue.HostStatus status = host.status();
    assertEquals(ofMillis(400), status.effectiveDelay());
    assertEquals("5xx: grown after 2 errors", status.delayReason());
    host.pass(ofMillis(399));
    host.noOffer();
    host.pass(ofMillis(1));
    host.page("/a");
  }

  @Test
  void anOperatorsChangeIsSavedForTheHostsNextOwner() {
    Memory memory = new Memory();
    HostQueueRig host = rig("/a").sharded(memory);
    host.start();
    memory.loaded.complete(Optional.of(new HostMemory.Saved(new HostMemory.HostState(HostControl.NONE), 4)));
    host.settle();
    host.control(new HostControl(Optional.empty(), Optional.empty(), Optional.of(true), Optional.empty()));
    host.settle();

    assertEquals(1, memory.saved.size());
    assertEquals(5, memory.saved.get(0).revision());
    assertEquals(Optional.of(true), memory.saved.get(0).state().control().paused());
  }

  @Test
  void aStateThatCannotBeLoadedIsGoneWithoutAfterOneDelay() {
    Memory memory = new Memory();
    HostQueueRig host = rig("/a").sharded(memory).delay(ofMillis(300));
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    memory.loaded.completeExceptionally(new IllegalStateException("database down"));
    host.pass(ofMillis(299));
    host.noOffer();
    host.pass(ofMillis(1));
    host.page("/a");
  }
}
