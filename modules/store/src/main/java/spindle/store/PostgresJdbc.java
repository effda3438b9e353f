package spindle.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The JDBC plumbing of the {@link PostgresFrontier}: its connection pool, one transaction per call (READ COMMITTED)
 * retried after a deadlock or serialization failure, reads in autocommit mode, and failures turned into
 * {@link StoreException}s that name the database (never its password) and the schema. It knows no table.
 *
 * <p>Thread-safe: each call takes its own connection from the pool.
 */
final class PostgresJdbc implements AutoCloseable {
  private static final int MAX_ATTEMPTS = 5;
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final PostgresSettings settings;
  private final String schema;
  private final HikariDataSource pool;
  private final Work<Void> afterChange;

  /**
   * Plumbing for the frontier in {@code schema}, over {@code pool}; {@code afterChange} runs on the same connection
   * after every transaction that changed something (the frontier reads its counts again there).
   */
  PostgresJdbc(PostgresSettings settings, String schema, HikariDataSource pool, Work<Void> afterChange) {
    this.settings = settings;
    this.schema = schema;
    this.pool = pool;
    this.afterChange = afterChange;
  }

  /**
   * A pool of {@code pool-size} connections to the database of {@code settings}, named after {@code owner} in
   * {@code pg_stat_activity}; connects at once, so an unreachable database fails here, with its URL.
   */
  static HikariDataSource connect(PostgresSettings settings, String owner) {
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

  /** One connection outside any pool, for a call without an open frontier ({@link PostgresFrontier#drop}). */
  static Connection directConnection(PostgresSettings settings) {
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

  /**
   * Runs {@code work} in one transaction, run again (up to 5 times in all) after a deadlock or a serialization
   * failure; then, when {@code changed} says the result changed something, runs the after-change work.
   */
  <T> T write(String operation, Work<T> work, Predicate<T> changed) {
    return write(operation, work, changed, MAX_ATTEMPTS);
  }

  /**
   * Runs {@code work} in one transaction, never twice: for work with effects outside the database (a WARC batch
   * written while the transaction holds its locks), which a retry would repeat. A deadlock is a failure like any other.
   */
  <T> T writeOnce(String operation, Work<T> work) {
    return write(operation, work, ignored -> false, 1);
  }

  private <T> T write(String operation, Work<T> work, Predicate<T> changed, int maxAttempts) {
    for (int attempt = 1; ; attempt++) {
      try (Connection connection = pool.getConnection()) { // waits up to the connection timeout for a free one
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
          afterCommit(operation, connection);
        }
        return result;
      } catch (SQLException failure) {
        if (attempt < maxAttempts && retriable(failure)) {
          continue;
        }
        throw failure(operation, failure);
      }
    }
  }

  /** Runs {@code work} on a connection in autocommit mode: a read. */
  <T> T read(String operation, Work<T> work) {
    try (Connection connection = pool.getConnection()) {
      return work.run(connection);
    } catch (SQLException failure) {
      throw failure(operation, failure);
    }
  }

  /** "url schema: " for messages about this frontier. */
  String describe() {
    return settings.displayUrl() + " " + schema;
  }

  /** Closes every connection of the pool. */
  @Override
  public void close() {
    pool.close();
  }

  /** Runs the after-change work once a write committed; a failure is not retried, the write must not run twice. */
  private void afterCommit(String operation, Connection connection) {
    try {
      afterChange.run(connection);
    } catch (SQLException failure) {
      throw new StoreException(describe() + ": " + operation
          + " was committed, but reading the counts after it failed: " + firstLine(failure), failure);
    }
  }

  private StoreException failure(String operation, SQLException cause) {
    return new StoreException(describe() + ": " + operation + " failed: " + firstLine(cause), cause);
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

  /** The first line of {@code failure}'s message (PostgreSQL adds detail lines), or its class when it has none. */
  static String firstLine(Throwable failure) {
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** An {@code int8[]} parameter. */
  static Array int8Array(Connection connection, long[] values) throws SQLException {
    Long[] boxed = new Long[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return connection.createArrayOf("int8", boxed);
  }

  /** An {@code int4[]} parameter. */
  static Array int4Array(Connection connection, int[] values) throws SQLException {
    Integer[] boxed = new Integer[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return connection.createArrayOf("int4", boxed);
  }

  /** An {@code int2[]} parameter. */
  static Array int2Array(Connection connection, short[] values) throws SQLException {
    Short[] boxed = new Short[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return connection.createArrayOf("int2", boxed);
  }

  /** A {@code text[]} parameter. */
  static Array textArray(Connection connection, String[] values) throws SQLException {
    return connection.createArrayOf("text", values);
  }

  /** One transaction's work, or one read; it may throw, and a write's is run again after a deadlock. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }
}
