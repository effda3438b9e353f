package spindle.store;

import com.typesafe.config.Config;
import java.nio.file.Path;
import spindle.core.SettingsException;

/**
 * Where a crawl's state lives, read once from {@code spindle.store} (documented in this module's
 * {@code reference.conf}): the backend, its directory and tuning (RocksDB), its database (PostgreSQL). Every part is
 * read and checked whatever the backend, so a bad value is reported before anything starts.
 *
 * @param backend {@code backend}: which {@link Frontier} holds the crawl
 * @param dir {@code dir}: the RocksDB store's directory
 * @param settings the RocksDB tuning
 * @param postgres {@code postgres}: the database of the shared frontier
 */
public record StoreConfig(Backend backend, Path dir, StoreSettings settings, PostgresSettings postgres) {
  /** The kinds of frontier: {@link RocksDbFrontier}, {@link MemoryFrontier}, {@link PostgresFrontier}. */
  public enum Backend { ROCKSDB, MEMORY, POSTGRES }

  /** Reads {@code spindle.store} from a resolved configuration that includes the reference defaults. */
  public static StoreConfig fromConfig(Config root) {
    Config c = root.getConfig("spindle.store");
    String backend = c.getString("backend").trim();
    Backend kind = switch (backend) {
      case "rocksdb" -> Backend.ROCKSDB;
      case "memory" -> Backend.MEMORY;
      case "postgres" -> Backend.POSTGRES;
      default -> throw new SettingsException("spindle.store.backend",
          "must be \"rocksdb\", \"memory\" or \"postgres\", was \"" + backend + "\"");
    };
    return new StoreConfig(kind, Path.of(c.getString("dir")), StoreSettings.fromConfig(root),
        PostgresSettings.fromConfig(root));
  }
}
