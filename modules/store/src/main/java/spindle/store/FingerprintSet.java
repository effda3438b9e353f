package spindle.store;

/**
 * A set of 64-bit URL fingerprints in one open-addressing array: 8 bytes a URL at most 50 % load, against ~60
 * for a {@code HashSet<Long>}. Not thread-safe; its owner locks. Zero is a valid fingerprint and is kept aside.
 */
final class FingerprintSet {
  private long[] slots = new long[1 << 10];
  private int size;
  private boolean hasZero;

  /** Adds {@code fingerprint}; true when it was not there. */
  boolean add(long fingerprint) {
    if (fingerprint == 0) {
      boolean added = !hasZero;
      hasZero = true;
      size += added ? 1 : 0;
      return added;
    }
    if ((size + 1) * 2 > slots.length) {
      grow();
    }
    return insert(slots, fingerprint) && ++size > 0;
  }

  /** Whether {@code fingerprint} is in the set. */
  boolean contains(long fingerprint) {
    if (fingerprint == 0) {
      return hasZero;
    }
    int mask = slots.length - 1;
    for (int i = mix(fingerprint) & mask; ; i = (i + 1) & mask) {
      if (slots[i] == fingerprint) {
        return true;
      }
      if (slots[i] == 0) {
        return false;
      }
    }
  }

  /** The number of fingerprints held. */
  int size() {
    return size;
  }

  private static boolean insert(long[] table, long fingerprint) {
    int mask = table.length - 1;
    for (int i = mix(fingerprint) & mask; ; i = (i + 1) & mask) {
      if (table[i] == fingerprint) {
        return false;
      }
      if (table[i] == 0) {
        table[i] = fingerprint;
        return true;
      }
    }
  }

  private void grow() {
    long[] bigger = new long[slots.length * 2];
    for (long value : slots) {
      if (value != 0) {
        insert(bigger, value);
      }
    }
    slots = bigger;
  }

  private static int mix(long value) {
    long h = value * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
