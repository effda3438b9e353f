package spindle.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import spindle.core.CrawlRecord;
import spindle.core.ErrorKind;
import spindle.core.HostKey;
import spindle.fetch.FetchResult;
import spindle.store.FrontierCounts;

/**
 * The crawl's Micrometer meters, registered when the crawl starts so an admin endpoint can expose them at any
 * time: fetches by status class, fetch latency, bytes, queue depth, requests in flight and their cap, records by
 * outcome, retries, hosts active, waiting and backing off, output bytes, the store's size and its disk's free space,
 * dead letters and supervisor restarts. Thread-safe: fetchers, stream stages and actors update it concurrently.
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
  private final Counter retries;
  private final Counter outputBytes;
  private final Counter warcBytes;
  private final AtomicInteger inFlightLimit = new AtomicInteger();
  private final AtomicInteger activeHosts = new AtomicInteger();
  private final AtomicInteger waitingHosts = new AtomicInteger();
  private final AtomicInteger paused = new AtomicInteger();
  /** Hosts backing off: since when (System.nanoTime) each has had no good answer after a retry asked for one. */
  private final Map<HostKey, Long> backoffSince = new ConcurrentHashMap<>();
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
    Gauge.builder("spindle.fetches.in.flight.limit", inFlightLimit, AtomicInteger::get)
        .description("The cap on requests in flight (spindle.fetch.concurrency)").tags(tags).register(registry);
    retries = Counter.builder("spindle.fetch.retries")
        .description("Fetches answered 429 or 503 or failing to connect, queued again after a backoff").tags(tags)
        .register(registry);
    Gauge.builder("spindle.hosts.active", activeHosts, AtomicInteger::get)
        .description("Host queues running (on this node)").tags(tags).register(registry);
    Gauge.builder("spindle.hosts.waiting", waitingHosts, AtomicInteger::get)
        .description("Hosts with work waiting for a turn (spindle.engine.max-active-hosts queues run already)")
        .tags(tags).register(registry);
    Gauge.builder("spindle.hosts.backing.off", backoffSince, Map::size)
        .description("Hosts backing off: a fetch asked for a retry and no good answer came since").tags(tags)
        .register(registry);
    Gauge.builder("spindle.host.backoff.longest", this, metrics -> metrics.longestBackoffSeconds(System.nanoTime()))
        .baseUnit("seconds").description("How long the host backing off the longest has been doing so")
        .tags(tags).register(registry);
    Gauge.builder("spindle.crawl.paused", paused, AtomicInteger::get)
        .description("1 while an operator has paused the crawl, else 0").tags(tags).register(registry);
    outputBytes = Counter.builder("spindle.output.bytes").baseUnit("bytes")
        .description("Bytes of records written to the job's output").tags(tags).register(registry);
    warcBytes = Counter.builder("spindle.warc.bytes").baseUnit("bytes")
        .description("Bytes written to WARC files (0 while spindle.warc.dir is empty)").tags(tags).register(registry);
  }

  /**
   * Registers the gauges of the store kept in {@code directory}: its size on disk, and the free and total space of
   * the file system it is on. They read the disk at each scrape (a RocksDB store has tens of files).
   */
  public void store(Path directory) {
    Gauge.builder("spindle.store.size", directory, gauge(CrawlMetrics::sizeOnDisk)).baseUnit("bytes")
        .description("Bytes the crawl's store takes on disk").tags(tags).register(registry);
    Gauge.builder("spindle.store.disk.free", directory, gauge(dir -> fileStore(dir).getUsableSpace()))
        .baseUnit("bytes").description("Free bytes (usable by Spindle) on the file system of the crawl's store")
        .tags(tags).register(registry);
    Gauge.builder("spindle.store.disk.total", directory, gauge(dir -> fileStore(dir).getTotalSpace()))
        .baseUnit("bytes").description("Size of the file system of the crawl's store").tags(tags).register(registry);
  }

  /** A disk reading: NaN (Prometheus' "no value") when the directory cannot be read, e.g. removed meanwhile. */
  private static ToDoubleFunction<Path> gauge(DiskReading reading) {
    return directory -> {
      try {
        return reading.read(directory);
      } catch (IOException | UncheckedIOException unreadable) {
        return Double.NaN;
      }
    };
  }

  private interface DiskReading {
    double read(Path directory) throws IOException;
  }

  private static FileStore fileStore(Path directory) throws IOException {
    return Files.getFileStore(directory);
  }

  /** The bytes of the regular files under {@code directory}. */
  static long sizeOnDisk(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).mapToLong(file -> {
        try {
          return Files.size(file);
        } catch (IOException gone) { // RocksDB deletes files as it compacts: a vanished file takes no space
          return 0;
        }
      }).sum();
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

  /** The cap on requests in flight, shown next to the requests in flight. */
  void inFlightLimit(int limit) {
    inFlightLimit.set(limit);
  }

  /** Counts a fetch that is retried after a backoff. */
  void retried() {
    retries.increment();
  }

  /** The host queues running now, and the hosts waiting for a turn. */
  void hosts(int active, int waiting) {
    activeHosts.set(active);
    waitingHosts.set(waiting);
  }

  /** {@code host} backs off before a retry, at {@code nowNanos}; a host already backing off keeps its start. */
  void backingOff(HostKey host, long nowNanos) {
    backoffSince.putIfAbsent(host, nowNanos);
  }

  /** {@code host} answered well (a status below 500, 429 excepted), or its queue stopped: it no longer backs off. */
  void backoffEnded(HostKey host) {
    backoffSince.remove(host);
  }

  /** Seconds since the host backing off the longest began to, at {@code nowNanos}; 0 when none backs off. */
  double longestBackoffSeconds(long nowNanos) {
    long longest = 0;
    for (long since : backoffSince.values()) {
      longest = Math.max(longest, nowNanos - since);
    }
    return longest / 1e9;
  }

  /** Whether an operator has paused the crawl. */
  void paused(boolean isPaused) {
    paused.set(isPaused ? 1 : 0);
  }

  /** Counts {@code bytes} appended to the job's output. */
  void outputWritten(long bytes) {
    if (bytes > 0) {
      outputBytes.increment(bytes);
    }
  }

  /** Counts bytes written to WARC files. */
  void warcWritten(long bytes) {
    if (bytes > 0) {
      warcBytes.increment(bytes);
    }
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
