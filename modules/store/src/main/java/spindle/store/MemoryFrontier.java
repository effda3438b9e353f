package spindle.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;

/**
 * A {@link Frontier} held in memory: per-host queues of URLs and a set of 64-bit fingerprints of every URL seen.
 * Fast and simple, but its size grows with the crawl and a killed process loses it; the durable store replaces it
 * for long crawls. One lock guards everything: calls are short and arrive in batches.
 */
public final class MemoryFrontier implements Frontier {
  private final FrontierLimits limits;
  private final ToLongFunction<String> fingerprint;
  private final FingerprintSet seen = new FingerprintSet();
  private final Map<HostKey, ArrayDeque<CrawlUrl>> queues = new HashMap<>();
  private final Map<HostKey, long[]> admittedPerHost = new HashMap<>();
  private long admitted;
  private long queued;
  private long leased;
  private long fetched;
  private long failed;
  private long redirected;
  private long rejected;
  private long committedOutputBytes;

  /** An empty frontier with the given limits, deduplicating by {@code fingerprint} of the canonical URL. */
  public MemoryFrontier(FrontierLimits limits, ToLongFunction<String> fingerprint) {
    this.limits = limits;
    this.fingerprint = fingerprint;
  }

  @Override
  public synchronized List<CrawlUrl> add(List<CrawlUrl> candidates) {
    List<CrawlUrl> accepted = new ArrayList<>();
    for (CrawlUrl candidate : candidates) {
      long print = fingerprint.applyAsLong(candidate.url());
      if (seen.contains(print)) {
        continue;
      }
      long[] hostCount = admittedPerHost.computeIfAbsent(candidate.host(), host -> new long[1]);
      if (admitted >= limits.maxPages() || hostCount[0] >= limits.maxPagesPerHost()) {
        rejected++;
        continue;
      }
      seen.add(print);
      hostCount[0]++;
      admitted++;
      enqueue(candidate);
      accepted.add(candidate);
    }
    return accepted;
  }

  @Override
  public synchronized List<CrawlUrl> lease(HostKey host, int max) {
    ArrayDeque<CrawlUrl> queue = queues.get(host);
    if (queue == null) {
      return List.of();
    }
    List<CrawlUrl> out = new ArrayList<>(Math.min(max, queue.size()));
    while (out.size() < max && !queue.isEmpty()) {
      out.add(queue.pollFirst());
    }
    if (queue.isEmpty()) {
      queues.remove(host);
    }
    queued -= out.size();
    leased += out.size();
    return out;
  }

  @Override
  public synchronized void requeue(List<CrawlUrl> urls) {
    for (int i = urls.size() - 1; i >= 0; i--) {
      CrawlUrl url = urls.get(i);
      queues.computeIfAbsent(url.host(), host -> new ArrayDeque<>()).addFirst(url);
    }
    leased -= urls.size();
    queued += urls.size();
  }

  @Override
  public synchronized void complete(Collection<Completion> finished, long outputBytes) {
    for (Completion completion : finished) {
      if (completion.failed()) {
        failed++;
      } else {
        fetched++;
      }
    }
    leased -= finished.size();
    committedOutputBytes = outputBytes;
  }

  @Override
  public synchronized long committedOutputBytes() {
    return committedOutputBytes;
  }

  @Override
  public synchronized void forEachHostWithWork(java.util.function.Consumer<HostKey> action) {
    List.copyOf(queues.keySet()).forEach(action);
  }

  @Override
  public long recoveredLeases() {
    return 0;
  }

  @Override
  public synchronized boolean redirect(CrawlUrl source, CrawlUrl target) {
    long print = fingerprint.applyAsLong(target.url());
    if (!seen.add(print)) {
      return false;
    }
    admitted++;
    leased--;
    redirected++;
    enqueue(target);
    return true;
  }

  @Override
  public synchronized long queued(HostKey host) {
    ArrayDeque<CrawlUrl> queue = queues.get(host);
    return queue == null ? 0 : queue.size();
  }

  @Override
  public synchronized FrontierCounts counts() {
    return new FrontierCounts(admitted, queued, leased, fetched, failed, redirected, rejected);
  }

  @Override
  public synchronized List<HostCount> busiestHosts(int limit) {
    return queues.entrySet().stream()
        .map(entry -> new HostCount(entry.getKey(), entry.getValue().size()))
        .sorted(Comparator.comparingLong(HostCount::queued).reversed().thenComparing(HostCount::host))
        .limit(limit)
        .toList();
  }

  @Override
  public void close() {
    // nothing to release: the frontier lives and dies with the heap
  }

  private void enqueue(CrawlUrl url) {
    queues.computeIfAbsent(url.host(), host -> new ArrayDeque<>()).addLast(url);
    queued++;
  }
}
