package spindle.store;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import spindle.core.HostKey;
import spindle.store.RocksDbSchema.Totals;

/**
 * The changes of one mutating call of the RocksDB frontier: its writes, the counts it moves ({@link CountsDelta}) and
 * copies of the hosts it touches. {@link #commit} writes them, with the touched hosts' entries and the new totals, in
 * one atomic {@link WriteBatch}, and only then publishes them in {@link RocksDbCounts}: a batch that fails changed
 * nothing, on disk or in memory. Used under the frontier's lock, by one thread.
 */
final class RocksDbBatch implements AutoCloseable {
  private final RocksDbStore store;
  private final RocksDbCounts published;
  private final Totals before;
  private final WriteBatch writes = new WriteBatch();
  private final CountsDelta counts = new CountsDelta();
  private final Map<HostKey, HostLanes> touched = new HashMap<>();
  private long committedOutputBytes;
  private long nextSequence;

  /** A batch starting from the counters as {@code published} now. */
  RocksDbBatch(RocksDbStore store, RocksDbCounts published) {
    this.store = store;
    this.published = published;
    this.before = published.totals();
    this.committedOutputBytes = before.committedOutputBytes();
    this.nextSequence = before.nextSequence();
  }

  /** The state counts this batch changes. */
  CountsDelta counts() {
    return counts;
  }

  /** URLs discovered in all, this batch's admissions included (for the global page limit). */
  long discovered() {
    return before.counts().discovered() + counts.discovered();
  }

  /** A new sequence number, for a URL queued by this batch. */
  long takeSequence() {
    return nextSequence++;
  }

  /** Records the output length committed with this batch. */
  void committedOutputBytes(long bytes) {
    committedOutputBytes = bytes;
  }

  /** The host's state as this batch sees it, without copying; empty for a host never seen. */
  Optional<HostLanes> peek(HostKey host) {
    HostLanes lanes = touched.get(host);
    return lanes != null ? Optional.of(lanes) : published.host(host);
  }

  /** The host's state, copied for this batch to change. */
  HostLanes host(HostKey host) {
    return touched.computeIfAbsent(host, key -> published.host(key).map(HostLanes::copy)
        .orElseGet(() -> HostLanes.empty(key)));
  }

  void put(ColumnFamilyHandle family, byte[] key, byte[] value) throws RocksDBException {
    writes.put(family, key, value);
  }

  void delete(ColumnFamilyHandle family, byte[] key) throws RocksDBException {
    writes.delete(family, key);
  }

  /** Writes everything, with the touched hosts' entries and the new totals, then publishes them. */
  void commit() throws RocksDBException {
    for (HostLanes lanes : touched.values()) {
      lanes.dropEmptyLanes();
      writes.put(store.hosts, lanes.name(), lanes.encode());
    }
    Totals next = before.after(counts, committedOutputBytes, nextSequence);
    writes.put(store.meta, RocksDbSchema.STATE_KEY, next.encode());
    store.write(writes);
    published.publish(touched, next);
  }

  @Override
  public void close() {
    writes.close();
  }
}
