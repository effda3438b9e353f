package spindle.store;

import com.typesafe.config.Config;
import java.time.Duration;
import spindle.core.SettingsException;

/**
 * How the RocksDB frontier uses memory and disk, read once from {@code spindle.store} (the keys are documented in
 * this module's {@code reference.conf}). RocksDB's native memory is about {@code blockCacheBytes +
 * writeBufferTotalBytes} plus a few MiB, outside the Java heap.
 *
 * @param blockCacheBytes {@code block-cache-size}: the LRU cache of data, index and Bloom filter blocks shared by
 *     every column family; at least 1 MiB
 * @param writeBufferBytes {@code write-buffer-size}: the size of one memtable before it is flushed to disk; at least
 *     1 MiB and at most {@code writeBufferTotalBytes}
 * @param maxWriteBuffers {@code max-write-buffers}: memtables per column family (one filling while the others
 *     flush); 2 to 16
 * @param writeBufferTotalBytes {@code write-buffer-total-size}: the cap on the memtables of all column families
 *     together; above it the largest is flushed
 * @param syncWrites {@code sync-writes}: whether every write waits for the log to reach the disk (fsync)
 * @param leaseTimeout {@code lease-timeout}: how long a leased URL may stay leased before
 *     {@link RocksDbFrontier#requeueExpiredLeases} puts it back; at least 1 second
 * @param backgroundJobs {@code background-jobs}: threads RocksDB uses to flush and compact; 1 to 64
 * @param seenCacheEntries {@code seen-cache-entries}: fingerprints of recently seen URLs kept on the heap (8 bytes
 *     each) so that links seen again skip the store; 0 turns the cache off
 */
public record StoreSettings(long blockCacheBytes, long writeBufferBytes, int maxWriteBuffers,
    long writeBufferTotalBytes, boolean syncWrites, Duration leaseTimeout, int backgroundJobs,
    int seenCacheEntries) {
  private static final long MIB = 1024 * 1024;

  /** The defaults of {@code reference.conf}: about 64 MiB of native memory, no fsync per write. */
  public static final StoreSettings DEFAULTS =
      new StoreSettings(32 * MIB, 16 * MIB, 2, 32 * MIB, false, Duration.ofMinutes(10), 2, 1 << 20);

  /** Rejects values RocksDB cannot work with, naming the {@code spindle.store} key. */
  public StoreSettings {
    if (blockCacheBytes < MIB) {
      throw new SettingsException("spindle.store.block-cache-size", "must be at least 1MiB, was " + blockCacheBytes);
    }
    if (writeBufferBytes < MIB) {
      throw new SettingsException("spindle.store.write-buffer-size", "must be at least 1MiB, was " + writeBufferBytes);
    }
    if (maxWriteBuffers < 2 || maxWriteBuffers > 16) {
      throw new SettingsException("spindle.store.max-write-buffers", "must be from 2 to 16, was " + maxWriteBuffers);
    }
    if (writeBufferTotalBytes < writeBufferBytes) {
      throw new SettingsException("spindle.store.write-buffer-total-size",
          "must be at least write-buffer-size (" + writeBufferBytes + "), was " + writeBufferTotalBytes);
    }
    if (leaseTimeout == null || leaseTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new SettingsException("spindle.store.lease-timeout", "must be at least 1s, was " + leaseTimeout);
    }
    if (backgroundJobs < 1 || backgroundJobs > 64) {
      throw new SettingsException("spindle.store.background-jobs", "must be from 1 to 64, was " + backgroundJobs);
    }
    if (seenCacheEntries < 0 || seenCacheEntries > (1 << 28)) {
      throw new SettingsException("spindle.store.seen-cache-entries",
          "must be from 0 to 268435456, was " + seenCacheEntries);
    }
  }

  /**
   * Reads the RocksDB keys of {@code spindle.store} from a resolved configuration that includes the reference
   * defaults.
   */
  public static StoreSettings fromConfig(Config root) {
    Config c = root.getConfig("spindle.store");
    long entries = c.getLong("seen-cache-entries");
    if (entries < 0 || entries > Integer.MAX_VALUE) {
      throw new SettingsException("spindle.store.seen-cache-entries", "must be from 0 to 268435456, was " + entries);
    }
    return new StoreSettings(c.getBytes("block-cache-size"), c.getBytes("write-buffer-size"),
        c.getInt("max-write-buffers"), c.getBytes("write-buffer-total-size"), c.getBoolean("sync-writes"),
        c.getDuration("lease-timeout"), c.getInt("background-jobs"), (int) entries);
  }

  /** These settings with {@code syncWrites} replaced. */
  public StoreSettings withSyncWrites(boolean sync) {
    return new StoreSettings(blockCacheBytes, writeBufferBytes, maxWriteBuffers, writeBufferTotalBytes, sync,
        leaseTimeout, backgroundJobs, seenCacheEntries);
  }

  /** These settings with {@code leaseTimeout} replaced; throws {@link SettingsException} below 1 second. */
  public StoreSettings withLeaseTimeout(Duration timeout) {
    return new StoreSettings(blockCacheBytes, writeBufferBytes, maxWriteBuffers, writeBufferTotalBytes, syncWrites,
        timeout, backgroundJobs, seenCacheEntries);
  }
}
