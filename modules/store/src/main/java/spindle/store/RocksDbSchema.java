package spindle.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;
import java.util.List;

/**
 * The keys and values of the RocksDB frontier, one column family per concern, and their codecs. All numbers in keys
 * are big-endian so that RocksDB's byte order is their numeric order. The families' tuning is in
 * {@link RocksDbStore}.
 *
 * <pre>
 * queues  host UTF-8, 0x00, priority (depth capped at 255), sequence (8 bytes)
 *                                           → varint attempts, CrawlUrl without host ({@link CrawlUrlCodec})
 * urls    fingerprint (8 bytes)             → state byte: QUEUED | LEASED, deadline (8 bytes, epoch ms)
 *                                             | FETCHED, FAILED or REDIRECTED, varint attempts
 *                                             (the seen-set: a key is present once the URL was admitted; Bloom filter)
 * leases  fingerprint (8 bytes)             → deadline (8 bytes, epoch ms), varint length + queue key, queue value
 * hosts   host UTF-8                        → {@link HostLanes#encode()}: admitted, per priority queued and head,
 *                                             fetched, failed (absent in entries of older stores: read as 0)
 * meta    "state"                           → {@link Totals#encode()}: counts, committed output length, next sequence
 *         "format"                          → "spindle-frontier/1"
 *         "meta/" + key                     → UTF-8 value of {@link RocksDbFrontier#putMeta}
 *         "warc-position"                   → {@link spindle.store.warc.WarcPosition#encode()} (UTF-8)
 * digests payload digest, UTF-8 ("sha1:...")  → the first capture of that payload: WARC-Date (seconds 8 bytes,
 *                                             varint nanoseconds), length-prefixed record id, URL (UTF-8)
 * bands   band number (1 byte), band value (2 bytes)
 *                                           → {@link SimHashBands#encode}: the pages filed under it
 * schedule due (8 bytes, epoch ms), fingerprint (8 bytes)
 *                                           → varint length + host UTF-8, varint attempts, CrawlUrl with its
 *                                             {@link spindle.core.LastVisit} (the revisits, in due-time order)
 * host-schedule host UTF-8, 0x00, due (8 bytes), fingerprint (8 bytes) → empty (each host's next revisit)
 * </pre>
 *
 * A URL waiting for its revisit has the state SCHEDULED, with its due time (8 bytes), in {@code urls}.
 *
 * The families {@code digests} and {@code bands} came with the capture index; a store written before them gets them
 * (empty) when it is next opened for writing, so only the first five are required of a store.
 */
final class RocksDbSchema {
  static final byte[] QUEUES = bytes("queues");
  static final byte[] URLS = bytes("urls");
  static final byte[] LEASES = bytes("leases");
  static final byte[] HOSTS = bytes("hosts");
  static final byte[] META = bytes("meta");
  static final byte[] DIGESTS = bytes("digests");
  static final byte[] BANDS = bytes("bands");
  static final byte[] SCHEDULE = bytes("schedule");
  static final byte[] HOST_SCHEDULE = bytes("host-schedule");
  /** The column families every store has, after RocksDB's default one (left empty). */
  static final List<byte[]> REQUIRED_FAMILIES = List.of(QUEUES, URLS, LEASES, HOSTS, META);
  /** Every column family Spindle creates, after RocksDB's default one: the required ones, then the capture index's. */
  static final List<byte[]> FAMILIES = List.of(QUEUES, URLS, LEASES, HOSTS, META, DIGESTS, BANDS, SCHEDULE,
      HOST_SCHEDULE);

  static final byte[] FORMAT_KEY = bytes("format");
  static final String FORMAT = "spindle-frontier/1";
  static final byte[] STATE_KEY = bytes("state");
  static final String USER_META_PREFIX = "meta/";
  static final byte[] WARC_POSITION_KEY = bytes("warc-position");

  static final int QUEUED = 1;
  static final int LEASED = 2;
  static final int FETCHED = 3;
  static final int FAILED = 4;
  static final int REDIRECTED = 5;
  static final int SCHEDULED = 6;

  private static final int KEY_TAIL = 1 + 1 + 8; // separator, priority, sequence

  private RocksDbSchema() {}

  static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  /** The priority of a URL in its host's queue: its depth, capped at 255, so shallow pages come first. */
  static int priority(int depth) {
    return Math.min(depth, 255);
  }

  static byte[] queueKey(byte[] host, int priority, long sequence) {
    return new ByteWriter(host.length + KEY_TAIL).write(host).writeByte(0).writeByte(priority).writeLong(sequence)
        .toByteArray();
  }

  /** The first key past every key of {@code priority} in {@code host}'s queue. */
  static byte[] laneEnd(byte[] host, int priority) {
    return priority < 255
        ? new ByteWriter(host.length + 2).write(host).writeByte(0).writeByte(priority + 1).toByteArray()
        : new ByteWriter(host.length + 1).write(host).writeByte(1).toByteArray();
  }

  static String hostOfQueueKey(byte[] key) {
    return new String(key, 0, key.length - KEY_TAIL, UTF_8);
  }

  /** Whether {@code key} is a queue key of the host named {@code host} (UTF-8), without decoding it. */
  static boolean isQueueKeyOf(byte[] key, byte[] host) {
    return key.length - KEY_TAIL == host.length && Arrays.equals(key, 0, host.length, host, 0, host.length);
  }

  static int priorityOfQueueKey(byte[] key) {
    return key[key.length - 9] & 0xFF;
  }

  static long sequenceOfQueueKey(byte[] key) {
    return new ByteReader(key, key.length - 8).readLong();
  }

  static byte[] fingerprintKey(long fingerprint) {
    return new ByteWriter(8).writeLong(fingerprint).toByteArray();
  }

  static byte[] queuedState() {
    return new byte[] {QUEUED};
  }

  static byte[] leasedState(long deadlineMillis) {
    return new ByteWriter(9).writeByte(LEASED).writeLong(deadlineMillis).toByteArray();
  }

  static byte[] finishedState(int state, long attempts) {
    return new ByteWriter(4).writeByte(state).writeVarint(attempts).toByteArray();
  }

  static byte[] scheduledState(long dueMillis) {
    return new ByteWriter(9).writeByte(SCHEDULED).writeLong(dueMillis).toByteArray();
  }

  /** A key of the schedule: due time first, so RocksDB's order is the order in which URLs come due. */
  static byte[] scheduleKey(long dueMillis, long fingerprint) {
    return new ByteWriter(16).writeLong(dueMillis).writeLong(fingerprint).toByteArray();
  }

  static byte[] hostScheduleKey(byte[] host, long dueMillis, long fingerprint) {
    return new ByteWriter(host.length + 17).write(host).writeByte(0).writeLong(dueMillis).writeLong(fingerprint)
        .toByteArray();
  }

  /** The first key past every key of {@code host} in the host schedule. */
  static byte[] hostScheduleEnd(byte[] host) {
    return new ByteWriter(host.length + 1).write(host).writeByte(1).toByteArray();
  }

  static byte[] userMetaKey(String key) {
    return bytes(USER_META_PREFIX + key);
  }

  /** A queue value: attempts so far, then the URL. */
  static byte[] queueValue(long attempts, byte[] url, int urlOffset) {
    return new ByteWriter(url.length - urlOffset + 2).writeVarint(attempts).write(url, urlOffset, url.length - urlOffset)
        .toByteArray();
  }

  static byte[] leaseValue(long deadlineMillis, byte[] queueKey, byte[] queueValue) {
    return new ByteWriter(8 + 2 + queueKey.length + queueValue.length).writeLong(deadlineMillis)
        .writeLengthPrefixed(queueKey).write(queueValue).toByteArray();
  }

  /** A decoded lease: where the URL was queued, and the queue value to put back (attempts included). */
  record Lease(long deadlineMillis, byte[] queueKey, byte[] queueValue) {
    static Lease decode(byte[] value) {
      ByteReader in = new ByteReader(value, 0);
      long deadline = in.readLong();
      byte[] key = in.readLengthPrefixed();
      byte[] queueValue = in.readBytes(value.length - in.position());
      return new Lease(deadline, key, queueValue);
    }

    long attempts() {
      return new ByteReader(queueValue, 0).readVarint();
    }
  }

  /**
   * The counts and positions kept in memory ({@link RocksDbCounts}) and written with every batch under
   * {@link #STATE_KEY}.
   *
   * @param counts the state counts
   * @param committedOutputBytes the output length recorded by the last completion
   * @param nextSequence the sequence number of the next URL queued; it only grows
   */
  record Totals(FrontierCounts counts, long committedOutputBytes, long nextSequence) {
    static final Totals EMPTY = new Totals(new FrontierCounts(0, 0, 0, 0, 0, 0, 0), 0, 0);

    /** These totals after a batch: its count changes added, its output length and next sequence taken. */
    Totals after(CountsDelta delta, long outputBytes, long sequence) {
      return new Totals(delta.applyTo(counts), outputBytes, sequence);
    }

    /**
     * Ten big-endian longs: the first seven counts in {@link FrontierCounts}' order, output length, next sequence,
     * then the scheduled count (absent in stores written before revisits: read as 0).
     */
    byte[] encode() {
      return new ByteWriter(80).writeLong(counts.discovered()).writeLong(counts.queued()).writeLong(counts.leased())
          .writeLong(counts.fetched()).writeLong(counts.failed()).writeLong(counts.redirected())
          .writeLong(counts.rejected()).writeLong(committedOutputBytes).writeLong(nextSequence)
          .writeLong(counts.scheduled()).toByteArray();
    }

    static Totals decode(byte[] value) {
      ByteReader in = new ByteReader(value, 0);
      long[] seven = {in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
          in.readLong()};
      long output = in.readLong();
      long sequence = in.readLong();
      long scheduled = in.atEnd() ? 0 : in.readLong();
      FrontierCounts counts = new FrontierCounts(seven[0], seven[1], seven[2], seven[3], seven[4], seven[5], seven[6],
          scheduled);
      return new Totals(counts, output, sequence);
    }
  }
}
