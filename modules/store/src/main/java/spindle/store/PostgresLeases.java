package spindle.store;

import static spindle.store.PostgresJdbc.int8Array;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;

/**
 * Leases of a {@link PostgresFrontier} and their owners. A lease is a URL row in the leased state with its owner (one
 * process incarnation, {@code owner} of {@link PostgresFrontier#open}); the {@code owners} table records each owner's
 * node and last heartbeat. This class takes leases ({@code FOR UPDATE SKIP LOCKED}, so two nodes leasing one host at
 * once never get the same URL), puts leases back at their original queue positions (by URL, by owner, for owners
 * gone silent, for earlier incarnations of this node), and writes the heartbeats. Every call is one transaction that
 * also changes the host rows and a counts slot. Thread-safe.
 */
final class PostgresLeases {
  private final PostgresSchema schema;
  private final PostgresJdbc jdbc;
  private final PostgresCounts counts;
  private final PostgresHosts hosts;
  private final String node;
  private final String owner;

  PostgresLeases(PostgresSchema schema, PostgresJdbc jdbc, PostgresCounts counts, PostgresHosts hosts, String node,
      String owner) {
    this.schema = schema;
    this.jdbc = jdbc;
    this.counts = counts;
    this.hosts = hosts;
    this.node = node;
    this.owner = owner;
  }

  /**
   * Leases up to {@code max} (positive) queued URLs of {@code host} to this owner, in queue order: one statement
   * (the URL rows, the host's row, this owner's counts slot, and a read of the counts) and its commit.
   */
  List<CrawlUrl> lease(HostKey host, int max) {
    long ticket = counts.ticket();
    long[][] read = new long[1][];
    List<CrawlUrl> urls = jdbc.write("lease", connection -> {
      List<Leased> out = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
          WITH picked AS (
            SELECT fingerprint FROM @urls WHERE host = ? AND state = 0 ORDER BY priority, sequence LIMIT ?
            FOR UPDATE SKIP LOCKED),
          leased AS (
            UPDATE @urls u SET state = 1, owner = ? FROM picked WHERE u.fingerprint = picked.fingerprint
            RETURNING u.url, u.depth, u.parent, u.redirects, u.kind, u.lastmod, u.visit, u.priority, u.sequence),
          host_changed AS (
            UPDATE @hosts SET queued = queued - (SELECT count(*) FROM leased)
            WHERE host = ? AND EXISTS (SELECT 1 FROM leased) RETURNING 1),
          slot_changed AS (
            UPDATE @counts SET queued = queued - (SELECT count(*) FROM leased),
                               leased = leased + (SELECT count(*) FROM leased)
            WHERE slot = ? AND EXISTS (SELECT 1 FROM leased) RETURNING 1),
          totals AS (SELECT """ + counts.sumColumns() + """
            FROM @counts)
          SELECT leased.*, (SELECT count(*) FROM host_changed) AS hosts_changed,
                 (SELECT count(*) FROM slot_changed) AS slots_changed, totals.*
          FROM totals LEFT JOIN leased ON true
          """))) {
        statement.setString(1, host.name());
        statement.setInt(2, max);
        statement.setString(3, owner);
        statement.setString(4, host.name());
        statement.setInt(5, counts.slot());
        try (ResultSet rows = statement.executeQuery()) {
          int first = 0;
          while (rows.next()) {
            if (first == 0) {
              first = rows.findColumn("slots_changed") + 1;
              read[0] = PostgresCounts.read(rows, first);
            }
            if (rows.getString("url") != null) {
              out.add(new Leased(restore(rows, host), rows.getInt("priority"), rows.getLong("sequence")));
            }
          }
        }
      }
      out.sort(Comparator.comparingInt(Leased::priority).thenComparingLong(Leased::sequence));
      return out.stream().map(Leased::url).toList();
    }, ignored -> false);
    if (!urls.isEmpty()) {
      CountsDelta delta = new CountsDelta();
      delta.lease(urls.size());
      counts.publish(ticket, read[0], delta);
    }
    return urls;
  }

  /** Puts the leased URLs among {@code prints} (sorted, distinct) back in their queues, whoever leased them. */
  void requeue(long[] prints) {
    jdbc.write("requeue", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
          UPDATE @urls SET state = 0, owner = NULL WHERE fingerprint = ANY(?) AND state = 1 RETURNING host"""))) {
        statement.setArray(1, int8Array(connection, prints));
        return requeued(connection, statement);
      }
    }, requeued -> requeued.count > 0);
  }

  /** Puts every URL leased by {@code leaseOwner} back in its queue; returns how many, and their hosts, sorted. */
  Requeued requeueLeasesOf(String operation, String leaseOwner) {
    return jdbc.write(operation, connection -> {
      try (PreparedStatement statement = connection.prepareStatement(schema.sql(
          "UPDATE @urls SET state = 0, owner = NULL WHERE owner = ? AND state = 1 RETURNING host"))) {
        statement.setString(1, leaseOwner);
        return requeued(connection, statement);
      }
    }, requeued -> requeued.count > 0);
  }

  /** Records that this owner is alive, now by the database's clock. */
  void heartbeat() {
    jdbc.write("heartbeat", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
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
   * Requeues the leases of every owner other than this one whose last heartbeat is older than {@code silence}, and
   * forgets those owners; returns the hosts that got URLs back, sorted.
   */
  List<HostKey> requeueLeasesOfSilentOwners(Duration silence) {
    double seconds = silence.toNanos() / 1e9;
    List<String> silent = jdbc.read("requeueLeasesOfSilentOwners", connection -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
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
    TreeSet<HostKey> requeuedHosts = new TreeSet<>();
    for (String other : silent) {
      requeuedHosts.addAll(requeueLeasesOf("requeueLeasesOfSilentOwners", other).hosts);
      jdbc.write("requeueLeasesOfSilentOwners", connection -> {
        try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
            DELETE FROM @owners WHERE owner = ? AND heartbeat < clock_timestamp() - make_interval(secs => ?)"""))) {
          statement.setString(1, other);
          statement.setDouble(2, seconds);
          return statement.executeUpdate();
        }
      }, ignored -> false);
    }
    return List.copyOf(requeuedHosts);
  }

  /** Requeues the leases of earlier owners of this node, and forgets them; returns how many URLs came back. */
  long recoverEarlierIncarnations() {
    List<String> earlier = jdbc.read("open", connection -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement(
          schema.sql("SELECT owner FROM @owners WHERE node = ? AND owner <> ? ORDER BY owner"))) {
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
      recovered += requeueLeasesOf("open", previous).count;
      forget("open", previous);
    }
    return recovered;
  }

  /** Requeues this owner's own leases and forgets the owner: a node stopping. */
  void releaseOwn() {
    requeueLeasesOf("close", owner);
    jdbc.write("close", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(
          schema.sql("DELETE FROM @owners WHERE owner = ?"))) {
        statement.setString(1, owner);
        statement.executeUpdate();
      }
      return null;
    }, ignored -> true);
  }

  private void forget(String operation, String previous) {
    jdbc.write(operation, connection -> {
      try (PreparedStatement statement = connection.prepareStatement(
          schema.sql("DELETE FROM @owners WHERE owner = ?"))) {
        statement.setString(1, previous);
        return statement.executeUpdate();
      }
    }, ignored -> false);
  }

  /** Runs {@code update}, which moves leased URLs back to queued returning their hosts, and counts them. */
  private Requeued requeued(Connection connection, PreparedStatement update) throws SQLException {
    TreeMap<String, PostgresHosts.Delta> hostDeltas = new TreeMap<>();
    long count = 0;
    try (ResultSet rows = update.executeQuery()) {
      while (rows.next()) {
        hostDeltas.computeIfAbsent(rows.getString(1), name -> new PostgresHosts.Delta()).queued++;
        count++;
      }
    }
    hosts.update(connection, hostDeltas);
    CountsDelta delta = new CountsDelta();
    delta.requeue(count);
    counts.add(connection, delta);
    List<HostKey> requeuedHosts = hostDeltas.keySet().stream().map(HostKey::parse).toList();
    return new Requeued(count, requeuedHosts);
  }

  private static CrawlUrl restore(ResultSet rows, HostKey host) throws SQLException {
    Array redirects = rows.getArray("redirects");
    List<String> chain = redirects == null ? List.of() : List.of((String[]) redirects.getArray());
    long lastModified = rows.getLong("lastmod");
    Optional<Instant> lastmod = rows.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(lastModified));
    byte[] visit = rows.getBytes("visit");
    return CrawlUrl.restore(rows.getString("url"), host, PostgresSchema.kind(rows.getShort("kind")),
        rows.getInt("depth"), Optional.ofNullable(rows.getString("parent")), chain, lastmod,
        visit == null ? Optional.empty() : Optional.of(CrawlUrlCodec.decodeVisit(visit)));
  }

  /** How many leases went back to their queues, and the hosts they went to, sorted. */
  record Requeued(long count, List<HostKey> hosts) {}

  /** A leased URL with its position, to return a lease in queue order. */
  private record Leased(CrawlUrl url, int priority, long sequence) {}
}
