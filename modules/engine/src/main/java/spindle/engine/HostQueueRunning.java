package spindle.engine;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Receive;
import spindle.core.ErrorKind;
import spindle.engine.HostQueue.Command;

/**
 * A host queue at work: one state per phase of its robots.txt ({@link HostQueueFetchingRobots},
 * {@link HostQueueWaitingRobotsRetry}, {@link HostQueueActive}, {@link HostQueueRefusing}). After each message it
 * leases URLs when its window runs low and offers what the phase allows, unless an operator paused the host (then
 * nothing) or blocked it (then a {@code BLOCKED} record for each URL); past its session it asks the region for
 * another turn, and holding nothing it becomes {@link HostQueueIdle}.
 */
abstract class HostQueueRunning extends HostQueueState {
  HostQueueRunning(HostQueueData data) {
    super(data);
  }

  /** The phase that robots.txt state {@code robots} calls for. */
  static HostQueueRunning of(HostQueueData data, RobotsState robots) {
    if (robots instanceof RobotsState.Ready ready) {
      return new HostQueueActive(data, ready);
    }
    if (robots instanceof RobotsState.WaitingRetry waiting) {
      return new HostQueueWaitingRobotsRetry(data, waiting);
    }
    if (robots instanceof RobotsState.GaveUp || robots instanceof RobotsState.AddressBlocked) {
      return new HostQueueRefusing(data, robots);
    }
    return new HostQueueFetchingRobots(data, robots);
  }

  @Override
  public Receive<Command> createReceive() {
    return commonReceive()
        .onMessageEquals(HostQueue.DelayElapsed.INSTANCE, this::proceed)
        .onMessageEquals(HostQueue.Retire.INSTANCE, this::onRetire)
        .onMessageEquals(HostQueue.Continue.INSTANCE, this::onContinue)
        .onMessageEquals(HostQueue.Stop.INSTANCE, this::onStop)
        .onMessageEquals(HostQueue.Drain.INSTANCE, this::onDrain)
        .build();
  }

  @Override
  final HostQueueState withRobots(RobotsState robots) {
    return of(data, robots);
  }

  @Override
  final Behavior<Command> proceed() {
    HostQueueRunning next = data.politeness().paused() ? this : offer();
    data.checkSession();
    return data.idle() ? data.idleState().enter(next) : next;
  }

  private HostQueueRunning offer() {
    data.refill();
    if (data.politeness().blocked()) {
      data.rejectWindow(ErrorKind.BLOCKED, "host blocked by an operator");
      data.refill();
      return this;
    }
    return offerInPhase();
  }

  /** Offers what this phase allows now; returns the phase that holds afterwards. */
  abstract HostQueueRunning offerInPhase();

  private Behavior<Command> onRetire() {
    data.log().debug("host queue retiring to let waiting hosts run host={}", data.host);
    return HostQueueRetiring.enter(data, robots()).proceed();
  }
}
