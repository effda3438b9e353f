package spindle.store;

import static spindle.store.RocksDbSchema.FAILED;
import static spindle.store.RocksDbSchema.FETCHED;
import static spindle.store.RocksDbSchema.REDIRECTED;
import static spindle.store.RocksDbSchema.fingerprintKey;
import static spindle.store.RocksDbSchema.queueKey;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.rocksdb.RocksDBException;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.store.RocksDbSchema.Lease;

/**
 * The durable {@link Frontier}: per-host queues, the seen-set, URL states and leases in RocksDB, so a crawl survives
 * a restart or a kill and its size is bounded by the disk, not the heap. The store is split by concern: the keys and
 * codecs are in {@link RocksDbSchema}, opening, tuning and closing the database in {@link RocksDbStore}, the counters
 * kept in memory in {@link RocksDbCounts}, one call's atomic write in {@link RocksDbBatch} and leases in
 * {@link RocksDbLeases}; this class admits URLs and keeps every call under one lock.
 *
 * <p>Each mutating call is one atomic {@code WriteBatch} ({@link RocksDbBatch}) that also carries the state counts and
 * the touched hosts' counts, so after a crash the counts match the data. The counts and per-host state (admitted,
 * fetched and failed URLs, queued URLs per priority, queue heads) live in memory as well ({@link RocksDbCounts}), so
 * {@link #counts()}, {@link #queued}, {@link #busiestHosts}, {@link #tally}, {@link #hosts} and {@link #hostCount}
 * never touch the disk or the lock; nothing is kept in memory per URL. Queues are ordered by depth (capped at 255),
 * then by discovery, so the shallow pages of a host come first.
 *
 * <p>Durability: the write-ahead log is always on. A batch is in the log, in the operating system's page cache, when
 * its call returns, so {@code kill -9} of the JVM loses nothing that was written. A power loss or kernel crash loses
 * the batches not yet written back by the kernel (typically the last seconds) when {@code sync-writes} is off; the
 * store reopens at a consistent earlier point (each batch is all or nothing). With {@code sync-writes} on, each call
 * waits for an fsync of the log and nothing that returned is lost, at the cost of one fsync per call.
 *
 * <p>The store belongs to one process: when it is opened, every lease left by the previous process is orphaned and
 * goes back to its queue at its original position ({@link #recoveredLeases()}). Thread-safe: mutations take one
 * lock (they are batches, and RocksDB writes are serialised anyway).
 */
public final class RocksDbFrontier implements Frontier {
  /** The {@link #meta} key under which the engine stores the fingerprint of the job that created the store. */
  public static final String JOB_FINGERPRINT = "job-fingerprint";

  private final FrontierLimits limits;
  private final ToLongFunction<String> fingerprint;
  private final RocksDbStore store;
  private final RocksDbCounts counts;
  private final RocksDbLeases leases;
  private final ReentrantLock lock = new ReentrantLock();
  private final SeenCache recentlySeen; // guarded by lock
  private final long recoveredLeases;
  private final RocksDbCaptureIndex captures;
  private final RocksDbSchedule schedule;
  private final Clock clock;

  private RocksDbFrontier(RocksDbStore store, FrontierLimits limits, ToLongFunction<String> fingerprint,
      StoreSettings settings, Clock clock) throws RocksDBException {
    this.store = store;
    this.limits = Objects.requireNonNull(limits, "limits");
    this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
    this.recentlySeen = new SeenCache(settings.seenCacheEntries());
    this.counts = new RocksDbCounts(store.loadTotals());
    store.forEachHost(counts::load);
    this.leases = new RocksDbLeases(store, counts, fingerprint, settings.leaseTimeout().toMillis(), clock);
    this.recoveredLeases = leases.requeueWhere(deadline -> true);
    this.captures = new RocksDbCaptureIndex(this, store);
    this.schedule = new RocksDbSchedule(store);
    this.clock = clock;
  }

  /**
   * Opens the store in {@code directory}, creating it (and the directory) when missing, and puts back in their
   * queues the URLs the previous process had leased. Throws {@link NotAStoreException} when the directory holds
   * other files or a database Spindle did not write, and {@link StoreException} when RocksDB fails (for example,
   * another process has the store open).
   */
  public static RocksDbFrontier open(Path directory, FrontierLimits limits, ToLongFunction<String> fingerprint,
      StoreSettings settings) {
    return open(directory, limits, fingerprint, settings, Clock.systemUTC());
  }

  /** {@link #open(Path, FrontierLimits, ToLongFunction, StoreSettings)} with lease deadlines read from {@code clock}. */
  static RocksDbFrontier open(Path directory, FrontierLimits limits, ToLongFunction<String> fingerprint,
      StoreSettings settings, Clock clock) {
    Objects.requireNonNull(settings, "settings");
    RocksDbStore store = RocksDbStore.open(directory, settings);
    try {
      return new RocksDbFrontier(store, limits, fingerprint, settings, clock);
    } catch (RocksDBException failure) {
      store.discard();
      throw new StoreException(directory + ": cannot open the store: " + failure.getMessage(), failure);
    } catch (RuntimeException failure) {
      store.discard();
      throw failure;
    }
  }

  /**
   * What the store in {@code directory} holds, with its {@code hostLimit} busiest hosts, read without locking it:
   * it may be read while a crawl writes it (the view is then as of the last write). Throws
   * {@link NotAStoreException} when the directory is not a store.
   */
  public static FrontierStatus readStatus(Path directory, int hostLimit) {
    return RocksDbStore.readStatus(directory, hostLimit);
  }

  /** {@link #readStatus(Path, int)} with the 10 busiest hosts. */
  public static FrontierStatus readStatus(Path directory) {
    return readStatus(directory, 10);
  }

  @Override
  public List<CrawlUrl> add(List<CrawlUrl> candidates) {
    if (candidates.isEmpty()) {
      return List.of();
    }
    long[] candidatePrints = new long[candidates.size()];
    for (int i = 0; i < candidatePrints.length; i++) {
      candidatePrints[i] = fingerprint.applyAsLong(candidates.get(i).url());
    }
    return locked("add", () -> admit(candidates, candidatePrints));
  }

  private List<CrawlUrl> admit(List<CrawlUrl> candidates, long[] candidatePrints) throws RocksDBException {
    try (RocksDbBatch batch = new RocksDbBatch(store, counts)) {
      List<CrawlUrl> unknown = new ArrayList<>(candidates.size());
      FingerprintLookup prints = new FingerprintLookup(candidates.size());
      for (int i = 0; i < candidatePrints.length; i++) {
        // most links were seen before: skip the store for them, unless a sitemap dates them (a revisit may be due)
        if (!recentlySeen.contains(candidatePrints[i]) || candidates.get(i).lastModified().isPresent()) {
          unknown.add(candidates.get(i));
          prints.add(candidatePrints[i]);
        }
      }
      if (unknown.isEmpty()) {
        return List.of();
      }
      List<byte[]> known = prints.lookUp(store, store.urls);
      Set<Long> admittedNow = new HashSet<>();
      List<CrawlUrl> accepted = new ArrayList<>();
      for (int i = 0; i < unknown.size(); i++) {
        long print = prints.print(i);
        byte[] state = prints.found(known, i);
        if (state != null) {
          recentlySeen.put(print);
          Optional<Instant> lastmod = unknown.get(i).lastModified();
          if (lastmod.isPresent() && state[0] == RocksDbSchema.SCHEDULED) {
            long due = new ByteReader(state, 1).readLong();
            schedule.advance(batch, print, due, lastmod.get(), clock.millis());
          }
          continue;
        }
        if (admittedNow.contains(print)) {
          continue;
        }
        CrawlUrl candidate = unknown.get(i);
        long hostAdmitted = batch.peek(candidate.host()).map(HostLanes::admitted).orElse(0L);
        if (batch.discovered() >= limits.maxPages() || hostAdmitted >= limits.maxPagesPerHost()) {
          batch.counts().reject(); // not marked seen: as in MemoryFrontier, a later sighting is rejected again
          continue;
        }
        admittedNow.add(print);
        batch.host(candidate.host()).admit();
        queueNew(batch, candidate, print);
        accepted.add(candidate);
      }
      batch.commit();
      admittedNow.forEach(recentlySeen::put); // only once committed: a failed batch admitted nothing
      return accepted;
    }
  }

  /**
   * {@inheritDoc} The lowest depth comes first, then the earliest discovered; a requeued URL is back at its
   * original position. Each URL leased gets a deadline of now plus {@code lease-timeout}.
   */
  @Override
  public List<CrawlUrl> lease(HostKey host, int max) {
    if (max <= 0 || counts.queued(host) == 0) {
      return List.of();
    }
    return locked("lease", () -> {
      try (RocksDbBatch batch = new RocksDbBatch(store, counts)) {
        if (batch.peek(host).map(HostLanes::queued).orElse(0L) == 0) {
          return List.of();
        }
        List<CrawlUrl> out = leases.lease(batch, host, max);
        batch.commit();
        return out;
      }
    });
  }

  /**
   * {@inheritDoc} Each URL goes back to the position it was leased from (so the given order only matters for URLs
   * that were adjacent, and they keep their original order). URLs that are not leased are ignored.
   */
  @Override
  public void requeue(List<CrawlUrl> leased) {
    if (leased.isEmpty()) {
      return;
    }
    FingerprintLookup prints = new FingerprintLookup(leased.size());
    leased.forEach(url -> prints.add(fingerprint.applyAsLong(url.url())));
    locked("requeue", () -> {
      try (RocksDbBatch batch = new RocksDbBatch(store, counts)) {
        if (leases.requeue(batch, prints) > 0) {
          batch.commit();
        }
        return null;
      }
    });
  }

  /**
   * {@inheritDoc} A URL that is not leased (completed twice, or its lease expired and it was requeued) is ignored,
   * and the output length is recorded all the same. The tallies of the URLs' hosts are written in the same batch.
   */
  @Override
  public void complete(Collection<Completion> finished, long outputBytes) {
    FingerprintLookup prints = new FingerprintLookup(finished.size());
    finished.forEach(completion -> prints.add(fingerprint.applyAsLong(completion.url().url())));
    locked("complete", () -> {
      try (RocksDbBatch batch = new RocksDbBatch(store, counts)) {
        List<byte[]> found = prints.lookUp(store, store.leases);
        Set<Long> done = new HashSet<>();
        HostLanes host = null; // the last URL's: completions of one host often come together
        int i = 0;
        for (Completion completion : finished) {
          byte[] lease = prints.found(found, i);
          long print = prints.print(i++);
          if (lease == null || !done.add(print)) {
            continue;
          }
          Lease decoded = Lease.decode(lease);
          // the host the URL was queued under, as a requeue finds it: the stored key, not the caller's copy
          if (host == null || !RocksDbSchema.isQueueKeyOf(decoded.queueKey(), host.name())) {
            host = batch.host(HostKey.parse(RocksDbSchema.hostOfQueueKey(decoded.queueKey())));
          }
          if (completion.revisitAt().isPresent()) { // fetched and failed count URLs whose visits are over
            batch.delete(store.leases, fingerprintKey(print));
            schedule.schedule(batch, print, host.name(), decoded.attempts(), completion.url(),
                completion.revisitAt().get().toEpochMilli());
            batch.counts().schedule();
            continue;
          }
          leases.end(batch, fingerprintKey(print), decoded, completion.failed() ? FAILED : FETCHED);
          host.finish(completion.failed());
          batch.counts().finish(completion.failed());
        }
        batch.committedOutputBytes(outputBytes);
        batch.commit();
        return null;
      }
    });
  }

  /** {@inheritDoc} Always: in the {@code schedule} column family, keyed by due time, durable like the rest. */
  @Override
  public boolean schedulesRevisits() {
    return true;
  }

  @Override
  public List<HostKey> releaseDue(Instant now, int max) {
    if (max <= 0 || counts.counts().scheduled() == 0) {
      return List.of();
    }
    return locked("releaseDue", () -> {
      try (RocksDbBatch batch = new RocksDbBatch(store, counts)) {
        List<HostKey> hosts = schedule.release(batch, now.toEpochMilli(), max);
        if (!hosts.isEmpty()) {
          batch.commit();
        }
        return hosts;
      }
    });
  }

  @Override
  public Optional<Instant> nextDue() {
    if (counts.counts().scheduled() == 0) {
      return Optional.empty();
    }
    return locked("nextDue", schedule::nextDue);
  }

  @Override
  public Optional<Instant> nextDue(HostKey host) {
    if (counts.counts().scheduled() == 0) {
      return Optional.empty();
    }
    return locked("nextDue", () -> schedule.nextDue(host.name().getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public List<HostDue> nextRevisits(int limit) {
    if (limit <= 0 || counts.counts().scheduled() == 0) {
      return List.of();
    }
    return locked("nextRevisits", () -> schedule.nextRevisits(limit, MAX_SCHEDULE_READ));
  }

  @Override
  public long committedOutputBytes() {
    return counts.totals().committedOutputBytes();
  }

  /**
   * {@inheritDoc} Also false, with nothing changed, when {@code source} is not leased. The target is not counted
   * against the page limits, as in {@link MemoryFrontier}.
   */
  @Override
  public boolean redirect(CrawlUrl source, CrawlUrl target) {
    long sourcePrint = fingerprint.applyAsLong(source.url());
    long targetPrint = fingerprint.applyAsLong(target.url());
    if (sourcePrint == targetPrint) {
      return false;
    }
    return locked("redirect", () -> {
      try (RocksDbBatch batch = new RocksDbBatch(store, counts)) {
        byte[] sourceKey = fingerprintKey(sourcePrint);
        byte[] lease = store.get(store.leases, sourceKey);
        if (lease == null || store.get(store.urls, fingerprintKey(targetPrint)) != null) {
          return false;
        }
        leases.end(batch, sourceKey, Lease.decode(lease), REDIRECTED);
        batch.counts().redirect();
        queueNew(batch, target, targetPrint);
        batch.commit();
        return true;
      }
    });
  }

  @Override
  public long queued(HostKey host) {
    return counts.queued(host);
  }

  @Override
  public void forEachHostWithWork(Consumer<HostKey> action) {
    counts.forEachHostWithWork(action);
  }

  @Override
  public long recoveredLeases() {
    return recoveredLeases;
  }

  @Override
  public FrontierCounts counts() {
    return counts.counts();
  }

  @Override
  public List<HostCount> busiestHosts(int limit) {
    return counts.busiestHosts(limit);
  }

  /**
   * {@inheritDoc} A store written by a version of Spindle that did not count per host starts its hosts' fetched and
   * failed URLs at 0 when it is opened.
   */
  @Override
  public HostTally tally(HostKey host) {
    return counts.tally(host);
  }

  @Override
  public List<HostTally> hosts(HostOrder order, int limit) {
    return counts.hosts(order, limit);
  }

  @Override
  public int hostCount() {
    return counts.hostCount();
  }

  @Override
  public Optional<Path> diskDirectory() {
    return Optional.of(store.directory());
  }

  /** {@inheritDoc} In this store's database, in families of their own; survives a kill like the frontier. */
  @Override
  public Optional<CaptureIndex> captures() {
    return Optional.of(captures);
  }

  /**
   * Puts back in their queues, at their original positions, the leased URLs whose deadline is at or before
   * {@code now}, and returns how many (0 when none expired). For a cluster, where a lease can outlive its holder.
   */
  public int requeueExpiredLeases(Instant now) {
    long limit = now.toEpochMilli();
    return locked("requeueExpiredLeases", () -> leases.requeueWhere(deadline -> deadline <= limit));
  }

  /** The free metadata value stored under {@code key}; empty when none was stored. */
  public Optional<String> meta(String key) {
    return locked("meta", () -> store.meta(key));
  }

  /** Stores {@code value} under {@code key}, replacing any earlier value; the key must not be empty. */
  public void putMeta(String key, String value) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("a metadata key cannot be empty");
    }
    locked("putMeta", () -> {
      store.putMeta(key, value);
      return null;
    });
  }

  /** The directory of the store. */
  public Path directory() {
    return store.directory();
  }

  /**
   * Flushes the memtables and closes every RocksDB handle; the counts stay readable. Idempotent. After it, every
   * other call except the in-memory reads throws {@link IllegalStateException}.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      store.close();
    } finally {
      lock.unlock();
    }
  }

  /** Flushes every memtable and compacts every column family fully (for the benchmark's size on disk). */
  void flushAndCompact() {
    locked("compact", () -> {
      store.flushAndCompact();
      return null;
    });
  }

  /** RocksDB's own account of its native memory (the benchmark): see {@link RocksDbStore#nativeMemory()}. */
  String nativeMemory() {
    return locked("nativeMemory", store::nativeMemory);
  }

  /** The counts found by reading every key, to check the counts kept in memory (tests). */
  RocksDbAudit audit() {
    return locked("audit", () -> RocksDbAudit.of(store));
  }

  /** How many delete tombstones RocksDB stepped over while {@code action} ran on this thread (tests). */
  long tombstonesSkippedDuring(Runnable action) {
    return store.tombstonesSkippedDuring(action);
  }

  /** Queues a URL never seen at the back of its host's lane, and counts it admitted. */
  private void queueNew(RocksDbBatch batch, CrawlUrl url, long print) throws RocksDBException {
    HostLanes lanes = batch.host(url.host());
    int priority = RocksDbSchema.priority(url.depth());
    long sequence = batch.takeSequence();
    ByteWriter value = new ByteWriter(url.url().length() + 16);
    value.writeVarint(0);
    CrawlUrlCodec.write(value, url);
    batch.put(store.queues, queueKey(lanes.name(), priority, sequence), value.toByteArray());
    batch.put(store.urls, fingerprintKey(print), RocksDbSchema.queuedState());
    lanes.queue(priority, sequence);
    batch.counts().admit();
  }

  /**
   * Runs {@code call} under the lock on an open store; a RocksDB failure becomes a {@link StoreException} naming
   * the directory and {@code operation}.
   */
  <T> T locked(String operation, StoreCall<T> call) {
    lock.lock();
    try {
      store.ensureOpen();
      return call.run();
    } catch (RocksDBException failure) {
      throw store.failure(operation, failure);
    } finally {
      lock.unlock();
    }
  }

  /** Work on the store that RocksDB may fail. */
  @FunctionalInterface
  interface StoreCall<T> {
    T run() throws RocksDBException;
  }
}
