package spindle.store;

import static spindle.store.PostgresJdbc.textArray;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import spindle.core.HostKey;

/**
 * The {@code hosts} table of a {@link PostgresFrontier}: per host, URLs admitted, queued, fetched and failed.
 * Writes lock and change host rows inside the caller's transaction, always in sorted order (the lock order of the
 * frontier); reads are one query each, over every host row (the table has no index but its key, which is fine up to
 * some 100,000 hosts). Host names are compared by their UTF-8 bytes ({@code COLLATE "C"}).
 */
final class PostgresHosts {
  private final PostgresSchema schema;
  private final PostgresJdbc jdbc;

  PostgresHosts(PostgresSchema schema, PostgresJdbc jdbc) {
    this.schema = schema;
    this.jdbc = jdbc;
  }

  /** Creates the rows of {@code hostNames} that are missing (unlisted) and locks them all, in sorted order. */
  void lock(Connection connection, TreeSet<String> hostNames) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
        INSERT INTO @hosts AS h (host) SELECT unnest(?::text[])
        ON CONFLICT (host) DO UPDATE SET listed = h.listed WHERE false"""))) {
      // DO UPDATE ... WHERE false: a row that exists is locked but not rewritten
      statement.setArray(1, textArray(connection, hostNames.toArray(new String[0])));
      statement.executeUpdate();
    }
  }

  /** The URLs admitted so far per host of {@code hostNames} (hosts without a row are left out). */
  Map<String, Long> admitted(Connection connection, TreeSet<String> hostNames) throws SQLException {
    Map<String, Long> admitted = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(
        schema.sql("SELECT host, admitted FROM @hosts WHERE host = ANY(?)"))) {
      statement.setArray(1, textArray(connection, hostNames.toArray(new String[0])));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          admitted.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    return admitted;
  }

  /** Adds {@code deltas} to host rows that exist and lists them, one statement per host in sorted order, batched. */
  void update(Connection connection, TreeMap<String, Delta> deltas) throws SQLException {
    if (deltas.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
        UPDATE @hosts SET listed = true, queued = queued + ?, fetched = fetched + ?, failed = failed + ?
        WHERE host = ?"""))) {
      for (Map.Entry<String, Delta> entry : deltas.entrySet()) {
        Delta delta = entry.getValue();
        statement.setLong(1, delta.queued);
        statement.setLong(2, delta.fetched);
        statement.setLong(3, delta.failed);
        statement.setString(4, entry.getKey());
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /** The URLs queued for {@code host}. */
  long queued(HostKey host) {
    return jdbc.read("queued", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(
          schema.sql("SELECT queued FROM @hosts WHERE host = ?"))) {
        statement.setString(1, host.name());
        try (ResultSet rows = statement.executeQuery()) {
          return rows.next() ? rows.getLong(1) : 0L;
        }
      }
    });
  }

  /** The hosts with queued URLs, sorted by name. */
  List<HostKey> withWork() {
    return jdbc.read("forEachHostWithWork", connection -> {
      List<HostKey> out = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement(
          schema.sql("SELECT host FROM @hosts WHERE queued > 0 ORDER BY host"));
          ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          out.add(HostKey.parse(rows.getString(1)));
        }
      }
      return out;
    });
  }

  /** The hosts with queued URLs, most queued first (ties by name), at most {@code limit} (positive). */
  List<Frontier.HostCount> busiest(int limit) {
    return jdbc.read("busiestHosts", connection -> {
      List<Frontier.HostCount> out = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement(
          schema.sql("SELECT host, queued FROM @hosts WHERE queued > 0 ORDER BY queued DESC, host LIMIT ?"))) {
        statement.setInt(1, limit);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            out.add(new Frontier.HostCount(HostKey.parse(rows.getString(1)), rows.getLong(2)));
          }
        }
      }
      return out;
    });
  }

  /** The tally of a listed {@code host}; zeros for any other. */
  HostTally tally(HostKey host) {
    return jdbc.read("tally", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(
          schema.sql("SELECT queued, fetched, failed FROM @hosts WHERE host = ? AND listed"))) {
        statement.setString(1, host.name());
        try (ResultSet rows = statement.executeQuery()) {
          return rows.next() ? new HostTally(host, rows.getLong(1), rows.getLong(2), rows.getLong(3))
              : HostTally.empty(host);
        }
      }
    });
  }

  /** The first {@code limit} (positive) listed hosts in {@code order}. */
  List<HostTally> tallies(HostOrder order, int limit) {
    String orderBy = switch (order) {
      case QUEUED -> "queued DESC, host";
      case FETCHED -> "fetched DESC, host";
      case FAILED -> "failed DESC, host";
      case HOST -> "host";
    };
    return jdbc.read("hosts", connection -> {
      List<HostTally> out = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement(schema.sql(
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

  /** The number of listed hosts. */
  int count() {
    return jdbc.read("hostCount", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(
          schema.sql("SELECT count(*) FROM @hosts WHERE listed"));
          ResultSet rows = statement.executeQuery()) {
        rows.next();
        return (int) rows.getLong(1);
      }
    });
  }

  /** One transaction's change to a host's row. */
  static final class Delta {
    long queued;
    long fetched;
    long failed;

    /** A URL of the host finished: failed when {@code failed}, else fetched. */
    void finish(boolean failed) {
      if (failed) {
        this.failed++;
      } else {
        fetched++;
      }
    }
  }
}
