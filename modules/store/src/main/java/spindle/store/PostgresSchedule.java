package spindle.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import spindle.core.HostKey;
import spindle.store.Frontier.HostDue;

/**
 * The revisit schedule of a {@link PostgresFrontier}: its {@code urls} rows in state SCHEDULED (5), indexed by due
 * time, shared by the nodes and durable. Releasing moves the due rows back to QUEUED at the back of their hosts'
 * queues, in one transaction with the hosts' and the job's counts; rows another node is releasing are skipped
 * ({@code FOR UPDATE SKIP LOCKED}), so each due URL is released once.
 */
final class PostgresSchedule {
  private final PostgresSchema schema;
  private final PostgresJdbc jdbc;
  private final PostgresCounts counts;
  private final PostgresHosts hosts;

  PostgresSchedule(PostgresSchema schema, PostgresJdbc jdbc, PostgresCounts counts, PostgresHosts hosts) {
    this.schema = schema;
    this.jdbc = jdbc;
    this.counts = counts;
    this.hosts = hosts;
  }

  /** Releases at most {@code max} URLs due at {@code now}; returns the hosts that got work. */
  List<HostKey> releaseDue(Instant now, int max) {
    if (max <= 0) {
      return List.of();
    }
    return jdbc.write("releaseDue", connection -> {
      long base;
      try (PreparedStatement statement = connection.prepareStatement(schema.sql("SELECT nextval('@url_sequence')"));
          ResultSet rows = statement.executeQuery()) {
        rows.next();
        base = rows.getLong(1) * PostgresSchema.SEQUENCE_STRIDE;
      }
      TreeMap<String, PostgresHosts.Delta> hostDeltas = new TreeMap<>();
      CountsDelta delta = new CountsDelta();
      try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
          WITH due AS (
            SELECT fingerprint, row_number() OVER (ORDER BY due, fingerprint) AS position FROM (
              SELECT fingerprint, due FROM @urls WHERE state = 5 AND due <= ? ORDER BY due LIMIT ?
              FOR UPDATE SKIP LOCKED) AS picked)
          UPDATE @urls u SET state = 0, due = NULL, sequence = ? + due.position
          FROM due WHERE u.fingerprint = due.fingerprint
          RETURNING u.host"""))) {
        statement.setLong(1, now.toEpochMilli());
        statement.setInt(2, max);
        statement.setLong(3, base);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            hostDeltas.computeIfAbsent(rows.getString(1), name -> new PostgresHosts.Delta()).queued++;
          }
        }
      }
      long released = hostDeltas.values().stream().mapToLong(host -> host.queued).sum();
      delta.release(released);
      hosts.update(connection, hostDeltas);
      counts.add(connection, delta);
      return hostDeltas.keySet().stream().map(HostKey::parse).toList();
    }, released -> !released.isEmpty());
  }

  /** When the next scheduled URL is due: of {@code host}, or of any host when empty. */
  Optional<Instant> nextDue(Optional<HostKey> host) {
    return jdbc.read("nextDue", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(schema.sql(
          "SELECT min(due) FROM @urls WHERE state = 5" + (host.isPresent() ? " AND host = ?" : "")))) {
        if (host.isPresent()) {
          statement.setString(1, host.get().name());
        }
        try (ResultSet rows = statement.executeQuery()) {
          rows.next();
          long due = rows.getLong(1);
          return rows.wasNull() ? Optional.<Instant>empty() : Optional.of(Instant.ofEpochMilli(due));
        }
      }
    });
  }

  /** The first {@code limit} hosts in due-time order, read from the head of the index (Frontier.nextRevisits). */
  List<HostDue> nextRevisits(int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return jdbc.read("nextRevisits", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
          SELECT host, min(due) FROM (SELECT host, due FROM @urls WHERE state = 5 ORDER BY due LIMIT ?) AS head
          GROUP BY host ORDER BY 2, 1 LIMIT ?"""))) {
        statement.setInt(1, Frontier.MAX_SCHEDULE_READ);
        statement.setInt(2, limit);
        List<HostDue> out = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            out.add(new HostDue(HostKey.parse(rows.getString(1)), Instant.ofEpochMilli(rows.getLong(2))));
          }
        }
        return out;
      }
    });
  }
}
