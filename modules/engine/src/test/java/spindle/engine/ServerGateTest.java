package spindle.engine;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gate of a server shared by several host names: its concurrency, its delay, withdrawals and stopped queues. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerGateTest {
  private static final Duration DELAY = ofMillis(300);

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private final TestProbe<WorkBroker.Command> broker = testKit.createTestProbe();

  private ActorRef<ServerGate.Command> gate(int concurrency) {
    PolitenessSettings settings = new PolitenessSettings(DELAY, ofSeconds(30), concurrency, OptionalDouble.empty(),
        PolitenessSettings.Key.IP);
    return testKit.spawn(ServerGate.create("127.0.0.2", broker.ref(), settings, System::nanoTime));
  }

  private static WorkItem robots(String host) {
    return new WorkItem.RobotsFetch("http://" + host + "/robots.txt");
  }

  @Test
  void theSecondHostsRequestWaitsForTheFirstToEndAndThenTheDelay() {
    ActorRef<ServerGate.Command> gate = gate(1);
    TestProbe<HostQueue.Command> a = testKit.createTestProbe();
    TestProbe<HostQueue.Command> b = testKit.createTestProbe();
    gate.tell(new ServerGate.Offer(robots("a.test"), a.ref()));
    gate.tell(new ServerGate.Offer(robots("b.test"), b.ref()));
    WorkBroker.Offer first = broker.expectMessageClass(WorkBroker.Offer.class);
    assertEquals(robots("a.test"), first.item());
    broker.expectNoMessage(ofMillis(400)); // one request of the server at a time, whichever name
    long ended = System.nanoTime();
    gate.tell(new ServerGate.RequestEnded("http://a.test/robots.txt", Duration.ZERO, Optional.empty()));
    WorkBroker.Offer second = broker.expectMessageClass(WorkBroker.Offer.class, ofSeconds(2));
    assertEquals(b.ref(), second.host());
    Duration waited = Duration.ofNanos(System.nanoTime() - ended);
    assertEquals(true, waited.compareTo(DELAY) >= 0, "handed on after " + waited.toMillis() + " ms");
  }

  @Test
  void aHostsLongerCrawlDelayHoldsTheWholeServer() {
    ActorRef<ServerGate.Command> gate = gate(1);
    TestProbe<HostQueue.Command> a = testKit.createTestProbe();
    TestProbe<HostQueue.Command> b = testKit.createTestProbe();
    gate.tell(new ServerGate.Offer(robots("a.test"), a.ref()));
    broker.expectMessageClass(WorkBroker.Offer.class);
    gate.tell(new ServerGate.RequestEnded("http://a.test/robots.txt", ofSeconds(1), Optional.empty()));
    gate.tell(new ServerGate.Offer(robots("b.test"), b.ref()));
    broker.expectNoMessage(ofMillis(700)); // past the 300 ms of the crawl, within a.test's Crawl-delay of 1 s
    broker.expectMessageClass(WorkBroker.Offer.class, ofSeconds(2));
  }

  @Test
  void withdrawnOffersGoBackToTheirQueueAndTheBrokersToo() {
    ActorRef<ServerGate.Command> gate = gate(1);
    TestProbe<HostQueue.Command> a = testKit.createTestProbe();
    TestProbe<HostQueue.Command> b = testKit.createTestProbe();
    gate.tell(new ServerGate.Offer(robots("a.test"), a.ref()));
    broker.expectMessageClass(WorkBroker.Offer.class);
    gate.tell(new ServerGate.Offer(robots("b.test"), b.ref()));
    gate.tell(new ServerGate.Withdraw(b.ref()));
    assertEquals(new HostQueue.Undeliverable(robots("b.test")), b.expectMessageClass(HostQueue.Undeliverable.class));
    assertEquals(new WorkBroker.Withdraw(b.ref()), broker.expectMessageClass(WorkBroker.Withdraw.class));
    // b's end of a request it never got counts for nothing: a's request is still out
    gate.tell(new ServerGate.RequestEnded("http://b.test/robots.txt", Duration.ZERO, Optional.empty()));
    TestProbe<Integer> count = testKit.createTestProbe();
    gate.tell(new ServerGate.CountInFlight(count.ref()));
    count.expectMessage(1);
  }

  @Test
  void aQueueThatStopsFreesItsPlaces() {
    ActorRef<ServerGate.Command> gate = gate(1);
    TestProbe<HostQueue.Command> a = testKit.createTestProbe();
    TestProbe<HostQueue.Command> b = testKit.createTestProbe();
    gate.tell(new ServerGate.Offer(robots("a.test"), a.ref()));
    broker.expectMessageClass(WorkBroker.Offer.class);
    gate.tell(new ServerGate.Offer(robots("b.test"), b.ref()));
    a.stop(); // its restarts ran out with a request out: the server must not wait for it forever
    WorkBroker.Offer next = broker.expectMessageClass(WorkBroker.Offer.class, ofSeconds(2));
    assertEquals(b.ref(), next.host());
  }

  @Test
  void upToTheConcurrencyGoOutAtOnce() {
    ActorRef<ServerGate.Command> gate = gate(2);
    TestProbe<HostQueue.Command> a = testKit.createTestProbe();
    gate.tell(new ServerGate.Offer(robots("a.test"), a.ref()));
    gate.tell(new ServerGate.Offer(robots("b.test"), a.ref()));
    gate.tell(new ServerGate.Offer(robots("c.test"), a.ref()));
    broker.expectMessageClass(WorkBroker.Offer.class);
    broker.expectMessageClass(WorkBroker.Offer.class);
    broker.expectNoMessage(ofMillis(200));
  }
}
