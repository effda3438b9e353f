package spindle.engine;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The politeness of one server shared by several host names ({@code spindle.politeness.key = ip} or
 * {@code domain}): the host queues of those names offer their requests here instead of to the broker, and the gate
 * hands them on, first come first served, only while fewer than {@code per-host-concurrency} of the server's requests
 * are out and the delay has passed since the end of the server's last request. So whichever name a request uses, the
 * server sees no more than the concurrency and no two requests closer than the delay.
 *
 * <p>Each host queue keeps its own robots.txt, window, backoff and delay for its name; the gate only adds the
 * server's limits on top. After a request the server waits the longer of {@code spindle.politeness.delay} and the
 * effective delay of the host the request went to (its Crawl-delay), and a backoff the host asked for (429, 503).
 *
 * <p>A request is counted from when the gate hands it on until its queue reports that it ended
 * ({@link RequestEnded}); offers the gate still holds go back to their queue on {@link Withdraw}, and a queue that
 * stops loses its held offers and frees its requests' places (it stops with nothing in flight, unless its restarts
 * ran out).
 *
 * <p>On a single node the {@link HostRegion} starts one gate per server for the crawl; on a cluster node, where the
 * host queues of one server are sharding entities placed on one node by their server, the node's run of the crawl
 * starts them ({@link HostQueues#gate}) and stops them with {@link Stop}.
 */
public final class ServerGate extends AbstractBehavior<ServerGate.Command> {
  /** Messages a gate handles; other modules only start and stop gates. */
  public sealed interface Command {}

  /** A host queue offers a request ({@code item}: a page or robots.txt); it goes to the broker when the server allows. */
  record Offer(WorkItem item, ActorRef<HostQueue.Command> queue) implements Command {}

  /**
   * A request the queue offered has ended (or never started): {@code target} is its item's target,
   * {@code hostDelay} the effective delay of its host, {@code backoff} a wait the host asked for.
   */
  record RequestEnded(String target, Duration hostDelay, Optional<Duration> backoff) implements Command {}

  /** {@code queue} takes back its offers: those held here go back to it as undeliverable, and the broker's too. */
  record Withdraw(ActorRef<HostQueue.Command> queue) implements Command {}

  /** Replies with the number of this server's requests handed on and not yet ended (for tests and reports). */
  record CountInFlight(ActorRef<Integer> replyTo) implements Command {}

  /** Stops the gate: its crawl's run on this node ended (offers it still holds are dropped with their queues). */
  public enum Stop implements Command { INSTANCE }

  private record QueueStopped(ActorRef<HostQueue.Command> queue) implements Command {}

  private enum DelayElapsed implements Command { INSTANCE }

  private final String server;
  private final ActorRef<WorkBroker.Command> broker;
  private final PolitenessSettings settings;
  private final LongSupplier nanoTime;
  private final TimerScheduler<Command> timers;
  private final ArrayDeque<Offer> held = new ArrayDeque<>();
  /** The requests handed on and not ended: target to the queue that offered it. */
  private final Map<String, ActorRef<HostQueue.Command>> out = new HashMap<>();
  private final Set<ActorRef<HostQueue.Command>> watched = new HashSet<>();
  private PolitenessClock clock;

  private ServerGate(ActorContext<Command> context, TimerScheduler<Command> timers, String server,
      ActorRef<WorkBroker.Command> broker, PolitenessSettings settings, LongSupplier nanoTime) {
    super(context);
    this.timers = timers;
    this.server = server;
    this.broker = broker;
    this.settings = settings;
    this.nanoTime = nanoTime;
    this.clock = PolitenessClock.startingAt(nanoTime.getAsLong());
  }

  /** The gate of {@code server}, handing requests on to {@code broker}, measuring time with {@code nanoTime}. */
  static Behavior<Command> create(String server, ActorRef<WorkBroker.Command> broker, PolitenessSettings settings,
      LongSupplier nanoTime) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new ServerGate(context, timers, server, broker, settings, nanoTime)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Offer.class, this::onOffer)
        .onMessage(RequestEnded.class, this::onRequestEnded)
        .onMessage(Withdraw.class, this::onWithdraw)
        .onMessage(CountInFlight.class, this::onCountInFlight)
        .onMessage(QueueStopped.class, this::onQueueStopped)
        .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
        .onMessageEquals(DelayElapsed.INSTANCE, this::handOn)
        .build();
  }

  private Behavior<Command> onOffer(Offer offer) {
    if (watched.add(offer.queue())) {
      getContext().watchWith(offer.queue(), new QueueStopped(offer.queue()));
    }
    held.addLast(offer);
    return handOn();
  }

  private Behavior<Command> onRequestEnded(RequestEnded ended) {
    if (out.remove(ended.target()) != null) {
      Duration delay = ended.hostDelay().compareTo(settings.delay()) > 0 ? ended.hostDelay() : settings.delay();
      clock = clock.afterRequest(nanoTime.getAsLong(), delay, ended.backoff());
    }
    // else: an offer held here and withdrawn, which never went out
    return handOn();
  }

  private Behavior<Command> onWithdraw(Withdraw withdraw) {
    Iterator<Offer> offers = held.iterator();
    while (offers.hasNext()) {
      Offer offer = offers.next();
      if (offer.queue().equals(withdraw.queue())) {
        offers.remove();
        offer.queue().tell(new HostQueue.Undeliverable(offer.item()));
      }
    }
    broker.tell(new WorkBroker.Withdraw(withdraw.queue()));
    return this;
  }

  private Behavior<Command> onQueueStopped(QueueStopped stopped) {
    watched.remove(stopped.queue());
    held.removeIf(offer -> offer.queue().equals(stopped.queue()));
    if (out.values().removeIf(queue -> queue.equals(stopped.queue()))) {
      getContext().getLog().warn("host queue stopped with requests out server={}", server);
    }
    return handOn();
  }

  private Behavior<Command> onCountInFlight(CountInFlight count) {
    count.replyTo().tell(out.size());
    return this;
  }

  /** Hands held offers on while the server's concurrency and clock allow; else waits for the clock. */
  private Behavior<Command> handOn() {
    while (!held.isEmpty() && out.size() < settings.perHostConcurrency()) {
      long wait = clock.waitNanos(nanoTime.getAsLong());
      if (wait > 0) {
        if (!timers.isTimerActive(DelayElapsed.INSTANCE)) {
          timers.startSingleTimer(DelayElapsed.INSTANCE, Duration.ofNanos(wait));
        }
        break;
      }
      Offer next = held.pollFirst();
      out.put(next.item().target(), next.queue());
      broker.tell(new WorkBroker.Offer(next.item(), next.queue()));
    }
    return this;
  }
}
