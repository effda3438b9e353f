package spindle.admin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import spindle.core.CrawlUrl;
import spindle.core.SettingsException;
import spindle.core.url.UrlNormalizer;
import spindle.engine.CrawlSettings;
import spindle.engine.Seeds;
import spindle.fetch.HttpFetcher;
import spindle.fetch.address.AddressPolicy;
import spindle.fetch.address.HostResolver;
import spindle.store.JsonLinesWriter;
import spindle.store.MemoryFrontier;

/**
 * A launcher for the admin module's tests: the command line's launcher lives in the cli module, which depends on
 * this one. It reads a job like the real one in outline (syntax, name, settings, seeds; messages name the key) and
 * opens an in-memory frontier and an output file in a test directory; it counts opens and closes.
 */
final class TestLauncher implements JobLauncher {
  private final Path directory;
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();

  TestLauncher(Path directory) {
    this.directory = directory;
  }

  /** Stores opened so far. */
  int opened() {
    return opened.get();
  }

  /** Stores closed so far. */
  int closed() {
    return closed.get();
  }

  @Override
  public JobDefinition read(JobBody body, Predicate<String> nameTaken) throws JobRejected {
    Config job;
    try {
      job = ConfigFactory.parseString(body.text(), ConfigParseOptions.defaults().setOriginDescription("job")
          .setSyntax(body.syntax() == BodySyntax.JSON ? ConfigSyntax.JSON : ConfigSyntax.CONF));
    } catch (ConfigException invalid) {
      throw new JobRejected(invalid.getMessage());
    }
    String name;
    if (job.hasPath("spindle.job.name")) {
      name = job.getString("spindle.job.name");
    } else if (body.assignedName().isPresent()) {
      name = body.assignedName().get();
    } else {
      int n = 1;
      while (nameTaken.test("job-" + n)) {
        n++;
      }
      name = "job-" + n;
    }
    Path output = job.hasPath("spindle.output.path") ? Path.of(job.getString("spindle.output.path"))
        : directory.resolve(name + ".jsonl");
    Config config = job.withFallback(ConfigFactory.parseMap(Map.of("spindle.job.name", name,
            "spindle.output.path", output.toString(), "spindle.store.backend", "memory",
            "spindle.progress.interval", "100ms")))
        .withFallback(ConfigFactory.defaultReferenceUnresolved()).resolve();
    CrawlSettings settings;
    List<CrawlUrl> seeds;
    try {
      settings = CrawlSettings.fromConfig(config);
      seeds = Seeds.resolve(settings.job(), new UrlNormalizer(settings.normalization()), directory);
    } catch (SettingsException | ConfigException invalid) {
      throw new JobRejected(invalid.getMessage());
    }
    String jobName = name;
    return new JobDefinition() {
      @Override
      public String name() {
        return jobName;
      }

      @Override
      public Path output() {
        return output;
      }

      @Override
      public Optional<Path> storeDirectory() { // the store is in memory; a job may still name a directory for it
        return job.hasPath("spindle.store.dir") ? Optional.of(Path.of(job.getString("spindle.store.dir")))
            : Optional.empty();
      }

      @Override
      public PreparedJob open() {
        try {
          JsonLinesWriter writer = JsonLinesWriter.create(output);
          MemoryFrontier frontier = new MemoryFrontier(settings.limits(), UrlNormalizer::fingerprint);
          opened.incrementAndGet();
          return new PreparedJob(jobName, settings, seeds, frontier, writer,
              system -> HttpFetcher.create(system, settings.fetch(), AddressPolicy.forSeeds(settings.fetch(), seeds,
                  HostResolver.system())), Optional.empty(), () -> {
                writer.close();
                frontier.close();
                closed.incrementAndGet();
              });
        } catch (IOException failed) {
          throw new UncheckedIOException(failed);
        }
      }
    };
  }
}
