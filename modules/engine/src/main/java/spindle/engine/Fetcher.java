package spindle.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.stream.QueueOfferResult;
import spindle.core.CrawlRecord;
import spindle.core.ErrorKind;
import spindle.core.LastVisit;
import spindle.core.url.WebUrl;
import spindle.fetch.FetchResult;
import spindle.fetch.PageFetcher;
import spindle.fetch.RetryPolicy;
import spindle.fetch.robots.RobotsOutcome;
import spindle.fetch.robots.RobotsPolicy;
import spindle.fetch.robots.RobotsRules;
import spindle.fetch.sitemaps.SitemapSettings;

/**
 * One URL at a time: asks the broker for work when idle, fetches, tells the host queue the request ended (so
 * its politeness clock starts), and puts the outcome into the results stream. It asks for the next item only once
 * the outcome is durable (its record written and its URL marked done), so a slow parser or disk slows the fetchers
 * down instead of filling memory, and a crash can lose at most one fetched-but-unrecorded URL per fetcher. The
 * number of fetchers is the cap on requests in flight.
 */
final class Fetcher extends AbstractBehavior<Fetcher.Command> {
  /** Messages a fetcher handles. */
  sealed interface Command {}

  /** Work from the broker, offered by {@code host}. */
  record Assign(WorkItem item, ActorRef<HostQueue.Command> host) implements Command {}

  private record FetchDone(long sequence, FetchResult result) implements Command {}

  /** The outcome offered under {@code sequence} is durable: take new work. */
  record Committed(long sequence) implements Command {}

  private record OfferDone(long sequence, Throwable failure) implements Command {}

  private record Watchdog(long sequence) implements Command {}

  /** What a fetcher needs from its crawl; shared by every fetcher. */
  record Dependencies(ActorRef<WorkBroker.Command> broker, PageFetcher pageFetcher, ResultsQueue results,
      RetryPolicy retry, RobotsRules robotsRules, long maxBodyBytes, long robotsMaxBytes, Duration watchdog,
      CrawlMetrics metrics, SitemapSettings sitemaps) {
    /** Without sitemaps (tests of other things). */
    Dependencies(ActorRef<WorkBroker.Command> broker, PageFetcher pageFetcher, ResultsQueue results,
        RetryPolicy retry, RobotsRules robotsRules, long maxBodyBytes, long robotsMaxBytes, Duration watchdog,
        CrawlMetrics metrics) {
      this(broker, pageFetcher, results, retry, robotsRules, maxBodyBytes, robotsMaxBytes, watchdog, metrics,
          new SitemapSettings(false, 1, 1));
    }
  }

  private static final int MAX_ROBOTS_REDIRECTS = 5;

  private final Dependencies deps;
  private final TimerScheduler<Command> timers;
  private long sequence;
  private Assign current;
  private boolean requestEnded;
  private boolean offerAccepted;
  private boolean committed;
  private int robotsHops;
  /** The exchanges of the current robots.txt fetch and its redirects, to archive (WARC on). */
  private final List<FetchResult> robotsFetches = new ArrayList<>();
  /** The host queue has the outcome of the current robots.txt fetch: a crash now loses only its archive copy. */
  private boolean robotsReported;
  /**
   * The outcome of the current robots.txt fetch, held back from the host queue until the sitemaps it names are in
   * the frontier: until then the queue offers no page, so its window stays leased and the crawl cannot end (nothing
   * queued, nothing leased) before the sitemaps are queued.
   */
  private RobotsOutcome heldRobots;

  private Fetcher(ActorContext<Command> context, TimerScheduler<Command> timers, Dependencies deps) {
    super(context);
    this.timers = timers;
    this.deps = deps;
    deps.broker().tell(new WorkBroker.RequestWork(context.getSelf()));
  }

  /** A fetcher that starts by asking {@code deps.broker()} for work. */
  static Behavior<Command> create(Dependencies deps) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new Fetcher(context, timers, deps)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Assign.class, this::onAssign)
        .onMessage(FetchDone.class, this::onFetchDone)
        .onMessage(OfferDone.class, this::onOfferDone)
        .onMessage(Committed.class, this::onCommitted)
        .onMessage(Watchdog.class, this::onWatchdog)
        .onSignal(PreRestart.class, signal -> onPreRestart())
        .build();
  }

  private Behavior<Command> onAssign(Assign assign) {
    if (current != null) { // the broker never does this; a duplicate would lose a URL, so hand it back
      getContext().getLog().error("fetcher got work while busy item={}", assign.item());
      assign.host().tell(new HostQueue.Undeliverable(assign.item()));
      return this;
    }
    current = assign;
    requestEnded = false;
    robotsHops = 0;
    robotsFetches.clear();
    robotsReported = false;
    heldRobots = null;
    if (assign.item() instanceof WorkItem.PageFetch page) {
      startFetch(page.url().url(), page.url().isSitemap() ? deps.sitemaps().maxSizeBytes() : deps.maxBodyBytes(),
          page.url().lastVisit());
    } else if (assign.item() instanceof WorkItem.RobotsFetch robots) {
      startFetch(robots.robotsUrl(), deps.robotsMaxBytes(), Optional.empty());
    } else if (assign.item() instanceof WorkItem.Reject reject) {
      offer(new FetchOutcome.Rejected(reject.url(), reject.kind(), reject.message()));
    }
    return this;
  }

  /** Starts a GET of {@code url}; a conditional one with the validators of {@code previous}, a revisit's last visit. */
  private void startFetch(String url, long maxBytes, Optional<LastVisit> previous) {
    long id = ++sequence;
    deps.metrics().requestStarted();
    timers.startSingleTimer(Watchdog.class, new Watchdog(id), deps.watchdog());
    CompletionStage<FetchResult> fetch;
    try {
      fetch = previous.isPresent() ? deps.pageFetcher().fetch(url, maxBytes, previous)
          : deps.pageFetcher().fetch(url, maxBytes);
    } catch (RuntimeException bug) { // a fetcher must never throw, but if it does the URL still gets a record
      getContext().getLog().error("page fetcher threw url={}", url, bug);
      fetch = java.util.concurrent.CompletableFuture.completedFuture(
          FetchResult.failed(url, ErrorKind.INTERNAL, bug.toString(), 0));
    }
    getContext().pipeToSelf(fetch, (result, failure) -> new FetchDone(id,
        result != null ? result : FetchResult.failed(url, ErrorKind.INTERNAL, String.valueOf(failure), 0)));
  }

  private Behavior<Command> onFetchDone(FetchDone done) {
    if (done.sequence() != sequence || current == null) {
      return this; // late result of a fetch the watchdog already gave up on
    }
    timers.cancel(Watchdog.class);
    deps.metrics().requestEnded();
    deps.metrics().fetched(done.result());
    if (current.item() instanceof WorkItem.PageFetch page) {
      pageDone(page, done.result());
    } else {
      robotsDone(done.result());
    }
    return this;
  }

  private void pageDone(WorkItem.PageFetch page, FetchResult result) {
    Optional<Duration> retry = deps.retry().retryDelay(result, page.attempt());
    current.host().tell(new HostQueue.FetchFinished(page.url(), page.attempt(), retry, result.status().orElse(-1),
        result.error().filter(failure -> failure.kind() == ErrorKind.ADDRESS_BLOCKED).map(CrawlRecord.Failure::message),
        AdaptiveDelay.Answer.of(result), Duration.ofMillis(result.fetchMillis())));
    requestEnded = true;
    if (retry.isPresent()) {
      deps.metrics().retried();
      getContext().getLog().debug("retrying url={} attempt={} in={}", page.url(), page.attempt(), retry.get());
      becomeIdle();
    } else {
      offer(new FetchOutcome.Fetched(page.url(), result, page.attempt()));
    }
  }

  private void robotsDone(FetchResult result) {
    deps.metrics().robotsFetched();
    if (result.exchange().isPresent()) {
      robotsFetches.add(result);
    }
    RobotsOutcome outcome = deps.robotsRules().outcomeOf(result);
    if (outcome instanceof RobotsOutcome.Redirect redirect) {
      Optional<String> next = WebUrl.parse(result.url())
          .flatMap(base -> WebUrl.parse(redirect.location(), base))
          .filter(url -> url.scheme().equals("http") || url.scheme().equals("https"))
          .map(WebUrl::hrefWithoutFragment);
      if (next.isPresent() && robotsHops < MAX_ROBOTS_REDIRECTS) {
        robotsHops++;
        startFetch(next.get(), deps.robotsMaxBytes(), Optional.empty());
        return;
      }
      // RFC 9309 2.3.1.2: past 5 redirects (or to nowhere) robots.txt MAY be treated as unavailable: allow all
      outcome = new RobotsOutcome.Rules(RobotsPolicy.allowAll());
    } else if (outcome instanceof RobotsOutcome.AddressBlocked && robotsHops > 0) {
      // the host itself is allowed; its robots.txt redirects where we may not go: as a redirect to nowhere
      outcome = new RobotsOutcome.Rules(RobotsPolicy.allowAll());
    }
    List<String> sitemaps = sitemapsOf(outcome);
    if (!sitemaps.isEmpty()) { // the host hears of its rules once the sitemaps are admitted (becomeIdle)
      heldRobots = outcome;
      offer(new FetchOutcome.RobotsFetched(robotsFetches, sitemaps));
      return;
    }
    current.host().tell(new HostQueue.RobotsFinished(outcome));
    robotsReported = true;
    if (robotsFetches.isEmpty()) {
      becomeIdle();
    } else { // archived like a page: new work once the archive holds it
      offer(new FetchOutcome.RobotsFetched(robotsFetches, List.of()));
    }
  }

  /**
   * The sitemaps a robots.txt outcome names, with sitemaps on: its Sitemap: lines, or {@code /sitemap.xml} of the
   * host when it names none (a 4xx robots.txt is "allow all" and names none). None for a robots.txt that gives no
   * rules (unavailable, address refused): the host is not crawled now.
   */
  private List<String> sitemapsOf(RobotsOutcome outcome) {
    if (!deps.sitemaps().enabled() || !(outcome instanceof RobotsOutcome.Rules rules)) {
      return List.of();
    }
    List<String> named = rules.policy().sitemaps();
    if (!named.isEmpty()) {
      return named;
    }
    String robotsUrl = ((WorkItem.RobotsFetch) current.item()).robotsUrl();
    return List.of(robotsUrl.substring(0, robotsUrl.length() - "/robots.txt".length()) + "/sitemap.xml");
  }

  private void offer(FetchOutcome outcome) {
    long id = ++sequence;
    offerAccepted = false;
    committed = false;
    CommitAck ack = new CommitAck(getContext().getSelf(), id);
    getContext().pipeToSelf(deps.results().offer(new Submitted(outcome, ack)), (result, failure) -> new OfferDone(id,
        failure != null ? failure
            : result == QueueOfferResult.enqueued() ? null
            : new IllegalStateException("results stream refused the outcome: " + result)));
  }

  private Behavior<Command> onOfferDone(OfferDone done) {
    if (done.sequence() != sequence || current == null) {
      return this;
    }
    if (current.item() instanceof WorkItem.Reject) {
      current.host().tell(HostQueue.RejectRecorded.INSTANCE);
    }
    if (done.failure() != null) {
      getContext().getLog().error("outcome lost: the results stream is closed url={}", outcomeUrl(), done.failure());
      becomeIdle();
      return this;
    }
    offerAccepted = true;
    if (committed) { // the two messages may arrive in either order
      becomeIdle();
    }
    return this;
  }

  private Behavior<Command> onCommitted(Committed done) {
    if (done.sequence() != sequence || current == null) {
      return this;
    }
    committed = true;
    if (offerAccepted) {
      becomeIdle();
    }
    return this;
  }

  private Behavior<Command> onWatchdog(Watchdog watchdog) {
    if (watchdog.sequence() != sequence || current == null) {
      return this;
    }
    getContext().getLog().error("fetch did not end within the watchdog time url={} watchdog={}", outcomeUrl(),
        deps.watchdog());
    return onFetchDone(new FetchDone(sequence, FetchResult.failed(outcomeUrl(), ErrorKind.TOTAL_TIMEOUT,
        "fetch did not end within " + deps.watchdog().toMillis() + " ms", deps.watchdog().toMillis())));
  }

  private Behavior<Command> onPreRestart() {
    deps.metrics().restarted("fetcher");
    if (current != null && !robotsReported) { // a bug in this fetcher: the URL gets an INTERNAL record, not lost
      current.host().tell(new HostQueue.Crashed(current.item(), "fetcher failed while handling it", requestEnded));
    }
    return this;
  }

  private void becomeIdle() {
    if (heldRobots != null) { // admitted (or the stream is gone): the host may go on
      current.host().tell(new HostQueue.RobotsFinished(heldRobots));
      robotsReported = true;
      heldRobots = null;
    }
    current = null;
    deps.broker().tell(new WorkBroker.RequestWork(getContext().getSelf()));
  }

  private String outcomeUrl() {
    WorkItem item = current.item();
    if (item instanceof WorkItem.PageFetch page) {
      return page.url().url();
    }
    if (item instanceof WorkItem.RobotsFetch robots) {
      return robots.robotsUrl();
    }
    return ((WorkItem.Reject) item).url().url();
  }
}
