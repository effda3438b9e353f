package spindle.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import spindle.core.SimHash;

/**
 * The near-duplicate search of {@link CaptureIndex#nearDuplicates}, over any storage of band lists. A SimHash is cut
 * into four bands of 16 bits; two SimHashes at most 3 bits apart agree on at least one band (four bands, at most three
 * differ), so the candidates of a page are the pages filed under any of its four band values. Each band value keeps
 * its {@value #ENTRIES_PER_BAND} most recent distinct pages, which bounds the index at 4 x 65,536 lists.
 */
final class SimHashBands {
  /** Pages kept per band value. */
  static final int ENTRIES_PER_BAND = 8;

  private static final int BANDS = 4;

  /** A page filed under a band value. */
  record Entry(long simhash, String url) {}

  /** The matches of a call, and the band lists it changed (band key to its new list). */
  record Outcome(List<Optional<String>> matches, Map<Integer, List<Entry>> changed) {}

  private SimHashBands() {}

  /** The band keys of {@code simhash}: band number in the high bits, the band's 16 bits in the low ones. */
  static int[] keys(long simhash) {
    int[] keys = new int[BANDS];
    for (int band = 0; band < BANDS; band++) {
      keys[band] = band << 16 | (int) ((simhash >>> (16 * band)) & 0xFFFF);
    }
    return keys;
  }

  /**
   * Finds the matches of {@code pages} and files them, with the lists of the band keys they need read by
   * {@code load} (one call; a key without a list is absent from its answer).
   */
  static Outcome apply(List<CaptureIndex.PageFingerprint> pages,
      Function<Set<Integer>, Map<Integer, List<Entry>>> load) {
    Set<Integer> wanted = new LinkedHashSet<>();
    for (CaptureIndex.PageFingerprint page : pages) {
      if (page.simhash() != 0) {
        for (int key : keys(page.simhash())) {
          wanted.add(key);
        }
      }
    }
    Map<Integer, List<Entry>> lists = new HashMap<>();
    if (!wanted.isEmpty()) {
      load.apply(wanted).forEach((key, entries) -> lists.put(key, new ArrayList<>(entries)));
    }
    Map<Integer, List<Entry>> changed = new HashMap<>();
    List<Optional<String>> matches = new ArrayList<>(pages.size());
    for (CaptureIndex.PageFingerprint page : pages) {
      if (page.simhash() == 0) {
        matches.add(Optional.empty());
        continue;
      }
      int[] keys = keys(page.simhash());
      matches.add(closest(page, keys, lists));
      for (int key : keys) {
        List<Entry> entries = lists.computeIfAbsent(key, none -> new ArrayList<>());
        if (file(entries, page)) {
          changed.put(key, entries);
        }
      }
    }
    return new Outcome(matches, changed);
  }

  private static Optional<String> closest(CaptureIndex.PageFingerprint page, int[] keys,
      Map<Integer, List<Entry>> lists) {
    Entry best = null;
    int bestDistance = SimHash.NEAR + 1;
    int bestAge = Integer.MAX_VALUE;
    for (int key : keys) {
      List<Entry> entries = lists.getOrDefault(key, List.of());
      for (int age = 0; age < entries.size(); age++) { // oldest first
        Entry entry = entries.get(age);
        int distance = SimHash.distance(entry.simhash(), page.simhash());
        if (entry.url().equals(page.url()) || distance > SimHash.NEAR) {
          continue;
        }
        if (distance < bestDistance || (distance == bestDistance && age < bestAge)) {
          best = entry;
          bestDistance = distance;
          bestAge = age;
        }
      }
    }
    return Optional.ofNullable(best).map(Entry::url);
  }

  /**
   * Files {@code page} at the end of {@code entries}, dropping the oldest beyond the bound; false when the list
   * already holds its URL or its SimHash (the earlier page stays, so copies point to the first).
   */
  private static boolean file(List<Entry> entries, CaptureIndex.PageFingerprint page) {
    for (Entry entry : entries) {
      if (entry.simhash() == page.simhash() || entry.url().equals(page.url())) {
        return false;
      }
    }
    entries.add(new Entry(page.simhash(), page.url()));
    if (entries.size() > ENTRIES_PER_BAND) {
      entries.remove(0);
    }
    return true;
  }

  /** The stored form of a band key: its band byte and 16 bits. */
  static byte[] encodeKey(int key) {
    return new byte[] {(byte) (key >>> 16), (byte) (key >>> 8), (byte) key};
  }

  /** A band list as stored: per entry its SimHash (8 bytes) and its URL (length-prefixed UTF-8). */
  static byte[] encode(List<Entry> entries) {
    ByteWriter out = new ByteWriter(entries.size() * 96);
    out.writeVarint(entries.size());
    for (Entry entry : entries) {
      out.writeLong(entry.simhash()).writeLengthPrefixed(entry.url().getBytes(UTF_8));
    }
    return out.toByteArray();
  }

  /** The list {@link #encode} wrote. */
  static List<Entry> decode(byte[] value) {
    ByteReader in = new ByteReader(value, 0);
    int count = (int) in.readVarint();
    List<Entry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long simhash = in.readLong();
      entries.add(new Entry(simhash, new String(in.readLengthPrefixed(), UTF_8)));
    }
    return entries;
  }
}
