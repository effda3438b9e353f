package spindle.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The state counts of a {@link PostgresFrontier}, kept in the {@code counts} table's {@link PostgresSchema#SLOTS}
 * slots: a transaction adds its {@link CountsDelta} to the slot of its owner and thread, and the counts are the sum of
 * the slots. No {@code count(*)} over {@code urls}, and no single hot row that every node's every write must lock.
 *
 * <p>{@link #counts()} is a snapshot, read in one statement by {@link #refresh} (after each write that changed
 * something, and periodically); it never blocks. Thread-safe.
 */
final class PostgresCounts {
  private final PostgresSchema schema;
  private final String owner;
  private final String addSql;
  private final String sumSql;
  private final AtomicLong tickets = new AtomicLong();
  private final AtomicReference<Snapshot> snapshot =
      new AtomicReference<>(new Snapshot(0, new FrontierCounts(0, 0, 0, 0, 0, 0, 0)));

  PostgresCounts(PostgresSchema schema, String owner) {
    this.schema = schema;
    this.owner = owner;
    this.addSql = schema.sql("""
        UPDATE @counts SET discovered = discovered + ?, queued = queued + ?, leased = leased + ?,
          fetched = fetched + ?, failed = failed + ?, redirected = redirected + ?, rejected = rejected + ?,
          scheduled = scheduled + ?
        WHERE slot = ?""");
    this.sumSql = schema.sql("""
        SELECT coalesce(sum(discovered), 0)::int8, coalesce(sum(queued), 0)::int8, coalesce(sum(leased), 0)::int8,
               coalesce(sum(fetched), 0)::int8, coalesce(sum(failed), 0)::int8, coalesce(sum(redirected), 0)::int8,
               coalesce(sum(rejected), 0)::int8, coalesce(sum(scheduled), 0)::int8
        FROM @counts""");
  }

  /** The last snapshot published: the whole job's counts (every node's URLs). */
  FrontierCounts counts() {
    return snapshot.get().counts;
  }

  /** Adds {@code delta} to this owner and thread's slot, in the transaction of {@code connection}. */
  void add(Connection connection, CountsDelta delta) throws SQLException {
    if (delta.isZero()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(addSql)) {
      statement.setLong(1, delta.discovered());
      statement.setLong(2, delta.queued());
      statement.setLong(3, delta.leased());
      statement.setLong(4, delta.fetched());
      statement.setLong(5, delta.failed());
      statement.setLong(6, delta.redirected());
      statement.setLong(7, delta.rejected());
      statement.setLong(8, delta.scheduled());
      statement.setInt(9, slot());
      statement.executeUpdate();
    }
  }

  /** URLs discovered so far by every node: read in a statement of its own, after the caller took the job's lock. */
  long discovered(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        schema.sql("SELECT coalesce(sum(discovered), 0)::int8 FROM @counts"));
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /**
   * The counts slot of this owner and thread: threads and nodes spread over the slots, so few share a row. A write
   * that changes the counts inside a larger statement (an add) passes it as a parameter.
   */
  int slot() {
    return Math.floorMod(Objects.hash(owner, Thread.currentThread().getId()), PostgresSchema.SLOTS);
  }

  /**
   * Reads the counts in one statement and publishes them unless a snapshot whose read began later was published
   * already: the published snapshot only moves forward, and includes every write committed before it began.
   */
  Void refresh(Connection connection) throws SQLException {
    long ticket = tickets.incrementAndGet();
    FrontierCounts counts;
    try (PreparedStatement statement = connection.prepareStatement(sumSql);
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      counts = new FrontierCounts(rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4),
          rows.getLong(5), rows.getLong(6), rows.getLong(7), rows.getLong(8));
    }
    Snapshot fresh = new Snapshot(ticket, counts);
    snapshot.accumulateAndGet(fresh, (current, next) -> next.ticket > current.ticket ? next : current);
    return null;
  }

  /**
   * The SQL of a select list that reads the counts as {@link #refresh} does, to end a statement that changes them:
   * its snapshot does not see the statement's own changes, which {@link #publish} adds.
   */
  String sumColumns() {
    return " " + """
        coalesce(sum(discovered), 0)::int8, coalesce(sum(queued), 0)::int8, coalesce(sum(leased), 0)::int8,
        coalesce(sum(fetched), 0)::int8, coalesce(sum(failed), 0)::int8, coalesce(sum(redirected), 0)::int8,
        coalesce(sum(rejected), 0)::int8, coalesce(sum(scheduled), 0)::int8""" + " ";
  }

  /** A number for a read of the counts that begins now (see {@link #publish}). */
  long ticket() {
    return tickets.incrementAndGet();
  }

  /**
   * Publishes the counts read by a statement that began after {@link #ticket} returned {@code ticket} (its columns
   * from {@code first}, in {@link #sumColumns} order) plus {@code delta}, what that statement changed; call it once
   * its transaction committed. As {@link #refresh}: the snapshot only moves forward.
   */
  void publish(long ticket, long[] read, CountsDelta delta) {
    FrontierCounts counts = new FrontierCounts(read[0] + delta.discovered(), read[1] + delta.queued(),
        read[2] + delta.leased(), read[3] + delta.fetched(), read[4] + delta.failed(), read[5] + delta.redirected(),
        read[6] + delta.rejected(), read[7] + delta.scheduled());
    Snapshot fresh = new Snapshot(ticket, counts);
    snapshot.accumulateAndGet(fresh, (current, next) -> next.ticket > current.ticket ? next : current);
  }

  /** The eight counts of {@link #sumColumns} from {@code rows}' current row, starting at column {@code first}. */
  static long[] read(java.sql.ResultSet rows, int first) throws SQLException {
    long[] read = new long[8];
    for (int i = 0; i < read.length; i++) {
      read[i] = rows.getLong(first + i);
    }
    return read;
  }

  /** The counts as of the read numbered {@code ticket}. */
  private record Snapshot(long ticket, FrontierCounts counts) {}
}
