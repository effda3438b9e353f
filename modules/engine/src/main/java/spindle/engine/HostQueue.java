package spindle.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
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
  enum WorkAvailable implements Command, ClusterMessage { INSTANCE }

  /**
   * A page request ended with HTTP {@code status} (-1: no response); with {@code retryAfter} present the URL is to
   * be tried again after that wait; with {@code addressBlocked} present the address policy refused the host's
   * address (the reason), so the host's other URLs are refused without a request.
   */
  record FetchFinished(CrawlUrl url, int attempt, Optional<Duration> retryAfter, int status,
      Optional<String> addressBlocked) implements Command {
    /** A request whose address was not refused. */
    FetchFinished(CrawlUrl url, int attempt, Optional<Duration> retryAfter, int status) {
      this(url, attempt, retryAfter, status, Optional.empty());
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

  /** The region agrees to passivate this queue: stop if still idle, otherwise say so and carry on. */
  enum Stop implements Command { INSTANCE }

  /** Asks for a snapshot of this host's state. */
  record GetStatus(ActorRef<HostStatus> replyTo) implements Command, ClusterMessage {}

  /** An operator changed this host's controls: {@code control} is what now holds (every change merged). */
  record ControlsChanged(HostControl control) implements Command, ClusterMessage {}

  /** Other hosts wait for a turn: finish what is in flight, give the window back, and stop. */
  enum Retire implements Command { INSTANCE }

  /** Nobody waits: start a new session. */
  enum Continue implements Command { INSTANCE }

  /**
   * What a retired queue hands to its successor, so the host's next turn neither fetches robots.txt again nor
   * starts before its delay: the robots.txt rules (when loaded) and when the next request may start.
   */
  record Carry(Optional<RobotsPolicy> robots, long robotsExpiresNanos, long nextStartNanos, String scheme) {}

  private record Leased(long signal, int requested, List<CrawlUrl> urls, Throwable failure) implements Command {}

  private enum DelayElapsed implements Command { INSTANCE }

  private enum RetryRobots implements Command { INSTANCE }

  private enum IdleTimeout implements Command { INSTANCE }

  private record Recovered(Optional<HostMemory.Saved> saved, Throwable failure) implements Command {}

  private enum StopNow implements Command { INSTANCE }

  /** What every host queue of a crawl shares. */
  record Dependencies(ActorRef<WorkBroker.Command> broker, Frontier frontier, Executor storeExecutor,
      PolitenessSettings politeness, RobotsSettings robots, String robotsAgent, int window, Duration idleTimeout,
      CrawlMetrics metrics, HostControls controls, int sessionRequests, Duration sessionTime,
      Optional<HostMemory> memory) {
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
  }

  /**
   * A host's state, for status pages and "why is the crawl not finished". Times are empty when not in the future.
   *
   * @param windowed URLs leased from the frontier and waiting here
   * @param ready whether a request could start now (it waits only for an idle fetcher)
   */
  record HostStatus(HostKey host, int windowed, int inFlight, String robots, Duration effectiveDelay,
      Optional<Instant> nextRequestAt, Optional<Instant> backoffUntil, Optional<Instant> robotsRetryAt,
      OptionalInt lastStatus, boolean paused, boolean blocked, int concurrency, List<HostReport.Lease> leases,
      boolean ready, boolean draining) implements ClusterMessage {}

  private enum RobotsState { UNKNOWN, FETCHING, READY, WAITING_RETRY, GAVE_UP, ADDRESS_BLOCKED }

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
  private HostControl control;
  private int lastStatus = -1;
  private long backoffUntilNanos;
  private long robotsRetryAtNanos;
  /** Why the address policy refuses this host's address, once a request found out; its URLs are then refused. */
  private Optional<String> addressBlocked = Optional.empty();
  /** Requests in flight: URL to the time it was offered, oldest first. */
  private final Map<String, Long> leases = new LinkedHashMap<>();
  private int sessionServed;
  private long sessionStartNanos = System.nanoTime();
  private boolean sessionAsked;
  private boolean retiring;
  private boolean saidIdle;
  /** A sharding entity loading its saved state: it offers nothing until loaded. */
  private boolean recovering;
  private long savedRevision;
  /** A sharding entity asked to stop while it had work: it stops once its requests are in, then wakes its host. */
  private boolean stopWhenRetired;

  private HostQueue(ActorContext<Command> context, TimerScheduler<Command> timers, HostKey host, Dependencies deps,
      ActorRef<HostRegion.Command> region, Optional<Carry> carry) {
    super(context);
    this.region = region;
    this.timers = timers;
    this.host = host;
    this.deps = deps;
    this.robotsState = deps.robots().enabled() ? RobotsState.UNKNOWN : RobotsState.READY;
    this.robotsExpiresNanos = Long.MAX_VALUE;
    this.control = deps.controls().get(host);
    this.effectiveDelay = new HostPoliteness(deps.politeness(), control, Optional.empty()).delay();
    this.nextStartNanos = System.nanoTime();
    carry.ifPresent(this::takeOver);
    deps.memory().ifPresent(memory -> {
      recovering = true;
      context.pipeToSelf(memory.load(host), Recovered::new);
    });
  }

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
    return Behaviors.withMdc(Command.class, Map.of("host", host.name()), Behaviors.setup(context ->
        Behaviors.withTimers(timers -> new HostQueue(context, timers, host, deps, region, carry))));
  }

  private void takeOver(Carry carry) {
    nextStartNanos = carry.nextStartNanos();
    scheme = carry.scheme();
    if (carry.robots().isPresent() && robotsState == RobotsState.UNKNOWN
        && carry.robotsExpiresNanos() - System.nanoTime() > 0) {
      policy = carry.robots().get();
      robotsState = RobotsState.READY;
      robotsExpiresNanos = carry.robotsExpiresNanos();
      effectiveDelay = new HostPoliteness(deps.politeness(), control, policy.crawlDelay()).delay();
    }
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
        .onMessage(ControlsChanged.class, this::onControlsChanged)
        .onMessageEquals(Retire.INSTANCE, this::onRetire)
        .onMessageEquals(Continue.INSTANCE, this::onContinue)
        .onMessageEquals(IdleTimeout.INSTANCE, this::onIdleTimeout)
        .onMessageEquals(Stop.INSTANCE, this::onStop)
        .onMessage(Recovered.class, this::onRecovered)
        .onMessageEquals(StopNow.INSTANCE, Behaviors::stopped)
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
    leases.remove(finished.url().url());
    if (finished.status() >= 0) {
      lastStatus = finished.status();
    }
    long now = System.nanoTime();
    nextStartNanos = Math.max(nextStartNanos, now + effectiveDelay.toNanos());
    if (finished.addressBlocked().isPresent()) {
      robotsState = RobotsState.ADDRESS_BLOCKED;
      addressBlocked = finished.addressBlocked();
    }
    if (finished.retryAfter().isPresent()) {
      window.addFirst(new Pending(finished.url(), finished.attempt()));
      backoffUntilNanos = now + finished.retryAfter().get().toNanos();
      nextStartNanos = Math.max(nextStartNanos, backoffUntilNanos);
      deps.metrics().backingOff(host, now);
    } else if (finished.status() >= 100 && finished.status() < 500 && finished.status() != 429) {
      deps.metrics().backoffEnded(host); // a good answer: the host works again
    }
    dispatch();
    return this;
  }

  private Behavior<Command> onRobotsFinished(RobotsFinished finished) {
    busy = Math.max(0, busy - 1);
    leases.remove(robotsUrl());
    long now = System.nanoTime();
    if (finished.outcome() instanceof RobotsOutcome.Rules rules) {
      policy = rules.policy();
      robotsState = RobotsState.READY;
      robotsFailures = 0;
      robotsExpiresNanos = now + deps.robots().cacheTtl().toNanos();
      effectiveDelay = new HostPoliteness(deps.politeness(), control, policy.crawlDelay()).delay();
      getContext().getLog().debug("robots.txt loaded host={} rules={} delay={}", host, policy.description(),
          effectiveDelay);
    } else if (finished.outcome() instanceof RobotsOutcome.AddressBlocked blocked) {
      robotsState = RobotsState.ADDRESS_BLOCKED;
      addressBlocked = Optional.of(blocked.reason());
      getContext().getLog().info("address refused, no URL of the host is fetched host={} reason={}", host,
          blocked.reason());
    } else {
      String reason = ((RobotsOutcome.Unavailable) finished.outcome()).reason();
      robotsFailures++;
      if (robotsFailures > deps.robots().maxErrorRetries()) {
        robotsState = RobotsState.GAVE_UP;
        getContext().getLog().warn("robots.txt unavailable, giving up on host={} attempts={} reason={}", host,
            robotsFailures, reason);
      } else {
        robotsState = RobotsState.WAITING_RETRY;
        robotsRetryAtNanos = now + deps.robots().errorRetryInterval().toNanos();
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
        leases.remove(page.url().url());
      }
      offerReject(page.url(), ErrorKind.INTERNAL, crashed.reason());
    } else if (item instanceof WorkItem.RobotsFetch) {
      if (!crashed.requestEnded()) {
        busy = Math.max(0, busy - 1);
        leases.remove(robotsUrl());
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
      leases.remove(page.url().url());
      window.addFirst(new Pending(page.url(), page.attempt() - 1));
    } else if (item instanceof WorkItem.RobotsFetch) {
      busy = Math.max(0, busy - 1);
      leases.remove(robotsUrl());
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
    long now = System.nanoTime();
    Instant wallNow = Instant.now();
    List<HostReport.Lease> inFlight = new ArrayList<>(leases.size());
    leases.forEach((url, offered) -> inFlight.add(new HostReport.Lease(url, Duration.ofNanos(now - offered))));
    boolean ready = !draining && !control.paused().orElse(false) && !control.blocked().orElse(false)
        && robotsState == RobotsState.READY && addressBlocked.isEmpty() && !window.isEmpty() && busy < concurrency()
        && nextStartNanos - now <= 0;
    get.replyTo().tell(new HostStatus(host, window.size(), busy, robotsState.name().toLowerCase().replace('_', '-'),
        effectiveDelay, future(wallNow, now, nextStartNanos), future(wallNow, now, backoffUntilNanos),
        robotsState == RobotsState.WAITING_RETRY ? future(wallNow, now, robotsRetryAtNanos) : Optional.empty(),
        lastStatus < 0 ? OptionalInt.empty() : OptionalInt.of(lastStatus), control.paused().orElse(false),
        control.blocked().orElse(false), concurrency(), inFlight, ready, draining));
    return this;
  }

  /** The wall-clock time of the monotonic {@code target}, when it is still ahead. */
  private static Optional<Instant> future(Instant wallNow, long now, long target) {
    long ahead = target - now;
    return target == 0 || ahead <= 0 ? Optional.empty() : Optional.of(wallNow.plusNanos(ahead));
  }

  private Behavior<Command> onControlsChanged(ControlsChanged changed) {
    control = changed.control();
    deps.memory().ifPresent(memory -> {
      savedRevision++;
      org.slf4j.Logger log = getContext().getLog(); // taken here: the callback runs on another thread
      memory.save(host, savedRevision, new HostMemory.HostState(control)).whenComplete((done, failure) -> {
        if (failure != null) {
          log.error("could not save the controls of host={}", host, failure);
        }
      });
    });
    effectiveDelay = new HostPoliteness(deps.politeness(), control, policy.crawlDelay()).delay();
    // the delay runs from the end of the last request: a shorter one takes effect now, a longer one at the next
    nextStartNanos = busy > 0 ? nextStartNanos : Math.min(nextStartNanos, System.nanoTime() + effectiveDelay.toNanos());
    delayTimerSet = false;
    timers.cancel(DelayElapsed.INSTANCE);
    mayHaveMore = true; // a blocked or paused host may hold queued URLs: lease to find out
    workSignal++;
    getContext().getLog().info("host controls changed host={} delay={} concurrency={} paused={} blocked={}", host,
        effectiveDelay, concurrency(), control.paused().orElse(false), control.blocked().orElse(false));
    dispatch();
    return this;
  }

  /** Requests in flight allowed to the host: the operator's, or {@code spindle.politeness.per-host-concurrency}. */
  private int concurrency() {
    return control.concurrency().orElse(deps.politeness().perHostConcurrency());
  }

  private String robotsUrl() {
    return scheme + "://" + host.name() + "/robots.txt";
  }

  /**
   * A sharding entity's saved state arrived: take the operator's controls over, and wait one full delay from now
   * before the first request (see {@link HostMemory}: the previous owner's last request has ended by now).
   */
  private Behavior<Command> onRecovered(Recovered recovered) {
    recovering = false;
    if (recovered.failure() != null) {
      getContext().getLog().error("could not load the saved state of host={}; going on without it", host,
          recovered.failure());
    } else if (recovered.saved().isPresent()) {
      control = recovered.saved().get().state().control();
      savedRevision = recovered.saved().get().revision();
    }
    effectiveDelay = new HostPoliteness(deps.politeness(), control, Optional.empty()).delay();
    nextStartNanos = System.nanoTime() + effectiveDelay.toNanos();
    dispatch();
    return this;
  }

  private Behavior<Command> onIdleTimeout() {
    if (isIdle()) {
      getContext().getLog().debug("host queue idle, passivating host={}", host);
      region.tell(new HostRegion.Passivate(host, getContext().getSelf(), carry(), false));
    }
    return this;
  }

  private Behavior<Command> onRetire() {
    retiring = true;
    getContext().getLog().debug("host queue retiring to let waiting hosts run host={} served={}", host, sessionServed);
    dispatch();
    return this;
  }

  private Behavior<Command> onContinue() {
    sessionAsked = false;
    sessionServed = 0;
    sessionStartNanos = System.nanoTime();
    dispatch();
    return this;
  }

  private Behavior<Command> onStop() {
    if (isIdle() || retiredCleanly()) {
      return Behaviors.stopped();
    }
    if (deps.sharded()) {
      // Cluster Sharding cannot take a refusal (a passivation or a handoff to another node): finish the requests
      // in flight, give the window back, stop, and wake the host, whose next message starts its next entity
      stopWhenRetired = true;
      retiring = true;
      dispatch();
      return this;
    }
    region.tell(new HostRegion.PassivationCancelled(host, getContext().getSelf())); // work arrived meanwhile
    return this;
  }

  /**
   * Whether this queue holds nothing: no window, nothing offered or in flight, no lease under way, nothing more in
   * the frontier as far as it knows. Only then may it stop: no fetcher will report to it.
   */
  private boolean isIdle() {
    return window.isEmpty() && busy == 0 && rejectsOutstanding == 0 && !leasing && !mayHaveMore && !recovering;
  }

  /** Whether a retiring queue has nothing outstanding: no request, no record to come, no lease under way. */
  private boolean retiredCleanly() {
    return retiring && busy == 0 && rejectsOutstanding == 0 && !leasing;
  }

  private Behavior<Command> onPreRestart() {
    deps.metrics().restarted("host-queue");
    returnWindow();
    return this;
  }

  private Behavior<Command> onPostStop() {
    deps.metrics().backoffEnded(host); // a stopped queue backs off no more; its successor starts afresh
    if (!draining) { // stopped by failures or a handoff, not by the end of the crawl
      returnWindow();
      if (stopWhenRetired) {
        region.tell(new HostRegion.Envelope(host, WorkAvailable.INSTANCE));
      }
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
    if (retiring) {
      if (retiredCleanly() && stopWhenRetired) {
        getContext().getSelf().tell(StopNow.INSTANCE);
      } else if (retiredCleanly() && !draining) {
        returnWindow();
        region.tell(new HostRegion.Passivate(host, getContext().getSelf(), carry(), true));
      }
      return;
    }
    offerWork();
    checkSession();
    if (isIdle() && !draining) {
      if (!saidIdle) { // the region stops an idle queue at once when another host waits for its place
        saidIdle = true;
        region.tell(new HostRegion.Idle(host, getContext().getSelf(), carry()));
      }
      timers.startSingleTimer(IdleTimeout.INSTANCE, deps.idleTimeout());
    } else {
      saidIdle = false;
      timers.cancel(IdleTimeout.INSTANCE);
    }
  }

  /** What the host's next queue continues from. */
  private Carry carry() {
    return new Carry(robotsState == RobotsState.READY ? Optional.of(policy) : Optional.empty(), robotsExpiresNanos,
        nextStartNanos, scheme);
  }

  /** Past its session's requests or time, a queue asks the region whether other hosts wait for a turn. */
  private void checkSession() {
    if (!sessionAsked && !draining && (sessionServed >= deps.sessionRequests()
        || System.nanoTime() - sessionStartNanos >= deps.sessionTime().toNanos())) {
      sessionAsked = true;
      region.tell(new HostRegion.SessionSpent(host, getContext().getSelf()));
    }
  }

  private void offerWork() {
    if (draining || recovering || control.paused().orElse(false)) {
      return;
    }
    refill();
    if (control.blocked().orElse(false)) {
      while (!window.isEmpty() && rejectsOutstanding < deps.window()) {
        offerReject(window.pollFirst().url(), ErrorKind.BLOCKED, "host blocked by an operator");
      }
      refill();
      return;
    }
    if (addressBlocked.isPresent()) {
      while (!window.isEmpty() && rejectsOutstanding < deps.window()) {
        offerReject(window.pollFirst().url(), ErrorKind.ADDRESS_BLOCKED, addressBlocked.get());
      }
      refill();
      return;
    }
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
      if (busy >= concurrency() || !delayPassed()) {
        break;
      }
      window.pollFirst();
      busy++;
      sessionServed++;
      leases.put(next.url().url(), System.nanoTime());
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
        if (!window.isEmpty() && busy < concurrency() && delayPassed()) {
          robotsState = RobotsState.FETCHING;
          busy++;
          leases.put(robotsUrl(), System.nanoTime());
          deps.broker().tell(new WorkBroker.Offer(new WorkItem.RobotsFetch(robotsUrl()), getContext().getSelf()));
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
