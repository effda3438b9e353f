package spindle.engine;

import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.MailboxSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.ThrottleMode;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import spindle.core.CompletionStages;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.core.url.UrlNormalizer;
import spindle.fetch.PageFetcher;
import spindle.fetch.robots.RobotsRules;
import spindle.fetch.sitemaps.SitemapReader;
import spindle.parse.PageParser;
import spindle.parse.TextExtractor;
import spindle.store.Frontier;
import spindle.store.FrontierCounts;
import spindle.store.HostOrder;

/**
 * The root of a crawl. It builds the results stream, spawns the work broker, the host region and the pool of
 * {@code spindle.fetch.concurrency} fetchers (each restarted after a bug, up to 10 times a minute), admits the seeds,
 * reports progress, and ends the crawl: when nothing is queued or leased (done), or on {@link Stop} (drain). Ending
 * means: host queues stop offering, the broker waits until every fetcher is idle, the stream is completed and
 * drains, the writer is closed, and the job's result is completed with the summary.
 */
public final class CrawlSupervisor extends AbstractBehavior<CrawlSupervisor.Command> {
  /** Messages the supervisor handles. */
  public sealed interface Command {}

  /** Stop gracefully: let requests in flight finish and their records be written, then end. */
  public enum Stop implements Command { INSTANCE }

  /** Adds seeds to a running crawl (they are deduplicated like any link). */
  public record AddSeeds(List<CrawlUrl> seeds) implements Command {}

  /** Replies with a progress snapshot. */
  public record GetProgress(ActorRef<Progress> replyTo) implements Command {}

  /** Starts no request until {@link Resume}; requests in flight finish and are recorded. */
  public enum Pause implements Command { INSTANCE }

  /** Starts requests again after {@link Pause}. */
  public enum Resume implements Command { INSTANCE }

  /** Replies with the report of {@code host} (failed when the frontier cannot be read). */
  public record GetHost(HostKey host, ActorRef<Answer<HostReport>> replyTo) implements Command {}

  /** Replies with the first {@code limit} hosts in {@code order} (failed when the frontier cannot be read). */
  public record ListHosts(HostOrder order, int limit, ActorRef<Answer<HostList>> replyTo) implements Command {}

  /** Applies an operator's change to {@code host}, then replies with its report (as {@link GetHost}). */
  public record ControlHost(HostKey host, HostControl control, ActorRef<Answer<HostReport>> replyTo)
      implements Command {}

  /**
   * Replies with why the crawl is not finished, each list cut at {@code limit} (failed when the frontier cannot
   * be read).
   */
  public record Explain(int limit, ActorRef<Answer<WhyReport>> replyTo) implements Command {}

  private record SeedsAdded(List<CrawlUrl> accepted, Throwable failure) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private enum CheckIdle implements Command { INSTANCE }

  private enum BrokerDrained implements Command { INSTANCE }

  private record PipelineDone(Throwable failure) implements Command {}

  /** Revisits that came due were moved to their hosts' queues: wake those hosts. */
  private record DueReleased(List<HostKey> hosts, Throwable failure) implements Command {}

  private record WriterClosed(Throwable failure) implements Command {}

  private record FetcherStopped(ActorRef<Fetcher.Command> fetcher) implements Command {}

  private enum Phase { RUNNING, DRAINING, CLOSING }

  private final CrawlJob job;
  private final CrawlSettings settings;
  private final CrawlMetrics metrics;
  private final Executor storeExecutor;
  private final Executor ioExecutor;
  private final ActorRef<WorkBroker.Command> broker;
  private final ActorRef<HostRegion.Command> region;
  private final SourceQueueWithComplete<Submitted> results;
  private final long startNanos = System.nanoTime();
  private Phase phase = Phase.RUNNING;
  private int seedBatchesPending;
  private boolean stopRequested;
  private String failure;
  private long lastTickNanos = startNanos;
  private long lastTickDone;
  private int fetchersAlive;
  private boolean paused;
  private final HostControls controls = new HostControls();
  private final HostReports.Sources reportSources;
  private final PageProcessor processor;
  private boolean releasingDue; // a releaseDue call is running on the store dispatcher

  private CrawlSupervisor(ActorContext<Command> context, TimerScheduler<Command> timers, CrawlJob job) {
    super(context);
    this.job = job;
    this.settings = job.settings();
    var system = context.getSystem();
    Executor parseExecutor = system.dispatchers().lookup(DispatcherSelector.fromConfig("spindle.dispatchers.parse"));
    // a frontier that waits on a database server's answers gets more threads than one that uses the local disk
    this.storeExecutor = system.dispatchers().lookup(DispatcherSelector.fromConfig(job.frontier().remote()
        ? "spindle.dispatchers.remote-store" : "spindle.dispatchers.store"));
    this.ioExecutor = system.dispatchers().lookup(DispatcherSelector.fromConfig("spindle.dispatchers.blocking-io"));
    this.metrics = new CrawlMetrics(job.registry(), job.frontier()::counts, Tags.of("job", settings.job().name()));
    context.spawn(DeadLetterMonitor.create(metrics, context.getSelf().path()), "dead-letter-monitor");

    int fetchers = settings.fetch().concurrency();
    metrics.inFlightLimit(fetchers);
    job.frontier().diskDirectory().ifPresent(metrics::store);
    boolean rateLimited = settings.politeness().maxPagesPerSecond().isPresent();
    this.broker = context.spawn(Behaviors.supervise(WorkBroker.create(fetchers, rateLimited, metrics))
        .onFailure(SupervisorStrategy.resume()), "work-broker"); // resume: its queues are the hosts' outstanding offers
    String agent = settings.fetch().userAgent().product();
    HostQueue.Dependencies hostDeps = new HostQueue.Dependencies(broker, job.frontier(), storeExecutor,
        settings.politeness(), settings.robots(), agent, settings.pipeline().hostWindow(),
        settings.pipeline().hostIdleTimeout(), metrics, controls, settings.pipeline().hostSessionRequests(),
        settings.pipeline().hostSessionTime());
    PageFetcher pageFetcher = job.fetcherFactory().apply(system);
    // the server of a host, for politeness, is resolved through the fetcher's resolver: the one it connects with
    PolitenessKeys keys = new PolitenessKeys(settings.politeness().key(), pageFetcher.resolver(),
        system.dispatchers().lookup(DispatcherSelector.blocking()));
    HostQueues queues = new HostQueues(settings.job().name(), hostDeps, keys);
    this.region = context.spawn(job.hosts().map(factory -> factory.region(queues))
        .orElseGet(() -> HostRegion.create(hostDeps, settings.pipeline().maxActiveHosts(), keys)), "hosts");
    this.reportSources = new HostReports.Sources(job.frontier(), storeExecutor, region, broker, settings.politeness(),
        settings.robots().enabled(), controls, Duration.ofSeconds(3));

    UrlNormalizer normalizer = new UrlNormalizer(settings.normalization());
    TextExtractor.Format text = TextExtractor.Format.valueOf(settings.output().text().name());
    PageParsing parsing = job.parsing().orElseGet(() -> new PageParser(settings.parse(), normalizer,
        settings.fetch().userAgent().robotsNames(), text, settings.output().simhash())::parse);
    PageProcessor processor = new PageProcessor(parsing, normalizer,
        settings.scope().withDefaultHosts(hostsOf(job.seeds())), settings.fetch().maxRedirects(),
        new SitemapReader(settings.sitemaps()), settings.recrawl());
    this.processor = processor;
    ActorRef<HostRegion.Command> hosts = region;
    Pair<SourceQueueWithComplete<Submitted>, CompletionStage<Done>> stream = CrawlPipeline.graph(
        settings.pipeline().resultsBuffer(), fetchers,
        CrawlPipeline.parseStage(processor, parseExecutor, settings.pipeline().parseParallelism()),
        job.archive().<Flow<CrawlPipeline.Element, CrawlPipeline.Element, NotUsed>>map(archive ->
            CrawlPipeline.archiveStage(new Archiver(archive, job.frontier().captures().orElseThrow(), metrics),
                ioExecutor, settings.output().batchSize(), settings.output().flushInterval()))
            .orElseGet(CrawlPipeline::withoutArchive),
        CrawlPipeline.frontierStage(job.frontier(), storeExecutor, settings.pipeline().frontierBatchSize(),
            settings.pipeline().frontierBatchInterval(),
            host -> hosts.tell(new HostRegion.Envelope(host, HostQueue.WorkAvailable.INSTANCE))),
        CrawlPipeline.outputStage(job.writer(), job.frontier(),
            settings.output().simhash() ? job.frontier().captures() : Optional.empty(), settings.recrawl(),
            ioExecutor, settings.output().batchSize(), settings.output().flushInterval(), metrics))
        .run(system);
    this.results = stream.first();
    context.pipeToSelf(CompletionStages.onCompletingThread(stream.second()),
        (done, streamFailure) -> new PipelineDone(streamFailure));

    Duration watchdog = settings.fetch().connectTimeout().plus(settings.fetch().totalTimeout())
        .plus(Duration.ofSeconds(10));
    SourceQueueWithComplete<Submitted> queue = results;
    Fetcher.Dependencies fetcherDeps = new Fetcher.Dependencies(broker, pageFetcher,
        outcome -> CompletionStages.onCompletingThread(queue.offer(outcome)),
        settings.fetch().retry(), new RobotsRules(settings.fetch().userAgent().robotsNames(),
            settings.robots().maxSizeBytes()), settings.fetch().maxBodyBytes(), settings.robots().maxSizeBytes(),
        watchdog, metrics, settings.sitemaps());
    MailboxSelector mailbox = MailboxSelector.bounded(settings.pipeline().fetcherMailboxCapacity());
    for (int i = 0; i < fetchers; i++) {
      ActorRef<Fetcher.Command> fetcher = context.spawn(Behaviors.supervise(Fetcher.create(fetcherDeps))
          .onFailure(SupervisorStrategy.restart().withLimit(10, Duration.ofMinutes(1))), "fetcher-" + i, mailbox);
      context.watchWith(fetcher, new FetcherStopped(fetcher)); // restarts cannot hide a stop
    }
    this.fetchersAlive = fetchers;

    settings.politeness().maxPagesPerSecond().ifPresent(rate -> startPermits(rate));
    wakeHostsWithWork();
    addSeeds(job.seeds());
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.progress().interval());
    timers.startTimerWithFixedDelay(CheckIdle.INSTANCE, settings.pipeline().idleCheckInterval());
    FrontierCounts before = job.frontier().counts();
    // a resumed crawl's earlier records are not this run's rate; with revisits, progress counts this run's records
    lastTickDone = settings.recrawl().enabled() ? 0 : before.finished();
    context.getLog().info("crawl started job={} seeds={} fetchers={} delay={} per_host={} output={} warc={} "
            + "resumed_done={} resumed_queued={} leases_requeued={}", settings.job().name(), job.seeds().size(),
        fetchers, settings.politeness().delay(), settings.politeness().perHostConcurrency(), settings.output().path(),
        job.archive().map(archive -> archive.directory().toString()).orElse("off"), before.finished(),
        before.queued(), job.frontier().recoveredLeases());
  }

  /** The supervisor of {@code job}. */
  public static Behavior<Command> create(CrawlJob job) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new CrawlSupervisor(context, timers, job)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(SeedsAdded.class, this::onSeedsAdded)
        .onMessage(AddSeeds.class, this::onAddSeeds)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(CheckIdle.INSTANCE, this::onCheckIdle)
        .onMessageEquals(Stop.INSTANCE, this::onStop)
        .onMessageEquals(BrokerDrained.INSTANCE, this::onBrokerDrained)
        .onMessage(PipelineDone.class, this::onPipelineDone)
        .onMessage(DueReleased.class, this::onDueReleased)
        .onMessage(WriterClosed.class, this::onWriterClosed)
        .onMessage(FetcherStopped.class, this::onFetcherStopped)
        .onMessage(GetProgress.class, this::onGetProgress)
        .onMessageEquals(Pause.INSTANCE, this::onPause)
        .onMessageEquals(Resume.INSTANCE, this::onResume)
        .onMessage(GetHost.class, this::onGetHost)
        .onMessage(ListHosts.class, this::onListHosts)
        .onMessage(ControlHost.class, this::onControlHost)
        .onMessage(Explain.class, this::onExplain)
        .build();
  }

  private void startPermits(double perSecond) {
    int elements = (int) Math.max(1, Math.round(perSecond / 10));
    Duration per = Duration.ofNanos((long) (elements * 1e9 / perSecond));
    Source.repeat(WorkBroker.PermitAck.INSTANCE)
        .throttle(elements, per, elements, ThrottleMode.shaping())
        .runWith(ActorSink.<WorkBroker.PermitAck, WorkBroker.Command, WorkBroker.PermitAck>actorRefWithBackpressure(
            broker,
            (ackTo, permit) -> new WorkBroker.Permit(ackTo),
            WorkBroker.PermitsStarted::new,
            WorkBroker.PermitAck.INSTANCE,
            WorkBroker.PermitsEnded.INSTANCE,
            failed -> WorkBroker.PermitsEnded.INSTANCE), getContext().getSystem());
  }

  /** After a restart, the frontier already holds queued URLs: start their hosts' queues. */
  private void wakeHostsWithWork() {
    seedBatchesPending++;
    var frontier = job.frontier();
    ActorRef<HostRegion.Command> hosts = region;
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
      frontier.forEachHostWithWork(host -> hosts.tell(new HostRegion.Envelope(host, HostQueue.WorkAvailable.INSTANCE)));
      return List.<CrawlUrl>of();
    }, storeExecutor), (none, failure) -> new SeedsAdded(List.of(), failure));
  }

  private void addSeeds(List<CrawlUrl> seeds) {
    seedBatchesPending++;
    var frontier = job.frontier();
    List<CrawlUrl> admit = new ArrayList<>(seeds);
    if (settings.sitemaps().enabled() && !settings.robots().enabled()) {
      // no robots.txt to name sitemaps (nor a fetch of it to guess after): guess each seed host's, with the seeds
      admit.addAll(processor.sitemaps(guessedSitemaps(seeds), Optional.empty()));
    }
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> frontier.add(admit), storeExecutor),
        (accepted, addFailure) -> new SeedsAdded(accepted == null ? List.of() : accepted, addFailure));
  }

  private Behavior<Command> onSeedsAdded(SeedsAdded added) {
    seedBatchesPending--;
    if (added.failure() != null) {
      getContext().getLog().error("could not add seeds", added.failure());
      failure = "could not add seeds: " + added.failure();
      return beginDrain();
    }
    Set<HostKey> hosts = new LinkedHashSet<>();
    added.accepted().forEach(url -> hosts.add(url.host()));
    hosts.forEach(host -> region.tell(new HostRegion.Envelope(host, HostQueue.WorkAvailable.INSTANCE)));
    return this;
  }

  /** {@code /sitemap.xml} of each origin among {@code seeds}, once. */
  private static List<String> guessedSitemaps(List<CrawlUrl> seeds) {
    Set<String> origins = new LinkedHashSet<>();
    for (CrawlUrl seed : seeds) {
      String url = seed.url();
      int path = url.indexOf('/', url.indexOf("://") + 3);
      origins.add((path < 0 ? url : url.substring(0, path)) + "/sitemap.xml");
    }
    return List.copyOf(origins);
  }

  private Behavior<Command> onAddSeeds(AddSeeds add) {
    if (phase == Phase.RUNNING) {
      addSeeds(add.seeds());
    }
    return this;
  }

  private Behavior<Command> onTick() {
    Progress progress = progress();
    lastTickNanos = System.nanoTime();
    lastTickDone = progress.done();
    job.progress().progress(progress);
    region.tell(HostRegion.UpdateMetrics.INSTANCE);
    return this;
  }

  private Behavior<Command> onPause() {
    if (!paused) {
      paused = true;
      metrics.paused(true);
      broker.tell(WorkBroker.Pause.INSTANCE);
      getContext().getLog().info("crawl paused: no request starts until resumed");
    }
    return this;
  }

  private Behavior<Command> onResume() {
    if (paused) {
      paused = false;
      metrics.paused(false);
      broker.tell(WorkBroker.Resume.INSTANCE);
      getContext().getLog().info("crawl resumed");
    }
    return this;
  }

  private Behavior<Command> onGetHost(GetHost get) {
    getContext().spawnAnonymous(HostReports.host(reportSources, get.host(), get.replyTo()));
    return this;
  }

  private Behavior<Command> onListHosts(ListHosts list) {
    getContext().spawnAnonymous(HostReports.list(reportSources, list.order(), list.limit(), list.replyTo()));
    return this;
  }

  private Behavior<Command> onControlHost(ControlHost change) {
    HostControl now = controls.apply(change.host(), change.control());
    getContext().getLog().info("host controls set host={} controls={}", change.host(), now);
    if (phase == Phase.RUNNING) {
      region.tell(new HostRegion.Envelope(change.host(), new HostQueue.ControlsChanged(now)));
    }
    getContext().spawnAnonymous(HostReports.host(reportSources, change.host(), change.replyTo()));
    return this;
  }

  private Behavior<Command> onExplain(Explain explain) {
    getContext().spawnAnonymous(HostReports.why(reportSources, explain.limit(), paused, phase != Phase.RUNNING,
        explain.replyTo()));
    return this;
  }

  private Behavior<Command> onGetProgress(GetProgress get) {
    get.replyTo().tell(progress());
    return this;
  }

  private Progress progress() {
    FrontierCounts counts = job.frontier().counts();
    long fetched = counts.fetched();
    long failed = counts.failed();
    if (settings.recrawl().enabled()) {
      // the frontier counts a URL as fetched only once its visits are over: count this run's visits instead
      failed = metrics.errorsByKind().values().stream().mapToLong(Long::longValue).sum();
      fetched = metrics.recordsWritten() - failed;
    }
    long now = System.nanoTime();
    double seconds = (now - lastTickNanos) / 1e9;
    double rate = seconds <= 0 ? 0 : (fetched + failed - lastTickDone) / seconds;
    return new Progress(Duration.ofNanos(now - startNanos), fetched, failed, counts.queued(), metrics.inFlight(),
        rate, counts.discovered());
  }

  private Behavior<Command> onCheckIdle() {
    FrontierCounts counts = job.frontier().counts();
    if (phase == Phase.RUNNING && seedBatchesPending == 0 && counts.idle()) {
      getContext().getLog().info("crawl finished: nothing queued, in flight or scheduled for a revisit");
      return beginDrain();
    }
    if (phase == Phase.RUNNING && counts.scheduled() > 0 && !releasingDue) {
      releaseDueRevisits();
    }
    return this;
  }

  /**
   * Moves the revisits that came due to their hosts' queues, on the store dispatcher: the frontier finds them at the
   * head of its due-time order (one seek when none is due), so checking at every idle check costs nothing per URL.
   * Host queues hold no future work: a host whose URLs all wait for later revisits goes idle (and is passivated)
   * until its next one is released and it is woken.
   */
  private void releaseDueRevisits() {
    releasingDue = true;
    Frontier frontier = job.frontier();
    int max = Math.max(1, settings.pipeline().maxActiveHosts()) * settings.pipeline().hostWindow();
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> frontier.releaseDue(Instant.now(), max),
        storeExecutor), (hosts, failure) -> new DueReleased(hosts == null ? List.of() : hosts, failure));
  }

  private Behavior<Command> onDueReleased(DueReleased released) {
    releasingDue = false;
    if (released.failure() != null) {
      getContext().getLog().error("releasing due revisits failed", released.failure());
      return this;
    }
    if (!released.hosts().isEmpty()) {
      getContext().getLog().debug("revisits due hosts={}", released.hosts().size());
    }
    released.hosts().forEach(host -> region.tell(new HostRegion.Envelope(host, HostQueue.WorkAvailable.INSTANCE)));
    return this;
  }

  private Behavior<Command> onStop() {
    if (phase == Phase.RUNNING) {
      stopRequested = true;
      getContext().getLog().info("stop requested: draining requests in flight");
      return beginDrain();
    }
    return this;
  }

  private Behavior<Command> beginDrain() {
    phase = Phase.DRAINING;
    region.tell(new HostRegion.Broadcast(HostQueue.Drain.INSTANCE));
    broker.tell(new WorkBroker.Drain(getContext().messageAdapter(WorkBroker.Drained.class,
        drained -> BrokerDrained.INSTANCE)));
    return this;
  }

  private Behavior<Command> onBrokerDrained() {
    if (phase == Phase.DRAINING) {
      phase = Phase.CLOSING;
      results.complete(); // every fetcher is idle: no offer can be in progress
    }
    return this;
  }

  private Behavior<Command> onPipelineDone(PipelineDone done) {
    if (done.failure() != null) {
      getContext().getLog().error("results stream failed; stopping the crawl", done.failure());
      failure = "results stream failed: " + done.failure().getMessage();
      if (phase == Phase.RUNNING) {
        beginDrain();
      }
    }
    phase = Phase.CLOSING;
    var writer = job.writer();
    var archive = job.archive();
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> {
      try {
        try {
          writer.close();
        } finally {
          if (archive.isPresent()) {
            archive.get().close(); // completes the current WARC file: its index is sorted
          }
        }
      } catch (java.io.IOException closeFailure) {
        throw new java.io.UncheckedIOException(closeFailure);
      }
    }, ioExecutor), (ignored, closeFailure) -> new WriterClosed(closeFailure));
    return this;
  }

  private Behavior<Command> onWriterClosed(WriterClosed closed) {
    if (closed.failure() != null) {
      getContext().getLog().error("could not close the output", closed.failure());
      failure = failure != null ? failure : "could not close the output: " + closed.failure().getMessage();
    }
    CrawlSummary summary = new CrawlSummary(job.frontier().counts(), metrics.recordsWritten(),
        Duration.ofNanos(System.nanoTime() - startNanos),
        metrics.errorsByKind(), stopRequested, Optional.ofNullable(failure), metrics.deadLetters(),
        metrics.restarts());
    job.progress().progress(progress());
    metrics.close();
    getContext().getLog().info("crawl ended fetched={} failed={} queued={} seconds={} stopped={}",
        summary.counts().fetched(), summary.counts().failed(), summary.counts().queued(),
        summary.elapsed().toSeconds(), stopRequested);
    job.result().complete(summary);
    return Behaviors.stopped();
  }

  private Behavior<Command> onFetcherStopped(FetcherStopped stopped) {
    if (phase != Phase.RUNNING) {
      return this;
    }
    fetchersAlive--;
    broker.tell(new WorkBroker.FetcherLost(stopped.fetcher()));
    if (fetchersAlive == 0) {
      failure = "every fetcher stopped after repeated failures";
      getContext().getLog().error(failure);
      return beginDrain();
    }
    return this;
  }

  /** The seeds' hosts: the scope when the job names no hosts or domains. */
  static Set<HostKey> hostsOf(List<CrawlUrl> seeds) {
    Set<HostKey> hosts = new LinkedHashSet<>();
    seeds.forEach(seed -> hosts.add(seed.host()));
    return hosts;
  }
}
