package spindle.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
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
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;
import spindle.store.RocksDbSchema.Totals;

/**
 * The open RocksDB database of a {@link RocksDbFrontier}: opening it with its tuning (one LRU cache bounding blocks
 * and memtables, Bloom filters on the point-lookup families), telling a store from other directories and databases,
 * the format marker, the free metadata, and flushing and closing every native object in order. It knows the column
 * families ({@link RocksDbSchema}) but nothing of queues or leases.
 *
 * <p>Not thread-safe on its own: {@link RocksDbFrontier} calls it under its lock, except for reads that RocksDB
 * allows concurrently.
 */
final class RocksDbStore implements AutoCloseable {
  private static final long MIB = 1024 * 1024;

  private final Path directory;
  private final Natives natives;
  private final RocksDB db;
  private final List<ColumnFamilyHandle> families;
  private final WriteOptions writeOptions;
  final ColumnFamilyHandle queues;
  final ColumnFamilyHandle urls;
  final ColumnFamilyHandle leases;
  final ColumnFamilyHandle hosts;
  final ColumnFamilyHandle meta;
  final ColumnFamilyHandle digests;
  final ColumnFamilyHandle bands;
  final ColumnFamilyHandle schedule;
  final ColumnFamilyHandle hostSchedule;
  private volatile boolean closed; // written under the frontier's lock

  private RocksDbStore(Path directory, Natives natives, RocksDB db, List<ColumnFamilyHandle> handles,
      boolean syncWrites) {
    this.directory = directory;
    this.natives = natives;
    this.db = db;
    this.families = List.copyOf(handles);
    this.queues = handles.get(1);
    this.urls = handles.get(2);
    this.leases = handles.get(3);
    this.hosts = handles.get(4);
    this.meta = handles.get(5);
    this.digests = handles.get(6);
    this.bands = handles.get(7);
    this.schedule = handles.get(8);
    this.hostSchedule = handles.get(9);
    this.writeOptions = natives.track(new WriteOptions().setSync(syncWrites));
  }

  /**
   * Opens the database in {@code directory}, creating it (and the directory) when missing. Throws
   * {@link NotAStoreException} when the directory holds other files or a database Spindle did not write, and
   * {@link StoreException} when RocksDB fails (for example, another process has the store open).
   */
  static RocksDbStore open(Path directory, StoreSettings settings) {
    checkDirectory(directory, true);
    RocksDB.loadLibrary();
    Natives natives = new Natives();
    try {
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      Cache cache = natives.track(new LRUCache(settings.blockCacheBytes() + settings.writeBufferTotalBytes()));
      RocksDB db = natives.track(RocksDB.open(dbOptions(natives, settings, cache), directory.toString(),
          descriptors(natives, settings, cache), handles));
      handles.forEach(natives::track);
      return new RocksDbStore(directory, natives, db, handles, settings.syncWrites());
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
  static FrontierStatus readStatus(Path directory, int hostLimit) {
    checkDirectory(directory, false);
    RocksDB.loadLibrary();
    try (Natives natives = new Natives()) {
      DBOptions options = natives.track(new DBOptions()
          .setLogger(natives.track(new SilentLogger()))); // a read-only open must not rotate the crawl's LOG
      ColumnFamilyOptions familyOptions = natives.track(new ColumnFamilyOptions());
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions));
      // only the required families: a read-only open may leave families out, and older stores lack the newer ones
      RocksDbSchema.REQUIRED_FAMILIES.forEach(name -> descriptors.add(new ColumnFamilyDescriptor(name,
          familyOptions)));
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      RocksDB db = natives.track(RocksDB.openReadOnly(options, directory.toString(), descriptors, handles));
      handles.forEach(natives::track);
      ColumnFamilyHandle hostFamily = handles.get(4);
      ColumnFamilyHandle meta = handles.get(5);
      checkFormat(directory, db.get(meta, RocksDbSchema.FORMAT_KEY));
      byte[] state = db.get(meta, RocksDbSchema.STATE_KEY);
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
      byte[] prefix = RocksDbSchema.bytes(RocksDbSchema.USER_META_PREFIX);
      try (RocksIterator it = db.newIterator(meta)) {
        for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
          String key = new String(it.key(), UTF_8).substring(RocksDbSchema.USER_META_PREFIX.length());
          metadata.put(key, new String(it.value(), UTF_8));
        }
        it.status();
      }
      return new FrontierStatus(totals.counts(), totals.committedOutputBytes(), withWork, top.sorted(), metadata);
    } catch (RocksDBException failure) {
      throw new StoreException(directory + ": cannot read the store: " + failure.getMessage(), failure);
    }
  }

  /** The directory of the store. */
  Path directory() {
    return directory;
  }

  /**
   * The totals of the state record; for a new store, marks it with the format and writes empty totals, so other
   * programs' databases are told apart. Throws {@link NotAStoreException} for a database of another format.
   */
  Totals loadTotals() throws RocksDBException {
    byte[] format = db.get(meta, RocksDbSchema.FORMAT_KEY);
    byte[] state = db.get(meta, RocksDbSchema.STATE_KEY);
    if (format == null && state == null) {
      try (WriteBatch batch = new WriteBatch()) {
        batch.put(meta, RocksDbSchema.FORMAT_KEY, RocksDbSchema.bytes(RocksDbSchema.FORMAT));
        batch.put(meta, RocksDbSchema.STATE_KEY, Totals.EMPTY.encode());
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

  /** Calls {@code action} with the stored state of every host. */
  void forEachHost(Consumer<HostLanes> action) throws RocksDBException {
    try (RocksIterator it = db.newIterator(hosts)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        action.accept(HostLanes.decode(it.key(), it.value()));
      }
      it.status();
    }
  }

  /** Writes {@code batch} atomically, with the store's sync setting. */
  void write(WriteBatch batch) throws RocksDBException {
    db.write(writeOptions, batch);
  }

  /** The value of {@code key} in {@code family}; null when absent. */
  byte[] get(ColumnFamilyHandle family, byte[] key) throws RocksDBException {
    return db.get(family, key);
  }

  /** The values of {@code keys} in {@code family}, in their order (null for each absent one), in one multi-get. */
  List<byte[]> getAll(ColumnFamilyHandle family, List<byte[]> keys) throws RocksDBException {
    return keys.isEmpty() ? List.of() : db.multiGetAsList(Collections.nCopies(keys.size(), family), keys);
  }

  /** An iterator over {@code family}; the caller closes it. */
  RocksIterator iterator(ColumnFamilyHandle family) {
    return db.newIterator(family);
  }

  /** An iterator over {@code family} with {@code options} (bounds); the caller closes both. */
  RocksIterator iterator(ColumnFamilyHandle family, ReadOptions options) {
    return db.newIterator(family, options);
  }

  /** The free metadata value stored under {@code key}; empty when none was stored. */
  Optional<String> meta(String key) throws RocksDBException {
    byte[] value = db.get(meta, RocksDbSchema.userMetaKey(key));
    return value == null ? Optional.empty() : Optional.of(new String(value, UTF_8));
  }

  /** Stores {@code value} under {@code key}, replacing any earlier value. */
  void putMeta(String key, String value) throws RocksDBException {
    db.put(meta, writeOptions, RocksDbSchema.userMetaKey(key), value.getBytes(UTF_8));
  }

  /** Throws {@link IllegalStateException} once the store is closed. */
  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(directory + ": the frontier is closed");
    }
  }

  /** A {@link StoreException} naming the directory and the operation that failed. */
  StoreException failure(String operation, RocksDBException cause) {
    return new StoreException(directory + ": " + operation + " failed: " + cause.getMessage(), cause);
  }

  /** Flushes the memtables and closes every RocksDB object. Idempotent. */
  @Override
  public void close() {
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
  }

  /** Closes every RocksDB object without flushing: an open that failed half-way. */
  void discard() {
    closed = true;
    natives.close();
  }

  /** Flushes every memtable and compacts every column family fully (for the benchmark's size on disk). */
  void flushAndCompact() throws RocksDBException {
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush, families);
      for (ColumnFamilyHandle family : families) {
        db.compactRange(family);
      }
    }
  }

  /**
   * RocksDB's own account of its native memory, in bytes: block cache (memtables charged to it included), pinned
   * blocks, memtables and table readers (the benchmark).
   */
  String nativeMemory() throws RocksDBException {
    long tableReaders = 0;
    long memtables = 0;
    for (ColumnFamilyHandle family : families) {
      tableReaders += db.getLongProperty(family, "rocksdb.estimate-table-readers-mem");
      memtables += db.getLongProperty(family, "rocksdb.cur-size-all-mem-tables");
    }
    return String.format(Locale.ROOT, "block cache %d MiB (pinned %d MiB), memtables %d MiB, "
        + "table readers %d MiB", db.getLongProperty("rocksdb.block-cache-usage") >> 20,
        db.getLongProperty("rocksdb.block-cache-pinned-usage") >> 20, memtables >> 20, tableReaders >> 20);
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

  private static void checkFormat(Path directory, byte[] format) {
    if (format == null) {
      throw new NotAStoreException(directory, "no format marker");
    }
    String found = new String(format, UTF_8);
    if (!found.equals(RocksDbSchema.FORMAT)) {
      throw new NotAStoreException(directory, "format " + found + ", this version reads " + RocksDbSchema.FORMAT);
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
        checkFamilies(directory);
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

  /** Throws {@link NotAStoreException} unless the RocksDB database in {@code directory} has every family. */
  private static void checkFamilies(Path directory) {
    List<byte[]> names;
    try (Options options = new Options()) {
      RocksDB.loadLibrary();
      names = RocksDB.listColumnFamilies(options, directory.toString());
    } catch (RocksDBException failure) {
      throw new NotAStoreException(directory, "unreadable RocksDB manifest: " + failure.getMessage());
    }
    Set<String> present = new HashSet<>();
    names.forEach(name -> present.add(new String(name, UTF_8)));
    for (byte[] family : RocksDbSchema.REQUIRED_FAMILIES) {
      if (!present.contains(new String(family, UTF_8))) {
        throw new NotAStoreException(directory,
            "a RocksDB database without the column family " + new String(family, UTF_8));
      }
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
    descriptors.add(new ColumnFamilyDescriptor(RocksDbSchema.QUEUES,
        familyOptions(natives, settings, cache, Optional.empty(), 16 * 1024)));
    descriptors.add(new ColumnFamilyDescriptor(RocksDbSchema.URLS,
        familyOptions(natives, settings, cache, Optional.of(bloom), 4096)));
    descriptors.add(new ColumnFamilyDescriptor(RocksDbSchema.LEASES,
        familyOptions(natives, settings, cache, Optional.of(bloom), 4096)));
    descriptors.add(new ColumnFamilyDescriptor(RocksDbSchema.HOSTS,
        familyOptions(natives, settings, cache, Optional.empty(), 4096)));
    descriptors.add(new ColumnFamilyDescriptor(RocksDbSchema.META,
        familyOptions(natives, settings, cache, Optional.empty(), 4096)));
    // digests: a point lookup per payload archived, most of them for payloads never seen
    descriptors.add(new ColumnFamilyDescriptor(RocksDbSchema.DIGESTS,
        familyOptions(natives, settings, cache, Optional.of(bloom), 4096)));
    descriptors.add(new ColumnFamilyDescriptor(RocksDbSchema.BANDS,
        familyOptions(natives, settings, cache, Optional.empty(), 4096)));
    // schedule and host-schedule: read in order from their heads (the earliest due), never by point lookups
    descriptors.add(new ColumnFamilyDescriptor(RocksDbSchema.SCHEDULE,
        familyOptions(natives, settings, cache, Optional.empty(), 16 * 1024)));
    descriptors.add(new ColumnFamilyDescriptor(RocksDbSchema.HOST_SCHEDULE,
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
