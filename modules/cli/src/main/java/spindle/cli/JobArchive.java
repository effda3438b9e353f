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
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import spindle.core.FileProblems;
import spindle.engine.CrawlSettings;
import spindle.store.CaptureIndex;
import spindle.store.Frontier;
import spindle.store.PostgresFrontier;
import spindle.store.RocksDbFrontier;
import spindle.store.warc.WarcArchive;
import spindle.store.warc.WarcPosition;
import spindle.store.warc.WarcSettings;

/**
 * A job's WARC archive ({@code spindle.warc}), opened where its store says it stands, so that the WARC files and the
 * store agree: a resumed crawl cuts the files back to the position the store committed (its capture index), and goes
 * on writing there. Files of the job's prefix that the job did not write are never touched: a run that would delete
 * or append to them is refused, naming the key, before anything is created. {@code --fresh} deletes the job's files.
 *
 * <p>On a cluster, each node writes files of its own ({@link #nodePrefix}: a node cannot append to another's file)
 * into the job's directory, at the position the shared store committed for that node; the same rules hold per node.
 */
final class JobArchive {
  /** The store's record of the directory the job archives into, relative to the store directory. */
  static final String WARC_DIRECTORY = "warc-dir";

  /** The sections of the job's settings that the archive's warcinfo records describe (none holds a secret). */
  private static final List<String> DESCRIBED = List.of("spindle.job", "spindle.scope", "spindle.normalization",
      "spindle.fetch", "spindle.robots", "spindle.politeness", "spindle.parse", "spindle.output", "spindle.warc",
      "spindle.recrawl");

  private JobArchive() {}

  /**
   * How a durable store remembers which directory the archive is in, so that a run naming another one is refused.
   *
   * @param value what is recorded for the directory of this run
   * @param recorded what the store recorded, if anything
   * @param save records a value, before any file is written (a kill then leaves the files known as the job's)
   * @param directory the directory a recorded value names, for messages
   */
  record Recorded(String value, Optional<String> recorded, Consumer<String> save, Function<String, Path> directory) {}

  /** A RocksDB store's record: the directory relative to the store's, so that the two can move together. */
  static Recorded inStore(RocksDbFrontier store, Path directory) {
    return new Recorded(JobPaths.relativeTo(store.directory(), directory), store.meta(WARC_DIRECTORY),
        value -> store.putMeta(WARC_DIRECTORY, value), value -> store.directory().resolve(value).normalize());
  }

  /**
   * A cluster node's record in the shared store: the absolute directory, under the node's name (each node has its
   * files, and its working directory, of its own).
   */
  static Recorded ofNode(PostgresFrontier frontier, String node, Path directory) {
    String key = WARC_DIRECTORY + "." + node;
    return new Recorded(directory.toAbsolutePath().normalize().toString(), frontier.meta(key),
        value -> frontier.putMeta(key, value), Path::of);
  }

  /**
   * The prefix of a cluster node's files: the job's, a dash and the node's name ({@code spindle.cluster.node-name}),
   * so the nodes of a job never write, cut or delete each other's files in a shared directory.
   */
  static String nodePrefix(String prefix, String node) {
    return prefix + "-" + node;
  }

  /**
   * The job's archive, or empty when {@code spindle.warc.dir} is empty, writing files named {@code prefix}-...
   * ({@code spindle.warc.prefix}, or a cluster node's {@link #nodePrefix}). {@code record} is how the job's durable
   * store records the directory, or empty for an in-memory store (whose crawl always starts over). {@code canFresh}
   * tells the advice in messages whether the user can delete files with {@code --fresh}.
   */
  static Optional<WarcArchive> open(CrawlSettings settings, String prefix, Config config, Frontier frontier,
      Optional<Recorded> record, String startOver, boolean canFresh) {
    WarcSettings warc = settings.warc();
    if (warc.directory().isEmpty()) {
      return Optional.empty();
    }
    Path directory = warc.directory().get();
    CaptureIndex index = frontier.captures().orElseThrow(() -> ConfigErrors.at(config, "spindle.warc.dir",
        "this store keeps no index of captures, which WARC archives need"));
    WarcPosition committed = index.warcPosition();
    Optional<String> key = record.map(Recorded::value);
    Optional<String> recorded = record.flatMap(Recorded::recorded);
    if (!committed.equals(WarcPosition.START)) {
      if (recorded.isPresent() && !recorded.equals(key)) {
        throw ConfigErrors.at(config, "spindle.warc.dir", "this job's WARC files are in "
            + record.get().directory().apply(recorded.get()) + "; set it back to that directory, or "
            + startOver.replaceFirst("^run again with ", ""));
      }
      if (!committed.file().startsWith(prefix + "-")) {
        throw ConfigErrors.at(config, "spindle.warc.prefix", "this job's WARC files are named like "
            + committed.file() + "; set it back to their prefix, or " + startOver.replaceFirst("^run again with ", ""));
      }
    } else if (!recorded.isPresent() || !recorded.equals(key)) {
      refuseFilesOfAnotherCrawl(directory, prefix, config, canFresh);
    }
    record.ifPresent(durable -> durable.save().accept(durable.value())); // before any file: a kill leaves them ours
    try {
      return Optional.of(WarcArchive.open(new WarcArchive.Settings(directory, prefix, warc.maxFileSize(),
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
    if (warc.directory().isPresent()) {
      refuseFilesOfAnotherCrawl(warc.directory().get(), warc.prefix(), config, canFresh);
    }
  }

  /** {@link #refuseFilesOfAnotherCrawl(WarcSettings, Config, boolean)} for files named {@code prefix}-... */
  private static void refuseFilesOfAnotherCrawl(Path directory, String prefix, Config config, boolean canFresh) {
    Optional<Path> foreign = filesOf(directory, prefix).stream().findFirst();
    if (foreign.isPresent()) {
      throw ConfigErrors.at(config, "spindle.warc.dir", directory + " holds WARC files of another crawl named "
          + prefix + "-..., such as " + foreign.get().getFileName() + "; choose another directory or "
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
