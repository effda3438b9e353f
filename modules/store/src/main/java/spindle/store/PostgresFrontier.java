package spindle.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;

/**
 * The {@link Frontier} of a crawl shared by several crawler nodes (processes), kept in PostgreSQL. Each node opens
 * it with its stable node name and a per-start owner id; any node may add, complete and redirect URLs of any host,
 * and leases the hosts it owns (cluster sharding decides which; this class does not check it).
 *
 * <h2>Tables</h2>
 * One schema per job ({@code spindle_<job, sanitised>_<8 hex digits of SHA-256 of the job name>}, so jobs and tests
 * are isolated and {@link #drop} is one {@code DROP SCHEMA}); its comment names the format and the job:
 * <ul>
 *   <li>{@code urls}: one row per admitted URL, keyed by its 64-bit fingerprint (the seen-set): host, url, depth,
 *       parent, redirects (so {@link #lease} returns equal {@link CrawlUrl}s), state (queued, leased, fetched, failed,
 *       redirected), priority (depth capped at 255), sequence (discovery order) and the owner of a lease. A partial
 *       index on {@code (host, priority, sequence) WHERE state = queued} is each host's queue, one on
 *       {@code (owner) WHERE state = leased} finds an owner's leases. A requeued URL keeps its priority and sequence,
 *       so it is back at its original position.</li>
 *   <li>{@code hosts}: per host, URLs admitted (for the per-host page limit), queued, fetched and failed, and whether
 *       it is listed (a row is created, unlisted, by an add whose URLs the limits then reject).</li>
 *   <li>{@code counts}: 64 slots of the state counts; a transaction adds its deltas to the slot of its owner and
 *       thread, and {@link #counts()} is the sum of the slots. No {@code count(*)} over {@code urls}, and no single hot
 *       row that every node's every write must lock.</li>
 *   <li>{@code meta} (free metadata, such as the job fingerprint), {@code outputs} (node → committed output length)
 *       and {@code owners} (owner → node, last heartbeat).</li>
 *   <li>the sequence {@code url_sequence}: one number per call that queues URLs; a URL's sequence is that number
 *       times 2^24 plus its position in the call, so discovery order holds across nodes.</li>
 * </ul>
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
  private static final String FORMAT = "spindle-frontier-1";
  private static final int SLOTS = 64;
  private static final int MAX_ATTEMPTS = 5;
  private static final int MAX_PRIORITY = 255;
  private static final long SEQUENCE_STRIDE = 1L << 24; // sequence = number of the call * stride + position
  private static final short QUEUED = 0;
  private static final short LEASED = 1;
  private static final short FETCHED = 2;
  private static final short FAILED = 3;
  private static final short REDIRECTED = 4;

  private final PostgresSettings settings;
  private final String job;
  private final String schema;
  private final String node;
  private final String owner;
  private final FrontierLimits limits;
  private final ToLongFunction<String> fingerprint;
  private final HikariDataSource pool;
  private final long budgetLock;
  private final ScheduledExecutorService daemons;
  private final AtomicLong tickets = new AtomicLong();
  private final AtomicReference<Snapshot> snapshot =
      new AtomicReference<>(new Snapshot(0, new FrontierCounts(0, 0, 0, 0, 0, 0, 0)));
  private final Object completions = new Object();
  private final Object lifecycle = new Object();
  private volatile long committedOutputBytes;
  private final long recoveredLeases;
  private volatile boolean closed; // written under lifecycle

  private PostgresFrontier(PostgresSettings settings, String job, String node, String owner, FrontierLimits limits,
      ToLongFunction<String> fingerprint, HikariDataSource pool) {
    this.settings = settings;
    this.job = job;
    this.schema = schemaName(job);
    this.node = node;
    this.owner = owner;
    this.limits = limits;
    this.fingerprint = fingerprint;
    this.pool = pool;
    this.budgetLock = lockKey("budget:" + schema);
    this.daemons = Executors.newScheduledThreadPool(2, new DaemonThreads("spindle-frontier-" + owner));
    try {
      createSchema();
      heartbeat();
      this.committedOutputBytes = read("open", connection -> {
        try (PreparedStatement statement = connection.prepareStatement(
            sql("SELECT committed_bytes FROM @outputs WHERE node = ?"))) {
          statement.setString(1, node);
          try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? rows.getLong(1) : 0L;
          }
        }
      });
      this.recoveredLeases = recoverEarlierIncarnations();
      read("open", connection -> {
        refreshCounts(connection);
        return null;
      });
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
    HikariDataSource pool = connect(settings, owner);
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
    String schema = schemaName(requireName(job, "job"));
    try (Connection connection = directConnection(settings);
        PreparedStatement statement = connection.prepareStatement("DROP SCHEMA IF EXISTS " + quote(schema)
            + " CASCADE")) {
      statement.execute();
    } catch (SQLException failure) {
      throw new StoreException(settings.displayUrl() + ": dropping schema " + schema + " failed: "
          + firstLine(failure), failure);
    }
  }

  /** Whether the schema of {@code job} exists. */
  public static boolean exists(PostgresSettings settings, String job) {
    String schema = schemaName(requireName(job, "job"));
    try (Connection connection = directConnection(settings);
        PreparedStatement statement = connection.prepareStatement(
            "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?")) {
      statement.setString(1, schema);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    } catch (SQLException failure) {
      throw new StoreException(settings.displayUrl() + ": looking for schema " + schema + " failed: "
          + firstLine(failure), failure);
    }
  }

  /** The schema of {@code job}: {@code spindle_}, the job name sanitised (at most 40 characters), its hash. */
  static String schemaName(String job) {
    StringBuilder name = new StringBuilder("spindle_");
    String lower = job.toLowerCase(Locale.ROOT);
    for (int i = 0; i < lower.length() && i < 40; i++) {
      char c = lower.charAt(i);
      name.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_');
    }
    byte[] hash = sha256(job);
    name.append('_');
    for (int i = 0; i < 4; i++) {
      name.append(String.format(Locale.ROOT, "%02x", hash[i] & 0xff));
    }
    return name.toString();
  }

  /** The schema this frontier lives in. */
  public String schema() {
    return schema;
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
    // the counts are read again even when nothing was admitted: the candidates may have been admitted by another
    // node, and a caller that adds seeds and then sees counts().idle() must not be shown a snapshot from before
    Admission admission = write("add", connection -> admit(connection, candidates, prints), result -> true);
    return admission.accepted;
  }

  private Admission admit(Connection connection, List<CrawlUrl> candidates, long[] prints) throws SQLException {
    // most links were seen before: drop them before locking anything
    Set<Long> known = existing(connection, distinct(prints));
    List<Integer> unknown = new ArrayList<>();
    TreeSet<String> hostNames = new TreeSet<>();
    for (int i = 0; i < prints.length; i++) {
      if (!known.contains(prints[i])) {
        unknown.add(i);
        hostNames.add(candidates.get(i).host().name());
      }
    }
    if (unknown.isEmpty()) {
      return new Admission(List.of(), false);
    }
    lockHosts(connection, hostNames);
    // under the host locks nobody else can insert these URLs: look again, and read the hosts' admitted counts
    long[] unknownPrints = new long[unknown.size()];
    for (int i = 0; i < unknownPrints.length; i++) {
      unknownPrints[i] = prints[unknown.get(i)];
    }
    known = existing(connection, distinct(unknownPrints));
    Map<String, Long> admitted = admittedPerHost(connection, hostNames);
    long discovered = 0;
    if (limits.maxPages() != Long.MAX_VALUE) {
      discovered = lockBudget(connection);
    }
    Set<Long> admittedNow = new HashSet<>();
    List<CrawlUrl> accepted = new ArrayList<>();
    List<Long> acceptedPrints = new ArrayList<>();
    long rejected = 0;
    for (int index : unknown) {
      long print = prints[index];
      if (known.contains(print) || admittedNow.contains(print)) {
        continue;
      }
      CrawlUrl candidate = candidates.get(index);
      long hostAdmitted = admitted.getOrDefault(candidate.host().name(), 0L);
      if (discovered >= limits.maxPages() || hostAdmitted >= limits.maxPagesPerHost()) {
        rejected++; // not marked seen: as in MemoryFrontier, a later sighting is rejected again
        continue;
      }
      admittedNow.add(print);
      admitted.put(candidate.host().name(), hostAdmitted + 1);
      discovered++;
      accepted.add(candidate);
      acceptedPrints.add(print);
    }
    Set<Long> inserted = insertQueued(connection, accepted, acceptedPrints, rejected);
    if (inserted.size() != accepted.size()) { // cannot happen under the host locks; the primary key decides
      List<CrawlUrl> really = new ArrayList<>();
      for (int i = 0; i < accepted.size(); i++) {
        if (inserted.contains(acceptedPrints.get(i))) {
          really.add(accepted.get(i));
        }
      }
      accepted = really;
    }
    return new Admission(accepted, true);
  }

  /**
   * Inserts {@code urls} as queued at the back of their hosts' queues, and in the same statement adds them to their
   * hosts' rows and, with {@code rejected}, to a counts slot; returns the fingerprints inserted.
   */
  private Set<Long> insertQueued(Connection connection, List<CrawlUrl> urls, List<Long> prints, long rejected)
      throws SQLException {
    if (urls.size() >= SEQUENCE_STRIDE) {
      throw new IllegalArgumentException("at most " + (SEQUENCE_STRIDE - 1) + " URLs per add, got " + urls.size());
    }
    int size = urls.size();
    long[] fingerprints = new long[size];
    String[] hostNames = new String[size];
    String[] addresses = new String[size];
    int[] depths = new int[size];
    String[] parents = new String[size];
    String[] redirects = new String[size];
    for (int i = 0; i < size; i++) {
      CrawlUrl url = urls.get(i);
      fingerprints[i] = prints.get(i);
      hostNames[i] = url.host().name();
      addresses[i] = url.url();
      depths[i] = url.depth();
      parents[i] = url.parent().orElse(null);
      redirects[i] = url.redirects().isEmpty() ? null : jsonArray(url.redirects());
    }
    String statementText = sql("""
        WITH base AS (SELECT nextval('@url_sequence') AS number),
        inserted AS (
          INSERT INTO @urls (fingerprint, host, url, depth, parent, redirects, state, priority, sequence)
          SELECT c.fingerprint, c.host, c.url, c.depth, c.parent,
                 CASE WHEN c.redirects IS NULL THEN '{}'::text[]
                      ELSE ARRAY(SELECT r.e FROM jsonb_array_elements_text(c.redirects::jsonb) WITH ORDINALITY
                                 AS r(e, i) ORDER BY r.i) END,
                 0, least(c.depth, 255), base.number * 16777216 + c.position
          FROM unnest(?::int8[], ?::text[], ?::text[], ?::int4[], ?::text[], ?::text[]) WITH ORDINALITY
               AS c(fingerprint, host, url, depth, parent, redirects, position), base
          ON CONFLICT (fingerprint) DO NOTHING
          RETURNING fingerprint, host),
        per_host AS (SELECT host, count(*) AS n FROM inserted GROUP BY host),
        hosts_changed AS (
          UPDATE @hosts h SET listed = true, admitted = h.admitted + p.n, queued = h.queued + p.n
          FROM per_host p WHERE h.host = p.host RETURNING 1),
        slot_changed AS (
          UPDATE @counts SET discovered = discovered + (SELECT count(*) FROM inserted),
                             queued = queued + (SELECT count(*) FROM inserted),
                             rejected = rejected + ?
          WHERE slot = ? RETURNING 1)
        SELECT fingerprint FROM inserted
        """);
    Set<Long> inserted = new HashSet<>();
    try (PreparedStatement statement = connection.prepareStatement(statementText)) {
      statement.setArray(1, connection.createArrayOf("int8", box(fingerprints)));
      statement.setArray(2, connection.createArrayOf("text", hostNames));
      statement.setArray(3, connection.createArrayOf("text", addresses));
      statement.setArray(4, connection.createArrayOf("int4", box(depths)));
      statement.setArray(5, connection.createArrayOf("text", parents));
      statement.setArray(6, connection.createArrayOf("text", redirects));
      statement.setLong(7, rejected);
      statement.setInt(8, slot());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          inserted.add(rows.getLong(1));
        }
      }
    }
    return inserted;
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
    return write("lease", connection -> {
      List<Leased> out = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement(sql("""
          WITH picked AS (
            SELECT fingerprint FROM @urls WHERE host = ? AND state = 0 ORDER BY priority, sequence LIMIT ?
            FOR UPDATE SKIP LOCKED),
          leased AS (
            UPDATE @urls u SET state = 1, owner = ? FROM picked WHERE u.fingerprint = picked.fingerprint
            RETURNING u.url, u.depth, u.parent, u.redirects, u.priority, u.sequence),
          host_changed AS (
            UPDATE @hosts SET queued = queued - (SELECT count(*) FROM leased)
            WHERE host = ? AND EXISTS (SELECT 1 FROM leased) RETURNING 1)
          SELECT * FROM leased
          """))) {
        statement.setString(1, host.name());
        statement.setInt(2, max);
        statement.setString(3, owner);
        statement.setString(4, host.name());
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            out.add(new Leased(restore(rows, host), rows.getInt("priority"), rows.getLong("sequence")));
          }
        }
      }
      if (!out.isEmpty()) {
        Deltas deltas = new Deltas();
        deltas.queued = -out.size();
        deltas.leased = out.size();
        applyDeltas(connection, deltas);
      }
      out.sort(Comparator.comparingInt(Leased::priority).thenComparingLong(Leased::sequence));
      return out.stream().map(Leased::url).toList();
    }, urls -> !urls.isEmpty());
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
    long[] prints = distinct(leased.stream().mapToLong(url -> fingerprint.applyAsLong(url.url())).toArray());
    java.util.Arrays.sort(prints); // rows are locked in this order by every call that takes leased rows
    write("requeue", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(sql("""
          UPDATE @urls SET state = 0, owner = NULL WHERE fingerprint = ANY(?) AND state = 1 RETURNING host"""))) {
        statement.setArray(1, connection.createArrayOf("int8", box(prints)));
        return requeued(connection, statement);
      }
    }, requeued -> requeued.count > 0);
  }

  /**
   * {@inheritDoc} The output length is recorded as this node's ({@code node} of {@link #open}), in the same
   * transaction. A URL that is not leased (completed twice, also within one call, or requeued meanwhile) is ignored;
   * a URL leased by another owner (its lease was moved after this node was thought dead) is accepted.
   */
  @Override
  public void complete(Collection<Completion> finished, long outputBytes) {
    ensureOpen();
    TreeMap<Long, Short> states = new TreeMap<>(); // sorted: rows are locked in fingerprint order
    for (Completion completion : finished) {
      states.putIfAbsent(fingerprint.applyAsLong(completion.url().url()), completion.failed() ? FAILED : FETCHED);
    }
    long[] prints = new long[states.size()];
    short[] newStates = new short[states.size()];
    int i = 0;
    for (Map.Entry<Long, Short> entry : states.entrySet()) {
      prints[i] = entry.getKey();
      newStates[i++] = entry.getValue();
    }
    synchronized (completions) {
      write("complete", connection -> {
        TreeMap<String, HostDelta> hostDeltas = new TreeMap<>();
        Deltas deltas = new Deltas();
        if (prints.length > 0) {
          try (PreparedStatement statement = connection.prepareStatement(sql("""
              UPDATE @urls u SET state = c.state, owner = NULL
              FROM unnest(?::int8[], ?::int2[]) AS c(fingerprint, state)
              WHERE u.fingerprint = c.fingerprint AND u.state = 1
              RETURNING u.host, c.state"""))) {
            statement.setArray(1, connection.createArrayOf("int8", box(prints)));
            statement.setArray(2, connection.createArrayOf("int2", box(newStates)));
            try (ResultSet rows = statement.executeQuery()) {
              while (rows.next()) {
                HostDelta delta = hostDeltas.computeIfAbsent(rows.getString(1), name -> new HostDelta());
                deltas.leased--;
                if (rows.getShort(2) == FAILED) {
                  delta.failed++;
                  deltas.failed++;
                } else {
                  delta.fetched++;
                  deltas.fetched++;
                }
              }
            }
          }
        }
        updateHosts(connection, hostDeltas);
        applyDeltas(connection, deltas);
        try (PreparedStatement statement = connection.prepareStatement(sql("""
            INSERT INTO @outputs (node, committed_bytes) VALUES (?, ?)
            ON CONFLICT (node) DO UPDATE SET committed_bytes = EXCLUDED.committed_bytes"""))) {
          statement.setString(1, node);
          statement.setLong(2, outputBytes);
          statement.executeUpdate();
        }
        return null;
      }, ignored -> true);
      committedOutputBytes = outputBytes;
    }
  }

  /** This node's output length recorded by the last {@link #complete} of any of its incarnations; 0 at first. */
  @Override
  public long committedOutputBytes() {
    return committedOutputBytes;
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
    return write("redirect", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(sql(
          "UPDATE @urls SET state = 4, owner = NULL WHERE fingerprint = ? AND state = 1"))) {
        statement.setLong(1, sourcePrint);
        if (statement.executeUpdate() == 0) {
          return false;
        }
      }
      String targetHost = target.host().name();
      lockHosts(connection, new TreeSet<>(List.of(targetHost)));
      if (!existing(connection, new long[] {targetPrint}).isEmpty()) {
        connection.rollback(); // the source stays leased: the chain ends there
        return false;
      }
      try (PreparedStatement statement = connection.prepareStatement(sql("""
          INSERT INTO @urls (fingerprint, host, url, depth, parent, redirects, state, priority, sequence)
          VALUES (?, ?, ?, ?, ?, ?, 0, ?, nextval('@url_sequence') * 16777216 + 1)"""))) {
        statement.setLong(1, targetPrint);
        statement.setString(2, targetHost);
        statement.setString(3, target.url());
        statement.setInt(4, target.depth());
        statement.setString(5, target.parent().orElse(null));
        statement.setArray(6, connection.createArrayOf("text", target.redirects().toArray(new String[0])));
        statement.setInt(7, Math.min(target.depth(), MAX_PRIORITY));
        statement.executeUpdate();
      }
      TreeMap<String, HostDelta> hostDeltas = new TreeMap<>();
      hostDeltas.computeIfAbsent(targetHost, name -> new HostDelta()).queued = 1;
      updateHosts(connection, hostDeltas);
      Deltas deltas = new Deltas();
      deltas.leased = -1;
      deltas.redirected = 1;
      deltas.discovered = 1;
      deltas.queued = 1;
      applyDeltas(connection, deltas);
      return true;
    }, redirected -> redirected);
  }

  @Override
  public long queued(HostKey host) {
    ensureOpen();
    return read("queued", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(
          sql("SELECT queued FROM @hosts WHERE host = ?"))) {
        statement.setString(1, host.name());
        try (ResultSet rows = statement.executeQuery()) {
          return rows.next() ? rows.getLong(1) : 0L;
        }
      }
    });
  }

  @Override
  public void forEachHostWithWork(Consumer<HostKey> action) {
    ensureOpen();
    List<HostKey> withWork = read("forEachHostWithWork", connection -> {
      List<HostKey> out = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement(
          sql("SELECT host FROM @hosts WHERE queued > 0 ORDER BY host"));
          ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          out.add(HostKey.parse(rows.getString(1)));
        }
      }
      return out;
    });
    withWork.forEach(action); // outside the query: the action may call back into the frontier
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
    return snapshot.get().counts;
  }

  /** {@inheritDoc} Blocks: one query. */
  @Override
  public List<HostCount> busiestHosts(int limit) {
    if (limit <= 0) {
      return List.of();
    }
    ensureOpen();
    return read("busiestHosts", connection -> {
      List<HostCount> out = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement(
          sql("SELECT host, queued FROM @hosts WHERE queued > 0 ORDER BY queued DESC, host LIMIT ?"))) {
        statement.setInt(1, limit);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            out.add(new HostCount(HostKey.parse(rows.getString(1)), rows.getLong(2)));
          }
        }
      }
      return out;
    });
  }

  /** {@inheritDoc} Blocks: one query (the interface's "never blocks" does not hold for this shared store). */
  @Override
  public HostTally tally(HostKey host) {
    ensureOpen();
    return read("tally", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(
          sql("SELECT queued, fetched, failed FROM @hosts WHERE host = ? AND listed"))) {
        statement.setString(1, host.name());
        try (ResultSet rows = statement.executeQuery()) {
          return rows.next() ? new HostTally(host, rows.getLong(1), rows.getLong(2), rows.getLong(3))
              : HostTally.empty(host);
        }
      }
    });
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
    String orderBy = switch (order) {
      case QUEUED -> "queued DESC, host";
      case FETCHED -> "fetched DESC, host";
      case FAILED -> "failed DESC, host";
      case HOST -> "host";
    };
    return read("hosts", connection -> {
      List<HostTally> out = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement(sql(
          "SELECT host, queued, fetched, failed FROM @hosts WHERE listed ORDER BY " + orderBy + " LIMIT ?"))) {
        statement.setInt(1, limit);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            out.add(new HostTally(HostKey.parse(rows.getString(1)), rows.getLong(2), rows.getLong(3),
                rows.getLong(4)));
          }
        }
      }
      return out;
    });
  }

  /** {@inheritDoc} Blocks: one query. */
  @Override
  public int hostCount() {
    ensureOpen();
    return read("hostCount", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(
          sql("SELECT count(*) FROM @hosts WHERE listed"));
          ResultSet rows = statement.executeQuery()) {
        rows.next();
        return (int) rows.getLong(1);
      }
    });
  }

  /**
   * Puts every URL leased by {@code owner} back in its queue (at its original position); returns the hosts that got
   * URLs back, sorted, to wake their queues. Idempotent: nothing happens for an owner with no lease.
   */
  public List<HostKey> requeueLeasesOf(String owner) {
    ensureOpen();
    return requeueOwnLeases("requeueLeasesOf", owner).hosts;
  }

  /** Records that this owner is alive, now by the database's clock. A daemon calls it every heartbeat interval. */
  public void heartbeat() {
    ensureOpen();
    write("heartbeat", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(sql("""
          INSERT INTO @owners (owner, node, heartbeat) VALUES (?, ?, clock_timestamp())
          ON CONFLICT (owner) DO UPDATE SET heartbeat = EXCLUDED.heartbeat"""))) {
        statement.setString(1, owner);
        statement.setString(2, node);
        statement.executeUpdate();
      }
      return null;
    }, ignored -> false);
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
    double seconds = silence.toNanos() / 1e9;
    List<String> silent = read("requeueLeasesOfSilentOwners", connection -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement(sql("""
          SELECT owner FROM @owners WHERE owner <> ? AND heartbeat < clock_timestamp() - make_interval(secs => ?)
          ORDER BY owner"""))) {
        statement.setString(1, owner);
        statement.setDouble(2, seconds);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            out.add(rows.getString(1));
          }
        }
      }
      return out;
    });
    TreeSet<HostKey> hosts = new TreeSet<>();
    for (String other : silent) {
      hosts.addAll(requeueOwnLeases("requeueLeasesOfSilentOwners", other).hosts);
      write("requeueLeasesOfSilentOwners", connection -> {
        try (PreparedStatement statement = connection.prepareStatement(sql("""
            DELETE FROM @owners WHERE owner = ? AND heartbeat < clock_timestamp() - make_interval(secs => ?)"""))) {
          statement.setString(1, other);
          statement.setDouble(2, seconds);
          return statement.executeUpdate();
        }
      }, ignored -> false);
    }
    return List.copyOf(hosts);
  }

  /** The free metadata value stored under {@code key}; empty when none was stored. */
  public Optional<String> meta(String key) {
    ensureOpen();
    return read("meta", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(sql("SELECT value FROM @meta WHERE key = ?"))) {
        statement.setString(1, key);
        try (ResultSet rows = statement.executeQuery()) {
          return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
        }
      }
    });
  }

  /** Stores {@code value} under {@code key}, replacing any earlier value; the key must not be empty. */
  public void putMeta(String key, String value) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("a metadata key cannot be empty");
    }
    Objects.requireNonNull(value, "value");
    ensureOpen();
    write("putMeta", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(sql(
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
        requeueOwnLeases("close", owner);
        write("close", connection -> {
          try (PreparedStatement statement = connection.prepareStatement(sql("DELETE FROM @owners WHERE owner = ?"))) {
            statement.setString(1, owner);
            statement.executeUpdate();
          }
          return null;
        }, ignored -> true);
      } finally {
        pool.close();
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
      pool.close();
    }
  }

  private void startDaemons(Duration heartbeat) {
    long heartbeatMillis = Math.max(1, heartbeat.toMillis());
    daemons.scheduleWithFixedDelay(() -> background(this::heartbeat), heartbeatMillis, heartbeatMillis,
        TimeUnit.MILLISECONDS);
    long refreshMillis = REFRESH_INTERVAL.toMillis();
    daemons.scheduleWithFixedDelay(() -> background(() -> read("counts", connection -> {
      refreshCounts(connection);
      return null;
    })), refreshMillis, refreshMillis, TimeUnit.MILLISECONDS);
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

  /** Requeues the leases of earlier owners of this node, and forgets them; returns how many URLs came back. */
  private long recoverEarlierIncarnations() {
    List<String> earlier = read("open", connection -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement(
          sql("SELECT owner FROM @owners WHERE node = ? AND owner <> ? ORDER BY owner"))) {
        statement.setString(1, node);
        statement.setString(2, owner);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            out.add(rows.getString(1));
          }
        }
      }
      return out;
    });
    long recovered = 0;
    for (String previous : earlier) {
      recovered += requeueOwnLeases("open", previous).count;
      write("open", connection -> {
        try (PreparedStatement statement = connection.prepareStatement(sql("DELETE FROM @owners WHERE owner = ?"))) {
          statement.setString(1, previous);
          return statement.executeUpdate();
        }
      }, ignored -> false);
    }
    return recovered;
  }

  private Requeued requeueOwnLeases(String operation, String leaseOwner) {
    return write(operation, connection -> {
      try (PreparedStatement statement = connection.prepareStatement(sql(
          "UPDATE @urls SET state = 0, owner = NULL WHERE owner = ? AND state = 1 RETURNING host"))) {
        statement.setString(1, leaseOwner);
        return requeued(connection, statement);
      }
    }, requeued -> requeued.count > 0);
  }

  /** Runs {@code update}, which moves leased URLs back to queued returning their hosts, and counts them. */
  private Requeued requeued(Connection connection, PreparedStatement update) throws SQLException {
    TreeMap<String, HostDelta> hostDeltas = new TreeMap<>();
    long count = 0;
    try (ResultSet rows = update.executeQuery()) {
      while (rows.next()) {
        hostDeltas.computeIfAbsent(rows.getString(1), name -> new HostDelta()).queued++;
        count++;
      }
    }
    updateHosts(connection, hostDeltas);
    Deltas deltas = new Deltas();
    deltas.leased = -count;
    deltas.queued = count;
    applyDeltas(connection, deltas);
    List<HostKey> hosts = hostDeltas.keySet().stream().map(HostKey::parse).toList();
    return new Requeued(count, hosts);
  }

  /** Creates the rows of {@code hostNames} that are missing (unlisted) and locks them all, in sorted order. */
  private void lockHosts(Connection connection, TreeSet<String> hostNames) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql("""
        INSERT INTO @hosts AS h (host) SELECT unnest(?::text[])
        ON CONFLICT (host) DO UPDATE SET listed = h.listed WHERE false"""))) {
      // DO UPDATE ... WHERE false: a row that exists is locked but not rewritten
      statement.setArray(1, connection.createArrayOf("text", hostNames.toArray(new String[0])));
      statement.executeUpdate();
    }
  }

  private Map<String, Long> admittedPerHost(Connection connection, TreeSet<String> hostNames) throws SQLException {
    Map<String, Long> admitted = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(
        sql("SELECT host, admitted FROM @hosts WHERE host = ANY(?)"))) {
      statement.setArray(1, connection.createArrayOf("text", hostNames.toArray(new String[0])));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          admitted.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    return admitted;
  }

  /** Takes the job's advisory lock for admissions, then returns the URLs discovered so far (every node's). */
  private long lockBudget(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      statement.setLong(1, budgetLock);
      statement.executeQuery().close();
    }
    // a separate statement: its snapshot is taken after the lock, so it sees the previous holder's commit
    try (PreparedStatement statement = connection.prepareStatement(
        sql("SELECT coalesce(sum(discovered), 0)::int8 FROM @counts"));
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private Set<Long> existing(Connection connection, long[] prints) throws SQLException {
    Set<Long> found = new HashSet<>();
    try (PreparedStatement statement = connection.prepareStatement(
        sql("SELECT fingerprint FROM @urls WHERE fingerprint = ANY(?)"))) {
      statement.setArray(1, connection.createArrayOf("int8", box(prints)));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          found.add(rows.getLong(1));
        }
      }
    }
    return found;
  }

  /** Adds {@code deltas} to host rows that exist, one statement per host in sorted order, sent in one batch. */
  private void updateHosts(Connection connection, TreeMap<String, HostDelta> deltas) throws SQLException {
    if (deltas.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(sql("""
        UPDATE @hosts SET listed = true, queued = queued + ?, fetched = fetched + ?, failed = failed + ?
        WHERE host = ?"""))) {
      for (Map.Entry<String, HostDelta> entry : deltas.entrySet()) {
        HostDelta delta = entry.getValue();
        statement.setLong(1, delta.queued);
        statement.setLong(2, delta.fetched);
        statement.setLong(3, delta.failed);
        statement.setString(4, entry.getKey());
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  private void applyDeltas(Connection connection, Deltas deltas) throws SQLException {
    if (deltas.isZero()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(sql("""
        UPDATE @counts SET discovered = discovered + ?, queued = queued + ?, leased = leased + ?,
          fetched = fetched + ?, failed = failed + ?, redirected = redirected + ?, rejected = rejected + ?
        WHERE slot = ?"""))) {
      statement.setLong(1, deltas.discovered);
      statement.setLong(2, deltas.queued);
      statement.setLong(3, deltas.leased);
      statement.setLong(4, deltas.fetched);
      statement.setLong(5, deltas.failed);
      statement.setLong(6, deltas.redirected);
      statement.setLong(7, deltas.rejected);
      statement.setInt(8, slot());
      statement.executeUpdate();
    }
  }

  /** The counts slot of this owner and thread: threads and nodes spread over the slots, so few share a row. */
  private int slot() {
    return Math.floorMod(Objects.hash(owner, Thread.currentThread().getId()), SLOTS);
  }

  /**
   * Reads the counts in one statement and publishes them unless a snapshot whose read began later was published
   * already: the published snapshot only moves forward, and includes every write committed before it began.
   */
  private void refreshCounts(Connection connection) throws SQLException {
    long ticket = tickets.incrementAndGet();
    FrontierCounts counts;
    try (PreparedStatement statement = connection.prepareStatement(sql("""
        SELECT coalesce(sum(discovered), 0)::int8, coalesce(sum(queued), 0)::int8, coalesce(sum(leased), 0)::int8,
               coalesce(sum(fetched), 0)::int8, coalesce(sum(failed), 0)::int8, coalesce(sum(redirected), 0)::int8,
               coalesce(sum(rejected), 0)::int8
        FROM @counts"""));
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      counts = new FrontierCounts(rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4),
          rows.getLong(5), rows.getLong(6), rows.getLong(7));
    }
    Snapshot fresh = new Snapshot(ticket, counts);
    snapshot.accumulateAndGet(fresh, (current, next) -> next.ticket > current.ticket ? next : current);
  }

  private void createSchema() {
    write("open", connection -> {
      try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        statement.setLong(1, lockKey("schema:" + schema)); // two nodes opening a new job at once
        statement.executeQuery().close();
      }
      String comment = null;
      boolean present = false;
      try (PreparedStatement statement = connection.prepareStatement(
          "SELECT obj_description(oid, 'pg_namespace') FROM pg_catalog.pg_namespace WHERE nspname = ?")) {
        statement.setString(1, schema);
        try (ResultSet rows = statement.executeQuery()) {
          if (rows.next()) {
            present = true;
            comment = rows.getString(1);
          }
        }
      }
      String expected = FORMAT + " job=" + job;
      if (present) {
        if (!expected.equals(comment)) {
          throw new StoreException(settings.displayUrl() + ": schema " + schema + " is not the frontier of job "
              + job + " in the format this version writes (" + FORMAT + "): its comment is " + comment, null);
        }
        return null;
      }
      String[] ddl = {
          "CREATE SCHEMA @",
          """
          CREATE TABLE @urls (
            fingerprint int8 PRIMARY KEY,
            host text COLLATE "C" NOT NULL,
            url text NOT NULL,
            depth int4 NOT NULL,
            parent text,
            redirects text[] NOT NULL DEFAULT '{}',
            state int2 NOT NULL,
            priority int2 NOT NULL,
            sequence int8 NOT NULL,
            owner text)""",
          "CREATE INDEX urls_queue ON @urls (host, priority, sequence) WHERE state = 0",
          "CREATE INDEX urls_leases ON @urls (owner) WHERE state = 1",
          "CREATE SEQUENCE @url_sequence",
          """
          CREATE TABLE @hosts (
            host text COLLATE "C" PRIMARY KEY,
            listed boolean NOT NULL DEFAULT false,
            admitted int8 NOT NULL DEFAULT 0,
            queued int8 NOT NULL DEFAULT 0,
            fetched int8 NOT NULL DEFAULT 0,
            failed int8 NOT NULL DEFAULT 0)""",
          """
          CREATE TABLE @counts (
            slot int4 PRIMARY KEY,
            discovered int8 NOT NULL DEFAULT 0,
            queued int8 NOT NULL DEFAULT 0,
            leased int8 NOT NULL DEFAULT 0,
            fetched int8 NOT NULL DEFAULT 0,
            failed int8 NOT NULL DEFAULT 0,
            redirected int8 NOT NULL DEFAULT 0,
            rejected int8 NOT NULL DEFAULT 0)""",
          "INSERT INTO @counts (slot) SELECT generate_series(0, " + (SLOTS - 1) + ")",
          "CREATE TABLE @meta (key text PRIMARY KEY, value text NOT NULL)",
          "CREATE TABLE @outputs (node text PRIMARY KEY, committed_bytes int8 NOT NULL)",
          """
          CREATE TABLE @owners (
            owner text PRIMARY KEY,
            node text NOT NULL,
            heartbeat timestamptz NOT NULL,
            started timestamptz NOT NULL DEFAULT clock_timestamp())""",
      };
      for (String statementText : ddl) {
        try (PreparedStatement statement = connection.prepareStatement(
            statementText.replace("CREATE SCHEMA @", "CREATE SCHEMA " + quote(schema)).replace("@", prefix()))) {
          statement.execute();
        }
      }
      // COMMENT takes no parameters; the job name is quoted as a literal
      try (PreparedStatement statement = connection.prepareStatement(
          "COMMENT ON SCHEMA " + quote(schema) + " IS " + literal(expected))) {
        statement.execute();
      }
      return null;
    }, ignored -> false);
  }

  /** Runs {@code work} in one transaction, retried on deadlock; refreshes the counts when {@code changed} says so. */
  private <T> T write(String operation, Work<T> work, Predicate<T> changed) {
    for (int attempt = 1; ; attempt++) {
      try (Connection connection = connection()) {
        T result;
        connection.setAutoCommit(false);
        try {
          result = work.run(connection);
          connection.commit();
        } catch (SQLException | RuntimeException failure) {
          rollbackQuietly(connection, failure);
          throw failure;
        } finally {
          connection.setAutoCommit(true);
        }
        if (changed.test(result)) {
          refreshAfterCommit(operation, connection);
        }
        return result;
      } catch (SQLException failure) {
        if (attempt < MAX_ATTEMPTS && retriable(failure)) {
          continue;
        }
        throw failure(operation, failure);
      }
    }
  }

  /** Refreshes the counts after a commit; a failure is not retried, since the write must not run twice. */
  private void refreshAfterCommit(String operation, Connection connection) {
    try {
      refreshCounts(connection);
    } catch (SQLException failure) {
      throw new StoreException(settings.displayUrl() + " " + schema + ": " + operation
          + " was committed, but reading the counts after it failed: " + firstLine(failure), failure);
    }
  }

  /** Runs {@code work} on a connection in autocommit mode: a read. */
  private <T> T read(String operation, Work<T> work) {
    try (Connection connection = connection()) {
      return work.run(connection);
    } catch (SQLException failure) {
      throw failure(operation, failure);
    }
  }

  private Connection connection() throws SQLException {
    return pool.getConnection(); // waits up to the connection timeout for a free one
  }

  private static void rollbackQuietly(Connection connection, Exception failure) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      failure.addSuppressed(rollbackFailure);
    }
  }

  private static boolean retriable(SQLException failure) {
    String state = failure.getSQLState();
    return "40P01".equals(state) || "40001".equals(state); // deadlock detected, serialization failure
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(settings.displayUrl() + " " + schema + ": the frontier is closed");
    }
  }

  private StoreException failure(String operation, SQLException cause) {
    return new StoreException(settings.displayUrl() + " " + schema + ": " + operation + " failed: "
        + firstLine(cause), cause);
  }

  private String sql(String text) {
    return text.replace("@", prefix());
  }

  private String prefix() {
    return quote(schema) + ".";
  }

  private static HikariDataSource connect(PostgresSettings settings, String owner) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.poolSize());
    config.setMinimumIdle(Math.min(2, settings.poolSize()));
    config.setPoolName("spindle-frontier-" + POOLS.incrementAndGet());
    config.setConnectionTimeout(10_000);
    config.setInitializationFailTimeout(1); // fail at open, not at the first call
    config.addDataSourceProperty("ApplicationName", "spindle " + owner);
    config.addDataSourceProperty("connectTimeout", "10");
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException failure) { // PoolInitializationException, or a URL the driver refuses
      throw new StoreException(settings.displayUrl() + ": cannot connect to PostgreSQL: " + firstLine(rootCause(
          failure)), failure);
    }
  }

  private static final AtomicInteger POOLS = new AtomicInteger();

  private static Connection directConnection(PostgresSettings settings) {
    Properties properties = new Properties();
    properties.setProperty("user", settings.user());
    properties.setProperty("password", settings.password());
    properties.setProperty("connectTimeout", "10");
    try {
      return DriverManager.getConnection(settings.url(), properties);
    } catch (SQLException failure) {
      throw new StoreException(settings.displayUrl() + ": cannot connect to PostgreSQL: " + firstLine(failure),
          failure);
    }
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String firstLine(Throwable failure) {
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static String requireName(String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("the " + what + " name cannot be empty");
    }
    return value;
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(UTF_8));
    } catch (NoSuchAlgorithmException impossible) { // every JVM has SHA-256
      throw new IllegalStateException(impossible);
    }
  }

  private static long lockKey(String name) {
    return ByteBuffer.wrap(sha256(name)).getLong();
  }

  private static long[] distinct(long[] values) {
    return java.util.Arrays.stream(values).distinct().toArray();
  }

  private static Long[] box(long[] values) {
    Long[] out = new Long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  private static Integer[] box(int[] values) {
    Integer[] out = new Integer[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  private static Short[] box(short[] values) {
    Short[] out = new Short[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  /** A JSON array of strings (the redirect chain of an added URL, unpacked by the insert). */
  private static String jsonArray(List<String> values) {
    StringBuilder out = new StringBuilder("[");
    for (String value : values) {
      if (out.length() > 1) {
        out.append(',');
      }
      out.append('"');
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c < 0x20) {
          out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
      out.append('"');
    }
    return out.append(']').toString();
  }

  private static CrawlUrl restore(ResultSet rows, HostKey host) throws SQLException {
    Array redirects = rows.getArray("redirects");
    List<String> chain = redirects == null ? List.of() : List.of((String[]) redirects.getArray());
    return CrawlUrl.restore(rows.getString("url"), host, rows.getInt("depth"),
        Optional.ofNullable(rows.getString("parent")), chain);
  }

  /** One transaction's work; it may throw, and is run again after a deadlock. */
  @FunctionalInterface
  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** The counts as of the read numbered {@code ticket}. */
  private record Snapshot(long ticket, FrontierCounts counts) {}

  /** The URLs an add admitted, and whether it wrote anything (an admission or a rejection). */
  private record Admission(List<CrawlUrl> accepted, boolean wrote) {}

  /** How many leases went back to their queues, and the hosts they went to. */
  private record Requeued(long count, List<HostKey> hosts) {}

  /** A leased URL with its position, to return a lease in queue order. */
  private record Leased(CrawlUrl url, int priority, long sequence) {}

  /** One transaction's change to the counts. */
  private static final class Deltas {
    long discovered;
    long queued;
    long leased;
    long fetched;
    long failed;
    long redirected;
    long rejected;

    boolean isZero() {
      return discovered == 0 && queued == 0 && leased == 0 && fetched == 0 && failed == 0 && redirected == 0
          && rejected == 0;
    }
  }

  /** One transaction's change to a host's row. */
  private static final class HostDelta {
    long queued;
    long fetched;
    long failed;
  }

  /** Daemon threads, so a frontier left open never keeps the JVM alive. */
  private static final class DaemonThreads implements java.util.concurrent.ThreadFactory {
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
