package spindle.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Gathers the statuses of {@code expected} host queues and replies with what arrived once all have answered or
 * {@code timeout} has passed (a queue that stopped meanwhile never answers), then stops. It always replies: with
 * every status, or with those that came in time.
 */
final class StatusCollector extends AbstractBehavior<StatusCollector.Command> {
  /** Messages the collector handles: a queue's status, and its deadline. */
  sealed interface Command {}

  private record Reported(HostQueue.HostStatus status) implements Command {}

  private enum Timeout implements Command { INSTANCE }

  private final int expected;
  private final int waitingHosts;
  private final ActorRef<HostRegion.Collected> replyTo;
  private final List<HostQueue.HostStatus> received;

  private StatusCollector(ActorContext<Command> context, int expected, int waitingHosts,
      ActorRef<HostRegion.Collected> replyTo) {
    super(context);
    this.expected = expected;
    this.waitingHosts = waitingHosts;
    this.replyTo = replyTo;
    this.received = new ArrayList<>(expected);
  }

  /**
   * A collector of {@code expected} statuses: {@code ask} sends each queue a {@link HostQueue.GetStatus} with the
   * address it is given (an adapter of this collector's). The reply counts {@code waitingHosts} as waiting.
   */
  static Behavior<Command> create(int expected, int waitingHosts, Duration timeout,
      ActorRef<HostRegion.Collected> replyTo, Consumer<ActorRef<HostQueue.HostStatus>> ask) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      if (expected == 0) {
        replyTo.tell(new HostRegion.Collected(List.of(), waitingHosts));
        return Behaviors.stopped();
      }
      ask.accept(context.messageAdapter(HostQueue.HostStatus.class, Reported::new));
      timers.startSingleTimer(Timeout.INSTANCE, timeout);
      return new StatusCollector(context, expected, waitingHosts, replyTo);
    }));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Reported.class, this::onReported)
        .onMessageEquals(Timeout.INSTANCE, this::reply)
        .build();
  }

  private Behavior<Command> onReported(Reported reported) {
    received.add(reported.status());
    return received.size() < expected ? this : reply();
  }

  private Behavior<Command> reply() {
    replyTo.tell(new HostRegion.Collected(List.copyOf(received), waitingHosts));
    return Behaviors.stopped();
  }
}
