package spindle.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import spindle.core.SimHash;
import spindle.core.url.UrlNormalizer;
import spindle.store.CaptureIndex.PageFingerprint;
import spindle.store.warc.WarcArchive;
import spindle.store.warc.WarcPosition;

/** The RocksDB capture index: the contract, and what it keeps across a close, and in a store older than it. */
class RocksDbCaptureIndexTest extends CaptureIndexContract {
  private static final StoreSettings SMALL = new StoreSettings(1 << 20, 1 << 20, 2, 1 << 20, false,
      Duration.ofMinutes(1), 1, 1024);

  @TempDir
  Path temp;

  private final List<RocksDbFrontier> opened = new ArrayList<>();
  private int stores;

  private RocksDbFrontier open(Path directory) {
    RocksDbFrontier frontier = RocksDbFrontier.open(directory, FrontierLimits.NONE, UrlNormalizer::fingerprint,
        SMALL);
    opened.add(frontier);
    return frontier;
  }

  @Override
  CaptureIndex create() {
    return open(temp.resolve("store-" + stores++)).captures().orElseThrow();
  }

  @AfterEach
  void closeEveryFrontier() {
    opened.forEach(Frontier::close);
  }

  @Test
  void positionDigestsAndBandsSurviveACloseAndReopen() {
    Path directory = temp.resolve("durable");
    RocksDbFrontier frontier = open(directory);
    CaptureIndex index = frontier.captures().orElseThrow();
    WarcPosition position = new WarcPosition("job-20261206101530000-00002.warc.gz", 123_456, 7_890);
    WarcArchive.Original original = new WarcArchive.Original(URI.create("urn:uuid:6a1c0b0e-4b3c-4a57-9f4e-1c2d3e4f5a6b"),
        "http://a.example/", Instant.parse("2026-12-06T10:15:30.5Z"));
    index.commitArchive(position, Map.of("sha1:AAAA", original));
    index.nearDuplicates(List.of(new PageFingerprint("http://a.example/", SimHash.of(ARTICLE))));
    frontier.close();

    CaptureIndex reopened = open(directory).captures().orElseThrow();
    assertEquals(position, reopened.warcPosition());
    assertEquals(Map.of("sha1:AAAA", original), reopened.originals(List.of("sha1:AAAA")));
    assertEquals(List.of(Optional.of("http://a.example/")), reopened.nearDuplicates(List.of(
        new PageFingerprint("http://b.example/", SimHash.of(ARTICLE)))));
  }

  @Test
  void aStoreWrittenBeforeTheCaptureIndexOpensWithAnEmptyOne() throws RocksDBException {
    Path directory = temp.resolve("older");
    open(directory).close();
    dropCaptureFamilies(directory);
    assertEquals(0, RocksDbFrontier.readStatus(directory).counts().discovered()); // the status reads it as it is

    CaptureIndex index = open(directory).captures().orElseThrow();
    assertEquals(WarcPosition.START, index.warcPosition());
    assertEquals(List.of(Optional.empty()), index.nearDuplicates(List.of(
        new PageFingerprint("http://a.example/", SimHash.of(ARTICLE)))));
  }

  /**
   * Leaves the store as a version without the capture index (and the revisit schedule) wrote it: only the five
   * families of the frontier.
   */
  private static void dropCaptureFamilies(Path directory) throws RocksDBException {
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
    RocksDbSchema.FAMILIES.forEach(name -> descriptors.add(new ColumnFamilyDescriptor(name)));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions options = new DBOptions();
        RocksDB db = RocksDB.open(options, directory.toString(), descriptors, handles)) {
      try {
        db.dropColumnFamily(handles.get(1 + RocksDbSchema.FAMILIES.indexOf(RocksDbSchema.DIGESTS)));
        db.dropColumnFamily(handles.get(1 + RocksDbSchema.FAMILIES.indexOf(RocksDbSchema.BANDS)));
        // and the revisit schedule's, which came later still
        db.dropColumnFamily(handles.get(1 + RocksDbSchema.FAMILIES.indexOf(RocksDbSchema.SCHEDULE)));
        db.dropColumnFamily(handles.get(1 + RocksDbSchema.FAMILIES.indexOf(RocksDbSchema.HOST_SCHEDULE)));
      } finally {
        handles.forEach(ColumnFamilyHandle::close);
      }
    }
    try (org.rocksdb.Options options = new org.rocksdb.Options()) {
      assertEquals(1 + RocksDbSchema.REQUIRED_FAMILIES.size(), RocksDB.listColumnFamilies(options,
          directory.toString()).size());
    }
  }
}
