package spindle.store;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.core.RevisitSchedule;

/**
 * A {@link Frontier} held in memory: per-host queues and tallies, a set of 64-bit fingerprints of every URL seen and
 * one of the URLs leased. Fast and simple, but its size grows with the crawl and a killed process loses it; the
 * durable store replaces it for long crawls. One lock guards everything: calls are short and arrive in batches.
 */
public final class MemoryFrontier implements Frontier {
  private final FrontierLimits limits;
  private final ToLongFunction<String> fingerprint;
  private final FingerprintSet seen = new FingerprintSet();
  private final Set<Long> leasedPrints = new HashSet<>();
  private final Map<HostKey, HostState> hosts = new HashMap<>(); // every host with a URL admitted
  private long admitted;
  private long queued;
  private long leased;
  private long fetched;
  private long failed;
  private long redirected;
  private long rejected;
  private long scheduledCount;
  private long committedOutputBytes;
  private long nextScheduleSequence;
  private final MemoryCaptureIndex captures = new MemoryCaptureIndex();
  // the revisits: in due order, and by fingerprint (a sitemap's newer lastmod makes one due at once)
  private final TreeSet<Scheduled> schedule = new TreeSet<>(Scheduled.ORDER);
  private final Map<Long, Scheduled> scheduledByPrint = new HashMap<>();
  private final Clock clock;

  /** An empty frontier with the given limits, deduplicating by {@code fingerprint} of the canonical URL. */
  public MemoryFrontier(FrontierLimits limits, ToLongFunction<String> fingerprint) {
    this(limits, fingerprint, Clock.systemUTC());
  }

  /** An empty frontier whose sitemap-made revisits are due at {@code clock}'s now. */
  MemoryFrontier(FrontierLimits limits, ToLongFunction<String> fingerprint, Clock clock) {
    this.limits = limits;
    this.fingerprint = fingerprint;
    this.clock = clock;
  }

  @Override
  public synchronized List<CrawlUrl> add(List<CrawlUrl> candidates) {
    List<CrawlUrl> accepted = new ArrayList<>();
    for (CrawlUrl candidate : candidates) {
      long print = fingerprint.applyAsLong(candidate.url());
      if (seen.contains(print)) {
        candidate.lastModified().ifPresent(lastmod -> advance(print, lastmod));
        continue;
      }
      HostState host = hosts.get(candidate.host());
      if (admitted >= limits.maxPages() || (host != null && host.admitted >= limits.maxPagesPerHost())) {
        rejected++;
        continue;
      }
      seen.add(print);
      admitted++;
      enqueue(candidate).admitted++;
      accepted.add(candidate);
    }
    return accepted;
  }

  @Override
  public synchronized List<CrawlUrl> lease(HostKey host, int max) {
    HostState state = hosts.get(host);
    if (state == null || state.queue == null) {
      return List.of();
    }
    ArrayDeque<CrawlUrl> queue = state.queue;
    List<CrawlUrl> out = new ArrayList<>(Math.min(max, queue.size()));
    while (out.size() < max && !queue.isEmpty()) {
      CrawlUrl url = queue.pollFirst();
      leasedPrints.add(fingerprint.applyAsLong(url.url()));
      out.add(url);
    }
    if (queue.isEmpty()) {
      state.queue = null; // an emptied deque keeps its largest array
    }
    queued -= out.size();
    leased += out.size();
    return out;
  }

  /** {@inheritDoc} URLs that are not leased are ignored. */
  @Override
  public synchronized void requeue(List<CrawlUrl> urls) {
    for (int i = urls.size() - 1; i >= 0; i--) {
      CrawlUrl url = urls.get(i);
      if (leasedPrints.remove(fingerprint.applyAsLong(url.url()))) {
        hosts.get(url.host()).queue().addFirst(url);
        leased--;
        queued++;
      }
    }
  }

  @Override
  public synchronized void complete(Collection<Completion> finished, long outputBytes) {
    for (Completion completion : finished) {
      CrawlUrl url = completion.url();
      long print = fingerprint.applyAsLong(url.url());
      if (!leasedPrints.remove(print)) {
        continue; // completed before, or never leased: counted once already, or never
      }
      HostState host = hosts.get(url.host());
      if (completion.revisitAt().isPresent()) {
        Scheduled entry = new Scheduled(completion.revisitAt().get().toEpochMilli(), nextScheduleSequence++, print,
            url);
        schedule.add(entry);
        scheduledByPrint.put(print, entry);
        host.scheduled().add(entry);
        leased--;
        scheduledCount++;
        continue;
      }
      if (completion.failed()) {
        failed++;
        host.failed++;
      } else {
        fetched++;
        host.fetched++;
      }
      leased--;
    }
    committedOutputBytes = outputBytes;
  }

  @Override
  public boolean schedulesRevisits() {
    return true;
  }

  @Override
  public synchronized List<HostKey> releaseDue(Instant now, int max) {
    LinkedHashSet<HostKey> woken = new LinkedHashSet<>();
    long limit = now.toEpochMilli();
    int released = 0;
    while (released < max && !schedule.isEmpty() && schedule.first().dueMillis() <= limit) {
      Scheduled entry = schedule.pollFirst();
      scheduledByPrint.remove(entry.print());
      HostState host = hosts.get(entry.url().host());
      host.scheduled.remove(entry);
      host.queue().addLast(entry.url());
      scheduledCount--;
      queued++;
      woken.add(entry.url().host());
      released++;
    }
    return new ArrayList<>(woken);
  }

  @Override
  public synchronized Optional<Instant> nextDue() {
    return schedule.isEmpty() ? Optional.empty()
        : Optional.of(Instant.ofEpochMilli(schedule.first().dueMillis()));
  }

  @Override
  public synchronized Optional<Instant> nextDue(HostKey host) {
    HostState state = hosts.get(host);
    return state == null || state.scheduled == null || state.scheduled.isEmpty() ? Optional.empty()
        : Optional.of(Instant.ofEpochMilli(state.scheduled.first().dueMillis()));
  }

  @Override
  public synchronized List<HostDue> nextRevisits(int limit) {
    LinkedHashMap<HostKey, HostDue> first = new LinkedHashMap<>();
    int read = 0;
    for (Scheduled entry : schedule) {
      if (first.size() >= limit || read++ >= MAX_SCHEDULE_READ) {
        break;
      }
      first.putIfAbsent(entry.url().host(), new HostDue(entry.url().host(),
          Instant.ofEpochMilli(entry.dueMillis())));
    }
    return new ArrayList<>(first.values());
  }

  /** Makes the revisit of {@code print} due now when the sitemap's {@code lastmod} is newer than its last visit. */
  private void advance(long print, Instant lastmod) {
    Scheduled entry = scheduledByPrint.get(print);
    long now = clock.millis();
    if (entry == null || entry.dueMillis() <= now
        || !RevisitSchedule.dueBySitemap(Optional.of(lastmod), entry.url().lastVisit().orElseThrow())) {
      return;
    }
    Scheduled due = new Scheduled(now, nextScheduleSequence++, print, entry.url());
    schedule.remove(entry);
    schedule.add(due);
    scheduledByPrint.put(print, due);
    HostState host = hosts.get(entry.url().host());
    host.scheduled.remove(entry);
    host.scheduled.add(due);
  }

  @Override
  public synchronized long committedOutputBytes() {
    return committedOutputBytes;
  }

  @Override
  public synchronized void forEachHostWithWork(java.util.function.Consumer<HostKey> action) {
    List<HostKey> withWork = new ArrayList<>();
    hosts.forEach((host, state) -> {
      if (state.queued() > 0) {
        withWork.add(host);
      }
    });
    withWork.forEach(action);
  }

  @Override
  public long recoveredLeases() {
    return 0;
  }

  /** {@inheritDoc} Also false, with nothing changed, when {@code source} is not leased. */
  @Override
  public synchronized boolean redirect(CrawlUrl source, CrawlUrl target) {
    long sourcePrint = fingerprint.applyAsLong(source.url());
    long print = fingerprint.applyAsLong(target.url());
    if (!leasedPrints.contains(sourcePrint) || !seen.add(print)) {
      return false;
    }
    leasedPrints.remove(sourcePrint);
    admitted++;
    leased--;
    redirected++;
    enqueue(target);
    return true;
  }

  @Override
  public synchronized long queued(HostKey host) {
    HostState state = hosts.get(host);
    return state == null ? 0 : state.queued();
  }

  @Override
  public synchronized FrontierCounts counts() {
    return new FrontierCounts(admitted, queued, leased, fetched, failed, redirected, rejected, scheduledCount);
  }

  @Override
  public synchronized List<HostCount> busiestHosts(int limit) {
    TopHosts<HostCount> top = new TopHosts<>(limit, TopHosts.MOST_QUEUED);
    hosts.forEach((host, state) -> {
      if (state.queued() > 0) {
        top.offer(new HostCount(host, state.queued()));
      }
    });
    return top.sorted();
  }

  @Override
  public synchronized HostTally tally(HostKey host) {
    HostState state = hosts.get(host);
    return state == null ? HostTally.empty(host) : state.tally(host);
  }

  @Override
  public synchronized List<HostTally> hosts(HostOrder order, int limit) {
    TopHosts<HostTally> top = new TopHosts<>(limit, order.comparator());
    hosts.forEach((host, state) -> top.offer(state.tally(host)));
    return top.sorted();
  }

  @Override
  public synchronized int hostCount() {
    return hosts.size();
  }

  /** {@inheritDoc} In memory, like the rest of this frontier. */
  @Override
  public Optional<CaptureIndex> captures() {
    return Optional.of(captures);
  }

  @Override
  public void close() {
    // nothing to release: the frontier lives and dies with the heap
  }

  private HostState enqueue(CrawlUrl url) {
    HostState host = hosts.computeIfAbsent(url.host(), key -> new HostState());
    host.queue().addLast(url);
    queued++;
    return host;
  }

  /** A URL waiting for its revisit; ordered by due time, then by when it was scheduled. */
  private record Scheduled(long dueMillis, long sequence, long print, CrawlUrl url) {
    static final Comparator<Scheduled> ORDER = Comparator.comparingLong(Scheduled::dueMillis)
        .thenComparingLong(Scheduled::sequence);
  }

  /** One host's queue (null while empty), revisits (null until it has one) and counts; guarded by the frontier's lock. */
  private static final class HostState {
    ArrayDeque<CrawlUrl> queue;
    TreeSet<Scheduled> scheduled;
    long admitted;
    long fetched;
    long failed;

    ArrayDeque<CrawlUrl> queue() {
      if (queue == null) {
        queue = new ArrayDeque<>();
      }
      return queue;
    }

    long queued() {
      return queue == null ? 0 : queue.size();
    }

    TreeSet<Scheduled> scheduled() {
      if (scheduled == null) {
        scheduled = new TreeSet<>(Scheduled.ORDER);
      }
      return scheduled;
    }

    HostTally tally(HostKey host) {
      return new HostTally(host, queued(), fetched, failed);
    }
  }
}
