package spindle.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import spindle.core.FileProblems;
import spindle.engine.CrawlSettings;
import spindle.store.CaptureIndex;
import spindle.store.Frontier;
import spindle.store.RocksDbFrontier;
import spindle.store.warc.WarcArchive;
import spindle.store.warc.WarcPosition;
import spindle.store.warc.WarcSettings;

/**
 * A job's WARC archive ({@code spindle.warc}), opened where its store says it stands, so that the WARC files and the
 * store agree: a resumed crawl cuts the files back to the position the store committed (its capture index), and goes
 * on writing there. Files of the job's prefix that the job did not write are never touched: a run that would delete
 * or append to them is refused, naming the key, before anything is created. {@code --fresh} deletes the job's files.
 */
final class JobArchive {
  /** The store's record of the directory the job archives into, relative to the store directory. */
  static final String WARC_DIRECTORY = "warc-dir";

  /** The sections of the job's settings that the archive's warcinfo records describe (none holds a secret). */
  private static final List<String> DESCRIBED = List.of("spindle.job", "spindle.scope", "spindle.normalization",
      "spindle.fetch", "spindle.robots", "spindle.politeness", "spindle.parse", "spindle.output", "spindle.warc");

  private JobArchive() {}

  /**
   * The job's archive, or empty when {@code spindle.warc.dir} is empty. {@code store} is the job's durable store, or
   * empty for an in-memory one (whose crawl always starts over). {@code fresh} tells the advice in messages whether
   * the user can delete files with {@code --fresh}.
   */
  static Optional<WarcArchive> open(CrawlSettings settings, Config config, Frontier frontier,
      Optional<RocksDbFrontier> store, String startOver, boolean canFresh) {
    WarcSettings warc = settings.warc();
    if (warc.directory().isEmpty()) {
      return Optional.empty();
    }
    Path directory = warc.directory().get();
    CaptureIndex index = frontier.captures().orElseThrow(() -> ConfigErrors.at(config, "spindle.warc.dir",
        "WARC archives need spindle.store.backend rocksdb or memory"));
    WarcPosition committed = index.warcPosition();
    Optional<String> key = store.map(durable -> JobPaths.relativeTo(durable.directory(), directory));
    Optional<String> recorded = store.flatMap(durable -> durable.meta(WARC_DIRECTORY));
    if (!committed.equals(WarcPosition.START)) {
      if (recorded.isPresent() && !recorded.equals(key)) {
        throw ConfigErrors.at(config, "spindle.warc.dir", "this job's WARC files are in "
            + store.get().directory().resolve(recorded.get()).normalize() + "; set it back to that directory, or "
            + startOver.replaceFirst("^run again with ", ""));
      }
      if (!committed.file().startsWith(warc.prefix() + "-")) {
        throw ConfigErrors.at(config, "spindle.warc.prefix", "this job's WARC files are named like "
            + committed.file() + "; set it back to their prefix, or " + startOver.replaceFirst("^run again with ", ""));
      }
    } else if (!recorded.isPresent() || !recorded.equals(key)) {
      refuseFilesOfAnotherCrawl(warc, config, canFresh);
    }
    store.ifPresent(durable -> durable.putMeta(WARC_DIRECTORY, key.get())); // before any file: a kill leaves them ours
    try {
      return Optional.of(WarcArchive.open(new WarcArchive.Settings(directory, warc.prefix(), warc.maxFileSize(),
          warc.compressionLevel(), warcinfo(settings, config)), committed, Clock.systemUTC()));
    } catch (IOException failed) {
      throw ConfigErrors.at(config, "spindle.warc.dir", "cannot open the WARC archive in " + directory + ": "
          + FileProblems.reason(failed));
    }
  }

  /**
   * Throws a usage error when the WARC directory already holds files of the job's prefix that the job did not write
   * (the caller knows it did not: its store is new, or records no archive in that directory). {@code canFresh} adds
   * the advice to delete them with {@code --fresh}.
   */
  static void refuseFilesOfAnotherCrawl(WarcSettings warc, Config config, boolean canFresh) {
    if (warc.directory().isEmpty()) {
      return;
    }
    Path directory = warc.directory().get();
    Optional<Path> foreign = filesOf(directory, warc.prefix()).stream().findFirst();
    if (foreign.isPresent()) {
      throw ConfigErrors.at(config, "spindle.warc.dir", directory + " holds WARC files of another crawl named "
          + warc.prefix() + "-..., such as " + foreign.get().getFileName() + "; choose another directory or "
          + "spindle.warc.prefix" + (canFresh ? ", or --fresh to delete them" : ""));
    }
  }

  /** The fields of every file's warcinfo record: the software, the job, its operator and its settings. */
  static Map<String, String> warcinfo(CrawlSettings settings, Config config) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("software", "Spindle/" + SpindleCommand.VERSION + " (https://github.com/spindle-crawler/spindle)");
    fields.put("isPartOf", settings.job().name());
    String contact = settings.fetch().userAgent().contactUrl();
    if (!contact.isBlank()) {
      fields.put("operator", contact);
    }
    fields.put("http-header-user-agent", settings.fetch().userAgent().header());
    fields.put("robots", settings.robots().enabled() ? "obey" : "ignore");
    Config described = ConfigFactory.empty();
    for (String section : DESCRIBED) {
      if (config.hasPath(section)) {
        described = described.withFallback(config.withOnlyPath(section));
      }
    }
    fields.put("spindle-settings", described.root().render(ConfigRenderOptions.concise()));
    return fields;
  }

  /** Deletes the job's WARC files and their indexes for {@code --fresh}, saying so on {@code err}. */
  static void deleteForFresh(WarcSettings warc, PrintWriter err) throws IOException {
    if (warc.directory().isEmpty()) {
      return;
    }
    List<Path> files = filesOf(warc.directory().get(), warc.prefix());
    if (files.isEmpty()) {
      return;
    }
    err.println("spindle: --fresh: deleting " + files.size() + " WARC and index files named " + warc.prefix()
        + "-... in " + warc.directory().get());
    err.flush();
    for (Path file : files) {
      Files.delete(file);
    }
  }

  /** The files of an archive of {@code prefix} in {@code directory}: WARC files, indexes and an index being sorted. */
  private static List<Path> filesOf(Path directory, String prefix) {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    Pattern own = Pattern.compile(Pattern.quote(prefix) + "-\\d{17}-\\d{5,}\\.(warc\\.gz|cdxj|cdxj\\.sorting)");
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.filter(entry -> own.matcher(entry.getFileName().toString()).matches()).sorted().toList();
    } catch (IOException unreadable) {
      return List.of(); // the archive's own open names the problem
    }
  }
}
