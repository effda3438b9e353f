package spindle.store;

import static spindle.store.PostgresJdbc.int2Array;
import static spindle.store.PostgresJdbc.int8Array;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * Completing leased URLs of a {@link PostgresFrontier}: each call is one transaction that moves the URL rows to
 * fetched, failed or (a revisit) scheduled, adds to their hosts' rows and to this owner's counts slot, and records
 * the node's output length. Without revisits that is one statement and its commit, two round trips. Calls of one
 * instance run one at a time, so {@link #committedOutputBytes()} is the output length of the last one.
 */
final class PostgresCompletions {
  private final PostgresSchema schema;
  private final PostgresJdbc jdbc;
  private final PostgresCounts counts;
  private final PostgresHosts hosts;
  private final String node;
  private final ToLongFunction<String> fingerprint;
  private volatile long committedOutputBytes;

  /** Completions of {@code node}'s URLs, whose output was {@code committedOutputBytes} long when it opened. */
  PostgresCompletions(PostgresSchema schema, PostgresJdbc jdbc, PostgresCounts counts, PostgresHosts hosts,
      String node, ToLongFunction<String> fingerprint, long committedOutputBytes) {
    this.schema = schema;
    this.jdbc = jdbc;
    this.counts = counts;
    this.hosts = hosts;
    this.node = node;
    this.fingerprint = fingerprint;
    this.committedOutputBytes = committedOutputBytes;
  }

  /** The output length the last completion recorded (or the one recorded before this node opened). */
  long committedOutputBytes() {
    return committedOutputBytes;
  }

  /**
   * Completes {@code finished} and records {@code outputBytes} as the node's output length, in one transaction. A URL
   * that is not leased (completed twice, also within one call, or requeued meanwhile) is ignored; a URL leased by
   * another owner (its lease was moved after this node was thought dead) is accepted.
   */
  void complete(Collection<Frontier.Completion> finished, long outputBytes) {
    TreeMap<Long, Short> states = new TreeMap<>(); // sorted: rows are locked in fingerprint order
    TreeMap<Long, Frontier.Completion> revisits = new TreeMap<>();
    for (Frontier.Completion completion : finished) {
      long print = fingerprint.applyAsLong(completion.url().url());
      if (states.containsKey(print) || revisits.containsKey(print)) {
        continue;
      }
      if (completion.revisitAt().isPresent()) {
        revisits.put(print, completion);
      } else {
        states.put(print, completion.failed() ? PostgresSchema.FAILED : PostgresSchema.FETCHED);
      }
    }
    long[] prints = new long[states.size()];
    short[] newStates = new short[states.size()];
    int i = 0;
    for (Map.Entry<Long, Short> entry : states.entrySet()) {
      prints[i] = entry.getKey();
      newStates[i++] = entry.getValue();
    }
    synchronized (this) {
      if (revisits.isEmpty()) {
        completeInOneStatement(prints, newStates, outputBytes);
      } else {
        completeWithRevisits(prints, newStates, revisits, outputBytes);
      }
      committedOutputBytes = outputBytes;
    }
  }

  /**
   * Completes URLs none of which is revisited in one statement and its commit (two round trips): the URL rows
   * (locked in fingerprint order), the hosts' rows (in name order), this owner's counts slot and the output length;
   * the statement also reads the counts, so that no read follows the commit.
   */
  private void completeInOneStatement(long[] prints, short[] newStates, long outputBytes) {
    long ticket = counts.ticket();
    long[][] read = new long[1][];
    CountsDelta delta = jdbc.write("complete", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
          WITH done AS (
            UPDATE @urls u SET state = c.state, owner = NULL
            FROM unnest(?::int8[], ?::int2[]) AS c(fingerprint, state)
            WHERE u.fingerprint = c.fingerprint AND u.state = 1
            RETURNING u.host, c.state),
          per_host AS (
            SELECT host, count(*) FILTER (WHERE state = 2) AS fetched, count(*) FILTER (WHERE state = 3) AS failed
            FROM done GROUP BY host),
          hosts_changed AS (
            UPDATE @hosts h SET listed = true, fetched = h.fetched + p.fetched, failed = h.failed + p.failed
            FROM (SELECT * FROM per_host ORDER BY host) p WHERE h.host = p.host RETURNING 1),
          totals AS (
            SELECT count(*) FILTER (WHERE state = 2) AS fetched, count(*) FILTER (WHERE state = 3) AS failed
            FROM done),
          slot_changed AS (
            UPDATE @counts SET leased = leased - (SELECT fetched + failed FROM totals),
                               fetched = fetched + (SELECT fetched FROM totals),
                               failed = failed + (SELECT failed FROM totals)
            WHERE slot = ? AND (SELECT fetched + failed FROM totals) > 0 RETURNING 1),
          output_changed AS (
            INSERT INTO @outputs (node, committed_bytes) VALUES (?, ?)
            ON CONFLICT (node) DO UPDATE SET committed_bytes = EXCLUDED.committed_bytes RETURNING 1)
          SELECT (SELECT fetched FROM totals), (SELECT failed FROM totals),
                 (SELECT count(*) FROM hosts_changed), (SELECT count(*) FROM slot_changed),
                 (SELECT count(*) FROM output_changed), """ + counts.sumColumns() + """
          FROM @counts"""))) {
        statement.setArray(1, int8Array(connection, prints));
        statement.setArray(2, int2Array(connection, newStates));
        statement.setInt(3, counts.slot());
        statement.setString(4, node);
        statement.setLong(5, outputBytes);
        try (ResultSet rows = statement.executeQuery()) {
          rows.next();
          CountsDelta changed = new CountsDelta();
          for (long i = rows.getLong(1); i > 0; i--) {
            changed.finish(false);
          }
          for (long i = rows.getLong(2); i > 0; i--) {
            changed.finish(true);
          }
          read[0] = PostgresCounts.read(rows, 6);
          return changed;
        }
      }
    }, ignored -> false);
    counts.publish(ticket, read[0], delta);
  }

  /** Completes URLs of which some are revisited: statement by statement, then reads the counts. */
  private void completeWithRevisits(long[] prints, short[] newStates, TreeMap<Long, Frontier.Completion> revisits,
      long outputBytes) {
    jdbc.write("complete", connection -> {
        TreeMap<String, PostgresHosts.Delta> hostDeltas = new TreeMap<>();
        CountsDelta delta = new CountsDelta();
        if (prints.length > 0) {
          try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
              UPDATE @urls u SET state = c.state, owner = NULL
              FROM unnest(?::int8[], ?::int2[]) AS c(fingerprint, state)
              WHERE u.fingerprint = c.fingerprint AND u.state = 1
              RETURNING u.host, c.state"""))) {
            statement.setArray(1, int8Array(connection, prints));
            statement.setArray(2, int2Array(connection, newStates));
            try (ResultSet rows = statement.executeQuery()) {
              while (rows.next()) {
                boolean failed = rows.getShort(2) == PostgresSchema.FAILED;
                hostDeltas.computeIfAbsent(rows.getString(1), name -> new PostgresHosts.Delta()).finish(failed);
                delta.finish(failed);
              }
            }
          }
        }
        schedule(connection, revisits, delta);
        hosts.update(connection, hostDeltas);
        counts.add(connection, delta);
        try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
            INSERT INTO @outputs (node, committed_bytes) VALUES (?, ?)
            ON CONFLICT (node) DO UPDATE SET committed_bytes = EXCLUDED.committed_bytes"""))) {
          statement.setString(1, node);
          statement.setLong(2, outputBytes);
          statement.executeUpdate();
        }
        return null;
      }, ignored -> true);
  }

  /**
   * Puts the leased URLs of {@code revisits} (by fingerprint, in order: rows are locked in fingerprint order) in the
   * SCHEDULED state with their due time and last visit, and counts them in {@code delta}; in the caller's transaction.
   * Whether locked before the other completions or after, a row is locked in fingerprint order within each statement.
   */
  private void schedule(Connection connection, TreeMap<Long, Frontier.Completion> revisits, CountsDelta delta)
      throws SQLException {
    long[] prints = new long[revisits.size()];
    long[] dues = new long[revisits.size()];
    byte[][] visits = new byte[revisits.size()][];
    int i = 0;
    for (Map.Entry<Long, Frontier.Completion> entry : revisits.entrySet()) {
      prints[i] = entry.getKey();
      dues[i] = entry.getValue().revisitAt().orElseThrow().toEpochMilli();
      visits[i++] = CrawlUrlCodec.encodeVisit(entry.getValue().url().lastVisit().orElseThrow());
    }
    try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
        UPDATE @urls u SET state = 5, owner = NULL, due = c.due, visit = c.visit
        FROM unnest(?::int8[], ?::int8[], ?::bytea[]) AS c(fingerprint, due, visit)
        WHERE u.fingerprint = c.fingerprint AND u.state = 1
        RETURNING u.host"""))) {
      statement.setArray(1, int8Array(connection, prints));
      statement.setArray(2, int8Array(connection, dues));
      statement.setArray(3, connection.createArrayOf("bytea", visits));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          delta.schedule();
        }
      }
    }
  }
}
