package spindle.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import spindle.core.CrawlUrl;
import spindle.core.ErrorKind;
import spindle.core.HostKey;
import spindle.store.Frontier;

/**
 * What every state of one host queue shares: who it is and whom it talks to, its window of leased URLs, the
 * requests and records it has outstanding, and the values that live across its states (the host's politeness, its
 * politeness clock, its turn). The states change these through the methods here; the robots.txt state is carried
 * by the states themselves.
 */
final class HostQueueData {
  final HostKey host;
  final HostQueue.Dependencies deps;
  final ActorRef<HostRegion.Command> region;
  final ActorContext<HostQueue.Command> context;
  final TimerScheduler<HostQueue.Command> timers;
  final HostWindow window;
  /** The gate of the server the host shares with other host names, when politeness is not per host. */
  final Optional<ActorRef<ServerGate.Command>> gate;
  /** Requests in flight (robots.txt included): URL to the time it was offered, oldest first. */
  private final Map<String, Long> leases = new LinkedHashMap<>();
  private int requestsInFlight;
  /** Records offered without a request (rejections) and not yet written. */
  private int rejectsOutstanding;
  private long pagesOffered;
  private HostPoliteness politeness;
  private PolitenessClock clock;
  private Session session;
  private String scheme = "http";
  private int lastStatus = -1;
  private long savedRevision;
  /** Whether the host's saved state holds an adaptive delay (so a host back at its floor must save that too). */
  private boolean paceSaved;
  private HostQueueIdle idle;

  /** The queue's turn among hosts: open since a time and a number of pages, or spent (the region was told). */
  private sealed interface Session {
    /** A turn that began at {@code startNanos}, when {@code offeredBefore} pages had been offered. */
    record Open(long startNanos, long offeredBefore) implements Session {}

    /** The turn is used up and the region was told; it answers Retire or Continue. */
    enum Spent implements Session { INSTANCE }
  }

  HostQueueData(HostKey host, HostQueue.Dependencies deps, ActorRef<HostRegion.Command> region,
      ActorContext<HostQueue.Command> context, TimerScheduler<HostQueue.Command> timers,
      Optional<ActorRef<ServerGate.Command>> gate) {
    this.host = host;
    this.gate = gate;
    this.deps = deps;
    this.region = region;
    this.context = context;
    this.timers = timers;
    this.window = new HostWindow(deps.window());
    long now = now();
    this.politeness = HostPoliteness.of(deps.politeness(), deps.controls().get(host));
    this.clock = PolitenessClock.startingAt(now);
    this.session = new Session.Open(now, 0);
  }

  /** Now, on the queue's monotonic clock. */
  long now() {
    return deps.nanoTime().getAsLong();
  }

  Logger log() {
    return context.getLog();
  }

  HostPoliteness politeness() {
    return politeness;
  }

  PolitenessClock clock() {
    return clock;
  }

  int requestsInFlight() {
    return requestsInFlight;
  }

  /**
   * Continues from what the host's previous queue handed on: its next allowed start and its scheme, and its
   * robots.txt rules while they are fresh and {@code robots} still has to be fetched. Returns the robots.txt state.
   */
  RobotsState takeOver(HostQueue.Carry carry, RobotsState robots) {
    clock = clock.continuing(carry.nextStartNanos());
    scheme = carry.scheme();
    politeness = politeness.withAdaptive(carry.adaptive());
    if (carry.robots().isPresent() && robots instanceof RobotsState.Unknown
        && carry.robots().get().expiresNanos() - now() > 0) {
      politeness = politeness.withCrawlDelay(carry.robots().get().policy().crawlDelay());
      return carry.robots().get();
    }
    return robots;
  }

  // ----------------------------------------------------------------------------------------------- offering

  /** Whether another request may start: fewer requests in flight than the host's concurrency. */
  boolean slotFree() {
    return requestsInFlight < politeness.concurrency();
  }

  /** Whether fewer rejections are outstanding than a window holds (they flow without politeness). */
  boolean mayReject() {
    return rejectsOutstanding < deps.window();
  }

  /**
   * Whether the effective delay has passed since the last request ended (and any backoff); if not, wakes the queue
   * with {@link HostQueue.DelayElapsed} when it has.
   */
  boolean delayPassed() {
    long wait = clock.waitNanos(now());
    if (wait <= 0) {
      return true;
    }
    if (!timers.isTimerActive(HostQueue.DelayElapsed.INSTANCE)) {
      timers.startSingleTimer(HostQueue.DelayElapsed.INSTANCE, Duration.ofNanos(wait));
    }
    return false;
  }

  /** Offers the page {@code next} to the broker (through the server's gate, when the host shares one). */
  void offerPage(HostWindow.Pending next) {
    requestsInFlight++;
    pagesOffered++;
    leases.put(next.url().url(), now());
    offerRequest(new WorkItem.PageFetch(next.url(), next.attempts() + 1));
  }

  /** Offers the host's robots.txt request to the broker (through the server's gate, when the host shares one). */
  void offerRobots() {
    requestsInFlight++;
    leases.put(robotsUrl(), now());
    offerRequest(new WorkItem.RobotsFetch(robotsUrl()));
  }

  private void offerRequest(WorkItem item) {
    if (gate.isPresent()) {
      gate.get().tell(new ServerGate.Offer(item, context.getSelf()));
    } else {
      deps.broker().tell(new WorkBroker.Offer(item, context.getSelf()));
    }
  }

  /** Offers a record for {@code url} without a request: it will not be fetched, for {@code kind}. */
  void offerReject(CrawlUrl url, ErrorKind kind, String message) {
    rejectsOutstanding++;
    deps.broker().tell(new WorkBroker.Offer(new WorkItem.Reject(url, kind, message), context.getSelf()));
  }

  /** Offers a record without a request for every URL of the window, as many as may be outstanding. */
  void rejectWindow(ErrorKind kind, String message) {
    while (!window.isEmpty() && mayReject()) {
      offerReject(window.poll().url(), kind, message);
    }
  }

  /** Cancels the delay and idle timers: a queue winding down waits for nothing but what it has in flight. */
  void stopWaiting() {
    timers.cancel(HostQueue.DelayElapsed.INSTANCE);
    timers.cancel(HostQueue.IdleTimeout.INSTANCE);
  }

  /** Takes back the offers no fetcher has started: the broker answers each with {@link HostQueue.Undeliverable}. */
  void withdrawOffers() {
    if (gate.isPresent()) {
      gate.get().tell(new ServerGate.Withdraw(context.getSelf())); // it tells the broker too
    } else {
      deps.broker().tell(new WorkBroker.Withdraw(context.getSelf()));
    }
  }

  /** Leases more of the host's URLs when the window runs low. */
  void refill() {
    window.refill(context, host, deps.frontier(), deps.storeExecutor());
  }

  String robotsUrl() {
    return scheme + "://" + host.name() + "/robots.txt";
  }

  // ----------------------------------------------------------------------------------------------- reports

  /** A request to {@code url} ended (or never started): its slot is free. */
  void requestEnded(String url) {
    requestEnded(url, Optional.empty());
  }

  /**
   * A request to {@code url} ended (or never started): its slot is free, and the server's gate (if any) is told,
   * with {@code backoff}: the host asked to be left alone that long.
   */
  void requestEnded(String url, Optional<Duration> backoff) {
    requestsInFlight = Math.max(0, requestsInFlight - 1); // a restarted queue hears of its predecessor's requests
    leases.remove(url);
    gate.ifPresent(server -> server.tell(new ServerGate.RequestEnded(url, politeness.delay(), backoff)));
  }

  /** A rejection was written (or lost). */
  void rejectEnded() {
    rejectsOutstanding = Math.max(0, rejectsOutstanding - 1);
  }

  /**
   * A page request ended at {@code now}: the host's delay adapts to what it answered and how long it took, and the
   * next request waits that delay ({@code retryAfter}: and the backoff the host asked for).
   */
  void pageEnded(long now, HostQueue.FetchFinished finished) {
    if (finished.status() >= 0) {
      lastStatus = finished.status();
    }
    Duration before = politeness.delay();
    politeness = politeness.after(finished.answer(), finished.fetchTime());
    Duration delay = politeness.delay();
    if (!delay.equals(before)) {
      log().debug("host delay adapted host={} delay={} reason={}", host, delay, politeness.reason().text());
    }
    clock = clock.afterRequest(now, delay, finished.retryAfter());
  }

  /** The robots.txt request ended at {@code now}; {@code rules} is its robots.txt state when it brought rules. */
  void robotsEnded(long now, Optional<RobotsState.Ready> rules) {
    rules.ifPresent(ready -> politeness = politeness.withCrawlDelay(ready.policy().crawlDelay()));
    clock = clock.afterRequest(now, politeness.delay(), Optional.empty());
  }

  /** The URLs of a lease arrived; the first of an empty window tell the scheme robots.txt is asked with. */
  void leased(HostQueue.Leased leased) {
    if (window.leased(leased)) {
      scheme = leased.urls().get(0).url().startsWith("https:") ? "https" : "http";
    }
  }

  /**
   * An operator changed the host's controls: they apply at once (a shorter delay counts from now when nothing is
   * in flight), are saved for the host's next owner in a cluster, and the frontier is asked again (a blocked or
   * paused host may hold queued URLs).
   */
  void controlsChanged(HostControl control) {
    politeness = politeness.withControl(control);
    save("controls");
    clock = clock.delayChanged(now(), politeness.delay(), requestsInFlight);
    timers.cancel(HostQueue.DelayElapsed.INSTANCE);
    window.signal();
    log().info("host controls changed host={} delay={} concurrency={} paused={} blocked={}", host,
        politeness.delay(), politeness.concurrency(), politeness.paused(), politeness.blocked());
  }

  /**
   * Saves the host's state (the operator's controls, and its adaptive delay) for its next owner in a cluster, as
   * the next revision; {@code what} names it in a failure's log line. Returns when saved or failed (at once
   * without memory).
   */
  private CompletionStage<Void> save(String what) {
    if (deps.memory().isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    savedRevision++;
    paceSaved = politeness.adapted();
    Logger log = log(); // taken here: the callback runs on another thread
    HostKey key = host;
    return deps.memory().get().save(host, savedRevision, new HostMemory.HostState(politeness.control(),
        paceSaved ? Optional.of(politeness.adaptive()) : Optional.empty())).handle((done, failure) -> {
          if (failure != null) {
            log.error("could not save the {} of host={}", what, key, failure);
          }
          return null;
        });
  }

  /**
   * A sharding entity stops: its adaptive delay is saved for the host's next owner when it is above the floor, or
   * was saved before (then the floor is saved in its place). Returns when saved, or at once when nothing is.
   */
  CompletionStage<Void> savePace() {
    if (deps.memory().isEmpty() || !(politeness.adapted() || paceSaved)) {
      return CompletableFuture.completedFuture(null);
    }
    return save("adaptive delay");
  }

  /**
   * A sharding entity's saved state arrived: take the operator's controls and the adaptive delay over, and wait
   * one full delay from now before the first request (see {@link HostMemory}: the previous owner's last request
   * has ended by now).
   */
  void recovered(HostQueue.Recovered recovered) {
    if (recovered.failure() != null) {
      log().error("could not load the saved state of host={}; going on without it", host, recovered.failure());
    } else if (recovered.saved().isPresent()) {
      HostMemory.HostState state = recovered.saved().get().state();
      politeness = politeness.withControl(state.control()).withAdaptive(state.pace().orElse(AdaptiveDelay.INITIAL));
      paceSaved = state.pace().isPresent();
      savedRevision = recovered.saved().get().revision();
    }
    clock = clock.fullDelayFrom(now(), politeness.delay());
  }

  // ----------------------------------------------------------------------------------------------- turns, idleness

  /** Past its session's requests or time, a queue asks the region whether other hosts wait for a turn. */
  void checkSession() {
    if (session instanceof Session.Open open && (pagesOffered - open.offeredBefore() >= deps.sessionRequests()
        || now() - open.startNanos() >= deps.sessionTime().toNanos())) {
      session = Session.Spent.INSTANCE;
      region.tell(new HostRegion.SessionSpent(host, context.getSelf()));
    }
  }

  /** Nobody waits for a turn: a new session starts now. */
  void continueSession() {
    session = new Session.Open(now(), pagesOffered);
  }

  /**
   * Whether the queue holds nothing: no window, nothing offered or in flight, no lease under way, nothing more in
   * the frontier as far as it knows. Only then may it stop: no fetcher will report to it.
   */
  boolean idle() {
    return window.isEmpty() && clean() && !window.mayHaveMore();
  }

  /** Whether nothing is outstanding: no request, no record to come, no lease under way. */
  boolean clean() {
    return requestsInFlight == 0 && rejectsOutstanding == 0 && !window.leasing();
  }

  /** The queue's one idle state, reused: a host that runs dry after each page costs no allocation. */
  HostQueueIdle idleState() {
    if (idle == null) {
      idle = new HostQueueIdle(this);
    }
    return idle;
  }

  /** What the host's next queue continues from: its robots.txt rules when loaded, its clock, its adaptive delay. */
  HostQueue.Carry carry(RobotsState robots) {
    return new HostQueue.Carry(robots instanceof RobotsState.Ready ready ? Optional.of(ready) : Optional.empty(),
        clock.nextStartNanos(), scheme, politeness.adaptive());
  }

  /** Gives the window back to the frontier, so a restart or a stop loses no URL. */
  void returnWindow() {
    if (!window.isEmpty()) {
      List<CrawlUrl> urls = window.takeAll();
      Frontier frontier = deps.frontier();
      CompletableFuture.runAsync(() -> frontier.requeue(urls), deps.storeExecutor());
    }
  }

  /** A snapshot of the host for reports, in robots.txt state {@code robots}. */
  HostQueue.HostStatus status(RobotsState robots, boolean draining) {
    long now = now();
    Instant wallNow = Instant.now();
    List<HostReport.Lease> inFlight = new ArrayList<>(leases.size());
    leases.forEach((url, offered) -> inFlight.add(new HostReport.Lease(url, Duration.ofNanos(now - offered))));
    boolean ready = !draining && !politeness.paused() && !politeness.blocked()
        && robots instanceof RobotsState.Ready && !window.isEmpty() && slotFree() && clock.waitNanos(now) <= 0;
    HostPoliteness.Reason reason = politeness.reason();
    return new HostQueue.HostStatus(host, window.size(), requestsInFlight, robots.label(), politeness.delay(),
        reason.source(), reason.text(), clock.nextStartAt(wallNow, now), clock.backoffUntil(wallNow, now),
        robots instanceof RobotsState.WaitingRetry waiting
            ? PolitenessClock.ahead(wallNow, now, waiting.retryAtNanos()) : Optional.empty(),
        lastStatus < 0 ? OptionalInt.empty() : OptionalInt.of(lastStatus), politeness.paused(),
        politeness.blocked(), politeness.concurrency(), inFlight, ready, draining);
  }
}
