package spindle.store;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import spindle.store.warc.WarcArchive;
import spindle.store.warc.WarcPosition;

/**
 * A {@link CaptureIndex} in memory, for the in-memory frontier: lost with it when the process ends, like the rest of
 * such a crawl. One lock guards everything.
 */
final class MemoryCaptureIndex implements CaptureIndex {
  private final Map<String, WarcArchive.Original> originals = new HashMap<>();
  private final Map<Integer, List<SimHashBands.Entry>> bands = new HashMap<>();
  private WarcPosition position = WarcPosition.START;

  @Override
  public synchronized WarcPosition warcPosition() {
    return position;
  }

  @Override
  public synchronized Map<String, WarcArchive.Original> originals(Collection<String> payloadDigests) {
    Map<String, WarcArchive.Original> found = new HashMap<>();
    for (String digest : payloadDigests) {
      WarcArchive.Original original = originals.get(digest);
      if (original != null) {
        found.put(digest, original);
      }
    }
    return found;
  }

  @Override
  public synchronized void commitArchive(WarcPosition committed, Map<String, WarcArchive.Original> first) {
    first.forEach(originals::putIfAbsent);
    position = committed;
  }

  @Override
  public synchronized List<Optional<String>> nearDuplicates(List<PageFingerprint> pages) {
    SimHashBands.Outcome outcome = SimHashBands.apply(pages, keys -> {
      Map<Integer, List<SimHashBands.Entry>> lists = new HashMap<>();
      keys.forEach(key -> {
        List<SimHashBands.Entry> entries = bands.get(key);
        if (entries != null) {
          lists.put(key, entries);
        }
      });
      return lists;
    });
    outcome.changed().forEach((key, entries) -> bands.put(key, List.copyOf(entries)));
    return outcome.matches();
  }
}
