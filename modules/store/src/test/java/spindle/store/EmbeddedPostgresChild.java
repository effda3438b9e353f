package spindle.store;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The JVM {@link TestPostgresTest} starts: it starts a PostgreSQL of its own as {@link TestPostgres} does when no
 * server is configured or reachable, prints {@code version}, {@code address}, {@code url} and {@code data} lines
 * (the data directory and whether it exists), and exits, which should stop that server and delete its directory.
 */
final class EmbeddedPostgresChild {
  private EmbeddedPostgresChild() {}

  /** Starts the server, prints what it is, returns (the JVM exits with 0, or 1 if the server did not start). */
  public static void main(String[] args) throws SQLException {
    TestPostgres.Server server = TestPostgres.startEmbedded("started by TestPostgresTest");
    if (server.failure() != null) {
      System.out.println("failed " + server.failure());
      System.exit(1);
    }
    try (Connection connection = DriverManager.getConnection(server.url(), server.user(), server.password());
         Statement statement = connection.createStatement();
         ResultSet row = statement.executeQuery("SELECT current_setting('server_version'), "
             + "host(inet_server_addr()), current_user, current_database()")) {
      row.next();
      System.out.println("version " + row.getString(1));
      System.out.println("address " + row.getString(2));
      System.out.println("login " + row.getString(3) + "@" + row.getString(4));
    }
    System.out.println("url " + server.url());
    System.out.println("data " + server.dataDirectory() + " " + Files.isDirectory(server.dataDirectory()));
  }
}
