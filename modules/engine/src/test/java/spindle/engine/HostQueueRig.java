package spindle.engine;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import spindle.core.CrawlUrl;
import spindle.core.ErrorKind;
import spindle.core.HostKey;
import spindle.core.url.UrlNormalizer;
import spindle.fetch.robots.RobotsOutcome;
import spindle.fetch.robots.RobotsPolicy;
import spindle.fetch.robots.RobotsRules;
import spindle.fetch.robots.RobotsSettings;
import spindle.store.FrontierLimits;
import spindle.store.MemoryFrontier;

/**
 * One host queue under test, driven message by message: probes stand in for the broker and the region, a memory
 * frontier holds the host's URLs, and time is manual (the queue's monotonic clock and Pekko's scheduler move
 * together, only when a test says so). Settings are set before {@link #start()}.
 */
final class HostQueueRig {
  static final HostKey HOST = HostKey.of("example.org", -1);
  static final String AGENT = "SpindleBot";

  private final ActorTestKit testKit;
  private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
  final TestProbe<WorkBroker.Command> broker;
  final TestProbe<HostRegion.Command> region;
  private final TestProbe<HostQueue.HostStatus> statuses;
  final MemoryFrontier frontier;
  final HostControls controls = new HostControls();
  final CrawlMetrics metrics;
  private Duration delay = Duration.ZERO;
  private Duration maxCrawlDelay = ofSeconds(30);
  private int perHost = 1;
  private boolean robots;
  private Duration robotsTtl = Duration.ofHours(24);
  private int robotsRetries = 1;
  private Duration idleTimeout = ofSeconds(60);
  private int sessionRequests = 100;
  private Optional<HostMemory> memory = Optional.empty();
  private AdaptiveDelaySettings adaptive = AdaptiveDelaySettings.OFF;
  ActorRef<HostQueue.Command> queue;

  /** A rig whose frontier holds {@code paths} of {@link #HOST}. */
  HostQueueRig(ActorTestKit testKit, String... paths) {
    this.testKit = testKit;
    this.broker = testKit.createTestProbe();
    this.region = testKit.createTestProbe();
    this.statuses = testKit.createTestProbe();
    this.frontier = new MemoryFrontier(FrontierLimits.NONE, UrlNormalizer::fingerprint);
    this.metrics = new CrawlMetrics(new SimpleMeterRegistry(), frontier::counts);
    add(paths);
  }

  HostQueueRig delay(Duration value) {
    delay = value;
    return this;
  }

  HostQueueRig maxCrawlDelay(Duration value) {
    maxCrawlDelay = value;
    return this;
  }

  /** The delay adapts to the server as {@code settings} say (off by default, for tests of other things). */
  HostQueueRig adaptive(AdaptiveDelaySettings settings) {
    adaptive = settings;
    return this;
  }

  HostQueueRig perHost(int value) {
    perHost = value;
    return this;
  }

  HostQueueRig robots(boolean enabled) {
    robots = enabled;
    return this;
  }

  HostQueueRig robotsTtl(Duration value) {
    robotsTtl = value;
    return this;
  }

  HostQueueRig robotsRetries(int value) {
    robotsRetries = value;
    return this;
  }

  HostQueueRig idleTimeout(Duration value) {
    idleTimeout = value;
    return this;
  }

  HostQueueRig sessionRequests(int value) {
    sessionRequests = value;
    return this;
  }

  /** Makes the queue a sharding entity, which keeps its memory in {@code store}. */
  HostQueueRig sharded(HostMemory store) {
    memory = Optional.of(store);
    return this;
  }

  /** Spawns the queue. */
  ActorRef<HostQueue.Command> start() {
    return start(Optional.empty());
  }

  /** Spawns the queue, continuing from {@code carry}. */
  ActorRef<HostQueue.Command> start(Optional<HostQueue.Carry> carry) {
    queue = testKit.spawn(HostQueue.create(HOST, dependencies(), region.ref(), carry));
    return queue;
  }

  HostQueue.Dependencies dependencies() {
    PolitenessSettings politeness = new PolitenessSettings(delay, maxCrawlDelay, perHost, OptionalDouble.empty(),
        adaptive);
    RobotsSettings robotsSettings = new RobotsSettings(robots, robotsTtl, ofMillis(200), robotsRetries, 512 * 1024);
    return new HostQueue.Dependencies(broker.ref(), frontier, Runnable::run, politeness, robotsSettings, AGENT, 16,
        idleTimeout, metrics, controls, sessionRequests, ofSeconds(60), memory).withNanoTime(nanos::get);
  }

  /** Now on the queue's clock. */
  long now() {
    return nanos.get();
  }

  /**
   * Lets {@code time} pass once the queue has handled what it was sent (so the timers it sets meanwhile count from
   * now): the queue's clock moves and its timers that are due fire.
   */
  void pass(Duration time) {
    if (queue != null) {
      settle();
    }
    nanos.addAndGet(time.toNanos());
    ManualTime.get(testKit.system()).timePasses(time);
  }

  void add(String... paths) {
    frontier.add(Arrays.stream(paths).map(HostQueueRig::url).toList());
  }

  static CrawlUrl url(String path) {
    return CrawlUrl.seed("http://example.org" + path, HOST);
  }

  void tell(HostQueue.Command command) {
    queue.tell(command);
  }

  /** The queue's status; the queue has handled every message sent before (and what those made it send itself). */
  HostQueue.HostStatus status() {
    queue.tell(new HostQueue.GetStatus(statuses.ref()));
    statuses.receiveMessage();
    queue.tell(new HostQueue.GetStatus(statuses.ref()));
    return statuses.receiveMessage();
  }

  /** Waits until the queue handled what it was sent: before letting time pass over a timer it sets. */
  void settle() {
    status();
  }

  /** The next offer to the broker. */
  WorkItem offer() {
    return broker.expectMessageClass(WorkBroker.Offer.class).item();
  }

  /** The next offer, which must be a page. */
  WorkItem.PageFetch page() {
    return assertInstanceOf(WorkItem.PageFetch.class, offer());
  }

  /** The next offer, which must be a page of {@code path}. */
  WorkItem.PageFetch page(String path) {
    WorkItem.PageFetch page = page();
    assertEquals("http://example.org" + path, page.url().url());
    return page;
  }

  /** The next offer, which must be the host's robots.txt request. */
  void robotsRequest() {
    assertEquals(new WorkItem.RobotsFetch("http://example.org/robots.txt"), offer());
  }

  /** The next offer, which must be a record of {@code kind} without a request. */
  WorkItem.Reject reject(ErrorKind kind) {
    WorkItem.Reject reject = assertInstanceOf(WorkItem.Reject.class, offer());
    assertEquals(kind, reject.kind());
    return reject;
  }

  /** Nothing is offered in a short real-time window (the queue's own time stands still meanwhile). */
  void noOffer() {
    broker.expectNoMessage(ofMillis(100));
  }

  /** {@code page} ended with HTTP {@code status}. */
  void finished(WorkItem.PageFetch page, int status) {
    tell(new HostQueue.FetchFinished(page.url(), page.attempt(), Optional.empty(), status));
  }

  /** {@code page} ended with HTTP {@code status} (no Retry-After) after {@code fetchTime}; it is not retried. */
  void finished(WorkItem.PageFetch page, int status, Duration fetchTime) {
    tell(new HostQueue.FetchFinished(page.url(), page.attempt(), Optional.empty(), status, Optional.empty(),
        AdaptiveDelay.Answer.ofStatus(status, false), fetchTime));
  }

  /** {@code page} ended with HTTP {@code status}, and is to be retried after {@code retryAfter}. */
  void retry(WorkItem.PageFetch page, int status, Duration retryAfter) {
    tell(new HostQueue.FetchFinished(page.url(), page.attempt(), Optional.of(retryAfter), status));
  }

  /** The robots.txt request answered {@code file}. */
  void robotsAnswered(String file) {
    tell(new HostQueue.RobotsFinished(new RobotsOutcome.Rules(rules(file))));
  }

  static RobotsPolicy rules(String file) {
    return new RobotsRules(List.of(AGENT), 512 * 1024).parse("http://example.org/robots.txt",
        file.getBytes(StandardCharsets.UTF_8), "text/plain");
  }

  /** The robots.txt request could not get an answer (5xx or unreachable). */
  void robotsUnavailable() {
    tell(new HostQueue.RobotsFinished(new RobotsOutcome.Unavailable("HTTP 503")));
  }

  /** Applies an operator's {@code change} to the host, as the supervisor does. */
  void control(HostControl change) {
    tell(new HostQueue.ControlsChanged(controls.apply(HOST, change)));
  }
}
