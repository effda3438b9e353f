package spindle.store;

import static spindle.store.RocksDbSchema.FAILED;
import static spindle.store.RocksDbSchema.FETCHED;
import static spindle.store.RocksDbSchema.REDIRECTED;

import java.util.HashMap;
import java.util.Map;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import spindle.core.HostKey;

/**
 * What a full scan of a RocksDB frontier's store finds, to check the counts kept in memory against it (tests): URL
 * states, queue and lease entries, queued URLs per host as found on disk (two ways), and every host's tally as its
 * entry in the hosts column family stores it.
 */
record RocksDbAudit(long queued, long leased, long fetched, long failed, long redirected, long queueEntries,
    long leaseEntries, Map<HostKey, Long> queueEntriesPerHost, Map<HostKey, Long> storedQueuedPerHost,
    Map<HostKey, HostTally> storedTallies, long scheduled, long scheduleEntries, long hostScheduleEntries) {

  /** Reads every key of {@code store}; call it under the frontier's lock. */
  static RocksDbAudit of(RocksDbStore store) throws RocksDBException {
    long[] states = new long[7];
    try (RocksIterator it = store.iterator(store.urls)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        states[it.value()[0]]++;
      }
      it.status();
    }
    Map<HostKey, Long> perHost = new HashMap<>();
    long queueEntries = 0;
    try (RocksIterator it = store.iterator(store.queues)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        perHost.merge(HostKey.parse(RocksDbSchema.hostOfQueueKey(it.key())), 1L, Long::sum);
        queueEntries++;
      }
      it.status();
    }
    long leaseEntries = 0;
    try (RocksIterator it = store.iterator(store.leases)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        leaseEntries++;
      }
      it.status();
    }
    long scheduleEntries = count(store, store.schedule);
    long hostScheduleEntries = count(store, store.hostSchedule);
    Map<HostKey, Long> storedPerHost = new HashMap<>();
    Map<HostKey, HostTally> storedTallies = new HashMap<>();
    store.forEachHost(lanes -> {
      if (lanes.queued() > 0) {
        storedPerHost.put(lanes.host(), lanes.queued());
      }
      storedTallies.put(lanes.host(), lanes.tally());
    });
    return new RocksDbAudit(states[RocksDbSchema.QUEUED], states[RocksDbSchema.LEASED], states[FETCHED],
        states[FAILED], states[REDIRECTED], queueEntries, leaseEntries, perHost, storedPerHost, storedTallies,
        states[RocksDbSchema.SCHEDULED], scheduleEntries, hostScheduleEntries);
  }

  private static long count(RocksDbStore store, org.rocksdb.ColumnFamilyHandle family) throws RocksDBException {
    long entries = 0;
    try (RocksIterator it = store.iterator(family)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        entries++;
      }
      it.status();
    }
    return entries;
  }
}
