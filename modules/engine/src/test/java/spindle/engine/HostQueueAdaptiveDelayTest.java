package spindle.engine;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A host queue whose delay adapts to the server: it waits longer after errors and slow answers, comes back step by
 * step, reports why, and hands what it learnt to the host's next queue. Driven message by message on manual time.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostQueueAdaptiveDelayTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder()
      .withCustomConfig(ManualTime.config().withFallback(com.typesafe.config.ConfigFactory.load())).build();

  /** Factor 2, max-delay 1 s, doubling on errors, one healthy answer undoes one error. */
  private static final AdaptiveDelaySettings ADAPTIVE = new AdaptiveDelaySettings(2, ofSeconds(1), 2, 1);

  private HostQueueRig rig(String... paths) {
    return new HostQueueRig(testKit, paths).delay(ofMillis(100)).adaptive(ADAPTIVE);
  }

  /** Ends {@code page} with {@code status}, then checks the next page waits exactly {@code delay} from then. */
  private WorkItem.PageFetch endsThenNextWaits(HostQueueRig host, WorkItem.PageFetch page, int status,
      Duration fetchTime, Duration delay, String path) {
    host.finished(page, status, fetchTime);
    host.settle();
    host.pass(delay.minusMillis(1));
    host.noOffer();
    host.pass(ofMillis(1));
    return host.page(path);
  }

  @Test
  void serverErrorsGrowTheDelayAndHealthyAnswersBringItBackStepByStep() {
    HostQueueRig host = rig("/1", "/2", "/3", "/4", "/5", "/6", "/7", "/8");
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);

    WorkItem.PageFetch page = host.page("/1");
    page = endsThenNextWaits(host, page, 503, ofMillis(5), ofMillis(200), "/2");
    page = endsThenNextWaits(host, page, 503, ofMillis(5), ofMillis(400), "/3");
    host.finished(page, 500, ofMillis(5));
    HostQueue.HostStatus grown = host.status();
    assertEquals(ofMillis(800), grown.effectiveDelay());
    assertEquals("errors", grown.delaySource());
    assertEquals("5xx: grown after 3 errors", grown.delayReason());
    host.pass(ofMillis(800));
    page = host.page("/4");

    page = endsThenNextWaits(host, page, 200, ofMillis(5), ofMillis(400), "/5");
    assertEquals("recovering after 3 errors", host.status().delayReason());
    page = endsThenNextWaits(host, page, 200, ofMillis(5), ofMillis(200), "/6");
    page = endsThenNextWaits(host, page, 200, ofMillis(5), ofMillis(100), "/7");
    HostQueue.HostStatus recovered = host.status();
    assertEquals(ofMillis(100), recovered.effectiveDelay());
    assertEquals("base", recovered.delaySource());
  }

  @Test
  void aSlowHostWaitsTheFactorTimesItsLastFetchUpToMaxDelayAndAFastOneTheBaseDelay() {
    HostQueueRig host = rig("/1", "/2", "/3", "/4");
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);

    WorkItem.PageFetch page = host.page("/1");
    page = endsThenNextWaits(host, page, 200, ofMillis(300), ofMillis(600), "/2"); // 2 x 300 ms
    assertEquals("slow responses (2 x last fetch 300 ms)", host.status().delayReason());
    page = endsThenNextWaits(host, page, 200, ofMillis(900), ofSeconds(1), "/3"); // 1.8 s, capped at 1 s
    assertEquals("slow-responses", host.status().delaySource());
    endsThenNextWaits(host, page, 200, ofMillis(20), ofMillis(100), "/4"); // 40 ms: the base
    assertEquals("base", host.status().delaySource());
  }

  @Test
  void aRetryAfterIsABackoffAndGrowsNothing() {
    HostQueueRig host = rig("/1", "/2");
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);

    WorkItem.PageFetch page = host.page("/1");
    host.retry(page, 429, ofSeconds(3));
    HostQueue.HostStatus status = host.status();
    assertEquals(ofMillis(100), status.effectiveDelay());
    assertEquals("base", status.delaySource());
  }

  @Test
  void anOperatorsDelayIsTheFloorErrorsGrowFrom() {
    HostQueueRig host = rig("/1", "/2", "/3");
    host.start();
    host.control(new HostControl(Optional.of(ofMillis(300)), Optional.empty(), Optional.empty(), Optional.empty()));
    host.tell(HostQueue.WorkAvailable.INSTANCE);

    WorkItem.PageFetch page = host.page("/1");
    assertEquals("operator", host.status().delaySource());
    endsThenNextWaits(host, page, 502, ofMillis(5), ofMillis(600), "/2");
    assertEquals("errors", host.status().delaySource());
  }

  @Test
  void aRetiringQueueHandsItsGrownDelayToTheHostsNextQueue() {
    HostQueueRig host = rig("/1", "/2").sessionRequests(1);
    host.start();
    host.tell(HostQueue.WorkAvailable.INSTANCE);
    WorkItem.PageFetch page = host.page("/1");
    host.region.expectMessageClass(HostRegion.SessionSpent.class);
    host.tell(HostQueue.Retire.INSTANCE);
    host.finished(page, 503, ofMillis(5));
    HostRegion.Passivate passivate = host.region.expectMessageClass(HostRegion.Passivate.class);
    assertEquals(2.0, passivate.carry().adaptive().growth());
    host.tell(HostQueue.Stop.INSTANCE);
    host.region.expectTerminated(host.queue);

    HostQueueRig next = rig();
    next.start(Optional.of(passivate.carry()));
    HostQueue.HostStatus status = next.status();
    assertEquals(ofMillis(200), status.effectiveDelay());
    assertEquals("5xx: grown after 1 error", status.delayReason());
  }
}
