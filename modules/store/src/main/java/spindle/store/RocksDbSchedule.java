package spindle.store;

import static spindle.store.RocksDbSchema.fingerprintKey;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;

/**
 * The revisits of the RocksDB frontier: URLs whose visit ended with another one owed wait in the {@code schedule}
 * column family, keyed by due time, so the URLs that came due are the first keys and finding them reads nothing
 * else; {@code host-schedule} keeps the same entries by host, for each host's next due time. A scheduled URL's
 * state in {@code urls} is SCHEDULED with its due time, so the entry can be found from the fingerprint alone (a
 * sitemap's newer lastmod makes it due at once). Used under the frontier's lock.
 */
final class RocksDbSchedule {
  private final RocksDbStore store;
  /**
   * No entry is due before this (the due time of the last released one, or of the earliest entry found): the scans
   * start here, so they do not step over the tombstones the released entries left at the head. In memory only; 0
   * after opening. Guarded by the frontier's lock.
   */
  private long floorMillis;

  RocksDbSchedule(RocksDbStore store) {
    this.store = store;
  }

  /** Schedules {@code url} (fingerprint {@code print}, queued under {@code host}) for {@code due}; counting it is the caller's. */
  void schedule(RocksDbBatch batch, long print, byte[] host, long attempts, CrawlUrl url, long dueMillis)
      throws RocksDBException {
    ByteWriter value = new ByteWriter(host.length + url.url().length() + 64);
    value.writeLengthPrefixed(host).writeVarint(attempts);
    CrawlUrlCodec.write(value, url);
    batch.put(store.schedule, RocksDbSchema.scheduleKey(dueMillis, print), value.toByteArray());
    batch.put(store.hostSchedule, RocksDbSchema.hostScheduleKey(host, dueMillis, print), new byte[0]);
    batch.put(store.urls, fingerprintKey(print), RocksDbSchema.scheduledState(dueMillis));
    floorMillis = Math.min(floorMillis, dueMillis);
  }

  /**
   * Moves the scheduled URL {@code print}, due at {@code dueMillis}, to {@code newDueMillis} when its last visit is
   * older than {@code sitemapLastModified}; returns whether it moved.
   */
  boolean advance(RocksDbBatch batch, long print, long dueMillis, Instant sitemapLastModified, long newDueMillis)
      throws RocksDBException {
    if (dueMillis <= newDueMillis) {
      return false;
    }
    byte[] key = RocksDbSchema.scheduleKey(dueMillis, print);
    byte[] value = store.get(store.schedule, key);
    if (value == null) {
      return false;
    }
    Entry entry = Entry.decode(value);
    if (entry.url().lastVisit().map(visit -> !sitemapLastModified.isAfter(visit.at())).orElse(true)) {
      return false;
    }
    batch.delete(store.schedule, key);
    batch.delete(store.hostSchedule, RocksDbSchema.hostScheduleKey(entry.host(), dueMillis, print));
    schedule(batch, print, entry.host(), entry.attempts(), entry.url(), newDueMillis);
    return true;
  }

  /**
   * Moves up to {@code max} URLs due at or before {@code nowMillis} to the back of their hosts' queues (at their
   * depth's priority, with a new sequence) and returns their hosts; counts them.
   */
  List<HostKey> release(RocksDbBatch batch, long nowMillis, int max) throws RocksDBException {
    Set<HostKey> hosts = new LinkedHashSet<>();
    long released = 0;
    long lastDue = floorMillis;
    try (Slice lower = new Slice(new ByteWriter(8).writeLong(floorMillis).toByteArray());
        Slice upper = new Slice(new ByteWriter(8).writeLong(nowMillis + 1).toByteArray());
        ReadOptions options = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
        RocksIterator it = store.iterator(store.schedule, options)) {
      for (it.seekToFirst(); it.isValid() && released < max; it.next()) {
        byte[] key = it.key();
        ByteReader keyReader = new ByteReader(key, 0);
        long due = keyReader.readLong();
        long print = keyReader.readLong();
        Entry entry = Entry.decode(it.value());
        HostKey host = entry.url().host();
        HostLanes lanes = batch.host(host);
        int priority = RocksDbSchema.priority(entry.url().depth());
        long sequence = batch.takeSequence();
        ByteWriter value = new ByteWriter(it.value().length);
        value.writeVarint(entry.attempts());
        CrawlUrlCodec.write(value, entry.url());
        batch.put(store.queues, RocksDbSchema.queueKey(lanes.name(), priority, sequence), value.toByteArray());
        batch.put(store.urls, fingerprintKey(print), RocksDbSchema.queuedState());
        batch.delete(store.schedule, key);
        batch.delete(store.hostSchedule, RocksDbSchema.hostScheduleKey(entry.host(), due, print));
        lanes.queue(priority, sequence);
        hosts.add(host);
        released++;
        lastDue = due;
      }
      it.status();
    }
    batch.counts().release(released);
    if (released > 0) {
      floorMillis = lastDue;
    }
    return new ArrayList<>(hosts);
  }

  /** The earliest due time of a scheduled URL. */
  Optional<Instant> nextDue() throws RocksDBException {
    try (Slice lower = new Slice(new ByteWriter(8).writeLong(floorMillis).toByteArray());
        ReadOptions options = new ReadOptions().setIterateLowerBound(lower);
        RocksIterator it = store.iterator(store.schedule, options)) {
      it.seekToFirst();
      if (!it.isValid()) {
        it.status();
        return Optional.empty();
      }
      long due = new ByteReader(it.key(), 0).readLong();
      floorMillis = due; // nothing is due earlier: later scans can start here
      return Optional.of(Instant.ofEpochMilli(due));
    }
  }

  /** The first {@code limit} hosts of the due-time order with their earliest due, reading at most {@code maxRead}. */
  List<Frontier.HostDue> nextRevisits(int limit, int maxRead) throws RocksDBException {
    LinkedHashMap<String, Frontier.HostDue> first = new LinkedHashMap<>();
    try (Slice lower = new Slice(new ByteWriter(8).writeLong(floorMillis).toByteArray());
        ReadOptions options = new ReadOptions().setIterateLowerBound(lower);
        RocksIterator it = store.iterator(store.schedule, options)) {
      int read = 0;
      for (it.seekToFirst(); it.isValid() && first.size() < limit && read < maxRead; it.next(), read++) {
        byte[] value = it.value();
        String host = new String(new ByteReader(value, 0).readLengthPrefixed(), StandardCharsets.UTF_8);
        if (!first.containsKey(host)) {
          first.put(host, new Frontier.HostDue(HostKey.parse(host),
              Instant.ofEpochMilli(new ByteReader(it.key(), 0).readLong())));
        }
      }
      it.status();
    }
    return new ArrayList<>(first.values());
  }

  /** The earliest due time of {@code host}'s scheduled URLs. */
  Optional<Instant> nextDue(byte[] host) throws RocksDBException {
    byte[] start = new ByteWriter(host.length + 1).write(host).writeByte(0).toByteArray();
    try (Slice lower = new Slice(start);
        Slice upper = new Slice(RocksDbSchema.hostScheduleEnd(host));
        ReadOptions options = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
        RocksIterator it = store.iterator(store.hostSchedule, options)) {
      it.seekToFirst();
      if (!it.isValid()) {
        it.status();
        return Optional.empty();
      }
      byte[] key = it.key();
      return Optional.of(Instant.ofEpochMilli(new ByteReader(key, key.length - 16).readLong()));
    }
  }

  /** A schedule value: the host the URL is queued under, its attempts, the URL with its last visit. */
  record Entry(byte[] host, long attempts, CrawlUrl url) {
    static Entry decode(byte[] value) {
      ByteReader in = new ByteReader(value, 0);
      byte[] host = in.readLengthPrefixed();
      long attempts = in.readVarint();
      return new Entry(host, attempts, CrawlUrlCodec.read(in, HostKey.parse(new String(host,
          StandardCharsets.UTF_8))));
    }
  }
}
