package spindle.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import spindle.store.PostgresSettings;
import spindle.store.StoreException;

/**
 * The jobs of the cluster, in one table of the shared PostgreSQL ({@code spindle_jobs}, keyed by the cluster's name
 * and the job's): the body each was submitted with and its state ({@code running}, {@code stopped} by an operator,
 * {@code paused}, {@code finished}). A job submitted to any node is announced here; every node's {@link JobWatcher}
 * runs the running ones and stops the stopped ones. The generation counts submissions, so a job submitted again after
 * it ended runs again everywhere. {@link #createTables()} blocks; the {@link JobTable} calls run on {@code executor}
 * (a blocking dispatcher).
 */
final class ClusterJobs implements JobTable {
  private final PostgresSettings database;
  private final String cluster;
  private final Executor executor;

  ClusterJobs(PostgresSettings database, String cluster, Executor executor) {
    this.database = database;
    this.cluster = cluster;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Long> announce(String name, String body, String syntax) {
    return CompletableFuture.supplyAsync(() -> announceNow(name, body, syntax), executor);
  }

  @Override
  public CompletionStage<Void> move(String name, String to, List<String> from) {
    return CompletableFuture.runAsync(() -> moveNow(name, to, from.toArray(String[]::new)), executor);
  }

  @Override
  public CompletionStage<List<Row>> rows() {
    return CompletableFuture.supplyAsync(this::rowsNow, executor);
  }

  /** Creates the table (and the durable-state table of host entities) when missing. Blocks. */
  void createTables() {
    run("create the cluster's tables", connection -> {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE IF NOT EXISTS spindle_jobs (cluster TEXT NOT NULL, name TEXT NOT NULL, "
            + "body TEXT NOT NULL, syntax TEXT NOT NULL, state TEXT NOT NULL, generation BIGINT NOT NULL, "
            + "updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (cluster, name))");
        // pekko-persistence-jdbc's durable_state table, as its schema/postgres/postgres-create-schema.sql has it
        statement.execute("CREATE TABLE IF NOT EXISTS public.durable_state (global_offset BIGSERIAL, "
            + "persistence_id VARCHAR(255) NOT NULL, revision BIGINT NOT NULL, state_payload BYTEA NOT NULL, "
            + "state_serial_id INTEGER NOT NULL, state_serial_manifest VARCHAR(255), tag VARCHAR, "
            + "state_timestamp BIGINT NOT NULL, PRIMARY KEY(persistence_id))");
        statement.execute("CREATE INDEX IF NOT EXISTS state_tag_idx ON public.durable_state (tag)");
        statement.execute("CREATE INDEX IF NOT EXISTS state_global_offset_idx ON public.durable_state (global_offset)");
      }
      return null;
    });
  }

  private long announceNow(String name, String body, String syntax) {
    return run("announce job " + name, connection -> {
      try (PreparedStatement statement = connection.prepareStatement("INSERT INTO spindle_jobs "
          + "(cluster, name, body, syntax, state, generation) VALUES (?, ?, ?, ?, 'running', 1) "
          + "ON CONFLICT (cluster, name) DO UPDATE SET body = EXCLUDED.body, syntax = EXCLUDED.syntax, "
          + "state = 'running', generation = spindle_jobs.generation + 1, updated_at = now() "
          + "WHERE spindle_jobs.state NOT IN ('running', 'paused') RETURNING generation")) {
        statement.setString(1, cluster);
        statement.setString(2, name);
        statement.setString(3, body);
        statement.setString(4, syntax);
        try (ResultSet announced = statement.executeQuery()) {
          if (announced.next()) {
            return announced.getLong(1);
          }
        }
      }
      try (PreparedStatement running = connection.prepareStatement(
          "SELECT generation FROM spindle_jobs WHERE cluster = ? AND name = ?")) { // it was running already
        running.setString(1, cluster);
        running.setString(2, name);
        try (ResultSet row = running.executeQuery()) {
          row.next();
          return row.getLong(1);
        }
      }
    });
  }

  private void moveNow(String name, String to, String... from) {
    run("mark job " + name + " " + to, connection -> {
      try (PreparedStatement statement = connection.prepareStatement("UPDATE spindle_jobs SET state = ?, "
          + "updated_at = now() WHERE cluster = ? AND name = ? AND state = ANY (?)")) {
        statement.setString(1, to);
        statement.setString(2, cluster);
        statement.setString(3, name);
        statement.setArray(4, connection.createArrayOf("text", from));
        statement.executeUpdate();
      }
      return null;
    });
  }

  private List<Row> rowsNow() {
    return run("read the cluster's jobs", connection -> {
      List<Row> rows = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement("SELECT name, body, syntax, state, generation "
          + "FROM spindle_jobs WHERE cluster = ? ORDER BY name")) {
        statement.setString(1, cluster);
        ResultSet result = statement.executeQuery();
        while (result.next()) {
          rows.add(new Row(result.getString(1), result.getString(2), result.getString(3), result.getString(4),
              result.getLong(5)));
        }
      }
      return rows;
    });
  }

  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private <T> T run(String what, Work<T> work) {
    try (Connection connection = DriverManager.getConnection(database.url(), database.user(),
        database.password())) {
      return work.run(connection);
    } catch (SQLException failed) {
      throw new StoreException("cannot " + what + " in " + database.displayUrl() + ": " + failed.getMessage(),
          failed);
    }
  }
}
