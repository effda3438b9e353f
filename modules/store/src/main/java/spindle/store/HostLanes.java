package spindle.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;
import spindle.core.HostKey;

/**
 * What the RocksDB frontier keeps in memory for one host: URLs admitted in all (for the per-host page limit), URLs
 * fetched and failed (its {@link HostTally}), and per priority ("lane") how many URLs are queued and the lowest
 * sequence number that can still hold one. Leasing seeks straight to that head, so it never walks over the delete
 * tombstones that earlier leases left.
 *
 * <p>Instances are copied before a change and published after the write succeeds, so a published instance is never
 * modified and readers need no lock.
 */
final class HostLanes {
  private final HostKey host;
  private final byte[] name;
  private long admitted;
  private long queued;
  private long fetched;
  private long failed;
  private int size;
  private int[] priorities;
  private long[] counts;
  private long[] heads;

  private HostLanes(HostKey host, byte[] name, long admitted, int capacity) {
    this.host = host;
    this.name = name;
    this.admitted = admitted;
    this.priorities = new int[capacity];
    this.counts = new long[capacity];
    this.heads = new long[capacity];
  }

  /** A host the store has never seen: nothing admitted, nothing queued. */
  static HostLanes empty(HostKey host) {
    return new HostLanes(host, host.name().getBytes(UTF_8), 0, 2);
  }

  /**
   * The state stored under the host's key by {@link #encode}. An entry that ends after the lanes (written before
   * hosts counted fetched and failed URLs) reads as none fetched and none failed.
   */
  static HostLanes decode(byte[] key, byte[] value) {
    ByteReader in = new ByteReader(value, 0);
    long admitted = in.readVarint();
    int size = in.readLength();
    HostLanes lanes = new HostLanes(HostKey.parse(new String(key, UTF_8)), key, admitted, Math.max(size, 2));
    for (int i = 0; i < size; i++) {
      lanes.priorities[i] = in.readByte();
      lanes.counts[i] = in.readVarint();
      lanes.heads[i] = in.readVarint();
      lanes.queued += lanes.counts[i];
    }
    lanes.size = size;
    if (!in.atEnd()) {
      lanes.fetched = in.readVarint();
      lanes.failed = in.readVarint();
    }
    return lanes;
  }

  /**
   * {@code varint admitted, varint lanes, then per lane: priority byte, varint queued, varint head; then varint
   * fetched, varint failed}. The last two come after the lanes so that {@link #decode} also reads older entries.
   */
  byte[] encode() {
    ByteWriter out = new ByteWriter(8 + size * 12);
    out.writeVarint(admitted).writeVarint(size);
    for (int i = 0; i < size; i++) {
      out.writeByte(priorities[i]).writeVarint(counts[i]).writeVarint(heads[i]);
    }
    out.writeVarint(fetched).writeVarint(failed);
    return out.toByteArray();
  }

  /** A copy to change. */
  HostLanes copy() {
    HostLanes copy = new HostLanes(host, name, admitted, Math.max(size, 2));
    copy.queued = queued;
    copy.fetched = fetched;
    copy.failed = failed;
    copy.size = size;
    System.arraycopy(priorities, 0, copy.priorities, 0, size);
    System.arraycopy(counts, 0, copy.counts, 0, size);
    System.arraycopy(heads, 0, copy.heads, 0, size);
    return copy;
  }

  HostKey host() {
    return host;
  }

  /** The host name in UTF-8: the key in the hosts column family and the prefix of its queue keys. */
  byte[] name() {
    return name;
  }

  long admitted() {
    return admitted;
  }

  long queued() {
    return queued;
  }

  /** URLs of this host finished without an error. */
  long fetched() {
    return fetched;
  }

  /** URLs of this host finished with an error. */
  long failed() {
    return failed;
  }

  /** The host's queued, fetched and failed URLs. */
  HostTally tally() {
    return new HostTally(host, queued, fetched, failed);
  }

  /** Counts one leased URL of this host as finished: failed when {@code failed}, else fetched. */
  void finish(boolean failed) {
    if (failed) {
      this.failed++;
    } else {
      fetched++;
    }
  }

  /** Counts one more URL admitted against the per-host limit. */
  void admit() {
    admitted++;
  }

  /** Records a URL queued at {@code (priority, sequence)}: its lane's head moves back to it if it is lower. */
  void queue(int priority, long sequence) {
    int index = Arrays.binarySearch(priorities, 0, size, priority);
    if (index < 0) {
      index = -index - 1;
      if (size == priorities.length) {
        priorities = Arrays.copyOf(priorities, size * 2);
        counts = Arrays.copyOf(counts, size * 2);
        heads = Arrays.copyOf(heads, size * 2);
      }
      System.arraycopy(priorities, index, priorities, index + 1, size - index);
      System.arraycopy(counts, index, counts, index + 1, size - index);
      System.arraycopy(heads, index, heads, index + 1, size - index);
      priorities[index] = priority;
      counts[index] = 0;
      heads[index] = sequence;
      size++;
    }
    counts[index]++;
    heads[index] = Math.min(heads[index], sequence);
    queued++;
  }

  /** The number of lanes, empty ones included until {@link #dropEmptyLanes}. */
  int lanes() {
    return size;
  }

  int priority(int lane) {
    return priorities[lane];
  }

  long count(int lane) {
    return counts[lane];
  }

  long head(int lane) {
    return heads[lane];
  }

  /** Records that the entry at {@code sequence} of {@code lane} was leased: no entry remains at or below it. */
  void leased(int lane, long sequence) {
    counts[lane]--;
    heads[lane] = sequence + 1;
    queued--;
  }

  /**
   * Forgets lanes with nothing queued. Safe because sequence numbers only grow: a URL queued later in that
   * priority has a higher number than every tombstone, and a requeued one sets the head to its own number.
   */
  void dropEmptyLanes() {
    int kept = 0;
    for (int i = 0; i < size; i++) {
      if (counts[i] > 0) {
        priorities[kept] = priorities[i];
        counts[kept] = counts[i];
        heads[kept] = heads[i];
        kept++;
      }
    }
    size = kept;
  }
}
