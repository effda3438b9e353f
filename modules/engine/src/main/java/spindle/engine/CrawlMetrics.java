package spindle.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import spindle.core.CrawlRecord;
import spindle.core.ErrorKind;
import spindle.fetch.FetchResult;
import spindle.store.FrontierCounts;

/**
 * The crawl's Micrometer meters, registered when the crawl starts so an admin endpoint can expose them at any
 * time: fetches by status class, fetch latency, bytes, queue depth, requests in flight, records by outcome, dead
 * letters and supervisor restarts. Thread-safe: fetchers, stream stages and actors update it concurrently.
 *
 * <p>Every meter carries the crawl's tags ({@code job=<name>}), so the crawls of one service share a registry; a
 * crawl removes its meters when it ends ({@link #close}).
 */
public final class CrawlMetrics {
  private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx", "none"};
  private static final List<String> RESTARTABLE_ACTORS = List.of("fetcher", "host-queue", "work-broker");

  private final MeterRegistry registry;
  private final Counter[] fetchesByClass = new Counter[STATUS_CLASSES.length];
  private final Timer fetchLatency;
  private final Counter bytes;
  private final Counter robotsFetches;
  private final Counter deadLetters;
  private final Counter pagesOk;
  private final Map<ErrorKind, Counter> recordsByError = new EnumMap<>(ErrorKind.class);
  private final Map<ErrorKind, LongAdder> errorCounts = new EnumMap<>(ErrorKind.class);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder restarts = new LongAdder();
  private final Map<String, Counter> restartsByActor = new java.util.HashMap<>();
  private final Tags tags;

  /** Registers untagged meters in {@code registry} (one crawl per registry). */
  public CrawlMetrics(MeterRegistry registry, Supplier<FrontierCounts> frontierCounts) {
    this(registry, frontierCounts, Tags.empty());
  }

  /**
   * Registers the meters in {@code registry}, each with {@code tags}; {@code frontierCounts} feeds the queue-depth
   * gauges.
   */
  public CrawlMetrics(MeterRegistry registry, Supplier<FrontierCounts> frontierCounts, Tags tags) {
    this.registry = registry;
    this.tags = tags;
    for (int i = 0; i < STATUS_CLASSES.length; i++) {
      fetchesByClass[i] = Counter.builder("spindle.fetches").description("HTTP fetches by status class")
          .tag("status_class", STATUS_CLASSES[i]).tags(tags).register(registry);
    }
    fetchLatency = Timer.builder("spindle.fetch.latency").description("From request to the end of the body")
        .publishPercentileHistogram().tags(tags).register(registry);
    bytes = Counter.builder("spindle.fetched.bytes").baseUnit("bytes").description("Body bytes after decoding")
        .tags(tags).register(registry);
    robotsFetches = Counter.builder("spindle.robots.fetches").description("robots.txt requests").tags(tags)
        .register(registry);
    deadLetters = Counter.builder("spindle.dead.letters")
        .description("Messages that reached dead letters (each URL in one is re-queued or recorded)")
        .tags(tags).register(registry);
    pagesOk = Counter.builder("spindle.records").description("Records written, by outcome")
        .tag("outcome", "ok").tags(tags).register(registry);
    for (ErrorKind kind : ErrorKind.values()) {
      recordsByError.put(kind, Counter.builder("spindle.records").description("Records written, by outcome")
          .tag("outcome", kind.name()).tags(tags).register(registry));
      errorCounts.put(kind, new LongAdder());
    }
    Gauge.builder("spindle.fetches.in.flight", inFlight, AtomicInteger::get)
        .description("Requests in flight now (never above spindle.fetch.concurrency)").tags(tags).register(registry);
    Gauge.builder("spindle.frontier.queued", frontierCounts, counts -> counts.get().queued())
        .description("URLs waiting in host queues").tags(tags).register(registry);
    Gauge.builder("spindle.frontier.leased", frontierCounts, counts -> counts.get().leased())
        .description("URLs handed to hosts and fetchers, not yet recorded").tags(tags).register(registry);
    Gauge.builder("spindle.frontier.discovered", frontierCounts, counts -> counts.get().discovered())
        .description("URLs admitted to the crawl").tags(tags).register(registry);
    for (String actor : RESTARTABLE_ACTORS) {
      restartsByActor.put(actor, Counter.builder("spindle.supervisor.restarts")
          .description("Actors restarted by their supervisor after a bug").tag("actor", actor).tags(tags)
          .register(registry));
    }
  }

  /**
   * Removes this crawl's meters from the registry (every {@code spindle.*} meter with this crawl's tags), so a
   * service's registry does not keep the gauges of a crawl whose frontier is closed.
   */
  public void close() {
    List<io.micrometer.core.instrument.Tag> mine = tags.stream().toList();
    List<Meter> meters = registry.getMeters().stream()
        .filter(meter -> meter.getId().getName().startsWith("spindle.") && meter.getId().getTags().containsAll(mine))
        .toList();
    meters.forEach(registry::remove);
  }

  /** The registry the meters live in. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Records one HTTP response or failure. */
  void fetched(FetchResult result) {
    int status = result.status().orElse(-1);
    int index = status < 100 || status > 599 ? STATUS_CLASSES.length - 1 : status / 100 - 1;
    fetchesByClass[index].increment();
    fetchLatency.record(result.fetchMillis(), TimeUnit.MILLISECONDS);
    bytes.increment(result.body().length);
  }

  /** Records one robots.txt request. */
  void robotsFetched() {
    robotsFetches.increment();
  }

  /** One request more in flight. */
  void requestStarted() {
    inFlight.incrementAndGet();
  }

  /** One request fewer in flight. */
  void requestEnded() {
    inFlight.decrementAndGet();
  }

  /** Requests in flight now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Counts a written record by outcome. */
  void recorded(CrawlRecord record) {
    if (record.error().isEmpty()) {
      pagesOk.increment();
    } else {
      ErrorKind kind = record.error().get().kind();
      recordsByError.get(kind).increment();
      errorCounts.get(kind).increment();
    }
  }

  /** Records written with an error, by kind, for the summary. */
  public Map<ErrorKind, Long> errorsByKind() {
    Map<ErrorKind, Long> out = new EnumMap<>(ErrorKind.class);
    errorCounts.forEach((kind, count) -> {
      long value = count.sum();
      if (value > 0) {
        out.put(kind, value);
      }
    });
    return out;
  }

  /** Counts a message that reached dead letters. */
  void deadLetter() {
    deadLetters.increment();
  }

  /** Records written by this run (a resumed crawl's earlier records not included). */
  public long recordsWritten() {
    return (long) pagesOk.count() + errorCounts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Messages that reached dead letters so far. */
  public long deadLetters() {
    return (long) deadLetters.count();
  }

  /** Counts a restart of an actor of kind {@code actor} ("fetcher", "host-queue", "work-broker"). */
  void restarted(String actor) {
    restartsByActor.get(actor).increment();
    restarts.increment();
  }

  /** Restarts so far, all actor kinds. */
  public long restarts() {
    return restarts.sum();
  }
}
