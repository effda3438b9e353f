package spindle.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.fetch.robots.RobotsOutcome;
import spindle.fetch.robots.RobotsSettings;
import spindle.store.Frontier;

/**
 * The one owner of a host's politeness: its robots.txt, its delay between requests, its requests in flight and its
 * backoff. Keyed by host, so in a cluster it becomes a sharding entity and a host is only ever fetched from one
 * place. This class holds the queue's protocol and starts it; its states are behaviours of their own.
 *
 * <p>It leases a small window of the host's URLs from the frontier, and offers one to the broker only when a
 * request is allowed: robots.txt is known, fewer than {@code per-host-concurrency} requests are in flight, and the
 * effective delay ({@link HostPoliteness#delay()}) has passed since the end of the last request
 * ({@link PolitenessClock}). robots.txt is fetched through the same fetchers, as a request like any other.
 *
 * <p>One behaviour per state, each the class {@code HostQueue<State>} ({@link HostQueueState}); the transitions:
 *
 * <pre>
 * start ─┬─ robots.txt on ─────────────────────► FetchingRobots ── rules (or a 4xx) ──► Active
 *        ├─ robots.txt off, or rules carried ─► Active
 *        └─ in a cluster ──► Recovering ── saved state loaded ──► FetchingRobots or Active
 *
 * FetchingRobots ── 5xx or unreachable ──► WaitingRobotsRetry ── retry due ──► FetchingRobots
 * FetchingRobots ── unavailable past max-error-retries, or address refused ──► Refusing
 * Active ── rules expired, nothing in flight ──► FetchingRobots
 * Active ── address refused ──► Refusing
 *
 * those four ── holds nothing ──► Idle ── work ──► back to the same phase
 *                                 Idle ── host-idle-timeout ──► asks the region to passivate it ── Stop ──► stopped
 * those four, Idle ── Retire (hosts wait for a turn) ──► Retiring ── nothing outstanding ──► Passivate(carry)
 *                                                                    ── Stop ──► stopped
 * any, as a sharding entity ── Stop ──► Stopping ── nothing outstanding ──► stopped (window back, host woken)
 * any ── Drain ──► Draining (until the crawl ends)
 * </pre>
 */
public final class HostQueue {
  private HostQueue() {}

  /**
   * Messages a host queue handles. Those a region or another node may send are public: the queue's protocol, which
   * a region of another module (a cluster's) routes; the rest are the queue's own.
   */
  public sealed interface Command {}

  /** The frontier has new URLs for this host. */
  public enum WorkAvailable implements Command, ClusterMessage { INSTANCE }

  /**
   * As {@link WorkAvailable}, and the queue answers {@link Awake} at once: a sender that must know its signal
   * arrived (sharding may lose a message for a node that left) sends it again until answered.
   */
  public record Wake(ActorRef<Awake> replyTo) implements Command, ClusterMessage {}

  /** The queue of {@code host} got a {@link Wake}. */
  public record Awake(HostKey host) implements ClusterMessage {}

  /**
   * A page request ended with HTTP {@code status} (-1: no response); with {@code retryAfter} present the URL is to
   * be tried again after that wait; with {@code addressBlocked} present the address policy refused the host's
   * address (the reason), so the host's other URLs are refused without a request. {@code answer} is what the answer
   * says of the server's health and {@code fetchTime} how long the request took: the host's delay adapts to them.
   */
  record FetchFinished(CrawlUrl url, int attempt, Optional<Duration> retryAfter, int status,
      Optional<String> addressBlocked, AdaptiveDelay.Answer answer, Duration fetchTime) implements Command {
    /** A request whose address was not refused, that took no time, its answer read from its status alone. */
    FetchFinished(CrawlUrl url, int attempt, Optional<Duration> retryAfter, int status) {
      this(url, attempt, retryAfter, status, Optional.empty(), AdaptiveDelay.Answer.ofStatus(status,
          (status == 429 || status == 503) && retryAfter.isPresent()), Duration.ZERO);
    }
  }

  /** The robots.txt request ended with {@code outcome}. */
  record RobotsFinished(RobotsOutcome outcome) implements Command {}

  /** A rejection offered by this host was written to the results stream. */
  enum RejectRecorded implements Command { INSTANCE }

  /**
   * A fetcher failed (a bug) while holding {@code item}; the URL gets an INTERNAL record. {@code requestEnded}
   * says whether the fetcher had already reported the end of the request (and so freed the host's slot).
   */
  record Crashed(WorkItem item, String reason, boolean requestEnded) implements Command {}

  /** {@code item} never reached a fetcher (dead letters); it is offered again. */
  record Undeliverable(WorkItem item) implements Command {}

  /** Stop offering work: the crawl is stopping. */
  enum Drain implements Command { INSTANCE }

  /**
   * The region agrees to passivate this queue: stop if still idle, otherwise say so and carry on. A sharding entity
   * (sharding's stop message) cannot refuse: it takes back its offers no fetcher has started, lets its requests in
   * flight end, and stops.
   */
  public enum Stop implements Command { INSTANCE }

  /** Asks for a snapshot of this host's state. */
  public record GetStatus(ActorRef<HostStatus> replyTo) implements Command, ClusterMessage {}

  /** An operator changed this host's controls: {@code control} is what now holds (every change merged). */
  public record ControlsChanged(HostControl control) implements Command, ClusterMessage {}

  /** Other hosts wait for a turn: finish what is in flight, give the window back, and stop. */
  enum Retire implements Command { INSTANCE }

  /** Nobody waits for a turn (the region's answer to {@link HostRegion.SessionSpent}): start a new session. */
  public enum Continue implements Command { INSTANCE }

  // Messages below are internal to the queue's states (timers and replies it sends itself).

  /** A lease from the frontier ended: {@code urls} of the {@code requested}, or {@code failure}. */
  record Leased(long signal, int requested, List<CrawlUrl> urls, Throwable failure) implements Command {}

  /** The delay before the next request has passed. */
  enum DelayElapsed implements Command { INSTANCE }

  /** An unavailable robots.txt is due to be asked again. */
  enum RetryRobots implements Command { INSTANCE }

  /** The queue has held nothing for {@code host-idle-timeout}. */
  enum IdleTimeout implements Command { INSTANCE }

  /** A sharding entity's saved state was loaded ({@code saved}), or could not be ({@code failure}). */
  record Recovered(Optional<HostMemory.Saved> saved, Throwable failure) implements Command {}

  /** A stopping queue has nothing outstanding any more. */
  enum StopNow implements Command { INSTANCE }

  /**
   * What a retired queue hands to its successor, so the host's next turn neither fetches robots.txt again nor
   * starts before its delay: the robots.txt rules (when loaded), when the next request may start, and what the
   * host's answers taught of its pace (its adaptive delay).
   */
  record Carry(Optional<RobotsState.Ready> robots, long nextStartNanos, String scheme, AdaptiveDelay adaptive) {
    /** What a queue hands on that learnt nothing of the server's pace. */
    Carry(Optional<RobotsState.Ready> robots, long nextStartNanos, String scheme) {
      this(robots, nextStartNanos, scheme, AdaptiveDelay.INITIAL);
    }
  }

  /**
   * What every host queue of a crawl shares.
   *
   * @param nanoTime the monotonic clock politeness is measured with: {@code System::nanoTime}, or a test's
   */
  record Dependencies(ActorRef<WorkBroker.Command> broker, Frontier frontier, Executor storeExecutor,
      PolitenessSettings politeness, RobotsSettings robots, String robotsAgent, int window, Duration idleTimeout,
      CrawlMetrics metrics, HostControls controls, int sessionRequests, Duration sessionTime,
      Optional<HostMemory> memory, LongSupplier nanoTime) {
    /** On the system's monotonic clock. */
    Dependencies(ActorRef<WorkBroker.Command> broker, Frontier frontier, Executor storeExecutor,
        PolitenessSettings politeness, RobotsSettings robots, String robotsAgent, int window, Duration idleTimeout,
        CrawlMetrics metrics, HostControls controls, int sessionRequests, Duration sessionTime,
        Optional<HostMemory> memory) {
      this(broker, frontier, storeExecutor, politeness, robots, robotsAgent, window, idleTimeout, metrics, controls,
          sessionRequests, sessionTime, memory, System::nanoTime);
    }

    /** Without memory: the queues of a single node. */
    Dependencies(ActorRef<WorkBroker.Command> broker, Frontier frontier, Executor storeExecutor,
        PolitenessSettings politeness, RobotsSettings robots, String robotsAgent, int window, Duration idleTimeout,
        CrawlMetrics metrics, HostControls controls, int sessionRequests, Duration sessionTime) {
      this(broker, frontier, storeExecutor, politeness, robots, robotsAgent, window, idleTimeout, metrics, controls,
          sessionRequests, sessionTime, Optional.empty());
    }

    /** Whether the queues are Cluster Sharding entities: those, and only those, keep a memory across nodes. */
    boolean sharded() {
      return memory.isPresent();
    }

    /** These dependencies measuring time with {@code clock} (a test's manual clock). */
    Dependencies withNanoTime(LongSupplier clock) {
      return new Dependencies(broker, frontier, storeExecutor, politeness, robots, robotsAgent, window, idleTimeout,
          metrics, controls, sessionRequests, sessionTime, memory, clock);
    }

    /** These dependencies for sharding entities, which keep their host's memory in {@code store}. */
    Dependencies withMemory(HostMemory store) {
      return new Dependencies(broker, frontier, storeExecutor, politeness, robots, robotsAgent, window, idleTimeout,
          metrics, controls, sessionRequests, sessionTime, Optional.of(store), nanoTime);
    }
  }

  /**
   * A host's state, for status pages and "why is the crawl not finished". Times are empty when not in the future.
   *
   * @param windowed URLs leased from the frontier and waiting here
   * @param delaySource why the delay is what it is: {@code base}, {@code crawl-delay}, {@code operator},
   *     {@code slow-responses}, {@code errors} or {@code recovering}
   * @param delayReason the same for an operator, with figures ("5xx: grown after 3 errors")
   * @param ready whether a request could start now (it waits only for an idle fetcher)
   */
  public record HostStatus(HostKey host, int windowed, int inFlight, String robots, Duration effectiveDelay,
      String delaySource, String delayReason, Optional<Instant> nextRequestAt, Optional<Instant> backoffUntil,
      Optional<Instant> robotsRetryAt, OptionalInt lastStatus, boolean paused, boolean blocked, int concurrency,
      List<HostReport.Lease> leases, boolean ready, boolean draining) implements ClusterMessage {}

  /**
   * The queue of {@code host}. It does nothing until told that work is available; idle for
   * {@code deps.idleTimeout()}, it asks {@code region} to stop it.
   */
  static Behavior<Command> create(HostKey host, Dependencies deps, ActorRef<HostRegion.Command> region) {
    return create(host, deps, region, Optional.empty());
  }

  /** The queue of {@code host}, continuing where a retired queue of the same host left off. */
  static Behavior<Command> create(HostKey host, Dependencies deps, ActorRef<HostRegion.Command> region,
      Optional<Carry> carry) {
    return create(host, deps, region, carry, Optional.empty());
  }

  /**
   * The queue of {@code host}, continuing where a retired queue of the same host left off; with {@code gate}, its
   * requests go through the gate of the server it shares with other host names ({@code spindle.politeness.key}).
   */
  static Behavior<Command> create(HostKey host, Dependencies deps, ActorRef<HostRegion.Command> region,
      Optional<Carry> carry, Optional<ActorRef<ServerGate.Command>> gate) {
    return Behaviors.withMdc(Command.class, Map.of("host", host.name()), Behaviors.setup(context ->
        Behaviors.withTimers(timers -> start(new HostQueueData(host, deps, region, context, timers, gate), carry))));
  }

  /** The first state: recovering a sharding entity's memory, else the phase its robots.txt state calls for. */
  private static Behavior<Command> start(HostQueueData data, Optional<Carry> carry) {
    RobotsState robots = RobotsState.initial(data.deps.robots());
    if (carry.isPresent()) {
      robots = data.takeOver(carry.get(), robots);
    }
    if (data.deps.memory().isPresent()) {
      data.context.pipeToSelf(data.deps.memory().get().load(data.host), Recovered::new);
      return new HostQueueRecovering(data, robots);
    }
    return HostQueueRunning.of(data, robots);
  }
}
