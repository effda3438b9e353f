package spindle.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.core.SettingsException;
import spindle.core.url.UrlNormalizer;

class PostgresFrontierTest extends FrontierContract {
  private final List<PostgresFrontier> opened = new ArrayList<>();
  private final Set<String> jobs = new HashSet<>();

  @BeforeAll
  static void requireServer() {
    TestPostgres.requireServer();
  }

  private final java.util.Map<Frontier, String> jobOf = new java.util.IdentityHashMap<>();

  @Override
  Frontier create(FrontierLimits limits) {
    String job = newJob();
    PostgresFrontier frontier = open(job, "node-1", limits);
    jobOf.put(frontier, job);
    return frontier;
  }

  /** {@inheritDoc} The same job's schema, opened again by the same node after a close. */
  @Override
  Optional<Frontier> reopen(Frontier frontier) {
    frontier.close();
    return Optional.of(open(jobOf.get(frontier), "node-1"));
  }

  private String newJob() {
    String job = TestPostgres.newJob("test");
    jobs.add(job);
    return job;
  }

  private PostgresFrontier open(String job, String node, FrontierLimits limits) {
    return open(job, node, node + "#" + UUID.randomUUID(), limits);
  }

  private PostgresFrontier open(String job, String node, String owner, FrontierLimits limits) {
    PostgresFrontier frontier = PostgresFrontier.open(TestPostgres.settings(), job, node, owner, limits,
        UrlNormalizer::fingerprint);
    opened.add(frontier);
    return frontier;
  }

  private PostgresFrontier open(String job, String node) {
    return open(job, node, FrontierLimits.NONE);
  }

  @AfterEach
  void closeEveryFrontierAndDropItsJob() {
    opened.forEach(PostgresFrontier::close); // idempotent: tests close some themselves
    jobs.forEach(job -> PostgresFrontier.drop(TestPostgres.settings(), job));
  }

  private static CrawlUrl at(HostKey host, String path, int depth) {
    return CrawlUrl.restore("http://" + host.name() + path, host, depth,
        depth == 0 ? Optional.empty() : Optional.of("http://" + host.name() + "/parent"), List.of());
  }

  private static void assertCountsAddUp(FrontierCounts counts) {
    assertEquals(counts.discovered(),
        counts.queued() + counts.leased() + counts.fetched() + counts.failed() + counts.redirected(), counts.toString());
  }

  /** The counts (read after the last write of {@code frontier}) equal what a scan of the tables finds. */
  static void assertCountsMatchTheData(PostgresFrontier frontier) throws SQLException {
    FrontierCounts counts = frontier.counts();
    assertCountsAddUp(counts);
    Map<Integer, Long> states = new HashMap<>();
    long queuedInHosts;
    try (Connection connection = connect();
        PreparedStatement byState = connection.prepareStatement(
            "SELECT state, count(*) FROM \"" + frontier.schema() + "\".urls GROUP BY state");
        PreparedStatement hostSum = connection.prepareStatement(
            "SELECT coalesce(sum(queued), 0) FROM \"" + frontier.schema() + "\".hosts")) {
      try (ResultSet rows = byState.executeQuery()) {
        while (rows.next()) {
          states.put(rows.getInt(1), rows.getLong(2));
        }
      }
      try (ResultSet rows = hostSum.executeQuery()) {
        rows.next();
        queuedInHosts = rows.getLong(1);
      }
    }
    assertEquals(counts.queued(), states.getOrDefault(0, 0L), "queued");
    assertEquals(counts.leased(), states.getOrDefault(1, 0L), "leased");
    assertEquals(counts.fetched(), states.getOrDefault(2, 0L), "fetched");
    assertEquals(counts.failed(), states.getOrDefault(3, 0L), "failed");
    assertEquals(counts.redirected(), states.getOrDefault(4, 0L), "redirected");
    assertEquals(counts.queued(), queuedInHosts, "queued in the hosts' rows");
  }

  private static Connection connect() throws SQLException {
    PostgresSettings settings = TestPostgres.settings();
    return DriverManager.getConnection(settings.url(), settings.user(), settings.password());
  }

  private static void execute(String sql, String argument) throws SQLException {
    try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, argument);
      statement.executeUpdate();
    }
  }

  private static void execute(String sql) throws SQLException {
    try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.executeUpdate();
    }
  }

  /** Runs the tasks on their own threads and returns their results, failing on the first failure. */
  static <T> List<T> runTogether(List<Callable<T>> tasks) throws InterruptedException, ExecutionException {
    ExecutorService threads = Executors.newFixedThreadPool(tasks.size());
    try {
      List<T> results = new ArrayList<>();
      for (Future<T> future : threads.invokeAll(tasks, 30, TimeUnit.SECONDS)) {
        results.add(future.get()); // done already: invokeAll returns when every task has finished or timed out
      }
      return results;
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * Waits until {@code condition}, which a background daemon makes true, holds: it is checked every 20 ms on a
   * scheduler, and the test waits for the check that finds it true, at most {@code timeout}.
   */
  static void awaitCondition(Duration timeout, BooleanSupplier condition, String what)
      throws InterruptedException {
    CompletableFuture<Void> met = new CompletableFuture<>();
    ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor();
    checks.scheduleWithFixedDelay(() -> {
      try {
        if (condition.getAsBoolean()) {
          met.complete(null);
        }
      } catch (RuntimeException failed) {
        met.completeExceptionally(failed);
      }
    }, 0, 20, TimeUnit.MILLISECONDS);
    try {
      met.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException late) {
      throw new AssertionError("timed out after " + timeout + " waiting until " + what);
    } catch (ExecutionException failed) {
      throw new AssertionError("checking whether " + what + " failed", failed.getCause());
    } finally {
      checks.shutdownNow();
    }
  }

  @Test
  void aUrlAddedByTwoNodesIsAdmittedOnce() {
    String job = newJob();
    PostgresFrontier one = open(job, "node-1");
    PostgresFrontier two = open(job, "node-2");
    assertEquals(List.of(url(A, "/1"), url(A, "/2")), one.add(List.of(url(A, "/1"), url(A, "/2"))));
    assertEquals(List.of(url(B, "/3")), two.add(List.of(url(A, "/2"), url(B, "/3"), url(A, "/1"))));
    assertEquals(3, two.counts().discovered());
    assertEquals(2, two.queued(A));
    assertEquals(2, two.hostCount());
  }

  @Test
  void theFirstServerRecordedForAHostIsTheOneEveryNodeGets() {
    String job = newJob();
    PostgresFrontier one = open(job, "node-1");
    PostgresFrontier two = open(job, "node-2");
    HostKey host = HostKey.parse("www.example.com");
    assertEquals(Optional.empty(), two.recordedServer(host));
    assertEquals("192.0.2.1", one.recordServer(host, "192.0.2.1"));
    // another node's lookup answered otherwise (round robin): it gets the first answer, for the whole crawl
    assertEquals("192.0.2.1", two.recordServer(host, "192.0.2.2"));
    assertEquals(Optional.of("192.0.2.1"), two.recordedServer(host));
    assertEquals("192.0.2.9", two.recordServer(HostKey.parse("other.example.com"), "192.0.2.9"));
  }

  @Test
  void aNodeWhoseSeedsAnotherNodeAdmittedFirstSeesThemCountedWhenItsAddReturns() {
    String job = newJob();
    PostgresFrontier joiner = open(job, "node-2"); // opened first: its snapshot says nothing was discovered
    PostgresFrontier first = open(job, "node-1");
    first.add(List.of(url(A, "/"), url(B, "/")));
    assertEquals(List.of(), joiner.add(List.of(url(A, "/"), url(B, "/")))); // the same seeds: nothing new
    // a crawl that added its seeds and then saw "idle" here would end at once and strand its shards' hosts
    assertEquals(2, joiner.counts().queued());
    assertFalse(joiner.counts().idle());
  }

  @Test
  void concurrentAddsFromSeveralNodesAdmitEachUrlOnceAndTheCountsMatchTheData() throws Exception {
    String job = newJob();
    List<PostgresFrontier> nodes = List.of(open(job, "node-1"), open(job, "node-2"), open(job, "node-3"));
    List<CrawlUrl> all = new ArrayList<>();
    for (int host = 0; host < 20; host++) {
      all.addAll(urls(HostKey.of("h" + host + ".example", -1), 100));
    }
    List<Callable<List<CrawlUrl>>> tasks = new ArrayList<>();
    for (int thread = 0; thread < 6; thread++) {
      PostgresFrontier frontier = nodes.get(thread % nodes.size());
      List<CrawlUrl> mine = new ArrayList<>(all);
      Collections.shuffle(mine, new Random(thread));
      tasks.add(() -> {
        List<CrawlUrl> accepted = new ArrayList<>();
        for (int from = 0; from < mine.size(); from += 50) {
          accepted.addAll(frontier.add(mine.subList(from, from + 50)));
        }
        return accepted;
      });
    }
    List<CrawlUrl> accepted = runTogether(tasks).stream().flatMap(List::stream).toList();
    assertEquals(all.size(), accepted.size(), "every URL admitted by exactly one of the six writers");
    assertEquals(all.size(), new HashSet<>(accepted).size());
    PostgresFrontier reader = nodes.get(0);
    reader.add(List.of(url(A, "/refresh"))); // a write of this node: its counts are read after every other commit
    assertEquals(all.size() + 1, reader.counts().discovered());
    assertCountsMatchTheData(reader);
  }

  @Test
  void concurrentAddsFromSeveralNodesKeepThePageLimitsExact() throws Exception {
    String job = newJob();
    FrontierLimits limits = new FrontierLimits(500, 30);
    List<PostgresFrontier> nodes = List.of(open(job, "node-1", limits), open(job, "node-2", limits));
    List<CrawlUrl> all = new ArrayList<>();
    for (int host = 0; host < 20; host++) {
      all.addAll(urls(HostKey.of("h" + host + ".example", -1), 40)); // 800 candidates, 600 within the host limit
    }
    List<Callable<List<CrawlUrl>>> tasks = new ArrayList<>();
    for (int thread = 0; thread < 4; thread++) {
      PostgresFrontier frontier = nodes.get(thread % nodes.size());
      List<CrawlUrl> mine = new ArrayList<>(all);
      Collections.shuffle(mine, new Random(thread));
      tasks.add(() -> {
        List<CrawlUrl> accepted = new ArrayList<>();
        for (int from = 0; from < mine.size(); from += 40) {
          accepted.addAll(frontier.add(mine.subList(from, from + 40)));
        }
        return accepted;
      });
    }
    List<CrawlUrl> accepted = runTogether(tasks).stream().flatMap(List::stream).toList();
    assertEquals(500, accepted.size());
    Map<HostKey, Integer> perHost = new HashMap<>();
    accepted.forEach(url -> perHost.merge(url.host(), 1, Integer::sum));
    perHost.forEach((host, count) -> assertTrue(count <= 30, host + " admitted " + count));
    PostgresFrontier reader = nodes.get(0);
    reader.add(List.of(url(A, "/over-the-limit")));
    assertEquals(500, reader.counts().discovered());
    assertCountsMatchTheData(reader);
  }

  @Test
  void concurrentLeasesOfOneHostFromTwoNodesNeverHandAUrlOutTwice() throws Exception {
    String job = newJob();
    PostgresFrontier one = open(job, "node-1");
    PostgresFrontier two = open(job, "node-2");
    one.add(urls(A, 1000));
    List<Callable<List<CrawlUrl>>> tasks = new ArrayList<>();
    for (PostgresFrontier frontier : List.of(one, two, one, two)) {
      tasks.add(() -> {
        List<CrawlUrl> leased = new ArrayList<>();
        for (List<CrawlUrl> batch = frontier.lease(A, 7); !batch.isEmpty(); batch = frontier.lease(A, 7)) {
          leased.addAll(batch);
        }
        return leased;
      });
    }
    List<CrawlUrl> leased = runTogether(tasks).stream().flatMap(List::stream).toList();
    assertEquals(1000, leased.size());
    assertEquals(1000, new HashSet<>(leased).size(), "no URL leased twice");
    assertEquals(0, one.queued(A));
    one.add(List.of(url(B, "/refresh")));
    assertEquals(1000, one.counts().leased(), "a snapshot read after every lease committed");
    assertCountsMatchTheData(one);
  }

  @Test
  void theLeasesOfADeadOwnerComeBackToTheirHostsAndTheJobCanFinish() throws SQLException {
    String job = newJob();
    PostgresFrontier survivor = open(job, "node-1");
    PostgresFrontier dead = open(job, "node-2", "node-2#first", FrontierLimits.NONE);
    survivor.add(urls(A, 5));
    survivor.add(urls(B, 4));
    List<CrawlUrl> leasedA = dead.lease(A, 3);
    dead.lease(B, 2);
    dead.abandon(); // as kill -9: its leases stay recorded under its owner

    assertEquals(List.of(A, B), survivor.requeueLeasesOf("node-2#first"));
    assertEquals(List.of(), survivor.requeueLeasesOf("node-2#first"), "idempotent");
    assertEquals(leasedA, survivor.lease(A, 3), "back at their original positions");
    finish(survivor, A, 2, 0);
    survivor.complete(leasedA.stream().map(url -> new Frontier.Completion(url, false)).toList(), 0);
    finish(survivor, B, 4, 1);
    FrontierCounts counts = survivor.counts();
    assertTrue(counts.idle(), counts.toString());
    assertEquals(new FrontierCounts(9, 0, 0, 8, 1, 0, 0), counts);
    assertCountsMatchTheData(survivor);
  }

  @Test
  void theLeasesOfSilentOwnersComeBackAndLiveOwnersKeepTheirs() throws Exception {
    String job = newJob();
    PostgresFrontier reaper = open(job, "node-1");
    PostgresFrontier silent = open(job, "node-2", "node-2#old", FrontierLimits.NONE);
    PostgresFrontier alive = PostgresFrontier.open(TestPostgres.settings(), job, "node-3", "node-3#now",
        FrontierLimits.NONE, UrlNormalizer::fingerprint, Duration.ofMillis(50));
    opened.add(alive);
    reaper.add(urls(A, 4));
    reaper.add(urls(B, 4));
    silent.lease(A, 2);
    alive.lease(B, 3);
    silent.abandon();
    String owners = "\"" + reaper.schema() + "\".owners";
    execute("UPDATE " + owners + " SET heartbeat = heartbeat - interval '1 hour' WHERE owner LIKE ?", "node-%");
    // the live owner's daemon heartbeats again within 50 ms; the silent one never will
    awaitCondition(Duration.ofSeconds(5), () -> heartbeatAgeSeconds(owners, "node-3#now") < 60,
        "node-3 heartbeats again");

    assertEquals(List.of(A), reaper.requeueLeasesOfSilentOwners(Duration.ofMinutes(1)));
    assertEquals(List.of(), reaper.requeueLeasesOfSilentOwners(Duration.ofMinutes(1)), "the owner is forgotten");
    assertEquals(4, reaper.queued(A), "node-2's two leases are back");
    reaper.add(List.of(url(A, "/refresh")));
    assertEquals(3, reaper.counts().leased(), "node-3's leases stay");
    assertCountsMatchTheData(reaper);
  }

  private static double heartbeatAgeSeconds(String owners, String owner) {
    try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(
        "SELECT extract(epoch FROM clock_timestamp() - heartbeat) FROM " + owners + " WHERE owner = ?")) {
      statement.setString(1, owner);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getDouble(1) : Double.MAX_VALUE;
      }
    } catch (SQLException failure) {
      throw new AssertionError(failure);
    }
  }

  @Test
  void theCommittedOutputLengthIsPerNodeAndSurvivesARestart() {
    String job = newJob();
    PostgresFrontier one = open(job, "node-1");
    PostgresFrontier two = open(job, "node-2");
    one.add(urls(A, 2));
    List<CrawlUrl> leased = one.lease(A, 1);
    one.complete(List.of(new Frontier.Completion(leased.get(0), false)), 100);
    two.complete(List.of(), 7);
    assertEquals(100, one.committedOutputBytes());
    assertEquals(7, two.committedOutputBytes());
    one.close();
    assertEquals(100, open(job, "node-1").committedOutputBytes());
    assertEquals(0, open(job, "node-3").committedOutputBytes());
  }

  @Test
  void reopeningWithTheSameNodeNameRequeuesTheLeasesOfItsEarlierIncarnation() throws SQLException {
    String job = newJob();
    PostgresFrontier first = open(job, "node-1", "node-1#first", FrontierLimits.NONE);
    PostgresFrontier other = open(job, "node-2");
    first.add(List.of(at(A, "/1", 0), at(A, "/2", 1), at(A, "/3", 2), at(A, "/4", 2)));
    List<CrawlUrl> leased = first.lease(A, 3);
    other.lease(A, 1);
    first.abandon();

    PostgresFrontier second = open(job, "node-1", "node-1#second", FrontierLimits.NONE);
    assertEquals(3, second.recoveredLeases());
    assertEquals(new FrontierCounts(4, 3, 1, 0, 0, 0, 0), second.counts(), "node-2's lease is not touched");
    assertEquals(leased, second.lease(A, 5), "in their original order, with depth and parent");
    assertEquals(0, open(job, "node-3").recoveredLeases());
    assertCountsMatchTheData(second);
  }

  @Test
  void countsAfterAnAddReflectItAndOtherNodesSeeItWithinAMoment() throws InterruptedException {
    String job = newJob();
    PostgresFrontier writer = open(job, "node-1");
    PostgresFrontier watcher = open(job, "node-2");
    assertTrue(watcher.counts().idle());
    writer.add(urls(A, 3));
    assertEquals(new FrontierCounts(3, 3, 0, 0, 0, 0, 0), writer.counts());
    assertFalse(writer.counts().idle());
    awaitCondition(Duration.ofSeconds(5), () -> watcher.counts().discovered() == 3,
        "the watcher's background refresh sees the writer's URLs");
  }

  @Test
  void anAddWithDuplicatesInsideItAndAcrossAddsAdmitsEachUrlOnceInOrder() throws SQLException {
    String job = newJob();
    PostgresFrontier frontier = open(job, "node-1");
    assertEquals(List.of(url(A, "/1"), url(A, "/2"), url(B, "/1")),
        frontier.add(List.of(url(A, "/1"), url(A, "/2"), url(A, "/1"), url(B, "/1"), url(A, "/2"))));
    assertEquals(List.of(url(A, "/3")), frontier.add(List.of(url(B, "/1"), url(A, "/3"), url(A, "/3"), url(A, "/1"))));
    assertEquals(new FrontierCounts(4, 4, 0, 0, 0, 0, 0), frontier.counts());
    assertEquals(3, frontier.queued(A));
    assertCountsMatchTheData(frontier);
  }

  @Test
  void countsAfterALeaseAndACompletionReflectThemAndMatchTheData() throws SQLException {
    String job = newJob();
    PostgresFrontier frontier = open(job, "node-1");
    frontier.add(urls(A, 5));
    List<CrawlUrl> leased = frontier.lease(A, 3);
    assertEquals(new FrontierCounts(5, 2, 3, 0, 0, 0, 0), frontier.counts());
    assertCountsMatchTheData(frontier);
    frontier.complete(List.of(new Frontier.Completion(leased.get(0), false, Optional.empty()),
        new Frontier.Completion(leased.get(1), true, Optional.empty()),
        new Frontier.Completion(leased.get(0), false, Optional.empty())), 42);
    assertEquals(new FrontierCounts(5, 2, 1, 1, 1, 0, 0), frontier.counts());
    assertEquals(42, frontier.committedOutputBytes());
    assertEquals(new HostTally(A, 2, 1, 1), frontier.tally(A));
    assertCountsMatchTheData(frontier);
  }

  @Test
  void aCompletionThatFailsChangesNothingAndLosesNoUrl() throws SQLException {
    String job = newJob();
    PostgresFrontier frontier = open(job, "node-1");
    frontier.add(urls(A, 3));
    List<CrawlUrl> leased = frontier.lease(A, 3);
    List<Frontier.Completion> completions = leased.stream()
        .map(url -> new Frontier.Completion(url, false, Optional.empty())).toList();
    String outputs = "\"" + frontier.schema() + "\".outputs";
    execute("ALTER TABLE " + outputs + " RENAME TO outputs_away");
    try {
      assertThrows(StoreException.class, () -> frontier.complete(completions, 100));
    } finally {
      execute("ALTER TABLE \"" + frontier.schema() + "\".outputs_away RENAME TO outputs");
    }
    assertEquals(0, frontier.committedOutputBytes());
    assertEquals(new FrontierCounts(3, 0, 3, 0, 0, 0, 0), frontier.counts());
    assertCountsMatchTheData(frontier); // the URLs are still leased: a requeue or a retry finds them
    frontier.complete(completions, 100);
    assertEquals(new FrontierCounts(3, 0, 0, 3, 0, 0, 0), frontier.counts());
    assertEquals(100, frontier.committedOutputBytes());
    assertCountsMatchTheData(frontier);
  }

  @Test
  void closeRequeuesTheOwnersLeasesAndLaterCallsThrowWhileCountsStayReadable() {
    String job = newJob();
    PostgresFrontier frontier = open(job, "node-1");
    frontier.add(urls(A, 3));
    List<CrawlUrl> leased = frontier.lease(A, 2);
    frontier.close();
    frontier.close();
    assertEquals(new FrontierCounts(3, 3, 0, 0, 0, 0, 0), frontier.counts());
    assertThrows(IllegalStateException.class, () -> frontier.lease(A, 1));
    assertThrows(IllegalStateException.class, () -> frontier.add(urls(B, 1)));
    PostgresFrontier next = open(job, "node-1");
    assertEquals(0, next.recoveredLeases(), "close requeued them already");
    assertEquals(leased, next.lease(A, 2));
  }

  @Test
  void leasesEachHostByDepthThenDiscoveryAndReturnsEqualUrls() {
    try (Frontier frontier = create(FrontierLimits.NONE)) {
      CrawlUrl redirected = at(A, "/r", 1).redirectedTo("http://a.example/target", A);
      frontier.add(List.of(at(A, "/deep", 3), at(A, "/1", 1), at(A, "/seed", 0), redirected, at(A, "/2", 1)));
      List<CrawlUrl> leased = frontier.lease(A, 10);
      assertEquals(List.of(at(A, "/seed", 0), at(A, "/1", 1), redirected, at(A, "/2", 1), at(A, "/deep", 3)),
          leased);
      assertEquals(List.of("http://a.example/r"), leased.get(2).redirects());
    }
  }

  @Test
  void metadataIsKeptPerJobAndDropDeletesTheJob() {
    String job = newJob();
    PostgresFrontier frontier = open(job, "node-1");
    assertEquals(Optional.empty(), frontier.meta(PostgresFrontier.JOB_FINGERPRINT));
    frontier.putMeta(PostgresFrontier.JOB_FINGERPRINT, "abc");
    frontier.putMeta(PostgresFrontier.JOB_FINGERPRINT, "def");
    assertEquals(Optional.of("def"), open(job, "node-2").meta(PostgresFrontier.JOB_FINGERPRINT));
    assertEquals(Optional.empty(), open(newJob(), "node-1").meta(PostgresFrontier.JOB_FINGERPRINT));
    assertThrows(IllegalArgumentException.class, () -> frontier.putMeta("", "x"));
    assertTrue(PostgresFrontier.exists(TestPostgres.settings(), job));
    opened.forEach(PostgresFrontier::close);
    PostgresFrontier.drop(TestPostgres.settings(), job);
    assertFalse(PostgresFrontier.exists(TestPostgres.settings(), job));
  }

  @Test
  void jobNamesMapToDistinctSanitisedSchemas() {
    String schema = PostgresFrontier.schemaName("My Crawl/2026");
    assertTrue(schema.matches("spindle_my_crawl_2026_[0-9a-f]{8}"), schema);
    assertNotEquals(schema, PostgresFrontier.schemaName("my crawl_2026"));
    assertTrue(PostgresFrontier.schemaName("x".repeat(200)).length() <= 63);
  }

  @Test
  void anUnreachableServerIsAOneLineStoreExceptionNamingItsUrl() {
    PostgresSettings nowhere = new PostgresSettings("jdbc:postgresql://127.0.0.1:1/spindle?password=secret",
        "spindle", "spindle", 2);
    StoreException failure = assertThrows(StoreException.class, () -> PostgresFrontier.open(nowhere, newJob(),
        "node-1", "node-1#1", FrontierLimits.NONE, UrlNormalizer::fingerprint));
    assertTrue(failure.getMessage().startsWith("jdbc:postgresql://127.0.0.1:1/spindle: cannot connect"),
        failure.getMessage());
    assertFalse(failure.getMessage().contains("\n"), failure.getMessage());
    assertFalse(failure.getMessage().contains("secret"), failure.getMessage());
    assertThrows(StoreException.class, () -> PostgresFrontier.exists(nowhere, "job"));
  }

  @Test
  void settingsRejectAnotherDatabasesUrlAndAnEmptyPoolNamingTheKey() {
    SettingsException url = assertThrows(SettingsException.class,
        () -> new PostgresSettings("jdbc:mysql://localhost/spindle", "u", "p", 1));
    assertEquals("spindle.store.postgres.url", url.key());
    SettingsException pool = assertThrows(SettingsException.class,
        () -> new PostgresSettings("jdbc:postgresql://localhost/spindle", "u", "p", 0));
    assertEquals("spindle.store.postgres.pool-size", pool.key());
    assertFalse(new PostgresSettings("jdbc:postgresql://h/d?password=secret", "u", "secret", 1).toString()
        .contains("secret"));
  }
}
