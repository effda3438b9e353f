package spindle.engine;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Receive;
import spindle.engine.HostQueue.Command;

/**
 * A sharding entity loading what its host's previous owner saved ({@link HostMemory}): it offers and leases
 * nothing until loaded. Then it takes the operator's controls over and waits one full delay before its first
 * request, and goes on in the phase its robots.txt state calls for.
 */
final class HostQueueRecovering extends HostQueueState {
  private final RobotsState robots;

  HostQueueRecovering(HostQueueData data, RobotsState robots) {
    super(data);
    this.robots = robots;
  }

  @Override
  public Receive<Command> createReceive() {
    return commonReceive()
        .onMessage(HostQueue.Recovered.class, this::onRecovered)
        .onMessageEquals(HostQueue.Continue.INSTANCE, this::onContinue)
        .onMessageEquals(HostQueue.Stop.INSTANCE, this::onStop)
        .onMessageEquals(HostQueue.Drain.INSTANCE, this::onDrain)
        .build();
  }

  @Override
  RobotsState robots() {
    return robots;
  }

  @Override
  HostQueueState withRobots(RobotsState next) {
    return new HostQueueRecovering(data, next);
  }

  @Override
  Behavior<Command> proceed() {
    data.checkSession();
    return this;
  }

  private Behavior<Command> onRecovered(HostQueue.Recovered recovered) {
    data.recovered(recovered);
    return HostQueueRunning.of(data, robots).proceed();
  }

  @Override
  protected Behavior<Command> onStop() {
    // never idle while loading: only a sharding entity recovers, and it cannot refuse a stop
    return HostQueueStopping.enter(data, robots, HostQueueStopping.Ending.HAND_OVER).proceed();
  }
}
