package spindle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import spindle.core.SettingsException;
import spindle.parse.ParseSettings;
import spindle.store.FrontierLimits;
import spindle.store.StoreConfig;
import spindle.store.StoreSettings;

/**
 * A crawl's settings are every module's own settings records, each read from its section with the module's
 * reference.conf defaults: parse, normalisation (core), output and store, fetch, and the engine's own.
 */
class CrawlSettingsTest {
  private static CrawlSettings read(String hocon) {
    Config root = ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReferenceUnresolved()).resolve();
    return CrawlSettings.fromConfig(root);
  }

  @Test
  void theDefaultsComeFromEachModulesReferenceConf() {
    CrawlSettings settings = read("");
    assertEquals(ParseSettings.defaults(), settings.parse());
    assertEquals(List.of("utm_[a-z_]+", "fbclid", "gclid", "(?i)jsessionid", "(?i)phpsessid"),
        settings.normalization().stripQueryParameters().stream().map(Pattern::pattern).toList());
    assertEquals(Path.of("out/crawl.jsonl"), settings.output().path());
    assertEquals(256, settings.output().batchSize());
    assertEquals(StoreConfig.Backend.ROCKSDB, settings.store().backend());
    assertEquals(Path.of("data/crawl"), settings.store().dir());
    assertEquals(StoreSettings.DEFAULTS, settings.store().settings());
    assertEquals(FrontierLimits.NONE, settings.limits());
    assertEquals(16, settings.fetch().concurrency());
    assertEquals(Duration.ofSeconds(1), settings.politeness().delay());
    assertEquals(64, settings.pipeline().frontierBatchSize());
  }

  @Test
  void aJobsValuesReachEveryModulesRecord() {
    CrawlSettings settings = read("""
        spindle.job.name = news
        spindle.parse.max-links-per-page = 5
        spindle.normalization.strip-query-parameters = ["sid"]
        spindle.store.backend = memory
        spindle.output.batch-size = 7
        spindle.scope.max-pages = 100
        spindle.engine.host-window = 3
        spindle.progress.log-interval = 1m
        """);
    assertEquals(5, settings.parse().maxLinksPerPage());
    assertEquals(List.of("sid"),
        settings.normalization().stripQueryParameters().stream().map(Pattern::pattern).toList());
    assertEquals(StoreConfig.Backend.MEMORY, settings.store().backend());
    assertEquals(Path.of("data/news"), settings.store().dir());
    assertEquals(Path.of("out/news.jsonl"), settings.output().path());
    assertEquals(7, settings.output().batchSize());
    assertEquals(new FrontierLimits(100, Long.MAX_VALUE), settings.limits());
    assertEquals(3, settings.pipeline().hostWindow());
    assertEquals(Duration.ofMinutes(1), settings.progress().logInterval());
  }

  @Test
  void aBadValueInAnyModulesSectionNamesItsFullKey() {
    assertEquals("spindle.parse.max-title-length",
        assertThrows(SettingsException.class, () -> read("spindle.parse.max-title-length = -1")).key());
    assertEquals("spindle.normalization.strip-query-parameters[0]", assertThrows(SettingsException.class,
        () -> read("spindle.normalization.strip-query-parameters = [\"[\"]")).key());
    assertEquals("spindle.store.backend",
        assertThrows(SettingsException.class, () -> read("spindle.store.backend = tape")).key());
    assertEquals("spindle.engine.host-window",
        assertThrows(SettingsException.class, () -> read("spindle.engine.host-window = 0")).key());
    assertEquals("spindle.job.name",
        assertThrows(SettingsException.class, () -> read("spindle.job.name = \"a b\"")).key());
  }
}
