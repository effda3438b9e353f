package spindle.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import spindle.core.CrawlUrl;
import spindle.core.url.WebUrl;
import spindle.core.url.UrlNormalizer;
import spindle.engine.CrawlJob;
import spindle.engine.CrawlSettings;
import spindle.engine.CrawlSummary;
import spindle.engine.CrawlSupervisor;
import spindle.engine.Seeds;
import spindle.fetch.HttpFetcher;
import spindle.fetch.address.AddressPolicy;
import spindle.fetch.address.DnsCache;
import spindle.fetch.address.HostResolver;
import spindle.fixture.FixtureWeb;

/**
 * {@code spindle crawl [job.conf] [--seed URL ...] [--out FILE] [--warc DIR] [--set key=value ...]}: runs one
 * crawl to the end, printing progress on stderr. SIGINT or SIGTERM drains requests in flight, writes their records
 * and exits 0; a second signal exits at once with 130.
 */
@Command(name = "crawl", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
    description = {"Crawl from a job file, or from --seed URLs, and write one JSON line per URL attempted.",
        "Exit codes: 0 done or stopped by a signal, 1 the crawl failed, 2 a usage or configuration error."})
final class CrawlCommand implements java.util.concurrent.Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "JOB", description = "A HOCON job file (see examples/).")
  Path jobFile;

  @Option(names = "--seed", paramLabel = "URL", description = "A seed URL; repeatable. Replaces the job's seeds.")
  List<String> seeds = new ArrayList<>();

  @Option(names = "--out", paramLabel = "FILE", description = "The JSON-lines output (spindle.output.path).")
  Path out;

  @Option(names = "--warc", paramLabel = "DIR", description = "Also archive every fetch as gzipped WARC 1.1 files "
      + "with CDXJ indexes in DIR (spindle.warc.dir).")
  Path warc;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override any job key, e.g. --set spindle.fetch.concurrency=32; repeatable.")
  List<String> sets = new ArrayList<>();

  @Option(names = "--fresh", description = "Delete the job's store (spindle.store.dir) and output, and start over "
      + "instead of resuming.")
  boolean fresh;

  @Option(names = "--config", paramLabel = "FILE",
      description = "The operator's defaults (default: application.conf next to the launcher, if present).")
  Path operatorConfig;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    if (jobFile == null && seeds.isEmpty()) {
      throw new UsageException("give a job file or at least one --seed URL (see spindle crawl --help)");
    }
    Config flags = ConfigFactory.empty();
    if (!seeds.isEmpty()) {
      flags = flags.withValue("spindle.job.seeds", ConfigValueFactory.fromIterable(seeds, "--seed"));
    }
    if (out != null) {
      flags = flags.withValue("spindle.output.path", ConfigValueFactory.fromAnyRef(out.toString(), "--out"));
    }
    if (warc != null) {
      flags = flags.withValue("spindle.warc.dir", ConfigValueFactory.fromAnyRef(warc.toString(), "--warc"));
    }
    if (jobFile == null) { // named after its output or its first seed's host, so running it again resumes it
      flags = flags.withValue("spindle.job.name", ConfigValueFactory.fromAnyRef(quickRunName(out, seeds),
          "the quick run's name"));
    }
    Config config = new JobConfigLoader().load(JobConfigLoader.operatorFile(operatorConfig), Optional.ofNullable(jobFile),
        sets, flags);
    CrawlSettings settings = settings(config);
    DemoSite demo = ConfigErrors.reading(config, () -> DemoSite.fromConfig(config));
    Path baseDirectory = jobFile == null ? Path.of("") : Optional.ofNullable(jobFile.toAbsolutePath().getParent())
        .orElse(Path.of(""));
    UrlNormalizer normalizer = new UrlNormalizer(settings.normalization());

    FixtureWeb web = demo.enabled() ? demo.start(config, err) : null;
    try {
      List<CrawlUrl> seedUrls = ConfigErrors.reading(config, () -> Seeds.resolve(
          new CrawlSettings.JobSettings(settings.job().name(), seedsOf(settings, web), settings.job().seedFile()),
          normalizer, baseDirectory));
      return run(config, settings, seedUrls, err);
    } finally {
      if (web != null) {
        web.close();
      }
    }
  }

  /** The job's seeds, or the demo site's home pages when the job has none and runs the demo site. */
  private static List<String> seedsOf(CrawlSettings settings, FixtureWeb web) {
    if (web != null && settings.job().seeds().isEmpty() && settings.job().seedFile().isBlank()) {
      return web.seedUrls();
    }
    return settings.job().seeds();
  }

  private int run(Config config, CrawlSettings settings, List<CrawlUrl> seeds, PrintWriter err)
      throws IOException, InterruptedException {
    Path output = settings.output().path();
    // the job's address policy, from its seeds (docs/security.md); every seed refused: one line, nothing created
    // one resolver for the job (spindle.dns): the seeds' policy, every connection and the politeness keys
    HostResolver resolver = DnsCache.of(settings.dns());
    AddressPolicy addresses = ConfigErrors.reading(config, () -> AddressPolicy.forSeeds(settings.fetch(), seeds,
        resolver));
    JobStore store = JobStore.open(settings, config, seeds, fresh, err);
    store.resumeNote().ifPresent(note -> {
      err.println("spindle: " + note);
      err.flush();
    });
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    boolean terminal = Boolean.parseBoolean(System.getProperty("spindle.stderr.tty",
        String.valueOf(System.console() != null)));
    ConsoleProgress progress = new ConsoleProgress(System.err, terminal, settings.progress().logInterval());
    CompletableFuture<CrawlSummary> result = new CompletableFuture<>();
    boolean archiving = store.archive().isPresent();
    CrawlJob job = new CrawlJob(settings, seeds, store.frontier(), store.writer(), registry,
        system -> archiving ? HttpFetcher.archiving(system, settings.fetch(), addresses, resolver)
            : HttpFetcher.create(system, settings.fetch(), addresses, resolver),
        Optional.empty(), progress, result, Optional.empty(), store.archive());
    ActorSystem<CrawlSupervisor.Command> system = ActorSystem.create(CrawlSupervisor.create(job), "spindle", config);
    Signals.onStop(system, result);
    CrawlSummary summary;
    try {
      summary = result.get();
    } catch (ExecutionException impossible) { // the supervisor completes the future only normally
      throw new IllegalStateException("crawl ended abnormally", impossible.getCause());
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      store.close();
    }
    progress.summary(summary, output.toString());
    store.archive().ifPresent(archive -> err.printf(java.util.Locale.ROOT,
        "spindle: WARC in %s (%,d bytes written this run, %d %s started)%n", archive.directory(), archive.bytes(),
        archive.filesStarted(), archive.filesStarted() == 1 ? "file" : "files"));
    err.flush();
    return summary.failure().isPresent() ? 1 : 0;
  }

  /**
   * The job name of a run without a job file: the output's file name without its extension; without {@code --out},
   * the first seed's host (and port), so that two quick runs of different sites never share a store; else "crawl".
   */
  static String quickRunName(Path output, List<String> seeds) {
    String base = null;
    if (output != null && output.getFileName() != null) {
      String name = output.getFileName().toString();
      int dot = name.lastIndexOf('.');
      base = dot > 0 ? name.substring(0, dot) : name;
    } else if (!seeds.isEmpty()) {
      base = WebUrl.parse(seeds.get(0).strip())
          .map(url -> url.host() + (url.port().isPresent() ? "-" + url.port().getAsInt() : ""))
          .orElse(null);
    }
    if (base == null) {
      return "crawl";
    }
    String name = base.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[^A-Za-z0-9]+", "");
    name = name.length() > 64 ? name.substring(0, 64) : name;
    return name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}") ? name : "crawl";
  }

  /** Reads the settings, turning a bad value into a one-line usage error that names its file, line and key. */
  static CrawlSettings settings(Config config) {
    return ConfigErrors.reading(config, () -> CrawlSettings.fromConfig(config));
  }
}
