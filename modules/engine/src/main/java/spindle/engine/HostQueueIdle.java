package spindle.engine;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Receive;
import spindle.engine.HostQueue.Command;

/**
 * The queue holds nothing: no window, nothing in flight or outstanding, no lease under way, and the frontier has
 * nothing more for the host as far as it knows. On entry it tells the region (which stops it at once when another
 * host waits for a place) and starts its idle timer; after {@code host-idle-timeout} without work it asks to be
 * passivated. Work resumes the phase it came from.
 *
 * <p>One instance per queue, reused: a host that runs dry after every page goes idle and back without a new
 * behaviour.
 */
final class HostQueueIdle extends HostQueueState {
  /** The phase to go back to when work comes; replaced when its robots.txt state changes while idle. */
  private HostQueueRunning resume;

  HostQueueIdle(HostQueueData data) {
    super(data);
  }

  /** Becomes idle, to resume {@code from} when work comes. */
  HostQueueIdle enter(HostQueueRunning from) {
    resume = from;
    data.region.tell(new HostRegion.Idle(data.host, getContext().getSelf(), data.carry(from.robots())));
    data.timers.startSingleTimer(HostQueue.IdleTimeout.INSTANCE, data.deps.idleTimeout());
    return this;
  }

  @Override
  public Receive<Command> createReceive() {
    return commonReceive()
        .onMessageEquals(HostQueue.DelayElapsed.INSTANCE, this::proceed)
        .onMessageEquals(HostQueue.IdleTimeout.INSTANCE, this::onIdleTimeout)
        .onMessageEquals(HostQueue.Retire.INSTANCE, this::onRetire)
        .onMessageEquals(HostQueue.Continue.INSTANCE, this::onContinue)
        .onMessageEquals(HostQueue.Stop.INSTANCE, this::onStop)
        .onMessageEquals(HostQueue.Drain.INSTANCE, this::onDrain)
        .build();
  }

  @Override
  RobotsState robots() {
    return resume.robots();
  }

  @Override
  HostQueueState withRobots(RobotsState robots) {
    resume = HostQueueRunning.of(data, robots);
    return this;
  }

  @Override
  Behavior<Command> proceed() {
    if (!data.idle()) {
      data.timers.cancel(HostQueue.IdleTimeout.INSTANCE);
      return resume.proceed();
    }
    data.checkSession();
    data.timers.startSingleTimer(HostQueue.IdleTimeout.INSTANCE, data.deps.idleTimeout());
    return this;
  }

  private Behavior<Command> onIdleTimeout() {
    data.log().debug("host queue idle, passivating host={}", data.host);
    data.region.tell(new HostRegion.Passivate(data.host, getContext().getSelf(), data.carry(robots()), false));
    return this;
  }

  private Behavior<Command> onRetire() {
    return HostQueueRetiring.enter(data, robots()).proceed();
  }
}
