package spindle.engine;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import spindle.engine.HostQueue.Command;

/**
 * A sharding entity told to stop (a passivation, or a handoff to another node), which it cannot refuse: it offers
 * nothing more, takes back its offers no fetcher has started (they would otherwise start later, from this node, while
 * the host's next entity already runs on another: a handoff while the crawl is paused), lets its requests and
 * records in flight finish, then stops. Unless the crawl is ending, it then gives its window back and wakes its host,
 * whose next message starts the host's next entity. So when the next entity starts, every request of this one has
 * ended, and the next one's first request waits a full delay from its start.
 */
final class HostQueueStopping extends HostQueueState {
  /** What the stop leaves behind. */
  enum Ending {
    /** The host goes on elsewhere: the window goes back to the frontier and the host is woken. */
    HAND_OVER,
    /** The crawl is ending: nothing is handed on. */
    CRAWL_END
  }

  private final RobotsState robots;
  private final Ending ending;

  private HostQueueStopping(HostQueueData data, RobotsState robots, Ending ending) {
    super(data);
    this.robots = robots;
    this.ending = ending;
  }

  /** Starts stopping, with robots.txt state {@code robots}. */
  static HostQueueStopping enter(HostQueueData data, RobotsState robots, Ending ending) {
    data.stopWaiting();
    data.withdrawOffers(); // they come back as Undeliverable: in the window again, given back when it stops
    return new HostQueueStopping(data, robots, ending);
  }

  @Override
  public Receive<Command> createReceive() {
    return commonReceive()
        .onMessageEquals(HostQueue.StopNow.INSTANCE, Behaviors::stopped)
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
    return new HostQueueStopping(data, next, ending);
  }

  @Override
  boolean draining() {
    return ending == Ending.CRAWL_END;
  }

  @Override
  Behavior<Command> proceed() {
    if (data.clean()) { // through the mailbox: what arrived before (an operator's change, say) is handled first
      getContext().getSelf().tell(HostQueue.StopNow.INSTANCE);
    }
    return this;
  }

  @Override
  protected Behavior<Command> onStop() {
    return data.clean() ? Behaviors.stopped() : proceed();
  }

  @Override
  protected Behavior<Command> onDrain() {
    return ending == Ending.CRAWL_END ? this : new HostQueueStopping(data, robots, Ending.CRAWL_END);
  }

  @Override
  void stopped() {
    if (ending == Ending.HAND_OVER) {
      data.returnWindow();
      ActorRef<HostRegion.Command> region = data.region;
      HostRegion.Envelope wake = new HostRegion.Envelope(data.host, HostQueue.WorkAvailable.INSTANCE);
      // woken once the adaptive delay is saved: the host's next entity loads it
      data.savePace().whenComplete((done, failure) -> region.tell(wake));
    }
  }
}
