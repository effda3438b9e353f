package spindle.store;

import static spindle.store.RocksDbSchema.fingerprintKey;
import static spindle.store.RocksDbSchema.queueKey;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.function.ToLongFunction;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.store.RocksDbSchema.Lease;

/**
 * Leases in the RocksDB frontier: taking URLs from the head of a host's lanes (lowest priority first, then the
 * earliest sequence) with a deadline, putting a leased URL back at the exact queue position it came from, ending a
 * lease with a final state, and requeueing the leases whose deadline matches (all of them when a store opens, the
 * expired ones for a cluster). A lease entry keeps the URL's queue key and value, so a requeue needs no search.
 *
 * <p>Every method runs inside the caller's {@link RocksDbBatch} (or opens its own) and must be called under the
 * frontier's lock.
 */
final class RocksDbLeases {
  private final RocksDbStore store;
  private final RocksDbCounts counts;
  private final ToLongFunction<String> fingerprint;
  private final long timeoutMillis;
  private final Clock clock;

  RocksDbLeases(RocksDbStore store, RocksDbCounts counts, ToLongFunction<String> fingerprint, long timeoutMillis,
      Clock clock) {
    this.store = store;
    this.counts = counts;
    this.fingerprint = fingerprint;
    this.timeoutMillis = timeoutMillis;
    this.clock = clock;
  }

  /** Leases up to {@code max} URLs of {@code host}, which must have queued URLs, in queue order. */
  List<CrawlUrl> lease(RocksDbBatch batch, HostKey host, int max) throws RocksDBException {
    HostLanes lanes = batch.host(host);
    long deadline = clock.millis() + timeoutMillis;
    List<CrawlUrl> out = new ArrayList<>((int) Math.min(max, lanes.queued()));
    for (int lane = 0; lane < lanes.lanes() && out.size() < max; lane++) {
      if (lanes.count(lane) > 0) {
        leaseFromLane(batch, lanes, lane, max, deadline, out);
      }
    }
    batch.counts().lease(out.size());
    return out;
  }

  /** Puts back in their queues the URLs of {@code prints} that are leased; returns how many. */
  int requeue(RocksDbBatch batch, FingerprintLookup prints) throws RocksDBException {
    List<byte[]> found = prints.lookUp(store, store.leases);
    Set<Long> done = new HashSet<>();
    for (int i = 0; i < prints.size(); i++) {
      byte[] lease = prints.found(found, i);
      if (lease != null && done.add(prints.print(i))) {
        restore(batch, fingerprintKey(prints.print(i)), Lease.decode(lease));
      }
    }
    return done.size();
  }

  /** Requeues, in one batch of its own, every lease whose deadline matches {@code expired}; returns how many. */
  int requeueWhere(LongPredicate expired) throws RocksDBException {
    int requeued = 0;
    try (RocksDbBatch batch = new RocksDbBatch(store, counts); RocksIterator it = store.iterator(store.leases)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        Lease lease = Lease.decode(it.value());
        if (expired.test(lease.deadlineMillis())) {
          restore(batch, it.key(), lease);
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

  /**
   * Ends the lease stored under {@code printKey} with the final {@code state} ({@link RocksDbSchema#FETCHED},
   * {@link RocksDbSchema#FAILED} or {@link RocksDbSchema#REDIRECTED}), keeping its number of attempts. Counting it is
   * the caller's.
   */
  void end(RocksDbBatch batch, byte[] printKey, Lease lease, int state) throws RocksDBException {
    batch.delete(store.leases, printKey);
    batch.put(store.urls, printKey, RocksDbSchema.finishedState(state, lease.attempts()));
  }

  /** Puts a leased URL back at the queue position it was leased from. */
  private void restore(RocksDbBatch batch, byte[] printKey, Lease lease) throws RocksDBException {
    byte[] key = lease.queueKey();
    HostLanes lanes = batch.host(HostKey.parse(RocksDbSchema.hostOfQueueKey(key)));
    batch.put(store.queues, key, lease.queueValue());
    batch.delete(store.leases, printKey);
    batch.put(store.urls, printKey, RocksDbSchema.queuedState());
    lanes.queue(RocksDbSchema.priorityOfQueueKey(key), RocksDbSchema.sequenceOfQueueKey(key));
    batch.counts().requeue(1);
  }

  private void leaseFromLane(RocksDbBatch batch, HostLanes lanes, int lane, int max, long deadline,
      List<CrawlUrl> out) throws RocksDBException {
    int priority = lanes.priority(lane);
    byte[] start = queueKey(lanes.name(), priority, lanes.head(lane));
    long wanted = Math.min(max - out.size(), lanes.count(lane));
    long taken = 0;
    try (Slice lower = new Slice(start);
        Slice upper = new Slice(RocksDbSchema.laneEnd(lanes.name(), priority));
        ReadOptions options = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
        RocksIterator it = store.iterator(store.queues, options)) {
      for (it.seek(start); it.isValid() && taken < wanted; it.next()) {
        byte[] key = it.key();
        byte[] value = it.value();
        ByteReader in = new ByteReader(value, 0);
        long attempts = in.readVarint();
        int urlOffset = in.position();
        CrawlUrl url = CrawlUrlCodec.read(in, lanes.host());
        byte[] printKey = fingerprintKey(fingerprint.applyAsLong(url.url()));
        batch.delete(store.queues, key);
        batch.put(store.leases, printKey, RocksDbSchema.leaseValue(deadline, key,
            RocksDbSchema.queueValue(attempts + 1, value, urlOffset)));
        batch.put(store.urls, printKey, RocksDbSchema.leasedState(deadline));
        lanes.leased(lane, RocksDbSchema.sequenceOfQueueKey(key));
        out.add(url);
        taken++;
      }
      it.status();
    }
    if (taken < wanted) {
      throw new StoreException(store.directory() + ": host " + lanes.host() + " counts " + lanes.count(lane)
          + " more URLs at priority " + priority + " than its queue holds", null);
    }
  }
}
