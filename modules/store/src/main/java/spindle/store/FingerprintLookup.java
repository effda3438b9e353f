package spindle.store;

import static spindle.store.RocksDbSchema.fingerprintKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;

/**
 * The fingerprints of one call's URLs in the RocksDB frontier, and their distinct keys, looked up with one multi-get:
 * a call of 256 URLs costs one round into RocksDB, not 256. Belongs to one call.
 */
final class FingerprintLookup {
  private final long[] prints;
  private final int[] slots;
  private final Map<Long, Integer> slotOf;
  private final List<byte[]> keys;
  private int size;

  /** Room for {@code capacity} fingerprints. */
  FingerprintLookup(int capacity) {
    prints = new long[capacity];
    slots = new int[capacity];
    slotOf = new HashMap<>(capacity * 2);
    keys = new ArrayList<>(capacity);
  }

  /** Adds the next URL's fingerprint; a repeated one shares the first one's key. */
  void add(long print) {
    Integer slot = slotOf.putIfAbsent(print, keys.size());
    if (slot == null) {
      slot = keys.size();
      keys.add(fingerprintKey(print));
    }
    prints[size] = print;
    slots[size++] = slot;
  }

  /** How many fingerprints were added. */
  int size() {
    return size;
  }

  /** The fingerprint added at {@code index}. */
  long print(int index) {
    return prints[index];
  }

  /** The values of every distinct key in {@code family}, by slot (null when absent). */
  List<byte[]> lookUp(RocksDbStore store, ColumnFamilyHandle family) throws RocksDBException {
    return store.getAll(family, keys);
  }

  /** The value found for the fingerprint added at {@code index}, in what {@link #lookUp} returned; null if none. */
  byte[] found(List<byte[]> values, int index) {
    return values.get(slots[index]);
  }
}
