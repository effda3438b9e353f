package spindle.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import spindle.core.SimHash;
import spindle.core.url.UrlNormalizer;
import spindle.store.CaptureIndex.PageFingerprint;
import spindle.store.warc.WarcArchive;
import spindle.store.warc.WarcPosition;

/**
 * The PostgreSQL capture index: the contract, and what the nodes of a cluster share through it (digests, first
 * capture wins, near-duplicates) and keep apart (each node's WARC position), its atomic commits, and a schema older
 * than it.
 */
class PostgresCaptureIndexTest extends CaptureIndexContract {
  private static final String DIGEST = "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

  private final List<PostgresFrontier> opened = new ArrayList<>();
  private final Set<String> jobs = new HashSet<>();

  @BeforeAll
  static void requireServer() {
    TestPostgres.requireServer();
  }

  @AfterEach
  void closeEveryFrontierAndDropItsJob() {
    opened.forEach(PostgresFrontier::close);
    jobs.forEach(job -> PostgresFrontier.drop(TestPostgres.settings(), job));
  }

  @Override
  CaptureIndex create() {
    return open(newJob(), "node-1");
  }

  private String newJob() {
    String job = TestPostgres.newJob("captures");
    jobs.add(job);
    return job;
  }

  private PostgresFrontier frontier(String job, String node) {
    PostgresFrontier frontier = PostgresFrontier.open(TestPostgres.settings(), job, node,
        node + "#" + UUID.randomUUID(), FrontierLimits.NONE, UrlNormalizer::fingerprint);
    opened.add(frontier);
    return frontier;
  }

  /** The index of {@code job} as {@code node} sees it. */
  private CaptureIndex open(String job, String node) {
    return frontier(job, node).captures().orElseThrow();
  }

  private static WarcArchive.Original original(String url, int record) {
    return new WarcArchive.Original(URI.create("urn:uuid:6a1c0b0e-4b3c-4a57-9f4e-1c2d3e4f5a6" + record), url,
        Instant.parse("2026-12-06T10:15:30.123456789Z"));
  }

  private static WarcPosition position(String node, long offset) {
    return new WarcPosition("job-" + node + "-20261206101530000-00001.warc.gz", offset, offset / 10);
  }

  @Test
  void eachNodeHasItsOwnPositionAndANodeOpenedAgainResumesItsOwn() {
    String job = newJob();
    PostgresFrontier first = frontier(job, "node-1");
    CaptureIndex one = first.captures().orElseThrow();
    CaptureIndex two = open(job, "node-2");
    one.commitArchive(position("node-1", 4096), Map.of());
    assertEquals(WarcPosition.START, two.warcPosition(), "node 2 has written nothing");
    two.commitArchive(position("node-2", 9000), Map.of());
    assertEquals(position("node-1", 4096), one.warcPosition());
    assertEquals(position("node-2", 9000), two.warcPosition());

    first.abandon(); // killed, and started again under the same name
    assertEquals(position("node-1", 4096), open(job, "node-1").warcPosition());
  }

  @Test
  void theFirstCaptureOfAPayloadWinsWhicheverNodeCommitsItAgainAndEveryNodeFindsIt() {
    String job = newJob();
    CaptureIndex one = open(job, "node-1");
    CaptureIndex two = open(job, "node-2");
    one.commitArchive(position("node-1", 100), Map.of(DIGEST, original("http://a.example/", 1)));
    two.commitArchive(position("node-2", 200), Map.of(DIGEST, original("http://b.example/", 2),
        "sha1:BBBB", original("http://b.example/other", 3)));
    Map<String, WarcArchive.Original> expected = Map.of(DIGEST, original("http://a.example/", 1), "sha1:BBBB",
        original("http://b.example/other", 3));
    assertEquals(expected, one.originals(List.of(DIGEST, "sha1:BBBB", "sha1:CCCC")));
    assertEquals(expected, two.originals(List.of(DIGEST, "sha1:BBBB", DIGEST)));
  }

  @Test
  void aCommitWhosePositionCannotBeWrittenLeavesNoDigestBehind() {
    CaptureIndex index = create();
    index.commitArchive(position("node-1", 100), Map.of());
    WarcPosition unwritable = new WarcPosition("job-\u0000.warc.gz", 200, 20); // PostgreSQL text holds no NUL
    assertThrows(StoreException.class, () -> index.commitArchive(unwritable,
        Map.of(DIGEST, original("http://a.example/", 1))));
    assertEquals(Map.of(), index.originals(List.of(DIGEST)), "the digest was committed without its position");
    assertEquals(position("node-1", 100), index.warcPosition());
  }

  @Test
  void aBatchWhoseWriteFailsCommitsNothingAndItsFailureIsThrown() {
    CaptureIndex index = create();
    UncheckedIOException disk = new UncheckedIOException(new IOException("disk full"));
    UncheckedIOException thrown = assertThrows(UncheckedIOException.class, () -> index.archive(List.of(DIGEST),
        known -> {
          throw disk;
        }));
    assertSame(disk, thrown);
    assertEquals(Map.of(), index.originals(List.of(DIGEST)));
    assertEquals(WarcPosition.START, index.warcPosition());

    index.archive(List.of(DIGEST), known -> new CaptureIndex.Batch(position("node-1", 300),
        Map.of(DIGEST, original("http://a.example/", 1))));
    assertEquals(Map.of(DIGEST, original("http://a.example/", 1)), index.originals(List.of(DIGEST)));
    assertEquals(position("node-1", 300), index.warcPosition());
  }

  @Test
  void aNodeArchivingAPayloadAnotherNodeIsArchivingWaitsForItsCommitAndFindsItsCapture() throws Exception {
    String job = newJob();
    CaptureIndex one = open(job, "node-1");
    CaptureIndex two = open(job, "node-2");
    long key = new PostgresSchema(job).lockKey("digest " + DIGEST);
    CompletableFuture<Map<String, WarcArchive.Original>> secondSaw = new CompletableFuture<>();
    CompletableFuture<Void> second = new CompletableFuture<>();
    one.archive(List.of(DIGEST), known -> {
      assertEquals(Map.of(), known);
      // node 2 fetched the same payload meanwhile: its batch must wait for this one's commit
      CompletableFuture.runAsync(() -> two.archive(List.of(DIGEST), itsKnown -> {
        secondSaw.complete(itsKnown);
        return new CaptureIndex.Batch(position("node-2", 50), Map.of());
      })).whenComplete((done, failure) -> {
        if (failure != null) {
          second.completeExceptionally(failure);
        } else {
          second.complete(null);
        }
      });
      try {
        PostgresFrontierTest.awaitCondition(Duration.ofSeconds(10), () -> waitingForLock(key),
            "node 2 waits for the digest's lock");
      } catch (InterruptedException interrupted) {
        throw new IllegalStateException(interrupted);
      }
      assertFalse(secondSaw.isDone(), "node 2 looked the digest up before node 1 committed it");
      return new CaptureIndex.Batch(position("node-1", 100), Map.of(DIGEST, original("http://a.example/", 1)));
    });
    second.get(10, TimeUnit.SECONDS);
    assertEquals(Map.of(DIGEST, original("http://a.example/", 1)), secondSaw.get(), "node 2 writes a revisit");
    assertEquals(position("node-2", 50), two.warcPosition());
  }

  /** Whether a session waits for the advisory lock {@code key}. */
  private static boolean waitingForLock(long key) {
    PostgresSettings settings = TestPostgres.settings();
    try (Connection connection = DriverManager.getConnection(settings.url(), settings.user(), settings.password());
        PreparedStatement statement = connection.prepareStatement("""
            SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
              AND classid::int8 = ? AND objid::int8 = ? AND objsubid = 1""")) {
      statement.setLong(1, key >>> 32);
      statement.setLong(2, key & 0xFFFF_FFFFL);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1) > 0;
      }
    } catch (SQLException failed) {
      throw new IllegalStateException(failed);
    }
  }

  @Test
  void aNearCopyFiledByOneNodeIsFoundByAnother() {
    String job = newJob();
    CaptureIndex one = open(job, "node-1");
    CaptureIndex two = open(job, "node-2");
    String nearCopy = ARTICLE.replaceFirst("harbour", "lighthouse").replaceFirst("copper", "iron");
    one.nearDuplicates(List.of(new PageFingerprint("http://a.example/article", SimHash.of(ARTICLE))));
    assertEquals(List.of(Optional.of("http://a.example/article")), two.nearDuplicates(List.of(
        new PageFingerprint("http://b.example/copy", SimHash.of(nearCopy)))));
  }

  @Test
  void nodesFilingUnderOneBandValueAtOnceLoseNoPageAndTheBandStaysBounded() throws Exception {
    String job = newJob();
    CaptureIndex one = open(job, "node-1");
    CaptureIndex two = open(job, "node-2");
    long shared = 0x1234L; // the lowest band shared, every other band different: filed under one band value only
    List<Callable<Void>> filers = new ArrayList<>();
    int each = SimHashBands.ENTRIES_PER_BAND / 2; // together exactly what a band keeps: a lost update shows
    for (int node = 0; node < 2; node++) {
      CaptureIndex index = node == 0 ? one : two;
      int from = node * each;
      filers.add(() -> {
        for (int page = from; page < from + each; page++) {
          index.nearDuplicates(List.of(new PageFingerprint("http://a.example/" + page,
              shared | (0x0101_0101_0101_0000L * (page + 1)))));
        }
        return null;
      });
    }
    PostgresFrontierTest.runTogether(filers);
    List<SimHashBands.Entry> band = band(job, SimHashBands.keys(shared)[0]);
    assertEquals(SimHashBands.ENTRIES_PER_BAND, band.size(), band.toString());
    assertEquals(SimHashBands.ENTRIES_PER_BAND, band.stream().map(SimHashBands.Entry::url).distinct().count());

    one.nearDuplicates(List.of(new PageFingerprint("http://a.example/last", shared | 0x7F7F_7F7F_7F7F_0000L)));
    assertEquals(SimHashBands.ENTRIES_PER_BAND, band(job, SimHashBands.keys(shared)[0]).size(), "still bounded");
  }

  private static List<SimHashBands.Entry> band(String job, int key) throws SQLException {
    PostgresSettings settings = TestPostgres.settings();
    try (Connection connection = DriverManager.getConnection(settings.url(), settings.user(), settings.password());
        PreparedStatement statement = connection.prepareStatement("SELECT entries FROM \""
            + PostgresSchema.name(job) + "\".bands WHERE band = ?")) {
      statement.setInt(1, key);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? SimHashBands.decode(rows.getBytes(1)) : List.of();
      }
    }
  }

  @Test
  void aSchemaWrittenBeforeTheCaptureIndexGetsItsTablesWhenOpenedAgain() throws SQLException {
    String job = newJob();
    frontier(job, "node-1").close();
    PostgresSettings settings = TestPostgres.settings();
    try (Connection connection = DriverManager.getConnection(settings.url(), settings.user(), settings.password());
        PreparedStatement drop = connection.prepareStatement("DROP TABLE \"" + PostgresSchema.name(job)
            + "\".digests, \"" + PostgresSchema.name(job) + "\".bands, \"" + PostgresSchema.name(job)
            + "\".warc_positions")) {
      drop.execute();
    }
    CaptureIndex index = open(job, "node-1");
    assertEquals(WarcPosition.START, index.warcPosition());
    index.commitArchive(position("node-1", 100), Map.of(DIGEST, original("http://a.example/", 1)));
    assertEquals(Map.of(DIGEST, original("http://a.example/", 1)), index.originals(List.of(DIGEST)));
    assertEquals(List.of(Optional.empty()), index.nearDuplicates(List.of(
        new PageFingerprint("http://a.example/", SimHash.of(ARTICLE)))));
  }
}
