package spindle.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import spindle.store.PostgresSettings;

/**
 * The PostgreSQL server of the cluster tests, named like the store module's tests name it: system property
 * {@code spindle.test.postgres.url} (and {@code .user}, {@code .password}), else the environment variables
 * {@code SPINDLE_TEST_POSTGRES_URL} (...), else {@code jdbc:postgresql://127.0.0.1:5432/spindle} as
 * spindle/spindle, which {@code .ci/run} provisions. A server that cannot be reached fails the test.
 */
final class TestPostgres {
  private TestPostgres() {}

  static PostgresSettings settings() {
    return new PostgresSettings(value("url", "jdbc:postgresql://127.0.0.1:5432/spindle"), value("user", "spindle"),
        value("password", "spindle"), 2);
  }

  static void requireServer() {
    PostgresSettings settings = settings();
    try (Connection connection = DriverManager.getConnection(settings.url(), settings.user(), settings.password())) {
      connection.isValid(5);
    } catch (SQLException failure) {
      fail("PostgreSQL not reachable at " + settings.displayUrl() + " (" + failure.getMessage() + "): run .ci/run, "
          + "or start it and create the role and database spindle/spindle (see .ci/run)");
    }
  }

  private static String value(String name, String fallback) {
    String property = System.getProperty("spindle.test.postgres." + name);
    if (property != null && !property.isEmpty()) {
      return property;
    }
    String environment = System.getenv("SPINDLE_TEST_POSTGRES_" + name.toUpperCase(Locale.ROOT));
    return environment != null && !environment.isEmpty() ? environment : fallback;
  }
}
