package spindle.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import spindle.core.HostKey;
import spindle.engine.HostQueue;
import spindle.engine.HostRegion;
import spindle.store.Frontier;

/**
 * Tells every host with queued work that it has work, until each host's queue has answered: a delivery that cannot
 * be lost. After a member left, sharding moves its shards to the others, but a message sent before a node's region
 * has learnt that still goes to the departed member and is lost; so each host is sent {@link HostQueue.Wake} every
 * {@code retry} until its queue answers {@link HostQueue.Awake}, wherever sharding starts it. A host answers once per
 * {@link WakeAll}; hosts still unanswered when another comes are not sent twice.
 *
 * <p>The wakes go through the job's {@link ShardedHostRegion}, which knows each host's entity id (with politeness per
 * server, the id carries the host's server).
 */
final class HostWaker extends AbstractBehavior<HostWaker.Command> {
  /** Messages the waker handles. */
  sealed interface Command {}

  /** Wakes every host the frontier lists with queued work now; {@code why} is for the log. */
  record WakeAll(String why) implements Command {}

  private record Listed(String why, List<HostKey> hosts, Throwable failure) implements Command {}

  private record Answered(HostKey host) implements Command {}

  private enum Resend implements Command { INSTANCE }

  private final ActorRef<HostRegion.Command> hosts;
  private final Frontier frontier;
  private final Executor storeExecutor;
  private final Duration retry;
  private final TimerScheduler<Command> timers;
  private final ActorRef<HostQueue.Awake> answers;
  /** Hosts told they have work whose queue has not answered yet, in the order they were told. */
  private final Set<HostKey> unanswered = new LinkedHashSet<>();
  private int resends;

  private HostWaker(ActorContext<Command> context, TimerScheduler<Command> timers,
      ActorRef<HostRegion.Command> hosts, Frontier frontier, Executor storeExecutor, Duration retry) {
    super(context);
    this.timers = timers;
    this.hosts = hosts;
    this.frontier = frontier;
    this.storeExecutor = storeExecutor;
    this.retry = retry;
    this.answers = context.messageAdapter(HostQueue.Awake.class, awake -> new Answered(awake.host()));
  }

  /**
   * A waker that sends its wakes to the host entities through {@code hosts} (the job's region), lists the hosts with
   * work in {@code frontier} (on {@code storeExecutor}) and sends again every {@code retry} until answered.
   */
  static Behavior<Command> create(ActorRef<HostRegion.Command> hosts, Frontier frontier, Executor storeExecutor,
      Duration retry) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new HostWaker(context, timers, hosts, frontier, storeExecutor, retry)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(WakeAll.class, this::onWakeAll)
        .onMessage(Listed.class, this::onListed)
        .onMessage(Answered.class, this::onAnswered)
        .onMessageEquals(Resend.INSTANCE, this::onResend)
        .build();
  }

  private Behavior<Command> onWakeAll(WakeAll wake) {
    Frontier shared = frontier;
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
      List<HostKey> withWork = new ArrayList<>();
      shared.forEachHostWithWork(withWork::add);
      return withWork;
    }, storeExecutor), (listed, failure) -> new Listed(wake.why(), listed == null ? List.of() : listed, failure));
    return this;
  }

  private Behavior<Command> onListed(Listed listed) {
    if (listed.failure() != null) {
      getContext().getLog().error("could not list the hosts with work to wake them after {}", listed.why(),
          listed.failure());
      return this;
    }
    int told = 0;
    for (HostKey host : listed.hosts()) {
      if (unanswered.add(host)) {
        tell(host);
        told++;
      }
    }
    getContext().getLog().info("waking every host with work after {}: {} told, {} waiting for an answer",
        listed.why(), told, unanswered.size());
    if (!unanswered.isEmpty() && !timers.isTimerActive(Resend.INSTANCE)) {
      resends = 0;
      timers.startTimerWithFixedDelay(Resend.INSTANCE, retry);
    }
    return this;
  }

  private Behavior<Command> onAnswered(Answered answered) {
    if (unanswered.remove(answered.host()) && unanswered.isEmpty()) {
      timers.cancel(Resend.INSTANCE);
      getContext().getLog().info("every woken host has answered");
    }
    return this;
  }

  private Behavior<Command> onResend() {
    resends++;
    if (resends == 1 || resends % 30 == 0) { // a host whose job ended on its node never answers: say so now and then
      getContext().getLog().info("{} woken hosts have not answered yet, e.g. {}: telling them again",
          unanswered.size(), unanswered.iterator().next());
    }
    unanswered.forEach(this::tell);
    return this;
  }

  private void tell(HostKey host) {
    hosts.tell(new HostRegion.Envelope(host, new HostQueue.Wake(answers)));
  }
}
