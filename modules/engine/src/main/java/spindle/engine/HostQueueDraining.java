package spindle.engine;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import spindle.engine.HostQueue.Command;

/**
 * The crawl is stopping: the queue offers nothing more and leases nothing; it keeps its books for status reports
 * while its requests in flight end, and stops with the crawl. Its window is not given back: the frontier requeues
 * every lease when the crawl is resumed.
 */
final class HostQueueDraining extends HostQueueState {
  private final RobotsState robots;

  private HostQueueDraining(HostQueueData data, RobotsState robots) {
    super(data);
    this.robots = robots;
  }

  /** Starts draining, with robots.txt state {@code robots}. */
  static HostQueueDraining enter(HostQueueData data, RobotsState robots) {
    data.stopWaiting();
    return new HostQueueDraining(data, robots);
  }

  @Override
  public Receive<Command> createReceive() {
    return commonReceive()
        .onMessageEquals(HostQueue.Stop.INSTANCE, this::onStop)
        .onMessage(HostQueue.Recovered.class, this::onRecovered)
        .build();
  }

  @Override
  RobotsState robots() {
    return robots;
  }

  @Override
  HostQueueState withRobots(RobotsState next) {
    return new HostQueueDraining(data, next);
  }

  @Override
  boolean draining() {
    return true;
  }

  @Override
  Behavior<Command> proceed() {
    return this;
  }

  @Override
  void stopped() {
    // stopped by the end of the crawl: nothing to hand on
  }

  @Override
  protected Behavior<Command> onStop() {
    if (data.clean()) {
      return Behaviors.stopped();
    }
    if (data.deps.sharded()) {
      return HostQueueStopping.enter(data, robots, HostQueueStopping.Ending.CRAWL_END).proceed();
    }
    return super.onStop();
  }

  private Behavior<Command> onRecovered(HostQueue.Recovered recovered) {
    data.recovered(recovered);
    return this;
  }
}
