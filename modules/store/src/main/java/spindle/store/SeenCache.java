package spindle.store;

/**
 * Fingerprints of URLs known to be seen, in one direct-mapped array: a link found again (most links on a page
 * were found before: navigation, footers) is dropped without a store lookup. A positive cache only: a hit means
 * "seen for sure", a miss means "ask the store", so evicting an entry can cost a lookup, never a duplicate.
 * Not thread-safe; its owner locks.
 */
final class SeenCache {
  private final long[] slots;
  private final int mask;
  private boolean zeroSeen;

  /** A cache of about {@code entries} fingerprints (rounded up to a power of two); 0 keeps nothing. */
  SeenCache(int entries) {
    int size = entries <= 0 ? 0 : Integer.highestOneBit(Math.max(1, entries - 1)) << 1;
    this.slots = new long[size];
    this.mask = size - 1;
  }

  /** Whether {@code fingerprint} was put here and not evicted since. */
  boolean contains(long fingerprint) {
    if (slots.length == 0) {
      return false;
    }
    if (fingerprint == 0) {
      return zeroSeen;
    }
    return slots[index(fingerprint)] == fingerprint;
  }

  /** Remembers {@code fingerprint}, evicting whichever shared its slot. */
  void put(long fingerprint) {
    if (slots.length == 0) {
      return;
    }
    if (fingerprint == 0) {
      zeroSeen = true;
      return;
    }
    slots[index(fingerprint)] = fingerprint;
  }

  private int index(long fingerprint) {
    long mixed = fingerprint * 0x9E3779B97F4A7C15L;
    return (int) (mixed >>> 32) & mask;
  }
}
