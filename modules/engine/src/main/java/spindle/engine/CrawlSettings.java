package spindle.engine;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import spindle.core.ScopeRules;
import spindle.core.SettingsException;
import spindle.core.url.NormalizationSettings;
import spindle.fetch.FetchSettings;
import spindle.fetch.robots.RobotsSettings;
import spindle.parse.ParseSettings;
import spindle.store.FrontierLimits;
import spindle.store.PostgresSettings;
import spindle.store.StoreSettings;

/**
 * Everything a crawl is configured with, read once from a resolved configuration (reference defaults, the
 * operator's application.conf, the job file, command-line overrides) before any actor starts. A bad value
 * throws {@link SettingsException} or Typesafe Config's {@code ConfigException}, both naming the key.
 */
public record CrawlSettings(
    JobSettings job,
    FetchSettings fetch,
    RobotsSettings robots,
    PolitenessSettings politeness,
    ScopeRules scope,
    FrontierLimits limits,
    NormalizationSettings normalization,
    ParseSettings parse,
    OutputSettings output,
    PipelineSettings pipeline,
    ProgressSettings progress,
    StoreConfig store) {

  /**
   * Where the crawl's state lives: the backend ({@code rocksdb}, {@code memory} or {@code postgres}), its
   * directory and tuning (RocksDB), its database (PostgreSQL).
   */
  public record StoreConfig(Backend backend, Path dir, StoreSettings settings, PostgresSettings postgres) {
    /** The kinds of frontier. */
    public enum Backend { ROCKSDB, MEMORY, POSTGRES }
  }

  /** The job's name and seeds as written (validated into URLs by {@link Seeds}). */
  public record JobSettings(String name, List<String> seeds, String seedFile) {
    public JobSettings {
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
        throw new SettingsException("spindle.job.name",
            "must be 1-64 letters, digits, '.', '_' or '-' (it names the data directory), was \"" + name + "\"");
      }
      seeds = List.copyOf(seeds);
    }
  }

  /** Where records go and how they are batched. */
  public record OutputSettings(Path path, int batchSize, Duration flushInterval) {
    public OutputSettings {
      requireAtLeastOne("spindle.output.batch-size", batchSize);
      requirePositive("spindle.output.flush-interval", flushInterval);
    }
  }

  /** Sizes inside the engine: parse parallelism, frontier batches, buffers and windows. */
  public record PipelineSettings(int parseParallelism, int frontierBatchSize, Duration frontierBatchInterval,
      int resultsBuffer, int hostWindow, int fetcherMailboxCapacity, Duration idleCheckInterval,
      Duration hostIdleTimeout, int maxActiveHosts, int hostSessionRequests, Duration hostSessionTime) {
    public PipelineSettings {
      requireAtLeastOne("spindle.engine.parse-parallelism", parseParallelism);
      requireAtLeastOne("spindle.engine.frontier-batch-size", frontierBatchSize);
      requirePositive("spindle.engine.frontier-batch-interval", frontierBatchInterval);
      requireAtLeastOne("spindle.engine.results-buffer", resultsBuffer);
      requireAtLeastOne("spindle.engine.host-window", hostWindow);
      if (fetcherMailboxCapacity < 4) {
        throw new SettingsException("spindle.engine.fetcher-mailbox-capacity",
            "must be at least 4 (a fetcher holds up to 4 messages of its own), was " + fetcherMailboxCapacity);
      }
      requirePositive("spindle.engine.idle-check-interval", idleCheckInterval);
      requirePositive("spindle.engine.host-idle-timeout", hostIdleTimeout);
      requireAtLeastOne("spindle.engine.max-active-hosts", maxActiveHosts);
      requireAtLeastOne("spindle.engine.host-session-requests", hostSessionRequests);
      requirePositive("spindle.engine.host-session-time", hostSessionTime);
    }
  }

  /** How often progress is reported: to a terminal, and as a log line otherwise. */
  public record ProgressSettings(Duration interval, Duration logInterval) {
    public ProgressSettings {
      requirePositive("spindle.progress.interval", interval);
      requirePositive("spindle.progress.log-interval", logInterval);
    }
  }

  /** Reads every section from {@code root}, which must include the reference defaults. */
  public static CrawlSettings fromConfig(Config root) {
    Config job = root.getConfig("spindle.job");
    Config scope = root.getConfig("spindle.scope");
    Config parse = root.getConfig("spindle.parse");
    Config output = root.getConfig("spindle.output");
    Config engine = root.getConfig("spindle.engine");
    Config progress = root.getConfig("spindle.progress");
    long maxDepth = ConfigValues.longOrUnlimited(scope, "max-depth", "spindle.scope.max-depth", Integer.MAX_VALUE);
    if (maxDepth < 0 || maxDepth > Integer.MAX_VALUE) {
      throw new SettingsException("spindle.scope.max-depth", "must be 0 or more, was " + maxDepth);
    }
    return new CrawlSettings(
        new JobSettings(job.getString("name"), job.getStringList("seeds"), job.getString("seed-file")),
        FetchSettings.fromConfig(root),
        RobotsSettings.fromConfig(root),
        PolitenessSettings.fromConfig(root),
        new ScopeRules(new HashSet<>(scope.getStringList("allowed-hosts")), scope.getStringList("allowed-domains"),
            patterns(scope, "include-patterns", "spindle.scope.include-patterns"),
            patterns(scope, "exclude-patterns", "spindle.scope.exclude-patterns"),
            (int) maxDepth),
        new FrontierLimits(
            ConfigValues.longOrUnlimited(scope, "max-pages", "spindle.scope.max-pages", Long.MAX_VALUE),
            ConfigValues.longOrUnlimited(scope, "max-pages-per-host", "spindle.scope.max-pages-per-host",
                Long.MAX_VALUE)),
        new NormalizationSettings(patterns(root.getConfig("spindle.normalization"), "strip-query-parameters",
            "spindle.normalization.strip-query-parameters")),
        new ParseSettings(parse.getBoolean("honour-nofollow"), parse.getBoolean("honour-meta-robots"),
            parse.getInt("max-links-per-page"), parse.getInt("max-title-length")),
        new OutputSettings(Path.of(output.getString("path")), output.getInt("batch-size"),
            output.getDuration("flush-interval")),
        new PipelineSettings(engine.getInt("parse-parallelism"), engine.getInt("frontier-batch-size"),
            engine.getDuration("frontier-batch-interval"), engine.getInt("results-buffer"),
            engine.getInt("host-window"), engine.getInt("fetcher-mailbox-capacity"),
            engine.getDuration("idle-check-interval"), engine.getDuration("host-idle-timeout"),
            engine.getInt("max-active-hosts"), engine.getInt("host-session-requests"),
            engine.getDuration("host-session-time")),
        new ProgressSettings(progress.getDuration("interval"), progress.getDuration("log-interval")),
        storeConfig(root.getConfig("spindle.store")));
  }

  private static StoreConfig storeConfig(Config store) {
    String backend = store.getString("backend").trim();
    StoreConfig.Backend kind = switch (backend) {
      case "rocksdb" -> StoreConfig.Backend.ROCKSDB;
      case "memory" -> StoreConfig.Backend.MEMORY;
      case "postgres" -> StoreConfig.Backend.POSTGRES;
      default -> throw new SettingsException("spindle.store.backend",
          "must be \"rocksdb\", \"memory\" or \"postgres\", was \"" + backend + "\"");
    };
    long entries = store.getLong("seen-cache-entries");
    if (entries < 0 || entries > Integer.MAX_VALUE) {
      throw new SettingsException("spindle.store.seen-cache-entries", "must be from 0 to 268435456, was " + entries);
    }
    return new StoreConfig(kind, Path.of(store.getString("dir")), new StoreSettings(
        store.getBytes("block-cache-size"), store.getBytes("write-buffer-size"), store.getInt("max-write-buffers"),
        store.getBytes("write-buffer-total-size"), store.getBoolean("sync-writes"), store.getDuration("lease-timeout"),
        store.getInt("background-jobs"), (int) entries), new PostgresSettings(store.getString("postgres.url"),
        store.getString("postgres.user"), store.getString("postgres.password"), store.getInt("postgres.pool-size")));
  }

  private static List<Pattern> patterns(Config config, String key, String fullKey) {
    List<String> sources = config.getStringList(key);
    return java.util.stream.IntStream.range(0, sources.size()).mapToObj(i -> {
      try {
        return Pattern.compile(sources.get(i));
      } catch (PatternSyntaxException invalid) {
        throw new SettingsException(fullKey + "[" + i + "]", "is not a valid regular expression: "
            + invalid.getDescription() + " in \"" + sources.get(i) + "\"");
      }
    }).toList();
  }

  private static void requireAtLeastOne(String key, int value) {
    if (value < 1) {
      throw new SettingsException(key, "must be at least 1, was " + value);
    }
  }

  private static void requirePositive(String key, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new SettingsException(key, "must be longer than 0, was " + value);
    }
  }
}
