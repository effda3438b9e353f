package spindle.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.core.url.UrlNormalizer;

class RocksDbFrontierTest extends FrontierContract {
  private static final StoreSettings SMALL = new StoreSettings(4L << 20, 1L << 20, 2, 4L << 20, false,
      Duration.ofMinutes(1), 1, 1024);

  @TempDir
  Path temp;

  private final List<Frontier> opened = new ArrayList<>();
  private int stores;

  @Override
  Frontier create(FrontierLimits limits) {
    return open(temp.resolve("store-" + stores++), limits, Clock.systemUTC());
  }

  @Override
  Optional<Frontier> reopen(Frontier frontier) {
    RocksDbFrontier rocks = (RocksDbFrontier) frontier;
    rocks.close();
    RocksDbFrontier reopened = open(rocks.directory());
    assertConsistent(reopened);
    return Optional.of(reopened);
  }

  private RocksDbFrontier open(Path directory, FrontierLimits limits, Clock clock) {
    RocksDbFrontier frontier = RocksDbFrontier.open(directory, limits, UrlNormalizer::fingerprint, SMALL, clock);
    opened.add(frontier);
    return frontier;
  }

  private RocksDbFrontier open(Path directory) {
    return open(directory, FrontierLimits.NONE, Clock.systemUTC());
  }

  @AfterEach
  void closeEveryFrontier() {
    opened.forEach(Frontier::close); // idempotent: tests close some themselves
  }

  private static CrawlUrl at(HostKey host, String path, int depth) {
    return CrawlUrl.restore("http://" + host.name() + path, host, depth,
        depth == 0 ? Optional.empty() : Optional.of("http://" + host.name() + "/parent"), List.of());
  }

  private static List<String> paths(List<CrawlUrl> urls) {
    return urls.stream().map(url -> url.url().substring(url.url().indexOf('/', 8))).toList();
  }

  /** The invariant, and the counts in memory equal to what a full scan of the store finds. */
  static void assertConsistent(RocksDbFrontier frontier) {
    FrontierCounts counts = frontier.counts();
    assertEquals(counts.discovered(),
        counts.queued() + counts.leased() + counts.fetched() + counts.failed() + counts.redirected()
            + counts.scheduled(), counts.toString());
    RocksDbAudit audit = frontier.audit();
    assertEquals(counts.scheduled(), audit.scheduled(), "scheduled states");
    assertEquals(counts.scheduled(), audit.scheduleEntries(), "schedule entries");
    assertEquals(counts.scheduled(), audit.hostScheduleEntries(), "host schedule entries");
    assertEquals(counts.queued(), audit.queued(), "queued states");
    assertEquals(counts.queued(), audit.queueEntries(), "queue entries");
    assertEquals(counts.leased(), audit.leased(), "leased states");
    assertEquals(counts.leased(), audit.leaseEntries(), "lease entries");
    assertEquals(counts.fetched(), audit.fetched(), "fetched states");
    assertEquals(counts.failed(), audit.failed(), "failed states");
    assertEquals(counts.redirected(), audit.redirected(), "redirected states");
    assertEquals(audit.queueEntriesPerHost(), audit.storedQueuedPerHost(), "stored per-host counts");
    Map<HostKey, Long> inMemory = new HashMap<>();
    frontier.forEachHostWithWork(host -> inMemory.put(host, frontier.queued(host)));
    assertEquals(audit.queueEntriesPerHost(), inMemory, "per-host counts in memory");
    assertEquals(counts.queued(),
        frontier.busiestHosts(Integer.MAX_VALUE).stream().mapToLong(Frontier.HostCount::queued).sum());
    List<HostTally> tallies = frontier.hosts(HostOrder.HOST, Integer.MAX_VALUE);
    Map<HostKey, HostTally> talliesInMemory = new HashMap<>();
    tallies.forEach(tally -> talliesInMemory.put(tally.host(), tally));
    assertEquals(audit.storedTallies(), talliesInMemory, "per-host tallies in memory and on disk");
    assertEquals(tallies.size(), frontier.hostCount());
    tallies.forEach(tally -> assertEquals(frontier.queued(tally.host()), tally.queued(), tally.toString()));
    assertEquals(counts.fetched(), tallies.stream().mapToLong(HostTally::fetched).sum(), "fetched over all hosts");
    assertEquals(counts.failed(), tallies.stream().mapToLong(HostTally::failed).sum(), "failed over all hosts");
  }

  @Test
  void reopeningAfterCloseKeepsCountsQueuesSeenSetLimitsMetadataAndOutputLength() {
    Path directory = temp.resolve("store");
    try (RocksDbFrontier frontier = open(directory, new FrontierLimits(100, 3), Clock.systemUTC())) {
      frontier.add(List.of(url(A, "/1"), url(A, "/2"), url(B, "/1"), url(A, "/3"), url(A, "/4")));
      List<CrawlUrl> leased = frontier.lease(A, 1);
      frontier.complete(List.of(new Frontier.Completion(leased.get(0), false)), 4096);
      frontier.putMeta(RocksDbFrontier.JOB_FINGERPRINT, "job-1234");
    }
    try (RocksDbFrontier frontier = open(directory, new FrontierLimits(100, 3), Clock.systemUTC())) {
      assertEquals(new FrontierCounts(4, 3, 0, 1, 0, 0, 1), frontier.counts());
      assertEquals(4096, frontier.committedOutputBytes());
      assertEquals(Optional.of("job-1234"), frontier.meta(RocksDbFrontier.JOB_FINGERPRINT));
      assertEquals(Optional.empty(), frontier.meta("absent"));
      assertEquals(List.of(), frontier.add(List.of(url(A, "/1"), url(A, "/5"))), "seen, then over the host limit");
      assertEquals(List.of(url(B, "/2")), frontier.add(List.of(url(B, "/2"))));
      assertEquals(List.of("/2", "/3"), paths(frontier.lease(A, 10)));
      assertEquals(0, frontier.recoveredLeases());
      assertConsistent(frontier);
    }
  }

  @Test
  void talliesSurviveCloseAndReopen() {
    Path directory = temp.resolve("store");
    List<HostTally> before;
    try (RocksDbFrontier frontier = open(directory)) {
      frontier.add(urls(A, 5));
      frontier.add(urls(B, 2));
      finish(frontier, A, 3, 1);
      finish(frontier, B, 2, 2);
      before = frontier.hosts(HostOrder.HOST, 10);
      assertEquals(List.of(new HostTally(A, 2, 2, 1), new HostTally(B, 0, 0, 2)), before);
    }
    try (RocksDbFrontier frontier = open(directory)) {
      assertEquals(before, frontier.hosts(HostOrder.HOST, 10));
      assertEquals(new HostTally(B, 0, 0, 2), frontier.tally(B));
      assertEquals(2, frontier.hostCount());
      finish(frontier, A, 1, 0);
      assertEquals(new HostTally(A, 1, 3, 1), frontier.tally(A), "counting goes on from the stored tally");
      assertConsistent(frontier);
    }
  }

  @Test
  void aHostsEntryOfTheEarlierFormatDecodesWithNothingFetchedOrFailed() {
    // admitted 5; one lane: priority 1, 3 queued, head 7; nothing after it, as the earlier version wrote
    byte[] earlier = new ByteWriter(8).writeVarint(5).writeVarint(1).writeByte(1).writeVarint(3).writeVarint(7)
        .toByteArray();
    HostLanes lanes = HostLanes.decode(RocksDbSchema.bytes(A.name()), earlier);
    assertEquals(new HostTally(A, 3, 0, 0), lanes.tally());
    assertEquals(5, lanes.admitted());
    assertEquals(7, lanes.head(0));
    HostLanes counted = lanes.copy();
    counted.finish(false);
    counted.finish(true);
    counted.finish(true);
    HostLanes again = HostLanes.decode(counted.name(), counted.encode());
    assertEquals(new HostTally(A, 3, 1, 2), again.tally());
    assertEquals(5, again.admitted());
    assertEquals(1, again.priority(0));
    assertEquals(3, again.count(0));
    assertEquals(7, again.head(0));
  }

  @Test
  void aStoreWhoseHostsEntriesLackTalliesOpensAndCountsFromZero() throws RocksDBException {
    Path directory = temp.resolve("store");
    try (RocksDbFrontier frontier = open(directory)) {
      frontier.add(urls(A, 4));
      frontier.add(urls(B, 1));
      finish(frontier, A, 2, 1);
    }
    rewriteHostsInTheEarlierFormat(directory);
    try (RocksDbFrontier frontier = open(directory)) {
      assertEquals(new HostTally(A, 2, 0, 0), frontier.tally(A), "the earlier version did not count per host");
      assertEquals(new FrontierCounts(5, 3, 0, 1, 1, 0, 0), frontier.counts());
      finish(frontier, A, 2, 1);
      assertEquals(new HostTally(A, 0, 1, 1), frontier.tally(A));
      assertEquals(2, frontier.hostCount());
    }
    assertEquals(List.of(new HostTally(B, 1, 0, 0)), RocksDbFrontier.readStatus(directory).busiestHosts());
  }

  /** Rewrites every entry of the hosts column family as the version before per-host tallies wrote it. */
  private static void rewriteHostsInTheEarlierFormat(Path directory) throws RocksDBException {
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
    RocksDbSchema.FAMILIES.forEach(name -> descriptors.add(new ColumnFamilyDescriptor(name)));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions options = new DBOptions();
        RocksDB db = RocksDB.open(options, directory.toString(), descriptors, handles)) {
      try {
        ColumnFamilyHandle hosts = handles.get(1 + RocksDbSchema.FAMILIES.indexOf(RocksDbSchema.HOSTS));
        List<byte[][]> earlier = new ArrayList<>();
        try (RocksIterator it = db.newIterator(hosts)) {
          for (it.seekToFirst(); it.isValid(); it.next()) {
            HostLanes lanes = HostLanes.decode(it.key(), it.value());
            ByteWriter out = new ByteWriter(16).writeVarint(lanes.admitted()).writeVarint(lanes.lanes());
            for (int i = 0; i < lanes.lanes(); i++) {
              out.writeByte(lanes.priority(i)).writeVarint(lanes.count(i)).writeVarint(lanes.head(i));
            }
            earlier.add(new byte[][] {it.key(), out.toByteArray()});
          }
          it.status();
        }
        assertEquals(2, earlier.size());
        for (byte[][] entry : earlier) {
          db.put(hosts, entry[0], entry[1]);
        }
      } finally {
        handles.forEach(ColumnFamilyHandle::close); // before the database
      }
    }
  }

  @Test
  void aSeenUrlIsNotAdmittedAgainAfterReopenWhateverItsState() {
    Path directory = temp.resolve("store");
    try (RocksDbFrontier frontier = open(directory)) {
      frontier.add(List.of(url(A, "/queued"), url(A, "/fetched"), url(A, "/failed"), url(A, "/moved")));
      List<CrawlUrl> leased = frontier.lease(A, 3);
      frontier.complete(List.of(new Frontier.Completion(leased.get(1), false)), 0);
      frontier.complete(List.of(new Frontier.Completion(leased.get(2), true)), 0);
      frontier.redirect(leased.get(0), leased.get(0).redirectedTo("http://b.example:8080/target", B));
    }
    try (RocksDbFrontier frontier = open(directory)) {
      assertEquals(List.of(), frontier.add(List.of(url(A, "/queued"), url(A, "/fetched"), url(A, "/failed"),
          url(A, "/moved"), url(B, "/target"))));
      assertConsistent(frontier);
    }
  }

  @Test
  void leasesOrphanedByACrashGoBackToTheirQueueInTheirOriginalOrder() {
    Path directory = temp.resolve("store");
    RocksDbFrontier first = open(directory);
    first.add(List.of(url(A, "/1"), url(A, "/2"), url(A, "/3"), url(A, "/4"), url(B, "/1")));
    first.lease(A, 2);
    first.lease(B, 1);
    first.lease(A, 1);
    first.close(); // the process ends with three URLs leased and never completed
    try (RocksDbFrontier frontier = open(directory)) {
      assertEquals(4, frontier.recoveredLeases());
      assertEquals(new FrontierCounts(5, 5, 0, 0, 0, 0, 0), frontier.counts());
      assertEquals(List.of("/1", "/2", "/3", "/4"), paths(frontier.lease(A, 10)));
      assertEquals(List.of("/1"), paths(frontier.lease(B, 10)));
      assertConsistent(frontier);
    }
  }

  @Test
  void requeuedUrlsGoBackToTheirOriginalPositionsWhateverTheGivenOrder() {
    try (RocksDbFrontier frontier = open(temp.resolve("store"))) {
      frontier.add(List.of(url(A, "/1"), url(A, "/2"), url(A, "/3"), url(A, "/4")));
      List<CrawlUrl> first = frontier.lease(A, 2);
      List<CrawlUrl> second = frontier.lease(A, 1);
      frontier.requeue(List.of(second.get(0), first.get(1), first.get(0)));
      assertEquals(List.of("/1", "/2", "/3", "/4"), paths(frontier.lease(A, 10)));
      assertConsistent(frontier);
    }
  }

  @Test
  void leasesEachHostByDepthThenDiscovery() {
    try (RocksDbFrontier frontier = open(temp.resolve("store"))) {
      frontier.add(List.of(at(A, "/d2-first", 2), at(A, "/d1-first", 1), at(A, "/d300", 300), at(A, "/d0", 0),
          at(A, "/d2-second", 2), at(A, "/d255", 255), at(A, "/d1-second", 1)));
      assertEquals(List.of("/d0", "/d1-first"), paths(frontier.lease(A, 2)));
      frontier.add(List.of(at(A, "/d1-third", 1), at(A, "/d0-late", 0)));
      assertEquals(List.of("/d0-late", "/d1-second", "/d1-third", "/d2-first", "/d2-second", "/d300", "/d255"),
          paths(frontier.lease(A, 10)));
      assertConsistent(frontier);
    }
  }

  @Test
  void leasingSeeksPastTheTombstonesThatEarlierLeasesLeft() {
    try (RocksDbFrontier frontier = open(temp.resolve("store"))) {
      List<CrawlUrl> urls = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        urls.add(at(A, "/" + i, i % 3));
      }
      frontier.add(urls);
      for (int i = 0; i < 150; i++) {
        frontier.lease(A, 10);
      }
      List<CrawlUrl> early = frontier.lease(A, 10);
      assertEquals(0, frontier.tombstonesSkippedDuring(() -> frontier.lease(A, 10)));
      frontier.requeue(early); // the head moves back to them; only the ten tombstones after them are in the way
      assertTrue(frontier.tombstonesSkippedDuring(() -> frontier.lease(A, 20)) <= 10);
      assertConsistent(frontier);
    }
  }

  @Test
  void requeueExpiredLeasesPutsBackOnlyTheLeasesPastTheirDeadline() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    try (RocksDbFrontier frontier = open(temp.resolve("store"), FrontierLimits.NONE, clock)) {
      frontier.add(List.of(url(A, "/1"), url(A, "/2"), url(A, "/3")));
      frontier.lease(A, 1);
      clock.advance(Duration.ofSeconds(30));
      CrawlUrl later = frontier.lease(A, 1).get(0);
      Instant firstDeadline = Instant.parse("2026-01-01T00:01:00Z"); // SMALL leases for one minute
      assertEquals(0, frontier.requeueExpiredLeases(firstDeadline.minusMillis(1)));
      assertEquals(1, frontier.requeueExpiredLeases(firstDeadline));
      assertEquals(new FrontierCounts(3, 2, 1, 0, 0, 0, 0), frontier.counts());
      assertEquals(List.of("/1", "/3"), paths(frontier.lease(A, 2)), "back at its place, leased again");
      assertEquals(3, frontier.requeueExpiredLeases(firstDeadline.plusSeconds(30)), "all three leased at 00:00:30");
      frontier.complete(List.of(new Frontier.Completion(later, false)), 10);
      assertEquals(0, frontier.counts().fetched(), "a completion after the lease expired is ignored");
      assertConsistent(frontier);
    }
  }

  @Test
  void completingOrRedirectingAUrlThatIsNotLeasedChangesNothing() {
    try (RocksDbFrontier frontier = open(temp.resolve("store"))) {
      frontier.add(List.of(url(A, "/1"), url(A, "/2")));
      CrawlUrl leased = frontier.lease(A, 1).get(0);
      frontier.complete(List.of(new Frontier.Completion(leased, false), new Frontier.Completion(leased, true)), 5);
      frontier.complete(List.of(new Frontier.Completion(leased, true), new Frontier.Completion(url(A, "/2"), true)),
          9);
      assertFalse(frontier.redirect(url(A, "/2"), url(A, "/2").redirectedTo("http://a.example/3", A)));
      assertEquals(new FrontierCounts(2, 1, 0, 1, 0, 0, 0), frontier.counts());
      assertEquals(9, frontier.committedOutputBytes());
      assertConsistent(frontier);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 7, 42})
  void countsAddUpAndMatchTheDataAfterEveryOperationOfARandomSequence(long seed) {
    Random random = new Random(seed);
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    Path directory = temp.resolve("store");
    FrontierLimits limits = new FrontierLimits(400, 90);
    HostKey[] hostKeys = {A, B, HostKey.of("c.example", -1), HostKey.of("d.example", 8443)};
    RocksDbFrontier frontier = open(directory, limits, clock);
    List<CrawlUrl> held = new ArrayList<>();
    long output = 0;
    for (int step = 0; step < 300; step++) {
      int operation = random.nextInt(100);
      if (operation < 30) {
        List<CrawlUrl> batch = new ArrayList<>();
        for (int i = random.nextInt(20); i >= 0; i--) {
          batch.add(at(hostKeys[random.nextInt(hostKeys.length)], "/" + random.nextInt(300), random.nextInt(4)));
        }
        frontier.add(batch);
      } else if (operation < 55) {
        held.addAll(frontier.lease(hostKeys[random.nextInt(hostKeys.length)], 1 + random.nextInt(8)));
      } else if (operation < 75 && !held.isEmpty()) {
        List<Frontier.Completion> done = new ArrayList<>();
        for (int i = random.nextInt(held.size()); i >= 0; i--) {
          done.add(new Frontier.Completion(held.remove(random.nextInt(held.size())), random.nextBoolean()));
        }
        frontier.complete(done, output += 100);
      } else if (operation < 82 && !held.isEmpty()) {
        List<CrawlUrl> back = new ArrayList<>();
        for (int i = random.nextInt(held.size()); i >= 0; i--) {
          back.add(held.remove(random.nextInt(held.size())));
        }
        frontier.requeue(back);
      } else if (operation < 90 && !held.isEmpty()) {
        CrawlUrl source = held.get(random.nextInt(held.size()));
        HostKey targetHost = hostKeys[random.nextInt(hostKeys.length)];
        if (frontier.redirect(source, source.redirectedTo("http://" + targetHost.name() + "/r" + random.nextInt(300),
            targetHost))) {
          held.remove(source);
        }
      } else if (operation < 93) {
        frontier.close();
        frontier = open(directory, limits, clock);
        assertEquals(held.size(), frontier.recoveredLeases());
        held.clear();
      } else {
        clock.advance(Duration.ofSeconds(random.nextInt(90)));
        frontier.requeueExpiredLeases(clock.instant());
        held.clear(); // expired or not, a held URL may be requeued: forget them (completions would be ignored)
        frontier.requeueExpiredLeases(clock.instant().plus(Duration.ofHours(1)));
      }
      assertConsistent(frontier);
    }
    FrontierCounts counts = frontier.counts();
    assertTrue(counts.discovered() > 100 && counts.fetched() > 0 && counts.failed() > 0 && counts.redirected() > 0
        && counts.rejected() > 0, "every operation happened: " + counts);
    frontier.close();
  }

  @Test
  void readStatusShowsCountsBusiestHostsAndMetadataOfAClosedStore() {
    Path directory = temp.resolve("store");
    try (RocksDbFrontier frontier = open(directory)) {
      frontier.add(List.of(url(A, "/1"), url(B, "/1"), url(B, "/2"), url(B, "/3")));
      frontier.lease(A, 1);
      frontier.complete(List.of(new Frontier.Completion(frontier.lease(B, 1).get(0), true)), 77);
      frontier.putMeta("seeds", "2");
    }
    FrontierStatus status = RocksDbFrontier.readStatus(directory, 1);
    assertEquals(new FrontierCounts(4, 2, 1, 0, 1, 0, 0), status.counts(),
        "the lease is still on disk: the next open recovers it, reading does not");
    assertEquals(77, status.committedOutputBytes());
    assertEquals(1, status.hostsWithWork());
    assertEquals(List.of(new HostTally(B, 2, 0, 1)), status.busiestHosts());
    assertEquals(Map.of("seeds", "2"), status.metadata());
  }

  @Test
  void readStatusSeesTheLatestWritesOfAStoreThatIsOpen() throws IOException {
    Path directory = temp.resolve("store");
    try (RocksDbFrontier frontier = open(directory)) {
      frontier.add(List.of(url(A, "/1"), url(A, "/2")));
      frontier.lease(A, 1);
      FrontierStatus status = RocksDbFrontier.readStatus(directory);
      assertEquals(frontier.counts(), status.counts());
      try (java.util.stream.Stream<Path> files = Files.list(directory)) {
        assertEquals(List.of(), files.filter(file -> file.getFileName().toString().startsWith("LOG.old")).toList(),
            "the read-only open leaves the store's log alone");
      }
      assertEquals(List.of(new HostTally(A, 1, 0, 0)), status.busiestHosts());
      assertEquals(List.of("/2"), paths(frontier.lease(A, 1)), "reading leaves the open store alone");
    }
  }

  @Test
  void readStatusRejectsDirectoriesThatAreNotStores() throws IOException, RocksDBException {
    Path missing = temp.resolve("missing");
    Path file = Files.writeString(temp.resolve("file.txt"), "hello");
    Path empty = Files.createDirectory(temp.resolve("empty"));
    Path other = Files.createDirectory(temp.resolve("other"));
    Files.writeString(other.resolve("notes.txt"), "mine");
    Path foreign = temp.resolve("foreign");
    RocksDB.loadLibrary();
    try (Options options = new Options().setCreateIfMissing(true);
        RocksDB db = RocksDB.open(options, foreign.toString())) {
      db.put(new byte[] {1}, new byte[] {2});
    }
    Map<Path, String> reasons = Map.of(missing, "no such directory", file, "not a directory", empty,
        "no RocksDB CURRENT file", other, "other files", foreign, "without the column family");
    reasons.forEach((directory, reason) -> {
      NotAStoreException thrown = assertThrows(NotAStoreException.class, () -> RocksDbFrontier.readStatus(directory));
      assertTrue(thrown.getMessage().startsWith(directory + ": not a Spindle store ("), thrown.getMessage());
      assertTrue(thrown.getMessage().contains(reason), thrown.getMessage());
      assertFalse(thrown.getMessage().contains("\n"));
    });
    assertThrows(NotAStoreException.class, () -> open(other), "open does not write among other files");
    assertThrows(NotAStoreException.class, () -> open(foreign), "nor into another program's database");
  }

  @Test
  void closeIsIdempotentAndLaterMutationsThrowWhileCountsStayReadable() {
    RocksDbFrontier frontier = open(temp.resolve("store"));
    frontier.add(List.of(url(A, "/1")));
    frontier.close();
    frontier.close();
    assertEquals(1, frontier.counts().queued());
    assertEquals(1, frontier.queued(A));
    assertThrows(IllegalStateException.class, () -> frontier.add(List.of(url(A, "/2"))));
    assertThrows(IllegalStateException.class, () -> frontier.lease(A, 1));
    assertThrows(IllegalStateException.class, () -> frontier.meta("x"));
  }

  @Test
  void aSecondOpenOfTheSameStoreFailsWithAStoreException() {
    Path directory = temp.resolve("store");
    try (RocksDbFrontier frontier = open(directory)) {
      StoreException thrown = assertThrows(StoreException.class, () -> open(directory));
      assertTrue(thrown.getMessage().startsWith(directory + ": cannot open the store"), thrown.getMessage());
    }
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
