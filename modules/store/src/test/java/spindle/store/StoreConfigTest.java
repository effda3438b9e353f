package spindle.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import spindle.core.SettingsException;

/**
 * The store module reads its own sections, {@code spindle.store} and {@code spindle.output}, with the defaults of its
 * reference.conf.
 */
class StoreConfigTest {
  /**
   * The reference.conf files on this test's classpath (this module's and core's) with {@code hocon} on top. The job's
   * name, which the paths' defaults refer to, is the engine's key: it is given here, as the engine's reference.conf
   * gives it in a crawl (Typesafe Config's default reference refuses a file that needs another's key).
   */
  private static Config root(String hocon) {
    return ConfigFactory.parseString(hocon + "\nspindle.job.name = news")
        .withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
  }

  @Test
  void theModulesReferenceConfHoldsTheDefaults() {
    Config root = root("");
    assertEquals(new StoreConfig(StoreConfig.Backend.ROCKSDB, Path.of("data/news"), StoreSettings.DEFAULTS,
        new PostgresSettings("jdbc:postgresql://127.0.0.1:5432/spindle", "spindle", "spindle", 8)),
        StoreConfig.fromConfig(root));
    assertEquals(new OutputSettings(Path.of("out/news.jsonl"), 256, Duration.ofMillis(5)),
        OutputSettings.fromConfig(root));
  }

  @Test
  void everyKeyIsRead() {
    Config root = root("""
        spindle.store { backend = " postgres ", dir = /var/spindle, block-cache-size = 8MiB
          write-buffer-size = 2MiB
          max-write-buffers = 3, write-buffer-total-size = 4MiB, sync-writes = on, lease-timeout = 30s
          seen-cache-entries = 0, background-jobs = 4
          postgres { url = "jdbc:postgresql://127.0.0.1:5433/crawls", user = u, password = p, pool-size = 3 } }
        spindle.output { path = records.jsonl, batch-size = 10, flush-interval = 1s, text = markdown, simhash = on }""");
    assertEquals(new StoreConfig(StoreConfig.Backend.POSTGRES, Path.of("/var/spindle"),
        new StoreSettings(8L << 20, 2L << 20, 3, 4L << 20, true, Duration.ofSeconds(30), 4, 0),
        new PostgresSettings("jdbc:postgresql://127.0.0.1:5433/crawls", "u", "p", 3)), StoreConfig.fromConfig(root));
    assertEquals(new OutputSettings(Path.of("records.jsonl"), 10, Duration.ofSeconds(1), OutputSettings.Text.MARKDOWN,
        true), OutputSettings.fromConfig(root));
    assertEquals(StoreConfig.Backend.MEMORY, StoreConfig.fromConfig(root("spindle.store.backend = memory")).backend());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "spindle.store.backend = disk | spindle.store.backend | must be \"rocksdb\", \"memory\" or \"postgres\", "
          + "was \"disk\"",
      "spindle.store.seen-cache-entries = 3000000000 | spindle.store.seen-cache-entries | must be from 0 to "
          + "268435456, was 3000000000",
      "spindle.store.max-write-buffers = 1 | spindle.store.max-write-buffers | must be from 2 to 16, was 1",
      "spindle.store.postgres.pool-size = 0 | spindle.store.postgres.pool-size | must be at least 1, was 0",
      "spindle.store.postgres.url = \"postgres://x\" | spindle.store.postgres.url | must start with "
          + "jdbc:postgresql:, was postgres://x",
  })
  void aBadStoreValueNamesTheFullKey(String hocon, String key, String problem) {
    SettingsException thrown = assertThrows(SettingsException.class, () -> StoreConfig.fromConfig(root(hocon)));
    assertEquals(key, thrown.key());
    assertEquals(key + ": " + problem, thrown.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "spindle.output.batch-size = 0 | spindle.output.batch-size | must be at least 1, was 0",
      "spindle.output.flush-interval = 0s | spindle.output.flush-interval | must be longer than 0, was PT0S",
  })
  void aBadOutputValueNamesTheFullKey(String hocon, String key, String problem) {
    SettingsException thrown = assertThrows(SettingsException.class, () -> OutputSettings.fromConfig(root(hocon)));
    assertEquals(key + ": " + problem, thrown.getMessage());
  }
}
