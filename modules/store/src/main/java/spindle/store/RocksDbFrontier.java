package spindle.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static spindle.store.FrontierSchema.FAILED;
import static spindle.store.FrontierSchema.FETCHED;
import static spindle.store.FrontierSchema.REDIRECTED;
import static spindle.store.FrontierSchema.fingerprintKey;
import static spindle.store.FrontierSchema.queueKey;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.rocksdb.AbstractNativeReference;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.Filter;
import org.rocksdb.FlushOptions;
import org.rocksdb.IndexType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Logger;
import org.rocksdb.Options;
import org.rocksdb.PerfContext;
import org.rocksdb.PerfLevel;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.store.FrontierSchema.Change;
import spindle.store.FrontierSchema.Lease;
import spindle.store.FrontierSchema.Totals;

/**
 * The durable {@link Frontier}: per-host queues, the seen-set, URL states and leases in RocksDB, so a crawl survives
 * a restart or a kill and its size is bounded by the disk, not the heap. The schema is in {@link FrontierSchema}.
 *
 * <p>Each mutating call is one atomic {@link WriteBatch} that also carries the state counts and the touched hosts'
 * counts, so after a crash the counts match the data. The counts and per-host state (admitted, fetched and failed
 * URLs, queued URLs per priority, queue heads) live in memory as well, so {@link #counts()}, {@link #queued},
 * {@link #busiestHosts}, {@link #tally}, {@link #hosts} and {@link #hostCount} never touch the disk or the lock;
 * nothing is kept in memory per URL. Queues are ordered by depth (capped at 255), then by discovery, so the shallow
 * pages of a host come first.
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

  private static final long MIB = 1024 * 1024;

  private final Path directory;
  private final FrontierLimits limits;
  private final ToLongFunction<String> fingerprint;
  private final long leaseTimeoutMillis;
  private final Clock clock;
  private final Natives natives;
  private final RocksDB db;
  private final ColumnFamilyHandle queues;
  private final ColumnFamilyHandle urls;
  private final ColumnFamilyHandle leases;
  private final ColumnFamilyHandle hostFamily;
  private final ColumnFamilyHandle meta;
  private final List<ColumnFamilyHandle> families;
  private final WriteOptions writeOptions;
  private final ReentrantLock lock = new ReentrantLock();
  private final SeenCache recentlySeen; // guarded by lock
  private final ConcurrentHashMap<HostKey, HostLanes> hosts = new ConcurrentHashMap<>();
  private final long recoveredLeases;
  private volatile Totals totals;
  private volatile boolean closed; // written under the lock

  private RocksDbFrontier(Path directory, FrontierLimits limits, ToLongFunction<String> fingerprint,
      StoreSettings settings, Clock clock, Natives natives, RocksDB db, List<ColumnFamilyHandle> handles)
      throws RocksDBException {
    this.directory = directory;
    this.limits = Objects.requireNonNull(limits, "limits");
    this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
    this.leaseTimeoutMillis = settings.leaseTimeout().toMillis();
    this.recentlySeen = new SeenCache(settings.seenCacheEntries());
    this.clock = clock;
    this.natives = natives;
    this.db = db;
    this.queues = handles.get(1);
    this.urls = handles.get(2);
    this.leases = handles.get(3);
    this.hostFamily = handles.get(4);
    this.meta = handles.get(5);
    this.families = List.copyOf(handles);
    this.writeOptions = natives.track(new WriteOptions().setSync(settings.syncWrites()));
    this.totals = loadTotals();
    loadHosts();
    this.recoveredLeases = requeueLeases(deadline -> true);
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
    checkDirectory(directory, true);
    RocksDB.loadLibrary();
    Natives natives = new Natives();
    try {
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      Cache cache = natives.track(new LRUCache(settings.blockCacheBytes() + settings.writeBufferTotalBytes()));
      RocksDB db = natives.track(RocksDB.open(dbOptions(natives, settings, cache), directory.toString(),
          descriptors(natives, settings, cache), handles));
      handles.forEach(natives::track);
      return new RocksDbFrontier(directory, limits, fingerprint, settings, clock, natives, db, handles);
    } catch (RocksDBException failure) {
      natives.close();
      throw new StoreException(directory + ": cannot open the store: " + failure.getMessage(), failure);
    } catch (RuntimeException failure) {
      natives.close();
      throw failure;
    }
  }

  /**
   * What the store in {@code directory} holds, with its {@code hostLimit} busiest hosts, read without locking it:
   * it may be read while a crawl writes it (the view is then as of the last write). Throws
   * {@link NotAStoreException} when the directory is not a store.
   */
  public static FrontierStatus readStatus(Path directory, int hostLimit) {
    checkDirectory(directory, false);
    RocksDB.loadLibrary();
    try (Natives natives = new Natives()) {
      DBOptions options = natives.track(new DBOptions()
          .setLogger(natives.track(new SilentLogger()))); // a read-only open must not rotate the crawl's LOG
      ColumnFamilyOptions familyOptions = natives.track(new ColumnFamilyOptions());
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions));
      FrontierSchema.FAMILIES.forEach(name -> descriptors.add(new ColumnFamilyDescriptor(name, familyOptions)));
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      RocksDB db = natives.track(RocksDB.openReadOnly(options, directory.toString(), descriptors, handles));
      handles.forEach(natives::track);
      ColumnFamilyHandle hostFamily = handles.get(4);
      ColumnFamilyHandle meta = handles.get(5);
      checkFormat(directory, db.get(meta, FrontierSchema.FORMAT_KEY));
      byte[] state = db.get(meta, FrontierSchema.STATE_KEY);
      if (state == null) {
        throw new NotAStoreException(directory, "no state record");
      }
      Totals totals = Totals.decode(state);
      TopHosts<HostTally> top = new TopHosts<>(hostLimit, HostOrder.QUEUED.comparator());
      long withWork = 0;
      try (RocksIterator it = db.newIterator(hostFamily)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          HostLanes lanes = HostLanes.decode(it.key(), it.value());
          if (lanes.queued() > 0) {
            withWork++;
            top.offer(lanes.tally());
          }
        }
        it.status();
      }
      Map<String, String> metadata = new TreeMap<>();
      byte[] prefix = FrontierSchema.bytes(FrontierSchema.USER_META_PREFIX);
      try (RocksIterator it = db.newIterator(meta)) {
        for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
          String key = new String(it.key(), UTF_8).substring(FrontierSchema.USER_META_PREFIX.length());
          metadata.put(key, new String(it.value(), UTF_8));
        }
        it.status();
      }
      return new FrontierStatus(totals.counts(), totals.committedOutputBytes(), withWork, top.sorted(), metadata);
    } catch (RocksDBException failure) {
      throw new StoreException(directory + ": cannot read the store: " + failure.getMessage(), failure);
    }
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
    lock.lock();
    try (Batch batch = new Batch()) {
      ensureOpen();
      List<CrawlUrl> unknown = new ArrayList<>(candidates.size());
      Fingerprints prints = new Fingerprints(candidates.size());
      for (int i = 0; i < candidatePrints.length; i++) {
        if (!recentlySeen.contains(candidatePrints[i])) { // most links were seen before: skip the store for them
          unknown.add(candidates.get(i));
          prints.add(candidatePrints[i]);
        }
      }
      if (unknown.isEmpty()) {
        return List.of();
      }
      List<byte[]> known = prints.lookUp(urls);
      Set<Long> admittedNow = new HashSet<>();
      List<CrawlUrl> accepted = new ArrayList<>();
      for (int i = 0; i < unknown.size(); i++) {
        long print = prints.print(i);
        if (prints.found(known, i) != null) {
          recentlySeen.put(print);
          continue;
        }
        if (admittedNow.contains(print)) {
          continue;
        }
        CrawlUrl candidate = unknown.get(i);
        Optional<HostLanes> host = batch.peek(candidate.host());
        long hostAdmitted = host.map(HostLanes::admitted).orElse(0L);
        if (batch.totals.discovered >= limits.maxPages() || hostAdmitted >= limits.maxPagesPerHost()) {
          batch.totals.rejected++; // not marked seen: as in MemoryFrontier, a later sighting is rejected again
          continue;
        }
        admittedNow.add(print);
        batch.host(candidate.host()).admit();
        batch.totals.discovered++;
        queueNew(batch, candidate, print);
        accepted.add(candidate);
      }
      batch.commit();
      admittedNow.forEach(recentlySeen::put); // only once committed: a failed batch admitted nothing
      return accepted;
    } catch (RocksDBException failure) {
      throw failure("add", failure);
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@inheritDoc} The lowest depth comes first, then the earliest discovered; a requeued URL is back at its
   * original position. Each URL leased gets a deadline of now plus {@code lease-timeout}.
   */
  @Override
  public List<CrawlUrl> lease(HostKey host, int max) {
    HostLanes published = hosts.get(host);
    if (max <= 0 || published == null || published.queued() == 0) {
      return List.of();
    }
    lock.lock();
    try (Batch batch = new Batch()) {
      ensureOpen();
      if (batch.peek(host).map(HostLanes::queued).orElse(0L) == 0) {
        return List.of();
      }
      HostLanes lanes = batch.host(host);
      long deadline = clock.millis() + leaseTimeoutMillis;
      List<CrawlUrl> out = new ArrayList<>((int) Math.min(max, lanes.queued()));
      for (int lane = 0; lane < lanes.lanes() && out.size() < max; lane++) {
        if (lanes.count(lane) > 0) {
          leaseFromLane(batch, lanes, lane, max, deadline, out);
        }
      }
      batch.totals.queued -= out.size();
      batch.totals.leased += out.size();
      batch.commit();
      return out;
    } catch (RocksDBException failure) {
      throw failure("lease", failure);
    } finally {
      lock.unlock();
    }
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
    Fingerprints prints = new Fingerprints(leased.size());
    leased.forEach(url -> prints.add(fingerprint.applyAsLong(url.url())));
    lock.lock();
    try (Batch batch = new Batch()) {
      ensureOpen();
      List<byte[]> found = prints.lookUp(leases);
      Set<Long> done = new HashSet<>();
      for (int i = 0; i < leased.size(); i++) {
        byte[] lease = prints.found(found, i);
        if (lease != null && done.add(prints.print(i))) {
          restoreLease(batch, fingerprintKey(prints.print(i)), Lease.decode(lease));
        }
      }
      if (!done.isEmpty()) {
        batch.commit();
      }
    } catch (RocksDBException failure) {
      throw failure("requeue", failure);
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@inheritDoc} A URL that is not leased (completed twice, or its lease expired and it was requeued) is ignored,
   * and the output length is recorded all the same. The tallies of the URLs' hosts are written in the same batch.
   */
  @Override
  public void complete(Collection<Completion> finished, long outputBytes) {
    Fingerprints prints = new Fingerprints(finished.size());
    finished.forEach(completion -> prints.add(fingerprint.applyAsLong(completion.url().url())));
    lock.lock();
    try (Batch batch = new Batch()) {
      ensureOpen();
      List<byte[]> found = prints.lookUp(leases);
      Set<Long> done = new HashSet<>();
      HostLanes host = null; // the last URL's: completions of one host often come together
      int i = 0;
      for (Completion completion : finished) {
        byte[] lease = prints.found(found, i);
        long print = prints.print(i++);
        if (lease == null || !done.add(print)) {
          continue;
        }
        byte[] key = fingerprintKey(print);
        Lease decoded = Lease.decode(lease);
        batch.writes.delete(leases, key);
        batch.writes.put(urls, key,
            FrontierSchema.finishedState(completion.failed() ? FAILED : FETCHED, decoded.attempts()));
        // the host the URL was queued under, as restoreLease finds it: the stored key, not the caller's copy
        if (host == null || !FrontierSchema.isQueueKeyOf(decoded.queueKey(), host.name())) {
          host = batch.host(HostKey.parse(FrontierSchema.hostOfQueueKey(decoded.queueKey())));
        }
        host.finish(completion.failed());
        batch.totals.leased--;
        if (completion.failed()) {
          batch.totals.failed++;
        } else {
          batch.totals.fetched++;
        }
      }
      batch.totals.committedOutputBytes = outputBytes;
      batch.commit();
    } catch (RocksDBException failure) {
      throw failure("complete", failure);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long committedOutputBytes() {
    return totals.committedOutputBytes();
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
    lock.lock();
    try (Batch batch = new Batch()) {
      ensureOpen();
      byte[] sourceKey = fingerprintKey(sourcePrint);
      byte[] lease = db.get(leases, sourceKey);
      if (lease == null || db.get(urls, fingerprintKey(targetPrint)) != null) {
        return false;
      }
      batch.writes.delete(leases, sourceKey);
      batch.writes.put(urls, sourceKey, FrontierSchema.finishedState(REDIRECTED, Lease.decode(lease).attempts()));
      batch.totals.leased--;
      batch.totals.redirected++;
      batch.totals.discovered++;
      queueNew(batch, target, targetPrint);
      batch.commit();
      return true;
    } catch (RocksDBException failure) {
      throw failure("redirect", failure);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long queued(HostKey host) {
    HostLanes lanes = hosts.get(host);
    return lanes == null ? 0 : lanes.queued();
  }

  @Override
  public void forEachHostWithWork(Consumer<HostKey> action) {
    List<HostKey> withWork = new ArrayList<>();
    hosts.values().forEach(lanes -> {
      if (lanes.queued() > 0) {
        withWork.add(lanes.host());
      }
    });
    withWork.forEach(action); // outside the map's iteration: the action may call back into the frontier
  }

  @Override
  public long recoveredLeases() {
    return recoveredLeases;
  }

  @Override
  public FrontierCounts counts() {
    return totals.counts();
  }

  @Override
  public List<HostCount> busiestHosts(int limit) {
    TopHosts<HostCount> top = new TopHosts<>(limit, TopHosts.MOST_QUEUED);
    hosts.values().forEach(lanes -> {
      if (lanes.queued() > 0) {
        top.offer(new HostCount(lanes.host(), lanes.queued()));
      }
    });
    return top.sorted();
  }

  /**
   * {@inheritDoc} A store written by a version of Spindle that did not count per host starts its hosts' fetched and
   * failed URLs at 0 when it is opened.
   */
  @Override
  public HostTally tally(HostKey host) {
    HostLanes lanes = hosts.get(host);
    return lanes == null ? HostTally.empty(host) : lanes.tally();
  }

  @Override
  public List<HostTally> hosts(HostOrder order, int limit) {
    TopHosts<HostTally> top = new TopHosts<>(limit, order.comparator());
    hosts.values().forEach(lanes -> top.offer(lanes.tally()));
    return top.sorted();
  }

  @Override
  public int hostCount() {
    return hosts.size();
  }

  @Override
  public Optional<Path> diskDirectory() {
    return Optional.of(directory);
  }

  /**
   * Puts back in their queues, at their original positions, the leased URLs whose deadline is at or before
   * {@code now}, and returns how many (0 when none expired). For a cluster, where a lease can outlive its holder.
   */
  public int requeueExpiredLeases(Instant now) {
    long limit = now.toEpochMilli();
    lock.lock();
    try {
      ensureOpen();
      return requeueLeases(deadline -> deadline <= limit);
    } catch (RocksDBException failure) {
      throw failure("requeueExpiredLeases", failure);
    } finally {
      lock.unlock();
    }
  }

  /** The free metadata value stored under {@code key}; empty when none was stored. */
  public Optional<String> meta(String key) {
    lock.lock();
    try {
      ensureOpen();
      byte[] value = db.get(meta, FrontierSchema.userMetaKey(key));
      return value == null ? Optional.empty() : Optional.of(new String(value, UTF_8));
    } catch (RocksDBException failure) {
      throw failure("meta", failure);
    } finally {
      lock.unlock();
    }
  }

  /** Stores {@code value} under {@code key}, replacing any earlier value; the key must not be empty. */
  public void putMeta(String key, String value) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("a metadata key cannot be empty");
    }
    lock.lock();
    try {
      ensureOpen();
      db.put(meta, writeOptions, FrontierSchema.userMetaKey(key), value.getBytes(UTF_8));
    } catch (RocksDBException failure) {
      throw failure("putMeta", failure);
    } finally {
      lock.unlock();
    }
  }

  /** The directory of the store. */
  public Path directory() {
    return directory;
  }

  /**
   * Flushes the memtables and closes every RocksDB handle; the counts stay readable. Idempotent. After it, every
   * other call except the in-memory reads throws {@link IllegalStateException}.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
        db.flush(flush, families);
      } catch (RocksDBException failure) {
        throw failure("close", failure);
      } finally {
        natives.close();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Flushes every memtable and compacts every column family fully (for the benchmark's size on disk). */
  void flushAndCompact() {
    lock.lock();
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      ensureOpen();
      db.flush(flush, families);
      for (ColumnFamilyHandle family : families) {
        db.compactRange(family);
      }
    } catch (RocksDBException failure) {
      throw failure("compact", failure);
    } finally {
      lock.unlock();
    }
  }

  /**
   * RocksDB's own account of its native memory, in bytes: block cache (memtables charged to it included), pinned
   * blocks, memtables and table readers (the benchmark).
   */
  String nativeMemory() {
    lock.lock();
    try {
      ensureOpen();
      long tableReaders = 0;
      long memtables = 0;
      for (ColumnFamilyHandle family : families) {
        tableReaders += db.getLongProperty(family, "rocksdb.estimate-table-readers-mem");
        memtables += db.getLongProperty(family, "rocksdb.cur-size-all-mem-tables");
      }
      return String.format(java.util.Locale.ROOT, "block cache %d MiB (pinned %d MiB), memtables %d MiB, "
          + "table readers %d MiB", db.getLongProperty("rocksdb.block-cache-usage") >> 20,
          db.getLongProperty("rocksdb.block-cache-pinned-usage") >> 20, memtables >> 20, tableReaders >> 20);
    } catch (RocksDBException failure) {
      throw failure("nativeMemory", failure);
    } finally {
      lock.unlock();
    }
  }

  /** The counts found by reading every key, to check the counts kept in memory (tests). */
  Audit audit() {
    lock.lock();
    try {
      ensureOpen();
      long[] states = new long[6];
      try (RocksIterator it = db.newIterator(urls)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          states[it.value()[0]]++;
        }
        it.status();
      }
      Map<HostKey, Long> perHost = new HashMap<>();
      long queueEntries = 0;
      try (RocksIterator it = db.newIterator(queues)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          perHost.merge(HostKey.parse(FrontierSchema.hostOfQueueKey(it.key())), 1L, Long::sum);
          queueEntries++;
        }
        it.status();
      }
      long leaseEntries = 0;
      try (RocksIterator it = db.newIterator(leases)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          leaseEntries++;
        }
        it.status();
      }
      Map<HostKey, Long> storedPerHost = new HashMap<>();
      Map<HostKey, HostTally> storedTallies = new HashMap<>();
      try (RocksIterator it = db.newIterator(hostFamily)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          HostLanes lanes = HostLanes.decode(it.key(), it.value());
          if (lanes.queued() > 0) {
            storedPerHost.put(lanes.host(), lanes.queued());
          }
          storedTallies.put(lanes.host(), lanes.tally());
        }
        it.status();
      }
      return new Audit(states[FrontierSchema.QUEUED], states[FrontierSchema.LEASED], states[FETCHED], states[FAILED],
          states[REDIRECTED], queueEntries, leaseEntries, perHost, storedPerHost, storedTallies);
    } catch (RocksDBException failure) {
      throw failure("audit", failure);
    } finally {
      lock.unlock();
    }
  }

  /**
   * How many delete tombstones RocksDB stepped over while {@code action} ran on this thread (tests). The perf
   * context is RocksDB's thread-local, owned by the thread: it is not closed here.
   */
  long tombstonesSkippedDuring(Runnable action) {
    db.setPerfLevel(PerfLevel.ENABLE_COUNT);
    try {
      PerfContext context = db.getPerfContext();
      context.reset();
      action.run();
      return context.getInternalDeleteSkippedCount();
    } finally {
      db.setPerfLevel(PerfLevel.DISABLE);
    }
  }

  /**
   * URL states, queue and lease entries, queued URLs per host as found on disk (two ways), and every host's tally
   * as its entry in the hosts column family stores it.
   */
  record Audit(long queued, long leased, long fetched, long failed, long redirected, long queueEntries,
      long leaseEntries, Map<HostKey, Long> queueEntriesPerHost, Map<HostKey, Long> storedQueuedPerHost,
      Map<HostKey, HostTally> storedTallies) {}

  private void leaseFromLane(Batch batch, HostLanes lanes, int lane, int max, long deadline, List<CrawlUrl> out)
      throws RocksDBException {
    int priority = lanes.priority(lane);
    byte[] start = queueKey(lanes.name(), priority, lanes.head(lane));
    long wanted = Math.min(max - out.size(), lanes.count(lane));
    long taken = 0;
    try (Slice lower = new Slice(start);
        Slice upper = new Slice(FrontierSchema.laneEnd(lanes.name(), priority));
        ReadOptions options = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
        RocksIterator it = db.newIterator(queues, options)) {
      for (it.seek(start); it.isValid() && taken < wanted; it.next()) {
        byte[] key = it.key();
        byte[] value = it.value();
        ByteReader in = new ByteReader(value, 0);
        long attempts = in.readVarint();
        int urlOffset = in.position();
        CrawlUrl url = CrawlUrlCodec.read(in, lanes.host());
        byte[] printKey = fingerprintKey(fingerprint.applyAsLong(url.url()));
        batch.writes.delete(queues, key);
        batch.writes.put(leases, printKey, FrontierSchema.leaseValue(deadline, key,
            FrontierSchema.queueValue(attempts + 1, value, urlOffset)));
        batch.writes.put(urls, printKey, FrontierSchema.leasedState(deadline));
        lanes.leased(lane, FrontierSchema.sequenceOfQueueKey(key));
        out.add(url);
        taken++;
      }
      it.status();
    }
    if (taken < wanted) {
      throw new StoreException(directory + ": host " + lanes.host() + " counts " + lanes.count(lane)
          + " more URLs at priority " + priority + " than its queue holds", null);
    }
  }

  private void queueNew(Batch batch, CrawlUrl url, long print) throws RocksDBException {
    HostLanes lanes = batch.host(url.host());
    int priority = FrontierSchema.priority(url.depth());
    long sequence = batch.totals.nextSequence++;
    ByteWriter value = new ByteWriter(url.url().length() + 16);
    value.writeVarint(0);
    CrawlUrlCodec.write(value, url);
    batch.writes.put(queues, queueKey(lanes.name(), priority, sequence), value.toByteArray());
    batch.writes.put(urls, fingerprintKey(print), FrontierSchema.queuedState());
    lanes.queue(priority, sequence);
    batch.totals.queued++;
  }

  private void restoreLease(Batch batch, byte[] printKey, Lease lease) throws RocksDBException {
    byte[] key = lease.queueKey();
    HostLanes lanes = batch.host(HostKey.parse(FrontierSchema.hostOfQueueKey(key)));
    batch.writes.put(queues, key, lease.queueValue());
    batch.writes.delete(leases, printKey);
    batch.writes.put(urls, printKey, FrontierSchema.queuedState());
    lanes.queue(FrontierSchema.priorityOfQueueKey(key), FrontierSchema.sequenceOfQueueKey(key));
    batch.totals.leased--;
    batch.totals.queued++;
  }

  /** Requeues, in one batch, every lease whose deadline matches {@code expired}; returns how many. */
  private int requeueLeases(LongPredicate expired) throws RocksDBException {
    int requeued = 0;
    try (Batch batch = new Batch(); RocksIterator it = db.newIterator(leases)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        Lease lease = Lease.decode(it.value());
        if (expired.test(lease.deadlineMillis())) {
          restoreLease(batch, it.key(), lease);
          requeued++;
        }
      }
      it.status();
      if (requeued > 0) {
        batch.commit();
      }
    }
    return requeued;
  }

  private Totals loadTotals() throws RocksDBException {
    byte[] format = db.get(meta, FrontierSchema.FORMAT_KEY);
    byte[] state = db.get(meta, FrontierSchema.STATE_KEY);
    if (format == null && state == null) { // a new store: mark it, so other programs' databases are told apart
      try (WriteBatch batch = new WriteBatch()) {
        batch.put(meta, FrontierSchema.FORMAT_KEY, FrontierSchema.bytes(FrontierSchema.FORMAT));
        batch.put(meta, FrontierSchema.STATE_KEY, Totals.EMPTY.encode());
        db.write(writeOptions, batch);
      }
      return Totals.EMPTY;
    }
    checkFormat(directory, format);
    if (state == null) {
      throw new NotAStoreException(directory, "no state record");
    }
    return Totals.decode(state);
  }

  private void loadHosts() throws RocksDBException {
    try (RocksIterator it = db.newIterator(hostFamily)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        HostLanes lanes = HostLanes.decode(it.key(), it.value());
        hosts.put(lanes.host(), lanes);
      }
      it.status();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(directory + ": the frontier is closed");
    }
  }

  private StoreException failure(String operation, RocksDBException cause) {
    return new StoreException(directory + ": " + operation + " failed: " + cause.getMessage(), cause);
  }

  private static void checkFormat(Path directory, byte[] format) {
    if (format == null) {
      throw new NotAStoreException(directory, "no format marker");
    }
    String found = new String(format, UTF_8);
    if (!found.equals(FrontierSchema.FORMAT)) {
      throw new NotAStoreException(directory, "format " + found + ", this version reads " + FrontierSchema.FORMAT);
    }
  }

  /** Throws {@link NotAStoreException} unless {@code directory} is a store, or (when allowed) can become one. */
  private static void checkDirectory(Path directory, boolean mayCreate) {
    try {
      if (!Files.exists(directory)) {
        if (!mayCreate) {
          throw new NotAStoreException(directory, "no such directory");
        }
        Files.createDirectories(directory);
        return;
      }
      if (!Files.isDirectory(directory)) {
        throw new NotAStoreException(directory, "not a directory");
      }
      if (Files.exists(directory.resolve("CURRENT"))) {
        List<byte[]> names;
        try (Options options = new Options()) {
          RocksDB.loadLibrary();
          names = RocksDB.listColumnFamilies(options, directory.toString());
        } catch (RocksDBException failure) {
          throw new NotAStoreException(directory, "unreadable RocksDB manifest: " + failure.getMessage());
        }
        Set<String> present = new HashSet<>();
        names.forEach(name -> present.add(new String(name, UTF_8)));
        for (byte[] family : FrontierSchema.FAMILIES) {
          if (!present.contains(new String(family, UTF_8))) {
            throw new NotAStoreException(directory,
                "a RocksDB database without the column family " + new String(family, UTF_8));
          }
        }
        return;
      }
      try (Stream<Path> entries = Files.list(directory)) {
        Optional<Path> foreign = entries.filter(entry -> !isRocksDbFile(entry.getFileName().toString())).findFirst();
        if (foreign.isPresent()) {
          throw new NotAStoreException(directory, "it holds other files, such as " + foreign.get().getFileName());
        }
      }
      if (!mayCreate) {
        throw new NotAStoreException(directory, "no RocksDB CURRENT file");
      }
    } catch (IOException failure) {
      throw new NotAStoreException(directory, failure.toString());
    }
  }

  /** The files RocksDB creates before CURRENT exists, left by a first open that was interrupted. */
  private static boolean isRocksDbFile(String name) {
    return name.equals("LOCK") || name.equals("IDENTITY") || name.startsWith("LOG") || name.startsWith("MANIFEST-")
        || name.startsWith("OPTIONS-") || name.endsWith(".log") || name.endsWith(".sst") || name.endsWith(".dbtmp");
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static DBOptions dbOptions(Natives natives, StoreSettings settings, Cache cache) {
    // memtables are charged to the block cache, so the cache's capacity bounds both
    WriteBufferManager writeBuffers = natives.track(new WriteBufferManager(settings.writeBufferTotalBytes(), cache));
    return natives.track(new DBOptions()
        .setCreateIfMissing(true)
        .setCreateMissingColumnFamilies(true)
        .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
        .setMaxTotalWalSize(Math.max(64 * MIB, 2 * settings.writeBufferTotalBytes()))
        .setWriteBufferManager(writeBuffers)
        .setMaxBackgroundJobs(settings.backgroundJobs())
        .setBytesPerSync(MIB)
        .setInfoLogLevel(InfoLogLevel.INFO_LEVEL)
        .setStatsDumpPeriodSec(0)
        .setKeepLogFileNum(3)
        .setMaxLogFileSize(4 * MIB));
  }

  private static List<ColumnFamilyDescriptor> descriptors(Natives natives, StoreSettings settings, Cache cache) {
    Filter bloom = natives.track(new BloomFilter(10)); // about 1 % false positives for 10 bits per key
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY,
        familyOptions(natives, settings, cache, Optional.empty(), 4096)));
    // queues: read in order, never by point lookups; larger blocks compress URLs better
    descriptors.add(new ColumnFamilyDescriptor(FrontierSchema.QUEUES,
        familyOptions(natives, settings, cache, Optional.empty(), 16 * 1024)));
    descriptors.add(new ColumnFamilyDescriptor(FrontierSchema.URLS,
        familyOptions(natives, settings, cache, Optional.of(bloom), 4096)));
    descriptors.add(new ColumnFamilyDescriptor(FrontierSchema.LEASES,
        familyOptions(natives, settings, cache, Optional.of(bloom), 4096)));
    descriptors.add(new ColumnFamilyDescriptor(FrontierSchema.HOSTS,
        familyOptions(natives, settings, cache, Optional.empty(), 4096)));
    descriptors.add(new ColumnFamilyDescriptor(FrontierSchema.META,
        familyOptions(natives, settings, cache, Optional.empty(), 4096)));
    return descriptors;
  }

  private static ColumnFamilyOptions familyOptions(Natives natives, StoreSettings settings, Cache cache,
      Optional<Filter> filter, long blockSize) {
    BlockBasedTableConfig table = new BlockBasedTableConfig()
        .setBlockCache(cache)
        .setBlockSize(blockSize)
        // index and filter blocks live in the block cache too, so their memory is bounded by it
        .setCacheIndexAndFilterBlocks(true)
        .setCacheIndexAndFilterBlocksWithHighPriority(true)
        .setPinL0FilterAndIndexBlocksInCache(true);
    filter.ifPresent(policy -> table.setFilterPolicy(policy)
        // partitioned: only the filter partitions in use are cached, not one filter per file
        .setIndexType(IndexType.kTwoLevelIndexSearch)
        .setPartitionFilters(true)
        .setMetadataBlockSize(4096)
        .setPinTopLevelIndexAndFilter(true));
    return natives.track(new ColumnFamilyOptions()
        .setWriteBufferSize(settings.writeBufferBytes())
        .setMaxWriteBufferNumber(settings.maxWriteBuffers())
        .setCompressionType(CompressionType.LZ4_COMPRESSION)
        .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION)
        .setLevelCompactionDynamicLevelBytes(true)
        .setTableFormatConfig(table));
  }

  /** The changes of one mutating call: written atomically by {@link #commit}, then published in memory. */
  private final class Batch implements AutoCloseable {
    final WriteBatch writes = new WriteBatch();
    final Change totals = RocksDbFrontier.this.totals.change();
    private final Map<HostKey, HostLanes> touched = new HashMap<>();

    /** The host's state as this batch sees it, without copying; empty for a host never seen. */
    Optional<HostLanes> peek(HostKey host) {
      HostLanes lanes = touched.get(host);
      return Optional.ofNullable(lanes != null ? lanes : hosts.get(host));
    }

    /** The host's state, copied for this batch to change. */
    HostLanes host(HostKey host) {
      return touched.computeIfAbsent(host, key -> {
        HostLanes current = hosts.get(key);
        return current == null ? HostLanes.empty(key) : current.copy();
      });
    }

    void commit() throws RocksDBException {
      for (HostLanes lanes : touched.values()) {
        lanes.dropEmptyLanes();
        writes.put(hostFamily, lanes.name(), lanes.encode());
      }
      Totals next = totals.done();
      writes.put(meta, FrontierSchema.STATE_KEY, next.encode());
      db.write(writeOptions, writes);
      hosts.putAll(touched);
      RocksDbFrontier.this.totals = next;
    }

    @Override
    public void close() {
      writes.close();
    }
  }

  /** The fingerprints of one call's URLs, and the distinct keys to look up with one multi-get. */
  private final class Fingerprints {
    private final long[] prints;
    private final int[] slots;
    private final Map<Long, Integer> slotOf;
    private final List<byte[]> keys;
    private int size;

    Fingerprints(int capacity) {
      prints = new long[capacity];
      slots = new int[capacity];
      slotOf = new HashMap<>(capacity * 2);
      keys = new ArrayList<>(capacity);
    }

    void add(long print) {
      Integer slot = slotOf.putIfAbsent(print, keys.size());
      if (slot == null) {
        slot = keys.size();
        keys.add(fingerprintKey(print));
      }
      prints[size] = print;
      slots[size++] = slot;
    }

    long print(int index) {
      return prints[index];
    }

    /** The values of every distinct key in {@code family}, by slot (null when absent). */
    List<byte[]> lookUp(ColumnFamilyHandle family) throws RocksDBException {
      return keys.isEmpty() ? List.of() : db.multiGetAsList(Collections.nCopies(keys.size(), family), keys);
    }

    byte[] found(List<byte[]> values, int index) {
      return values.get(slots[index]);
    }
  }

  /** Every RocksDB object of one open store, closed in reverse order of creation (handles before the database). */
  private static final class Natives implements AutoCloseable {
    private final Deque<AbstractNativeReference> opened = new ArrayDeque<>();

    <T extends AbstractNativeReference> T track(T resource) {
      opened.push(resource);
      return resource;
    }

    @Override
    public void close() {
      while (!opened.isEmpty()) {
        opened.pop().close();
      }
    }
  }

  /** Discards RocksDB's log lines: a read-only open must leave the crawl's LOG files alone. */
  private static final class SilentLogger extends Logger {
    SilentLogger() {
      super(InfoLogLevel.FATAL_LEVEL);
    }

    @Override
    protected void log(InfoLogLevel level, String message) {
      // nothing: see the class comment
    }
  }
}
