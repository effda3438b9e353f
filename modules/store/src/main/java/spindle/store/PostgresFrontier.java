package spindle.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;

/**
 * The {@link Frontier} of a crawl shared by several crawler nodes (processes), kept in PostgreSQL. Each node opens
 * it with its stable node name and a per-start owner id; any node may add, complete and redirect URLs of any host,
 * and leases the hosts it owns (cluster sharding decides which; this class does not check it).
 *
 * <h2>Tables, and who does what</h2>
 * One schema per job, its tables described in {@link PostgresSchema}. The work is split by concern: the schema and
 * its creation in {@link PostgresSchema}, the JDBC plumbing (pool, transactions, retries, errors) in
 * {@link PostgresJdbc}, the counts slots in {@link PostgresCounts}, the host rows in {@link PostgresHosts}, admitting
 * candidates and redirect targets in {@link PostgresAdmission}, leases, owners and heartbeats in
 * {@link PostgresLeases}, completing URLs in {@link PostgresCompletions}, the revisit schedule in
 * {@link PostgresSchedule}; this class keeps the metadata and the hosts' recorded servers, checks that it is open, runs the heartbeat
 * and counts refresh daemons, and opens and closes the whole.
 *
 * <h2>Transactions, and why it is safe across nodes</h2>
 * Every mutating call is one transaction (READ COMMITTED) that changes the URL rows, the touched hosts' rows and a
 * counts slot together, so the counts always match the data and always add up. Dedup is exact: every insert of a URL
 * happens while its host's row is locked, and the URL's fingerprint is checked again after that lock is taken; the
 * primary key is the last guard. {@link #lease} picks its URLs with {@code FOR UPDATE SKIP LOCKED}, so two nodes
 * leasing one host at once never get the same URL. Page limits are exact: the per-host one because an add locks its
 * hosts' rows; the global one because, when it is finite, adds also take a transaction-level advisory lock of the
 * job and sum the slots after it (so adds of a job with {@code max-pages} run one at a time across the cluster; with
 * no global limit they only contend on their hosts). Every node must open a job with the same limits.
 *
 * <p>Deadlocks are avoided by one lock order: the rows of leased URLs (by fingerprint), then host rows (sorted by
 * name, byte order), then the job's advisory lock, then new URL rows, then a counts slot, then {@code outputs}. A
 * deadlock or serialization failure that happens anyway is retried (up to 5 attempts) before it becomes a
 * {@link StoreException}.
 *
 * <p>Leases are recorded with their owner. {@link #close()} requeues the owner's own leases; a node killed with
 * {@code kill -9} leaves them, and they come back when another node calls {@link #requeueLeasesOf} (cluster
 * membership says the node is gone), when the same node opens the frontier again ({@link #recoveredLeases()}), or when
 * a node calls {@link #requeueLeasesOfSilentOwners} (a whole cluster restarted after a crash). A node whose leases were
 * requeued while it was in fact alive (a long pause) may complete them later: a complete is accepted whoever holds
 * the lease, so the URL is counted once, but it may be fetched (and its record written) twice.
 *
 * <h2>Durability</h2>
 * A call returns once its transaction committed, so a node killed with {@code kill -9} loses nothing it was told was
 * written. How a crash of the database server is survived is the server's setting: with the default
 * {@code synchronous_commit = on} every commit waits for the server's write-ahead log to reach the disk. Adding
 * {@code options=-c%20synchronous_commit%3Doff} to the URL makes calls faster and lets a server crash lose the last
 * moments of commits, always at a transaction boundary (as the RocksDB frontier with {@code sync-writes} off).
 *
 * <h2>What blocks</h2>
 * Every method except {@link #counts()} and {@link #committedOutputBytes()} runs SQL and blocks: call it from the
 * store dispatcher. {@link #counts()} returns a snapshot read in one statement; it is refreshed after every
 * {@link #add} and every other write that changed something (so it reflects that write, and an add of URLs another
 * node admitted first, when the call returns) and every 500 ms in the background (so it shows the other nodes'
 * progress). The per-host reads ({@link #tally}, {@link #hosts}, {@link #hostCount},
 * {@link #busiestHosts}, {@link #queued}, {@link #forEachHostWithWork}) query the {@code hosts} table, which has no
 * index but its key: they read every host row, which is fine up to some 100,000 hosts.
 *
 * <p>Thread-safe. Completions of one instance run one at a time, so {@link #committedOutputBytes()} is the length of
 * the last one.
 */
public final class PostgresFrontier implements Frontier {
  /** The {@link #meta} key under which the engine stores the fingerprint of the job that created the store. */
  public static final String JOB_FINGERPRINT = RocksDbFrontier.JOB_FINGERPRINT;
  /** How often {@link #open(PostgresSettings, String, String, String, FrontierLimits, ToLongFunction)} heartbeats. */
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(2);

  private static final Duration REFRESH_INTERVAL = Duration.ofMillis(500);

  private final PostgresSchema schema;
  private final String node;
  private final ToLongFunction<String> fingerprint;
  private final PostgresJdbc jdbc;
  private final PostgresCounts counts;
  private final PostgresHosts hosts;
  private final PostgresCaptureIndex captures;
  private final PostgresLeases leases;
  private final PostgresAdmission admission;
  private final PostgresSchedule schedule;
  private final ScheduledExecutorService daemons;
  private final PostgresCompletions completions;
  private final Object lifecycle = new Object();
  private final long recoveredLeases;
  private volatile boolean closed; // written under lifecycle

  private PostgresFrontier(PostgresSettings settings, String job, String node, String owner, FrontierLimits limits,
      ToLongFunction<String> fingerprint, HikariDataSource pool) {
    this.schema = new PostgresSchema(job);
    this.node = node;
    this.fingerprint = fingerprint;
    this.counts = new PostgresCounts(schema, owner);
    this.jdbc = new PostgresJdbc(settings, schema.name(), pool, counts::refresh);
    this.hosts = new PostgresHosts(schema, jdbc);
    this.leases = new PostgresLeases(schema, jdbc, counts, hosts, node, owner);
    this.admission = new PostgresAdmission(schema, jdbc, counts, hosts, limits);
    this.schedule = new PostgresSchedule(schema, jdbc, counts, hosts);
    this.captures = new PostgresCaptureIndex(schema, jdbc, node);
    this.daemons = Executors.newScheduledThreadPool(2, new DaemonThreads("spindle-frontier-" + owner));
    try {
      jdbc.write("open", connection -> {
        schema.create(connection, settings.displayUrl());
        return null;
      }, ignored -> false);
      heartbeat();
      long committedOutputBytes = jdbc.read("open", connection -> {
        try (PreparedStatement statement = connection.prepareStatement(
            schema.sql("SELECT committed_bytes FROM @outputs WHERE node = ?"))) {
          statement.setString(1, node);
          try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? rows.getLong(1) : 0L;
          }
        }
      });
      this.completions = new PostgresCompletions(schema, jdbc, counts, hosts, node, fingerprint,
          committedOutputBytes);
      this.recoveredLeases = leases.recoverEarlierIncarnations();
      jdbc.read("open", counts::refresh);
    } catch (RuntimeException failure) {
      daemons.shutdownNow();
      throw failure;
    }
  }

  /**
   * Opens (creating its schema and tables if missing) the frontier of crawl {@code job} on the database. {@code node}
   * is the stable name of this crawler node (its output file is committed under it); {@code owner} identifies this
   * process incarnation (unique per start, for example node + "#" + a random id) and is recorded on every lease it
   * takes. Leases recorded by an earlier incarnation of the same {@code node} (same node name, other owner) are
   * requeued on open and counted by {@link #recoveredLeases()}. Heartbeats every {@link #DEFAULT_HEARTBEAT}. Throws
   * {@link StoreException} when the database cannot be reached (naming its URL) or the schema belongs to something
   * else.
   */
  public static PostgresFrontier open(PostgresSettings settings, String job, String node, String owner,
      FrontierLimits limits, ToLongFunction<String> fingerprint) {
    return open(settings, job, node, owner, limits, fingerprint, DEFAULT_HEARTBEAT);
  }

  /** {@link #open(PostgresSettings, String, String, String, FrontierLimits, ToLongFunction)} heartbeating every
   * {@code heartbeat} (positive). */
  public static PostgresFrontier open(PostgresSettings settings, String job, String node, String owner,
      FrontierLimits limits, ToLongFunction<String> fingerprint, Duration heartbeat) {
    Objects.requireNonNull(settings, "settings");
    requireName(job, "job");
    requireName(node, "node");
    requireName(owner, "owner");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(fingerprint, "fingerprint");
    if (heartbeat == null || heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("the heartbeat interval must be positive, was " + heartbeat);
    }
    HikariDataSource pool = PostgresJdbc.connect(settings, owner);
    try {
      PostgresFrontier frontier = new PostgresFrontier(settings, job, node, owner, limits, fingerprint, pool);
      frontier.startDaemons(heartbeat);
      return frontier;
    } catch (RuntimeException failure) {
      pool.close();
      throw failure;
    }
  }

  /** Deletes the schema of {@code job} and everything in it (for a fresh start, and for tests); nothing if absent. */
  public static void drop(PostgresSettings settings, String job) {
    PostgresSchema schema = new PostgresSchema(requireName(job, "job"));
    try (Connection connection = PostgresJdbc.directConnection(settings)) {
      schema.drop(connection);
    } catch (SQLException failure) {
      throw new StoreException(settings.displayUrl() + ": dropping schema " + schema.name() + " failed: "
          + PostgresJdbc.firstLine(failure), failure);
    }
  }

  /** Whether the schema of {@code job} exists. */
  public static boolean exists(PostgresSettings settings, String job) {
    PostgresSchema schema = new PostgresSchema(requireName(job, "job"));
    try (Connection connection = PostgresJdbc.directConnection(settings)) {
      return schema.exists(connection);
    } catch (SQLException failure) {
      throw new StoreException(settings.displayUrl() + ": looking for schema " + schema.name() + " failed: "
          + PostgresJdbc.firstLine(failure), failure);
    }
  }

  /** The schema of {@code job}: {@code spindle_}, the job name sanitised (at most 40 characters), its hash. */
  static String schemaName(String job) {
    return PostgresSchema.name(job);
  }

  /** The schema this frontier lives in. */
  public String schema() {
    return schema.name();
  }

  @Override
  public List<CrawlUrl> add(List<CrawlUrl> candidates) {
    if (candidates.isEmpty()) {
      return List.of();
    }
    ensureOpen();
    long[] prints = new long[candidates.size()];
    for (int i = 0; i < prints.length; i++) {
      prints[i] = fingerprint.applyAsLong(candidates.get(i).url());
    }
    return admission.add(candidates, prints);
  }

  /**
   * {@inheritDoc} The lowest depth comes first (capped at 255), then the earliest discovered; a requeued URL is back
   * at its original position. URLs locked by a concurrent lease of the same host are skipped, never handed out twice.
   */
  @Override
  public List<CrawlUrl> lease(HostKey host, int max) {
    if (max <= 0) {
      return List.of();
    }
    ensureOpen();
    return leases.lease(host, max);
  }

  /**
   * {@inheritDoc} Each URL goes back to the position it was leased from, whoever leased it. URLs that are not leased
   * are ignored.
   */
  @Override
  public void requeue(List<CrawlUrl> leased) {
    if (leased.isEmpty()) {
      return;
    }
    ensureOpen();
    long[] prints = PostgresAdmission.distinct(
        leased.stream().mapToLong(url -> fingerprint.applyAsLong(url.url())).toArray());
    Arrays.sort(prints); // rows are locked in this order by every call that takes leased rows
    leases.requeue(prints);
  }


  /**
   * {@inheritDoc} The output length is recorded as this node's ({@code node} of {@link #open}), in the same
   * transaction. A URL that is not leased (completed twice, also within one call, or requeued meanwhile) is ignored;
   * a URL leased by another owner (its lease was moved after this node was thought dead) is accepted.
   */
  @Override
  public void complete(Collection<Completion> finished, long outputBytes) {
    ensureOpen();
    completions.complete(finished, outputBytes);
  }

  /** {@inheritDoc} True: every call is one or more round trips to the database server. */
  @Override
  public boolean remote() {
    return true;
  }

  /** {@inheritDoc} In {@code urls}, state SCHEDULED, indexed by due time: shared by the nodes, durable. */
  @Override
  public boolean schedulesRevisits() {
    return true;
  }

  /**
   * {@inheritDoc} Rows another node is releasing are skipped (SKIP LOCKED): each due URL is released once. Released
   * URLs go to the back of their hosts' queues, at their depth's priority.
   */
  @Override
  public List<HostKey> releaseDue(Instant now, int max) {
    ensureOpen();
    return schedule.releaseDue(now, max);
  }

  @Override
  public Optional<Instant> nextDue() {
    ensureOpen();
    return schedule.nextDue(Optional.empty());
  }

  @Override
  public Optional<Instant> nextDue(HostKey host) {
    ensureOpen();
    return schedule.nextDue(Optional.of(host));
  }

  /** {@inheritDoc} Reads the first entries of the due-time index, as the other frontiers do. */
  @Override
  public List<HostDue> nextRevisits(int limit) {
    ensureOpen();
    return schedule.nextRevisits(limit);
  }

  /** This node's output length recorded by the last {@link #complete} of any of its incarnations; 0 at first. */
  @Override
  public long committedOutputBytes() {
    return completions.committedOutputBytes();
  }

  /**
   * {@inheritDoc} Also false, with nothing changed, when {@code source} is not leased. The target is not counted
   * against the page limits, as in {@link MemoryFrontier}.
   */
  @Override
  public boolean redirect(CrawlUrl source, CrawlUrl target) {
    long sourcePrint = fingerprint.applyAsLong(source.url());
    long targetPrint = fingerprint.applyAsLong(target.url());
    if (sourcePrint == targetPrint) {
      return false;
    }
    ensureOpen();
    return admission.redirect(sourcePrint, target, targetPrint);
  }

  @Override
  public long queued(HostKey host) {
    ensureOpen();
    return hosts.queued(host);
  }

  @Override
  public void forEachHostWithWork(Consumer<HostKey> action) {
    ensureOpen();
    hosts.withWork().forEach(action); // outside the query: the action may call back into the frontier
  }

  /**
   * {@inheritDoc} In this job's schema: the payload digests and SimHash bands every node shares, and the WARC position
   * of this node ({@code node} of {@link #open}), whose files are its own. Its calls throw
   * {@link StoreException} once the frontier is closed.
   */
  @Override
  public Optional<CaptureIndex> captures() {
    return Optional.of(captures);
  }

  /** Leases of earlier incarnations of this node, requeued when this one opened. */
  @Override
  public long recoveredLeases() {
    return recoveredLeases;
  }

  /**
   * {@inheritDoc} A snapshot of the whole job (every node's URLs), read in one statement after this instance's last
   * write that changed something, and every 500 ms. Still readable after {@link #close()}.
   */
  @Override
  public FrontierCounts counts() {
    return counts.counts();
  }

  /** {@inheritDoc} Blocks: one query. */
  @Override
  public List<HostCount> busiestHosts(int limit) {
    if (limit <= 0) {
      return List.of();
    }
    ensureOpen();
    return hosts.busiest(limit);
  }

  /** {@inheritDoc} Blocks: one query (the interface's "never blocks" does not hold for this shared store). */
  @Override
  public HostTally tally(HostKey host) {
    ensureOpen();
    return hosts.tally(host);
  }

  /**
   * {@inheritDoc} Blocks: one query. Host names are compared by their UTF-8 bytes, which is {@link HostKey}'s order
   * for every name without characters beyond U+FFFF.
   */
  @Override
  public List<HostTally> hosts(HostOrder order, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    ensureOpen();
    return hosts.tallies(order, limit);
  }

  /** {@inheritDoc} Blocks: one query. */
  @Override
  public int hostCount() {
    ensureOpen();
    return hosts.count();
  }

  /**
   * Puts every URL leased by {@code owner} back in its queue (at its original position); returns the hosts that got
   * URLs back, sorted, to wake their queues. Idempotent: nothing happens for an owner with no lease.
   */
  public List<HostKey> requeueLeasesOf(String owner) {
    ensureOpen();
    return leases.requeueLeasesOf("requeueLeasesOf", owner).hosts();
  }

  /** Records that this owner is alive, now by the database's clock. A daemon calls it every heartbeat interval. */
  public void heartbeat() {
    ensureOpen();
    leases.heartbeat();
  }

  /**
   * Requeues the leases of every owner other than this one whose last heartbeat is older than {@code silence} (by
   * the database's clock), and forgets those owners; returns the hosts that got URLs back, sorted. For a cluster
   * restarted after a crash, where nobody will ever report the old owners removed. An owner that was only paused for
   * longer than {@code silence} loses its leases too (see the class comment), so pick a silence well above the
   * heartbeat interval.
   */
  public List<HostKey> requeueLeasesOfSilentOwners(Duration silence) {
    ensureOpen();
    return leases.requeueLeasesOfSilentOwners(silence);
  }

  /** The free metadata value stored under {@code key}; empty when none was stored. */
  public Optional<String> meta(String key) {
    ensureOpen();
    return jdbc.read("meta", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(
          schema.sql("SELECT value FROM @meta WHERE key = ?"))) {
        statement.setString(1, key);
        try (ResultSet rows = statement.executeQuery()) {
          return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
        }
      }
    });
  }

  /**
   * The server recorded for {@code host} by {@link #recordServer} (on any node); empty when none was recorded yet.
   */
  public Optional<String> recordedServer(HostKey host) {
    ensureOpen();
    return jdbc.read("recordedServer", connection -> selectServer(connection, host));
  }

  /**
   * Records {@code server} as the server of {@code host} for politeness, unless a server was recorded for it first
   * (by another node, whose lookup may have had another answer); returns the recorded one, which never changes
   * afterwards, so every node places the host's queue by the same server.
   */
  public String recordServer(HostKey host, String server) {
    Objects.requireNonNull(server, "server");
    ensureOpen();
    return jdbc.write("recordServer", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(schema.sql(
          "INSERT INTO @host_servers (host, server) VALUES (?, ?) ON CONFLICT (host) DO NOTHING"))) {
        statement.setString(1, host.name());
        statement.setString(2, server);
        statement.executeUpdate();
      }
      // a statement of its own: it sees the row of a node whose insert won the conflict
      return selectServer(connection, host).orElseThrow(() ->
          new StoreException(jdbc.describe() + ": the server of " + host.name() + " vanished", null));
    }, ignored -> false);
  }

  private Optional<String> selectServer(Connection connection, HostKey host) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        schema.sql("SELECT server FROM @host_servers WHERE host = ?"))) {
      statement.setString(1, host.name());
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
      }
    }
  }

  /** Stores {@code value} under {@code key}, replacing any earlier value; the key must not be empty. */
  public void putMeta(String key, String value) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("a metadata key cannot be empty");
    }
    Objects.requireNonNull(value, "value");
    ensureOpen();
    jdbc.write("putMeta", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(schema.sql(
          "INSERT INTO @meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"))) {
        statement.setString(1, key);
        statement.setString(2, value);
        statement.executeUpdate();
      }
      return null;
    }, ignored -> false);
  }

  /**
   * Requeues this owner's own leases (a node stopping mid-crawl), forgets the owner, stops the heartbeat and the
   * counts refresher and closes the connections. Idempotent. Afterwards {@link #counts()} and
   * {@link #committedOutputBytes()} still answer (the last snapshot), every other call throws
   * {@link IllegalStateException}.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      stopDaemons();
      try {
        leases.releaseOwn();
      } finally {
        jdbc.close();
      }
    }
  }

  /** Stops as a killed process would: no requeue, no goodbye, the owner's row and leases left behind (tests). */
  void abandon() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      stopDaemons();
      jdbc.close();
    }
  }

  private void startDaemons(Duration heartbeat) {
    long heartbeatMillis = Math.max(1, heartbeat.toMillis());
    daemons.scheduleWithFixedDelay(() -> background(this::heartbeat), heartbeatMillis, heartbeatMillis,
        TimeUnit.MILLISECONDS);
    long refreshMillis = REFRESH_INTERVAL.toMillis();
    daemons.scheduleWithFixedDelay(() -> background(() -> jdbc.read("counts", counts::refresh)), refreshMillis,
        refreshMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Runs a periodic task, swallowing its failure: an exception would cancel the schedule, and the next tick tries
   * again (a database that is briefly unreachable; the frontier closed meanwhile).
   */
  private void background(Runnable task) {
    if (closed) {
      return;
    }
    try {
      task.run();
    } catch (StoreException | IllegalStateException failure) {
      // see the method comment: the snapshot stays as it was, the next heartbeat may still be in time
    }
  }

  private void stopDaemons() {
    daemons.shutdownNow();
    try {
      daemons.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(jdbc.describe() + ": the frontier is closed");
    }
  }

  private static String requireName(String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("the " + what + " name cannot be empty");
    }
    return value;
  }

  /** Daemon threads, so a frontier left open never keeps the JVM alive. */
  private static final class DaemonThreads implements ThreadFactory {
    private final String name;
    private final AtomicInteger count = new AtomicInteger();

    DaemonThreads(String name) {
      this.name = name;
    }

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
