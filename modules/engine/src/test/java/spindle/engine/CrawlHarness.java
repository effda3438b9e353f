package spindle.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import spindle.core.CrawlUrl;
import spindle.core.url.UrlNormalizer;
import spindle.fetch.HttpFetcher;
import spindle.fetch.address.AddressPolicy;
import spindle.fetch.address.HostResolver;
import spindle.store.JsonLinesWriter;
import spindle.store.MemoryFrontier;
import spindle.store.warc.WarcArchive;
import spindle.store.warc.WarcPosition;

/** Runs whole crawls inside a test's actor system and reads their output back. */
final class CrawlHarness {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a crawl left behind. */
  record Run(CrawlSummary summary, List<JsonNode> records) {
    /** The {@code url} of every record. */
    Set<String> urls() {
      Set<String> urls = new TreeSet<>();
      records.forEach(record -> urls.add(record.get("url").asText()));
      return urls;
    }

    /** The records whose error kind is {@code kind}. */
    List<JsonNode> withError(String kind) {
      return records.stream().filter(record -> !record.get("error").isNull()
          && record.get("error").get("kind").asText().equals(kind)).toList();
    }

    /** The records without an error. */
    List<JsonNode> ok() {
      return records.stream().filter(record -> record.get("error").isNull()).toList();
    }

    /** The record for {@code url}, which must exist. */
    JsonNode record(String url) {
      return records.stream().filter(record -> record.get("url").asText().equals(url)).findFirst()
          .orElseThrow(() -> new AssertionError("no record for " + url + " among " + urls()));
    }
  }

  private final ActorTestKit testKit;
  private final Path directory;
  private int runs;

  CrawlHarness(ActorTestKit testKit, Path directory) {
    this.testKit = testKit;
    this.directory = directory;
  }

  /**
   * The reference configuration with {@code hocon} on top; short timeouts suit loopback tests. Sitemaps are off unless
   * {@code hocon} turns them on: on, every host would get one more request and record (its /sitemap.xml, a 404 on
   * the fixture without sitemaps), which the tests of other things do not count. The delay does not adapt to the
   * server unless {@code hocon} says so: tests of other things assert the delays they set.
   */
  static Config config(String hocon) {
    return ConfigFactory.parseString(hocon)
        .withFallback(ConfigFactory.parseString("""
            spindle.fetch.connect-timeout = 2s
            spindle.fetch.response-timeout = 2s
            spindle.fetch.total-timeout = 4s
            spindle.fetch.retry.base-backoff = 100ms
            spindle.robots.error-retry-interval = 200ms
            spindle.progress.interval = 200ms
            spindle.sitemaps.enabled = off
            spindle.politeness.delay-factor = 0
            spindle.politeness.error-growth = 1
            """))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  /** Runs a crawl of {@code seeds} to the end and returns its summary and records. */
  Run run(Config config, List<String> seeds) {
    return run(config, seeds, Optional.empty(), supervisor -> { });
  }

  /** Runs a crawl of {@code seeds} whose hosts are resolved by {@code resolver}, for the policy and to connect. */
  Run run(Config config, List<String> seeds, HostResolver resolver) {
    return run(config, seeds, Optional.empty(), supervisor -> { }, resolver);
  }

  /**
   * Runs a crawl with an optional replacement parse step; {@code whileRunning} gets the supervisor right after
   * it starts (to send it Stop, say).
   */
  Run run(Config config, List<String> seeds, Optional<PageParsing> parsing,
      Consumer<ActorRef<CrawlSupervisor.Command>> whileRunning) {
    return run(config, seeds, parsing, whileRunning, HostResolver.system());
  }

  /**
   * Runs a crawl of {@code seeds} that archives what it fetches into {@code warc} (the settings' {@code spindle.warc}
   * give the prefix, file size and compression), as a job does with {@code spindle.warc.dir} set.
   */
  Run runArchiving(Config config, List<String> seeds, Path warc) {
    return run(config, seeds, Optional.empty(), supervisor -> { }, HostResolver.system(), Optional.of(warc));
  }

  private Run run(Config config, List<String> seeds, Optional<PageParsing> parsing,
      Consumer<ActorRef<CrawlSupervisor.Command>> whileRunning, HostResolver resolver) {
    return run(config, seeds, parsing, whileRunning, resolver, Optional.empty());
  }

  private Run run(Config config, List<String> seeds, Optional<PageParsing> parsing,
      Consumer<ActorRef<CrawlSupervisor.Command>> whileRunning, HostResolver resolver, Optional<Path> warc) {
    CrawlSettings settings = CrawlSettings.fromConfig(config);
    UrlNormalizer normalizer = new UrlNormalizer(settings.normalization());
    List<CrawlUrl> seedUrls = Seeds.resolve(new CrawlSettings.JobSettings("test", seeds, ""), normalizer, directory);
    AddressPolicy addresses = AddressPolicy.forSeeds(settings.fetch(), seedUrls, resolver); // as a job decides it
    Path output = directory.resolve("run-" + (++runs) + ".jsonl");
    CompletableFuture<CrawlSummary> result = new CompletableFuture<>();
    TestProbe<CrawlSummary> done = testKit.createTestProbe();
    result.thenAccept(done.ref()::tell);
    try {
      MemoryFrontier frontier = new MemoryFrontier(settings.limits(), UrlNormalizer::fingerprint);
      Optional<WarcArchive> archive = Optional.empty();
      if (warc.isPresent()) {
        archive = Optional.of(WarcArchive.open(new WarcArchive.Settings(warc.get(), settings.warc().prefix(),
            settings.warc().maxFileSize(), settings.warc().compressionLevel(), Map.of("software", "Spindle test")),
            WarcPosition.START, Clock.systemUTC()));
      }
      boolean archiving = archive.isPresent();
      CrawlJob job = new CrawlJob(settings, seedUrls, frontier, JsonLinesWriter.create(output),
          new SimpleMeterRegistry(), system -> archiving
              ? HttpFetcher.archiving(system, settings.fetch(), addresses, resolver)
              : HttpFetcher.create(system, settings.fetch(), addresses, resolver),
          parsing, ProgressListener.none(), result, Optional.empty(), archive);
      ActorRef<CrawlSupervisor.Command> supervisor = testKit.spawn(CrawlSupervisor.create(job));
      whileRunning.accept(supervisor);
      CrawlSummary summary = done.expectMessageClass(CrawlSummary.class, Duration.ofSeconds(90));
      return new Run(summary, read(output));
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }

  static List<JsonNode> read(Path output) throws IOException {
    List<JsonNode> records = new ArrayList<>();
    for (String line : Files.readAllLines(output)) {
      records.add(JSON.readTree(line));
    }
    return records;
  }
}
