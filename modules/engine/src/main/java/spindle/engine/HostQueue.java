package spindle.engine;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import spindle.core.CrawlUrl;
import spindle.core.ErrorKind;
import spindle.core.HostKey;
import spindle.fetch.robots.RobotsOutcome;
import spindle.fetch.robots.RobotsPolicy;
import spindle.fetch.robots.RobotsSettings;
import spindle.store.Frontier;

/**
 * The one owner of a host's politeness: its robots.txt, its delay between requests, its requests in flight and its
 * backoff. Keyed by host, so in a cluster it becomes a sharding entity and a host is only ever fetched from one
 * place.
 *
 * <p>It leases a small window of the host's URLs from the frontier, and offers one to the broker only when a
 * request is allowed: robots.txt is known, fewer than {@code per-host-concurrency} requests are in flight, and the
 * effective delay (the larger of {@code spindle.politeness.delay} and the robots.txt Crawl-delay, capped) has passed
 * since the end of the last request. robots.txt is fetched through the same fetchers, as a request like any other.
 */
final class HostQueue extends AbstractBehavior<HostQueue.Command> {
  /** Messages a host queue handles. */
  sealed interface Command {}

  /** The frontier has new URLs for this host. */
  enum WorkAvailable implements Command { INSTANCE }

  /** A page request ended; with {@code retryAfter} present the URL is to be tried again after that wait. */
  record FetchFinished(CrawlUrl url, int attempt, Optional<Duration> retryAfter) implements Command {}

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

  /** The region agrees to passivate this queue: stop if still idle, otherwise say so and carry on. */
  enum Stop implements Command { INSTANCE }

  /** Asks for a snapshot of this host's state. */
  record GetStatus(ActorRef<HostStatus> replyTo) implements Command {}

  private record Leased(long signal, int requested, List<CrawlUrl> urls, Throwable failure) implements Command {}

  private enum DelayElapsed implements Command { INSTANCE }

  private enum RetryRobots implements Command { INSTANCE }

  private enum IdleTimeout implements Command { INSTANCE }

  /** What every host queue of a crawl shares. */
  record Dependencies(ActorRef<WorkBroker.Command> broker, Frontier frontier, Executor storeExecutor,
      PolitenessSettings politeness, RobotsSettings robots, String robotsAgent, int window, Duration idleTimeout,
      CrawlMetrics metrics) {}

  /** A host's state, for status pages and "why is the crawl not finished". */
  record HostStatus(HostKey host, int windowed, int inFlight, String robots, Duration effectiveDelay,
      Duration nextRequestIn, boolean draining) {}

  private enum RobotsState { UNKNOWN, FETCHING, READY, WAITING_RETRY, GAVE_UP }

  private record Pending(CrawlUrl url, int attempts) {}

  private final HostKey host;
  private final Dependencies deps;
  private final ActorRef<HostRegion.Command> region;
  private final TimerScheduler<Command> timers;
  private final ArrayDeque<Pending> window = new ArrayDeque<>();
  private boolean leasing;
  private boolean mayHaveMore;
  private long workSignal;
  private int busy;
  private int rejectsOutstanding;
  private long nextStartNanos;
  private boolean delayTimerSet;
  private RobotsState robotsState;
  private RobotsPolicy policy = RobotsPolicy.allowAll();
  private long robotsExpiresNanos;
  private int robotsFailures;
  private Duration effectiveDelay;
  private String scheme = "http";
  private boolean draining;

  private HostQueue(ActorContext<Command> context, TimerScheduler<Command> timers, HostKey host, Dependencies deps,
      ActorRef<HostRegion.Command> region) {
    super(context);
    this.region = region;
    this.timers = timers;
    this.host = host;
    this.deps = deps;
    this.robotsState = deps.robots().enabled() ? RobotsState.UNKNOWN : RobotsState.READY;
    this.robotsExpiresNanos = Long.MAX_VALUE;
    this.effectiveDelay = deps.politeness().delay();
    this.nextStartNanos = System.nanoTime();
  }

  /**
   * The queue of {@code host}. It does nothing until told that work is available; idle for
   * {@code deps.idleTimeout()}, it asks {@code region} to stop it.
   */
  static Behavior<Command> create(HostKey host, Dependencies deps, ActorRef<HostRegion.Command> region) {
    return Behaviors.withMdc(Command.class, Map.of("host", host.name()),
        Behaviors.setup(context -> Behaviors.withTimers(timers -> new HostQueue(context, timers, host, deps, region))));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(WorkAvailable.INSTANCE, this::onWorkAvailable)
        .onMessage(Leased.class, this::onLeased)
        .onMessage(FetchFinished.class, this::onFetchFinished)
        .onMessage(RobotsFinished.class, this::onRobotsFinished)
        .onMessageEquals(RejectRecorded.INSTANCE, this::onRejectRecorded)
        .onMessageEquals(DelayElapsed.INSTANCE, this::onDelayElapsed)
        .onMessageEquals(RetryRobots.INSTANCE, this::onRetryRobots)
        .onMessage(Crashed.class, this::onCrashed)
        .onMessage(Undeliverable.class, this::onUndeliverable)
        .onMessageEquals(Drain.INSTANCE, this::onDrain)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessageEquals(IdleTimeout.INSTANCE, this::onIdleTimeout)
        .onMessageEquals(Stop.INSTANCE, this::onStop)
        .onSignal(PreRestart.class, signal -> onPreRestart())
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onWorkAvailable() {
    mayHaveMore = true;
    workSignal++;
    dispatch();
    return this;
  }

  private Behavior<Command> onLeased(Leased leased) {
    leasing = false;
    if (leased.failure() != null) {
      getContext().getLog().error("frontier lease failed host={}", host, leased.failure());
      timers.startSingleTimer(WorkAvailable.INSTANCE, Duration.ofSeconds(1));
      return this;
    }
    for (CrawlUrl url : leased.urls()) {
      window.addLast(new Pending(url, 0));
    }
    if (window.size() == leased.urls().size() && !leased.urls().isEmpty()) {
      scheme = leased.urls().get(0).url().startsWith("https:") ? "https" : "http";
    }
    if (leased.urls().size() < leased.requested() && leased.signal() == workSignal) {
      mayHaveMore = false;
    }
    dispatch();
    return this;
  }

  private Behavior<Command> onFetchFinished(FetchFinished finished) {
    busy = Math.max(0, busy - 1);
    long now = System.nanoTime();
    nextStartNanos = Math.max(nextStartNanos, now + effectiveDelay.toNanos());
    if (finished.retryAfter().isPresent()) {
      window.addFirst(new Pending(finished.url(), finished.attempt()));
      nextStartNanos = Math.max(nextStartNanos, now + finished.retryAfter().get().toNanos());
    }
    dispatch();
    return this;
  }

  private Behavior<Command> onRobotsFinished(RobotsFinished finished) {
    busy = Math.max(0, busy - 1);
    long now = System.nanoTime();
    if (finished.outcome() instanceof RobotsOutcome.Rules rules) {
      policy = rules.policy();
      robotsState = RobotsState.READY;
      robotsFailures = 0;
      robotsExpiresNanos = now + deps.robots().cacheTtl().toNanos();
      effectiveDelay = deps.politeness().effectiveDelay(policy.crawlDelay());
      getContext().getLog().debug("robots.txt loaded host={} rules={} delay={}", host, policy.description(),
          effectiveDelay);
    } else {
      String reason = ((RobotsOutcome.Unavailable) finished.outcome()).reason();
      robotsFailures++;
      if (robotsFailures > deps.robots().maxErrorRetries()) {
        robotsState = RobotsState.GAVE_UP;
        getContext().getLog().warn("robots.txt unavailable, giving up on host={} attempts={} reason={}", host,
            robotsFailures, reason);
      } else {
        robotsState = RobotsState.WAITING_RETRY;
        getContext().getLog().info("robots.txt unavailable, host disallowed for now host={} retry_in={} reason={}",
            host, deps.robots().errorRetryInterval(), reason);
        timers.startSingleTimer(RetryRobots.INSTANCE, deps.robots().errorRetryInterval());
      }
    }
    nextStartNanos = Math.max(nextStartNanos, now + effectiveDelay.toNanos());
    dispatch();
    return this;
  }

  private Behavior<Command> onRejectRecorded() {
    rejectsOutstanding = Math.max(0, rejectsOutstanding - 1);
    dispatch();
    return this;
  }

  private Behavior<Command> onDelayElapsed() {
    delayTimerSet = false;
    dispatch();
    return this;
  }

  private Behavior<Command> onRetryRobots() {
    if (robotsState == RobotsState.WAITING_RETRY) {
      robotsState = RobotsState.UNKNOWN;
    }
    dispatch();
    return this;
  }

  private Behavior<Command> onCrashed(Crashed crashed) {
    WorkItem item = crashed.item();
    if (item instanceof WorkItem.PageFetch page) {
      if (!crashed.requestEnded()) {
        busy = Math.max(0, busy - 1);
      }
      offerReject(page.url(), ErrorKind.INTERNAL, crashed.reason());
    } else if (item instanceof WorkItem.RobotsFetch) {
      if (!crashed.requestEnded()) {
        busy = Math.max(0, busy - 1);
      }
      robotsState = RobotsState.UNKNOWN;
    } else if (item instanceof WorkItem.Reject reject) {
      rejectsOutstanding = Math.max(0, rejectsOutstanding - 1);
      if (reject.kind() != ErrorKind.INTERNAL) {
        offerReject(reject.url(), ErrorKind.INTERNAL, crashed.reason());
      } else {
        getContext().getLog().error("record lost after two crashes url={}", reject.url());
      }
    }
    dispatch();
    return this;
  }

  private Behavior<Command> onUndeliverable(Undeliverable undeliverable) {
    WorkItem item = undeliverable.item();
    if (item instanceof WorkItem.PageFetch page) {
      busy = Math.max(0, busy - 1);
      window.addFirst(new Pending(page.url(), page.attempt() - 1));
    } else if (item instanceof WorkItem.RobotsFetch) {
      busy = Math.max(0, busy - 1);
      robotsState = RobotsState.UNKNOWN;
    } else if (item instanceof WorkItem.Reject reject) {
      rejectsOutstanding = Math.max(0, rejectsOutstanding - 1);
      offerReject(reject.url(), reject.kind(), reject.message());
    }
    dispatch();
    return this;
  }

  private Behavior<Command> onDrain() {
    draining = true;
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    long waitNanos = Math.max(0, nextStartNanos - System.nanoTime());
    get.replyTo().tell(new HostStatus(host, window.size(), busy, robotsState.name().toLowerCase(),
        effectiveDelay, Duration.ofNanos(waitNanos), draining));
    return this;
  }

  private Behavior<Command> onIdleTimeout() {
    if (isIdle()) {
      getContext().getLog().debug("host queue idle, passivating host={}", host);
      region.tell(new HostRegion.Passivate(host, getContext().getSelf()));
    }
    return this;
  }

  private Behavior<Command> onStop() {
    if (isIdle()) {
      return Behaviors.stopped();
    }
    region.tell(new HostRegion.PassivationCancelled(host, getContext().getSelf())); // work arrived meanwhile
    return this;
  }

  /**
   * Whether this queue holds nothing: no window, nothing offered or in flight, no lease under way, nothing more in
   * the frontier as far as it knows. Only then may it stop: no fetcher will report to it.
   */
  private boolean isIdle() {
    return window.isEmpty() && busy == 0 && rejectsOutstanding == 0 && !leasing && !mayHaveMore;
  }

  private Behavior<Command> onPreRestart() {
    deps.metrics().restarted("host-queue");
    returnWindow();
    return this;
  }

  private Behavior<Command> onPostStop() {
    if (!draining) { // stopped by failures, not by the end of the crawl
      returnWindow();
    }
    return this;
  }

  /** Gives the leased window back to the frontier, so a restart or a stop loses no URL. */
  private void returnWindow() {
    if (!window.isEmpty()) {
      List<CrawlUrl> urls = new ArrayList<>(window.size());
      window.forEach(pending -> urls.add(pending.url()));
      window.clear();
      Frontier frontier = deps.frontier();
      CompletableFuture.runAsync(() -> frontier.requeue(urls), deps.storeExecutor());
    }
  }

  /** Offers whatever politeness and robots.txt allow now, refills the window, and watches for idleness. */
  private void dispatch() {
    offerWork();
    if (isIdle() && !draining) {
      timers.startSingleTimer(IdleTimeout.INSTANCE, deps.idleTimeout());
    } else {
      timers.cancel(IdleTimeout.INSTANCE);
    }
  }

  private void offerWork() {
    if (draining) {
      return;
    }
    refill();
    if (!robotsReady()) {
      return;
    }
    while (!window.isEmpty() && rejectsOutstanding < deps.window()) {
      Pending next = window.peekFirst();
      if (!policy.isAllowed(next.url().url())) {
        window.pollFirst();
        offerReject(next.url(), ErrorKind.ROBOTS_DISALLOWED, "robots.txt disallows it for " + deps.robotsAgent());
        continue;
      }
      if (busy >= deps.politeness().perHostConcurrency() || !delayPassed()) {
        break;
      }
      window.pollFirst();
      busy++;
      deps.broker().tell(new WorkBroker.Offer(new WorkItem.PageFetch(next.url(), next.attempts() + 1),
          getContext().getSelf()));
    }
    refill();
  }

  /** Whether robots.txt allows deciding about URLs now; starts fetching it when needed. */
  private boolean robotsReady() {
    if (robotsState == RobotsState.READY && System.nanoTime() - robotsExpiresNanos > 0 && busy == 0
        && !window.isEmpty()) {
      robotsState = RobotsState.UNKNOWN; // the cached copy expired: fetch it again before the next page
    }
    switch (robotsState) {
      case READY:
        return true;
      case GAVE_UP:
        while (!window.isEmpty() && rejectsOutstanding < deps.window()) {
          offerReject(window.pollFirst().url(), ErrorKind.ROBOTS_UNAVAILABLE,
              "robots.txt unavailable after " + robotsFailures + " attempts");
        }
        return false;
      case UNKNOWN:
        if (!window.isEmpty() && busy < deps.politeness().perHostConcurrency() && delayPassed()) {
          robotsState = RobotsState.FETCHING;
          busy++;
          deps.broker().tell(new WorkBroker.Offer(new WorkItem.RobotsFetch(scheme + "://" + host.name() + "/robots.txt"),
              getContext().getSelf()));
        }
        return false;
      default:
        return false;
    }
  }

  /** Whether the effective delay has passed since the last request ended; if not, wakes up when it has. */
  private boolean delayPassed() {
    long wait = nextStartNanos - System.nanoTime();
    if (wait <= 0) {
      return true;
    }
    if (!delayTimerSet) {
      delayTimerSet = true;
      timers.startSingleTimer(DelayElapsed.INSTANCE, Duration.ofNanos(wait));
    }
    return false;
  }

  private void offerReject(CrawlUrl url, ErrorKind kind, String message) {
    rejectsOutstanding++;
    deps.broker().tell(new WorkBroker.Offer(new WorkItem.Reject(url, kind, message), getContext().getSelf()));
  }

  private void refill() {
    if (leasing || !mayHaveMore || window.size() > deps.window() / 2) {
      return;
    }
    leasing = true;
    int requested = deps.window() - window.size();
    long signal = workSignal;
    Frontier frontier = deps.frontier();
    HostKey key = host;
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> frontier.lease(key, requested), deps.storeExecutor()),
        (urls, failure) -> new Leased(signal, requested, urls == null ? List.of() : urls, failure));
  }
}
