package spindle.engine;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.IntStream;
import spindle.core.RevisitSchedule;
import spindle.core.ScopeRules;
import spindle.core.SettingsException;
import spindle.core.url.NormalizationSettings;
import spindle.fetch.FetchSettings;
import spindle.fetch.address.DnsSettings;
import spindle.fetch.robots.RobotsSettings;
import spindle.fetch.sitemaps.SitemapSettings;
import spindle.parse.ParseSettings;
import spindle.store.FrontierLimits;
import spindle.store.OutputSettings;
import spindle.store.StoreConfig;
import spindle.store.warc.WarcSettings;

/**
 * Everything a crawl is configured with, read once from a resolved configuration (reference defaults, the operator's
 * application.conf, the job file, command-line overrides) before any actor starts. Each module reads its own sections
 * into its settings record ({@code XSettings.fromConfig(root)}): fetch ({@code spindle.fetch},
 * {@code spindle.robots}, {@code spindle.sitemaps}, {@code spindle.dns}), parse ({@code spindle.parse}), core ({@code spindle.normalization}), store
 * ({@code spindle.output}, {@code spindle.store}, {@code spindle.warc}); the engine reads its own ({@code spindle.job},
 * {@code spindle.scope}, {@code spindle.politeness}, {@code spindle.engine}, {@code spindle.progress},
 * {@code spindle.recrawl}). A bad value
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
    StoreConfig store,
    WarcSettings warc,
    SitemapSettings sitemaps,
    DnsSettings dns,
    RevisitSchedule recrawl) {

  /** The job's name and seeds as written (validated into URLs by {@link Seeds}). */
  public record JobSettings(String name, List<String> seeds, String seedFile) {
    public JobSettings {
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
        throw new SettingsException("spindle.job.name",
            "must be 1-64 letters, digits, '.', '_' or '-' (it names the data directory), was \"" + name + "\"");
      }
      seeds = List.copyOf(seeds);
    }

    /** Reads {@code spindle.job}. */
    public static JobSettings fromConfig(Config root) {
      Config c = root.getConfig("spindle.job");
      return new JobSettings(c.getString("name"), c.getStringList("seeds"), c.getString("seed-file"));
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

    /** Reads {@code spindle.engine}. */
    public static PipelineSettings fromConfig(Config root) {
      Config c = root.getConfig("spindle.engine");
      return new PipelineSettings(c.getInt("parse-parallelism"), c.getInt("frontier-batch-size"),
          c.getDuration("frontier-batch-interval"), c.getInt("results-buffer"), c.getInt("host-window"),
          c.getInt("fetcher-mailbox-capacity"), c.getDuration("idle-check-interval"),
          c.getDuration("host-idle-timeout"), c.getInt("max-active-hosts"), c.getInt("host-session-requests"),
          c.getDuration("host-session-time"));
    }
  }

  /** How often progress is reported: to a terminal, and as a log line otherwise. */
  public record ProgressSettings(Duration interval, Duration logInterval) {
    public ProgressSettings {
      requirePositive("spindle.progress.interval", interval);
      requirePositive("spindle.progress.log-interval", logInterval);
    }

    /** Reads {@code spindle.progress}. */
    public static ProgressSettings fromConfig(Config root) {
      Config c = root.getConfig("spindle.progress");
      return new ProgressSettings(c.getDuration("interval"), c.getDuration("log-interval"));
    }
  }

  /** Reads every section from {@code root}, which must include the reference defaults of every module. */
  public static CrawlSettings fromConfig(Config root) {
    return new CrawlSettings(
        JobSettings.fromConfig(root),
        FetchSettings.fromConfig(root),
        RobotsSettings.fromConfig(root),
        PolitenessSettings.fromConfig(root),
        scopeRules(root),
        limits(root),
        NormalizationSettings.fromConfig(root::getStringList),
        ParseSettings.fromConfig(root),
        OutputSettings.fromConfig(root),
        PipelineSettings.fromConfig(root),
        ProgressSettings.fromConfig(root),
        StoreConfig.fromConfig(root),
        WarcSettings.fromConfig(root),
        SitemapSettings.fromConfig(root),
        DnsSettings.fromConfig(root), recrawl(root));
  }

  /** The revisit schedule of {@code spindle.recrawl}. */
  static RevisitSchedule recrawl(Config root) {
    Config c = root.getConfig("spindle.recrawl");
    return new RevisitSchedule(c.getInt("rounds"), c.getBoolean("continuous"), c.getDuration("min-interval"),
        c.getDuration("max-interval"), c.getDouble("increase-rate"), c.getDouble("decrease-rate"));
  }

  /** The scope rules of {@code spindle.scope}. */
  private static ScopeRules scopeRules(Config root) {
    Config scope = root.getConfig("spindle.scope");
    long maxDepth = ConfigValues.longOrUnlimited(scope, "max-depth", "spindle.scope.max-depth", Integer.MAX_VALUE);
    if (maxDepth < 0 || maxDepth > Integer.MAX_VALUE) {
      throw new SettingsException("spindle.scope.max-depth", "must be 0 or more, was " + maxDepth);
    }
    return new ScopeRules(new HashSet<>(scope.getStringList("allowed-hosts")), scope.getStringList("allowed-domains"),
        patterns(scope, "include-patterns", "spindle.scope.include-patterns"),
        patterns(scope, "exclude-patterns", "spindle.scope.exclude-patterns"),
        (int) maxDepth);
  }

  /** The page limits of {@code spindle.scope}. */
  private static FrontierLimits limits(Config root) {
    Config scope = root.getConfig("spindle.scope");
    return new FrontierLimits(
        ConfigValues.longOrUnlimited(scope, "max-pages", "spindle.scope.max-pages", Long.MAX_VALUE),
        ConfigValues.longOrUnlimited(scope, "max-pages-per-host", "spindle.scope.max-pages-per-host",
            Long.MAX_VALUE));
  }

  private static List<Pattern> patterns(Config config, String key, String fullKey) {
    List<String> sources = config.getStringList(key);
    return IntStream.range(0, sources.size()).mapToObj(i -> {
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
