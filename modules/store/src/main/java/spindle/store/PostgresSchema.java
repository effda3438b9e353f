package spindle.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import spindle.core.CrawlUrl;

/**
 * The SQL schema of one job's {@link PostgresFrontier}: its name, its tables, creating them and recognising them.
 *
 * <p>One schema per job ({@code spindle_<job, sanitised>_<8 hex digits of SHA-256 of the job name>}, so jobs and tests
 * are isolated and {@link PostgresFrontier#drop} is one {@code DROP SCHEMA}); its comment names the format and the
 * job:
 * <ul>
 *   <li>{@code urls}: one row per admitted URL, keyed by its 64-bit fingerprint (the seen-set): host, url, depth,
 *       parent, redirects (so a lease returns equal {@code CrawlUrl}s), state ({@link #QUEUED}, {@link #LEASED},
 *       {@link #FETCHED}, {@link #FAILED}, {@link #REDIRECTED}, {@link #SCHEDULED}: waiting for a revisit, with its
 *       {@code due} time and its {@code visit}, a {@link spindle.core.LastVisit} as {@link CrawlUrlCodec} writes it),
 *       priority (depth capped at 255), sequence (discovery
 *       order) and the owner of a lease. A partial index on {@code (host, priority, sequence) WHERE state = queued}
 *       is each host's queue, one on {@code (owner) WHERE state = leased} finds an owner's leases. A requeued URL
 *       keeps its priority and sequence, so it is back at its original position. Partial indexes on
 *       {@code (due) WHERE state = scheduled} and {@code (host, due)} are the revisit schedule: the due URLs are found
 *       from the index's head, without reading the others.</li>
 *   <li>{@code hosts}: per host, URLs admitted (for the per-host page limit), queued, fetched and failed, and whether
 *       it is listed (a row is created, unlisted, by an add whose URLs the limits then reject).</li>
 *   <li>{@code counts}: {@link #SLOTS} slots of the state counts ({@link PostgresCounts}).</li>
 *   <li>{@code meta} (free metadata, such as the job fingerprint), {@code outputs} (node → committed output length)
 *       and {@code owners} (owner → node, last heartbeat).</li>
 *   <li>the {@link PostgresCaptureIndex}'s: {@code digests} (payload digest → its first capture's record id, URL and
 *       date, shared by the nodes), {@code bands} (SimHash band key → its most recent pages, as
 *       {@link SimHashBands#encode} writes them) and {@code warc_positions} (node → its own archive's committed
 *       position). A schema created before them gets them when it is next opened.</li>
 *   <li>{@code host_servers}: the server each host was first found on, for politeness per address on a cluster
 *       ({@link PostgresFrontier#recordServer}): one row per host, never changed, so every node agrees. Created with
 *       the capture index's tables, so a schema created before it gets it when it is next opened.</li>
 *   <li>the sequence {@code url_sequence}: one number per call that queues URLs; a URL's sequence is that number
 *       times 2^24 ({@link #SEQUENCE_STRIDE}) plus its position in the call, so discovery order holds across
 *       nodes.</li>
 * </ul>
 * Statements name the schema's objects with {@code @} ({@code @urls}); {@link #sql} puts the quoted schema there.
 */
final class PostgresSchema {
  static final String FORMAT = "spindle-frontier-1";
  /** Rows of the {@code counts} table. */
  static final int SLOTS = 64;
  /** The highest priority: depths beyond it share it. */
  static final int MAX_PRIORITY = 255;
  /** A URL's sequence is the number of its call times this, plus its position in the call. */
  static final long SEQUENCE_STRIDE = 1L << 24;
  static final short QUEUED = 0;
  static final short LEASED = 1;
  static final short FETCHED = 2;
  static final short FAILED = 3;
  static final short REDIRECTED = 4;
  static final short SCHEDULED = 5;

  private static final String[] TABLES = {
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
        owner text,
        kind int2 NOT NULL DEFAULT 0,
        lastmod int8,
        due int8,
        visit bytea)""",
      "CREATE INDEX urls_queue ON @urls (host, priority, sequence) WHERE state = 0",
      "CREATE INDEX urls_leases ON @urls (owner) WHERE state = 1",
      "CREATE INDEX urls_schedule ON @urls (due) WHERE state = 5",
      "CREATE INDEX urls_host_schedule ON @urls (host, due) WHERE state = 5",
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
        rejected int8 NOT NULL DEFAULT 0,
        scheduled int8 NOT NULL DEFAULT 0)""",
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

  /**
   * The capture index's tables (and {@code host_servers}), created with the others and, in a schema of a version
   * without them, when it is next opened: a crawl started before them goes on with an empty index, as a RocksDB
   * store does.
   */
  private static final String[] CAPTURE_TABLES = {
      """
      CREATE TABLE IF NOT EXISTS @digests (
        digest text COLLATE "C" PRIMARY KEY,
        record_id text NOT NULL,
        url text NOT NULL,
        captured_seconds int8 NOT NULL,
        captured_nanos int4 NOT NULL)""",
      "CREATE TABLE IF NOT EXISTS @bands (band int4 PRIMARY KEY, entries bytea NOT NULL)",
      "CREATE TABLE IF NOT EXISTS @host_servers (host text COLLATE \"C\" PRIMARY KEY, server text NOT NULL)",
      """
      CREATE TABLE IF NOT EXISTS @warc_positions (
        node text PRIMARY KEY,
        file text NOT NULL,
        file_bytes int8 NOT NULL,
        index_bytes int8 NOT NULL)""",
  };

  /** The columns added to {@code urls} with sitemaps, for a schema created before them. */
  private static final String SITEMAP_COLUMNS =
      "ALTER TABLE @urls ADD COLUMN IF NOT EXISTS kind int2 NOT NULL DEFAULT 0, ADD COLUMN IF NOT EXISTS lastmod int8";

  /** What revisits added ({@code urls.due}, {@code urls.visit}, their indexes, the scheduled count), for a schema
   * created before them. */
  private static final String[] REVISIT_COLUMNS = {
      "ALTER TABLE @urls ADD COLUMN IF NOT EXISTS due int8, ADD COLUMN IF NOT EXISTS visit bytea",
      "CREATE INDEX IF NOT EXISTS urls_schedule ON @urls (due) WHERE state = 5",
      "CREATE INDEX IF NOT EXISTS urls_host_schedule ON @urls (host, due) WHERE state = 5",
      "ALTER TABLE @counts ADD COLUMN IF NOT EXISTS scheduled int8 NOT NULL DEFAULT 0",
  };

  private final String job;
  private final String name;
  private final String prefix;

  /** The schema of {@code job}. */
  PostgresSchema(String job) {
    this.job = job;
    this.name = name(job);
    this.prefix = quote(name) + ".";
  }

  /** The schema of {@code job}: {@code spindle_}, the job name sanitised (at most 40 characters), its hash. */
  static String name(String job) {
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

  /** The schema's name. */
  String name() {
    return name;
  }

  /** {@code text} with every {@code @} replaced by the quoted schema and a dot. */
  String sql(String text) {
    return text.replace("@", prefix);
  }

  /** A 64-bit key for {@code pg_advisory_xact_lock}, named {@code what} within this schema. */
  long lockKey(String what) {
    return ByteBuffer.wrap(sha256(what + ":" + name)).getLong();
  }

  /**
   * Creates the schema and its tables in the transaction of {@code connection} unless they exist; throws
   * {@link StoreException} (naming {@code database}) when a schema of that name exists but is not this job's
   * frontier in this format. Two nodes opening a new job at once are serialised by an advisory lock.
   */
  void create(Connection connection, String database) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      statement.setLong(1, lockKey("schema"));
      statement.executeQuery().close();
    }
    String comment = null;
    boolean present = false;
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT obj_description(oid, 'pg_namespace') FROM pg_catalog.pg_namespace WHERE nspname = ?")) {
      statement.setString(1, name);
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
        throw new StoreException(database + ": schema " + name + " is not the frontier of job " + job
            + " in the format this version writes (" + FORMAT + "): its comment is " + comment, null);
      }
      createCaptureTables(connection);
      if (!hasColumn(connection, "urls", "kind")) { // created before sitemaps: a plain page is kind 0, no lastmod
        try (PreparedStatement statement = connection.prepareStatement(sql(SITEMAP_COLUMNS))) {
          statement.execute();
        }
      }
      if (!hasColumn(connection, "urls", "due")) { // created before revisits: nothing is scheduled
        for (String change : REVISIT_COLUMNS) {
          try (PreparedStatement statement = connection.prepareStatement(sql(change))) {
            statement.execute();
          }
        }
      }
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement("CREATE SCHEMA " + quote(name))) {
      statement.execute();
    }
    for (String table : TABLES) {
      try (PreparedStatement statement = connection.prepareStatement(sql(table))) {
        statement.execute();
      }
    }
    createCaptureTables(connection);
    // COMMENT takes no parameters; the job name is quoted as a literal
    try (PreparedStatement statement = connection.prepareStatement(
        "COMMENT ON SCHEMA " + quote(name) + " IS " + literal(expected))) {
      statement.execute();
    }
  }

  private void createCaptureTables(Connection connection) throws SQLException {
    for (String table : CAPTURE_TABLES) {
      try (PreparedStatement statement = connection.prepareStatement(sql(table))) {
        statement.execute();
      }
    }
  }

  /** The {@code kind} column's value for {@code kind}: 0 a page, 1 a sitemap. */
  static short kind(CrawlUrl.Kind kind) {
    return (short) (kind == CrawlUrl.Kind.SITEMAP ? 1 : 0);
  }

  /** The kind a {@code kind} column's value stands for; throws {@link StoreException} for an unknown one. */
  static CrawlUrl.Kind kind(short value) {
    return switch (value) {
      case 0 -> CrawlUrl.Kind.PAGE;
      case 1 -> CrawlUrl.Kind.SITEMAP;
      default -> throw new StoreException("corrupt frontier row: URL kind " + value, null);
    };
  }

  private boolean hasColumn(Connection connection, String table, String column) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM information_schema.columns "
        + "WHERE table_schema = ? AND table_name = ? AND column_name = ?")) {
      statement.setString(1, name);
      statement.setString(2, table);
      statement.setString(3, column);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
  }

  /** Deletes the schema and everything in it; nothing if absent. */
  void drop(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("DROP SCHEMA IF EXISTS " + quote(name)
        + " CASCADE")) {
      statement.execute();
    }
  }

  /** Whether the schema exists. */
  boolean exists(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?")) {
      statement.setString(1, name);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
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
}
