package spindle.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rocksdb.WriteBatch;
import spindle.store.warc.WarcArchive;
import spindle.store.warc.WarcPosition;

/**
 * The {@link CaptureIndex} of a RocksDB frontier, in the same database: the payload digests and SimHash bands in
 * column families of their own, the WARC position in the metadata ({@link RocksDbSchema}). Each call runs under the
 * frontier's lock and each commit is one atomic write, so after a kill the position and the digests of the payloads
 * archived up to it agree.
 */
final class RocksDbCaptureIndex implements CaptureIndex {
  private final RocksDbFrontier frontier;
  private final RocksDbStore store;

  RocksDbCaptureIndex(RocksDbFrontier frontier, RocksDbStore store) {
    this.frontier = frontier;
    this.store = store;
  }

  @Override
  public WarcPosition warcPosition() {
    return frontier.locked("warcPosition", () -> {
      byte[] value = store.get(store.meta, RocksDbSchema.WARC_POSITION_KEY);
      return value == null ? WarcPosition.START : WarcPosition.decode(new String(value, UTF_8));
    });
  }

  @Override
  public Map<String, WarcArchive.Original> originals(Collection<String> payloadDigests) {
    List<String> digests = new ArrayList<>(new LinkedHashSet<>(payloadDigests));
    if (digests.isEmpty()) {
      return Map.of();
    }
    List<byte[]> keys = digests.stream().map(digest -> digest.getBytes(UTF_8)).toList();
    return frontier.locked("originals", () -> {
      List<byte[]> values = store.getAll(store.digests, keys);
      Map<String, WarcArchive.Original> found = new HashMap<>();
      for (int i = 0; i < digests.size(); i++) {
        if (values.get(i) != null) {
          found.put(digests.get(i), decodeOriginal(values.get(i)));
        }
      }
      return found;
    });
  }

  @Override
  public void commitArchive(WarcPosition position, Map<String, WarcArchive.Original> originals) {
    Map<String, WarcArchive.Original> known = originals(originals.keySet()); // a first capture is never replaced
    frontier.locked("commitArchive", () -> {
      try (WriteBatch batch = new WriteBatch()) {
        for (Map.Entry<String, WarcArchive.Original> original : originals.entrySet()) {
          if (!known.containsKey(original.getKey())) {
            batch.put(store.digests, original.getKey().getBytes(UTF_8), encodeOriginal(original.getValue()));
          }
        }
        batch.put(store.meta, RocksDbSchema.WARC_POSITION_KEY, position.encode().getBytes(UTF_8));
        store.write(batch);
      }
      return null;
    });
  }

  @Override
  public List<Optional<String>> nearDuplicates(List<PageFingerprint> pages) {
    if (pages.isEmpty()) {
      return List.of();
    }
    return frontier.locked("nearDuplicates", () -> {
      SimHashBands.Outcome outcome = SimHashBands.apply(pages, wanted -> {
        List<Integer> keys = new ArrayList<>(wanted);
        Map<Integer, List<SimHashBands.Entry>> lists = new HashMap<>();
        try {
          List<byte[]> values = store.getAll(store.bands, keys.stream().map(SimHashBands::encodeKey).toList());
          for (int i = 0; i < keys.size(); i++) {
            if (values.get(i) != null) {
              lists.put(keys.get(i), SimHashBands.decode(values.get(i)));
            }
          }
        } catch (org.rocksdb.RocksDBException failure) {
          throw store.failure("nearDuplicates", failure);
        }
        return lists;
      });
      if (!outcome.changed().isEmpty()) {
        try (WriteBatch batch = new WriteBatch()) {
          for (Map.Entry<Integer, List<SimHashBands.Entry>> changed : outcome.changed().entrySet()) {
            batch.put(store.bands, SimHashBands.encodeKey(changed.getKey()), SimHashBands.encode(changed.getValue()));
          }
          store.write(batch);
        }
      }
      return outcome.matches();
    });
  }

  private static byte[] encodeOriginal(WarcArchive.Original original) {
    byte[] url = original.url().getBytes(UTF_8);
    return new ByteWriter(url.length + 64).writeLong(original.date().getEpochSecond())
        .writeVarint(original.date().getNano()).writeLengthPrefixed(original.recordId().toString().getBytes(UTF_8))
        .write(url).toByteArray();
  }

  private static WarcArchive.Original decodeOriginal(byte[] value) {
    ByteReader in = new ByteReader(value, 0);
    Instant date = Instant.ofEpochSecond(in.readLong(), in.readVarint());
    URI recordId = URI.create(new String(in.readLengthPrefixed(), UTF_8));
    String url = new String(in.readBytes(value.length - in.position()), UTF_8);
    return new WarcArchive.Original(recordId, url, date);
  }
}
