package spindle.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Gathers the statuses of {@code expected} host queues and replies with what arrived once all have answered or
 * {@code timeout} has passed (a queue that stopped meanwhile never answers), then stops.
 */
final class StatusCollector {
  private StatusCollector() {}

  private enum Timeout { INSTANCE }

  /** A collector whose address is given to each queue as the {@code replyTo} of {@link HostQueue.GetStatus}. */
  static Behavior<HostQueue.HostStatus> create(int expected, int waitingHosts, Duration timeout,
      ActorRef<HostRegion.Collected> replyTo) {
    return Behaviors.<Object>setup(context -> Behaviors.withTimers(timers -> {
      List<HostQueue.HostStatus> received = new ArrayList<>(expected);
      if (expected == 0) {
        replyTo.tell(new HostRegion.Collected(List.of(), waitingHosts));
        return Behaviors.stopped();
      }
      timers.startSingleTimer(Timeout.INSTANCE, timeout);
      return Behaviors.receive(Object.class)
          .onMessage(HostQueue.HostStatus.class, status -> {
            received.add(status);
            if (received.size() < expected) {
              return Behaviors.same();
            }
            replyTo.tell(new HostRegion.Collected(List.copyOf(received), waitingHosts));
            return Behaviors.stopped();
          })
          .onMessageEquals(Timeout.INSTANCE, () -> {
            replyTo.tell(new HostRegion.Collected(List.copyOf(received), waitingHosts));
            return Behaviors.stopped();
          })
          .build();
    })).narrow();
  }
}
