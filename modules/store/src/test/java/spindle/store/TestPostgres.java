package spindle.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.UUID;

/**
 * The PostgreSQL server the tests use: system property {@code spindle.test.postgres.url}, else the environment
 * variable {@code SPINDLE_TEST_POSTGRES_URL}, else {@code jdbc:postgresql://127.0.0.1:5432/spindle}; the same for
 * {@code .user} and {@code .password} ({@code spindle} and {@code spindle} by default). A server that cannot be
 * reached fails the test (it is not skipped): CI starts one.
 */
final class TestPostgres {
  private TestPostgres() {}

  /** Settings for the test server, with a pool of {@code poolSize} connections. */
  static PostgresSettings settings(int poolSize) {
    return new PostgresSettings(value("url", "jdbc:postgresql://127.0.0.1:5432/spindle"), value("user", "spindle"),
        value("password", "spindle"), poolSize);
  }

  /** Settings with a pool of 4 connections. */
  static PostgresSettings settings() {
    return settings(4);
  }

  /** A job name no other test uses. */
  static String newJob(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Fails with one line saying how to start a server when the test server cannot be reached. */
  static void requireServer() {
    PostgresSettings settings = settings();
    Properties properties = new Properties();
    properties.setProperty("user", settings.user());
    properties.setProperty("password", settings.password());
    properties.setProperty("connectTimeout", "5");
    try (Connection connection = DriverManager.getConnection(settings.url(), properties)) {
      connection.isValid(5);
    } catch (SQLException failure) {
      fail("PostgreSQL not reachable at " + settings.displayUrl() + " (" + failure.getMessage() + "): run .ci/run, "
          + "or start it with `pg_ctlcluster 15 main start` and create the role and database spindle/spindle "
          + "(see .ci/run), or point spindle.test.postgres.url (or SPINDLE_TEST_POSTGRES_URL) at a server");
    }
  }

  private static String value(String name, String fallback) {
    String property = System.getProperty("spindle.test.postgres." + name);
    if (property != null && !property.isEmpty()) {
      return property;
    }
    String environment = System.getenv("SPINDLE_TEST_POSTGRES_" + name.toUpperCase(java.util.Locale.ROOT));
    return environment != null && !environment.isEmpty() ? environment : fallback;
  }
}
