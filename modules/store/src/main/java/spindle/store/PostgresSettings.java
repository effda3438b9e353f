package spindle.store;

import com.typesafe.config.Config;
import spindle.core.SettingsException;

/**
 * Where the shared {@link PostgresFrontier} lives, read once from {@code spindle.store.postgres}.
 *
 * @param url {@code url}: the JDBC URL of the database, {@code jdbc:postgresql://host:port/database}
 * @param user {@code user}: the role to log in as; it must be allowed to create a schema in the database
 * @param password {@code password}: that role's password (may be empty, for trust or peer authentication)
 * @param poolSize {@code pool-size}: connections the frontier keeps open; calls beyond it wait for a free one
 */
public record PostgresSettings(String url, String user, String password, int poolSize) {
  /** Rejects a URL that is not a PostgreSQL JDBC URL and a pool of no connection, naming the key. */
  public PostgresSettings {
    if (url == null || !url.startsWith("jdbc:postgresql:")) {
      throw new SettingsException("spindle.store.postgres.url",
          "must start with jdbc:postgresql:, was " + url);
    }
    if (poolSize < 1) {
      throw new SettingsException("spindle.store.postgres.pool-size", "must be at least 1, was " + poolSize);
    }
    user = user == null ? "" : user;
    password = password == null ? "" : password;
  }

  /** Reads {@code spindle.store.postgres} from a resolved configuration that includes the reference defaults. */
  public static PostgresSettings fromConfig(Config root) {
    Config c = root.getConfig("spindle.store.postgres");
    return new PostgresSettings(c.getString("url"), c.getString("user"), c.getString("password"),
        c.getInt("pool-size"));
  }

  /** The URL without its query string, which may hold a password: the form error messages show. */
  public String displayUrl() {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }

  @Override
  public String toString() { // never print the password
    return "PostgresSettings[url=" + displayUrl() + ", user=" + user + ", poolSize=" + poolSize + "]";
  }
}
