package spindle.engine;

import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import spindle.core.ErrorKind;
import spindle.fetch.robots.RobotsOutcome;
import spindle.engine.HostQueue.Command;

/**
 * One state of a host queue; each phase of its life is a behaviour of its own, and a change of phase is the
 * behaviour a handler returns.
 *
 * <p>Every state takes the reports of what the queue handed out (a request outlives the state that offered it,
 * and a restarted queue hears of its predecessor's), answers status questions and applies an operator's controls:
 * {@link #commonReceive()}. What a state does next, and which lifecycle messages it takes, is its own.
 */
abstract class HostQueueState extends AbstractBehavior<Command> {
  protected final HostQueueData data;

  HostQueueState(HostQueueData data) {
    super(data.context);
    this.data = data;
  }

  /** The robots.txt state this state holds. */
  abstract RobotsState robots();

  /** This state, or the one it calls for, with the robots.txt state {@code robots}. */
  abstract HostQueueState withRobots(RobotsState robots);

  /** What this state does once a message changed something; returns the state that holds afterwards. */
  abstract Behavior<Command> proceed();

  /** Whether the crawl is ending here: nothing more is offered, nothing handed on. */
  boolean draining() {
    return false;
  }

  /**
   * What the queue leaves behind once stopped: its window goes back to the frontier, and a sharding entity saves its
   * adaptive delay for the host's next owner.
   */
  void stopped() {
    data.returnWindow();
    data.savePace();
  }

  /** The messages every state handles; a state adds its own and builds. */
  protected ReceiveBuilder<Command> commonReceive() {
    return newReceiveBuilder()
        .onMessageEquals(HostQueue.WorkAvailable.INSTANCE, this::onWorkAvailable)
        .onMessage(HostQueue.Wake.class, this::onWake)
        .onMessage(HostQueue.Leased.class, this::onLeased)
        .onMessage(HostQueue.FetchFinished.class, this::onFetchFinished)
        .onMessage(HostQueue.RobotsFinished.class, this::onRobotsFinished)
        .onMessageEquals(HostQueue.RejectRecorded.INSTANCE, this::onRejectRecorded)
        .onMessage(HostQueue.Crashed.class, this::onCrashed)
        .onMessage(HostQueue.Undeliverable.class, this::onUndeliverable)
        .onMessageEquals(HostQueue.RetryRobots.INSTANCE, this::onRetryRobots)
        .onMessage(HostQueue.ControlsChanged.class, this::onControlsChanged)
        .onMessage(HostQueue.GetStatus.class, this::onGetStatus)
        .onSignal(PreRestart.class, signal -> onPreRestart())
        .onSignal(PostStop.class, signal -> onPostStop());
  }

  /** This state, unless {@code next} differs from the robots.txt state it holds. */
  private HostQueueState with(RobotsState next) {
    return next == robots() ? this : withRobots(next);
  }

  private Behavior<Command> onWorkAvailable() {
    data.window.signal();
    return proceed();
  }

  private Behavior<Command> onWake(HostQueue.Wake wake) {
    wake.replyTo().tell(new HostQueue.Awake(data.host));
    return onWorkAvailable();
  }

  private Behavior<Command> onLeased(HostQueue.Leased leased) {
    data.leased(leased);
    if (leased.failure() != null) {
      data.log().error("frontier lease failed host={}", data.host, leased.failure());
      data.timers.startSingleTimer(HostQueue.WorkAvailable.INSTANCE, Duration.ofSeconds(1));
      return this;
    }
    return proceed();
  }

  private Behavior<Command> onFetchFinished(HostQueue.FetchFinished finished) {
    long now = data.now();
    data.pageEnded(now, finished); // first: the server's gate, if any, hears the delay as it adapted
    data.requestEnded(finished.url().url(), finished.retryAfter());
    if (finished.retryAfter().isPresent()) {
      data.window.putBack(finished.url(), finished.attempt());
      data.deps.metrics().backingOff(data.host, System.nanoTime()); // the metric's clock is the system's
    } else if (finished.status() >= 100 && finished.status() < 500 && finished.status() != 429) {
      data.deps.metrics().backoffEnded(data.host); // a good answer: the host works again
    }
    HostQueueState next = finished.addressBlocked().isEmpty() ? this
        : with(new RobotsState.AddressBlocked(finished.addressBlocked().get()));
    return next.proceed();
  }

  private Behavior<Command> onRobotsFinished(HostQueue.RobotsFinished finished) {
    long now = data.now();
    data.requestEnded(data.robotsUrl());
    RobotsState next = robots().after(finished.outcome(), now, data.deps.robots());
    data.robotsEnded(now, next instanceof RobotsState.Ready ready ? Optional.of(ready) : Optional.empty());
    if (next instanceof RobotsState.Ready ready) {
      data.log().debug("robots.txt loaded host={} rules={} delay={}", data.host, ready.policy().description(),
          data.politeness().delay());
    } else if (next instanceof RobotsState.AddressBlocked blocked) {
      data.log().info("address refused, no URL of the host is fetched host={} reason={}", data.host,
          blocked.reason());
    } else if (next instanceof RobotsState.GaveUp gaveUp) {
      data.log().warn("robots.txt unavailable, giving up on host={} attempts={} reason={}", data.host,
          gaveUp.failures(), ((RobotsOutcome.Unavailable) finished.outcome()).reason());
    } else if (next instanceof RobotsState.WaitingRetry) {
      Duration retryIn = data.deps.robots().errorRetryInterval();
      data.log().info("robots.txt unavailable, host disallowed for now host={} retry_in={} reason={}", data.host,
          retryIn, ((RobotsOutcome.Unavailable) finished.outcome()).reason());
      data.timers.startSingleTimer(HostQueue.RetryRobots.INSTANCE, retryIn);
    }
    return with(next).proceed();
  }

  private Behavior<Command> onRejectRecorded() {
    data.rejectEnded();
    return proceed();
  }

  private Behavior<Command> onCrashed(HostQueue.Crashed crashed) {
    RobotsState next = robots();
    if (crashed.item() instanceof WorkItem.PageFetch page) {
      if (!crashed.requestEnded()) {
        data.requestEnded(page.url().url());
      }
      data.offerReject(page.url(), ErrorKind.INTERNAL, crashed.reason());
    } else if (crashed.item() instanceof WorkItem.RobotsFetch) {
      if (!crashed.requestEnded()) {
        data.requestEnded(data.robotsUrl());
      }
      next = robots().lost();
    } else if (crashed.item() instanceof WorkItem.Reject reject) {
      data.rejectEnded();
      if (reject.kind() != ErrorKind.INTERNAL) {
        data.offerReject(reject.url(), ErrorKind.INTERNAL, crashed.reason());
      } else {
        data.log().error("record lost after two crashes url={}", reject.url());
      }
    }
    return with(next).proceed();
  }

  private Behavior<Command> onUndeliverable(HostQueue.Undeliverable undeliverable) {
    RobotsState next = robots();
    if (undeliverable.item() instanceof WorkItem.PageFetch page) {
      data.requestEnded(page.url().url());
      data.window.putBack(page.url(), page.attempt() - 1);
    } else if (undeliverable.item() instanceof WorkItem.RobotsFetch) {
      data.requestEnded(data.robotsUrl());
      next = robots().lost();
    } else if (undeliverable.item() instanceof WorkItem.Reject reject) {
      data.rejectEnded();
      data.offerReject(reject.url(), reject.kind(), reject.message());
    }
    return with(next).proceed();
  }

  private Behavior<Command> onRetryRobots() {
    return with(robots().retryDue()).proceed();
  }

  private Behavior<Command> onControlsChanged(HostQueue.ControlsChanged changed) {
    data.controlsChanged(changed.control());
    return proceed();
  }

  private Behavior<Command> onGetStatus(HostQueue.GetStatus get) {
    get.replyTo().tell(data.status(robots(), draining()));
    return this;
  }

  private Behavior<Command> onPreRestart() {
    data.deps.metrics().restarted("host-queue");
    data.returnWindow();
    data.withdrawOffers(); // the restarted queue knows nothing of them: they come back to it as undeliverable
    return this;
  }

  private Behavior<Command> onPostStop() {
    data.deps.metrics().backoffEnded(data.host); // a stopped queue backs off no more; its successor starts afresh
    stopped();
    return this;
  }

  // handlers that several states share

  /** Nobody waits for a turn: a new session starts. */
  protected Behavior<Command> onContinue() {
    data.continueSession();
    return proceed();
  }

  /** The crawl is stopping: nothing more is offered. */
  protected Behavior<Command> onDrain() {
    return HostQueueDraining.enter(data, robots());
  }

  /**
   * The region agrees to passivate the queue (or sharding stops it): an idle queue stops; a sharding entity, which
   * cannot refuse, finishes what it has in flight first; a queue of a single node that got work meanwhile stays.
   */
  protected Behavior<Command> onStop() {
    if (data.idle()) {
      return Behaviors.stopped();
    }
    if (data.deps.sharded()) {
      return HostQueueStopping.enter(data, robots(), HostQueueStopping.Ending.HAND_OVER).proceed();
    }
    data.region.tell(new HostRegion.PassivationCancelled(data.host, getContext().getSelf())); // work arrived
    return this;
  }
}
