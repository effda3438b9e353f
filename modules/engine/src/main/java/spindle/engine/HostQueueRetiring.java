package spindle.engine;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import spindle.engine.HostQueue.Command;

/**
 * The queue gives its turn up to hosts waiting for a place (single node, {@code max-active-hosts}): it offers
 * nothing more, lets its requests and records in flight finish, then gives its window back to the frontier and
 * asks the region to stop it, handing on its robots.txt rules and next allowed start ({@link HostQueue.Carry}) to
 * the host's next queue. The host goes to the back of the line.
 */
final class HostQueueRetiring extends HostQueueState {
  private final RobotsState robots;

  private HostQueueRetiring(HostQueueData data, RobotsState robots) {
    super(data);
    this.robots = robots;
  }

  /** Starts retiring, with robots.txt state {@code robots}. */
  static HostQueueRetiring enter(HostQueueData data, RobotsState robots) {
    data.stopWaiting();
    return new HostQueueRetiring(data, robots);
  }

  @Override
  public Receive<Command> createReceive() {
    return commonReceive()
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
    return new HostQueueRetiring(data, next);
  }

  @Override
  Behavior<Command> proceed() {
    if (data.clean()) { // asked again on every message meanwhile: the region takes the first
      data.returnWindow();
      data.region.tell(new HostRegion.Passivate(data.host, getContext().getSelf(), data.carry(robots), true));
    }
    return this;
  }

  @Override
  protected Behavior<Command> onStop() {
    if (data.clean()) {
      return Behaviors.stopped();
    }
    return super.onStop();
  }
}
