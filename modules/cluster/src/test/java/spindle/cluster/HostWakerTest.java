package spindle.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
import spindle.engine.HostQueue;
import spindle.engine.HostRegion;
import spindle.store.FrontierLimits;
import spindle.store.MemoryFrontier;

/**
 * The wake after a member left cannot be lost: every host with queued work is told until its queue answers, however
 * many of the messages sharding loses on the way (here: a probe stands in for the job's region, and the test answers
 * for the queues it chooses). Time is manual.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostWakerTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder()
      .withCustomConfig(ManualTime.config().withFallback(com.typesafe.config.ConfigFactory.load())).build();

  private static final Duration RETRY = Duration.ofSeconds(2);

  private static MemoryFrontier frontierWithWorkFor(String... hosts) {
    MemoryFrontier frontier = new MemoryFrontier(FrontierLimits.NONE, UrlNormalizer::fingerprint);
    for (String host : hosts) {
      frontier.add(List.of(CrawlUrl.seed("http://" + host + "/", HostKey.of(host, -1))));
    }
    return frontier;
  }

  /** The wakes the region got in one round, by host, and the address to answer each. */
  private static Set<String> round(TestProbe<HostRegion.Command> shards, int expected,
      Set<ActorRef<HostQueue.Awake>> answerTo) {
    Set<String> hosts = new HashSet<>();
    for (HostRegion.Command message : shards.receiveSeveralMessages(expected)) {
      HostRegion.Envelope envelope = (HostRegion.Envelope) message;
      hosts.add(envelope.host().name());
      answerTo.add(((HostQueue.Wake) envelope.message()).replyTo());
    }
    return hosts;
  }

  @Test
  void everyHostWithWorkIsToldUntilItsQueueAnswersThoughMessagesAreLost() {
    TestProbe<HostRegion.Command> shards = testKit.createTestProbe();
    MemoryFrontier frontier = frontierWithWorkFor("a.example", "b.example", "c.example");
    ActorRef<HostWaker.Command> waker = testKit.spawn(HostWaker.create(shards.ref(), frontier, Runnable::run, RETRY));
    waker.tell(new HostWaker.WakeAll("a removed member"));
    Set<ActorRef<HostQueue.Awake>> answerTo = new HashSet<>();
    assertEquals(Set.of("a.example", "b.example", "c.example"), round(shards, 3, answerTo));
    ActorRef<HostQueue.Awake> answers = answerTo.iterator().next();
    answers.tell(new HostQueue.Awake(HostKey.of("a.example", -1))); // the others' wakes went to the departed node

    ManualTime.get(testKit.system()).timePasses(RETRY);
    assertEquals(Set.of("b.example", "c.example"), round(shards, 2, answerTo));
    answers.tell(new HostQueue.Awake(HostKey.of("b.example", -1)));
    ManualTime.get(testKit.system()).timePasses(RETRY);
    assertEquals(Set.of("c.example"), round(shards, 1, answerTo));
    answers.tell(new HostQueue.Awake(HostKey.of("c.example", -1))); // sharding has moved its shard by now

    ManualTime.get(testKit.system()).timePasses(RETRY.multipliedBy(3));
    shards.expectNoMessage(Duration.ofMillis(200)); // every host answered: nothing is sent again
  }

  @Test
  void aSecondWakeWhileHostsAreUnansweredTellsOnlyTheNewOnesAtOnce() {
    TestProbe<HostRegion.Command> shards = testKit.createTestProbe();
    MemoryFrontier frontier = frontierWithWorkFor("d.example");
    ActorRef<HostWaker.Command> waker = testKit.spawn(HostWaker.create(shards.ref(), frontier, Runnable::run, RETRY));
    waker.tell(new HostWaker.WakeAll("a removed member"));
    Set<ActorRef<HostQueue.Awake>> answerTo = new HashSet<>();
    assertEquals(Set.of("d.example"), round(shards, 1, answerTo));

    frontier.add(List.of(CrawlUrl.seed("http://e.example/", HostKey.of("e.example", -1))));
    waker.tell(new HostWaker.WakeAll("a stall"));
    assertEquals(Set.of("e.example"), round(shards, 1, answerTo));
    shards.expectNoMessage(Duration.ofMillis(200));
    ManualTime.get(testKit.system()).timePasses(RETRY);
    assertEquals(Set.of("d.example", "e.example"), round(shards, 2, answerTo));
  }
}
