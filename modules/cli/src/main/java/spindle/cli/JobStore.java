package spindle.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import spindle.core.CrawlUrl;
import spindle.core.url.UrlNormalizer;
import spindle.engine.CrawlSettings;
import spindle.store.Frontier;
import spindle.store.FrontierCounts;
import spindle.store.JsonLinesWriter;
import spindle.store.MemoryFrontier;
import spindle.store.NotAStoreException;
import spindle.store.PostgresFrontier;
import spindle.store.PostgresSettings;
import spindle.store.RocksDbFrontier;
import spindle.store.StoreConfig;
import spindle.store.StoreException;
import spindle.store.warc.WarcArchive;
import spindle.core.FileProblems;

/**
 * A job's state on disk: its frontier (in {@code spindle.store.dir}) and its output file, opened together so that
 * they agree. A new crawl starts both empty; a crawl that was stopped or killed resumes: the output is cut back to
 * the length the store last committed (dropping records whose URLs are still leased, and any torn last line) and
 * appended to, so it ends up with one record per URL. A store written for other seeds or another scope is refused,
 * because resuming it would mix two crawls; {@code --fresh} deletes both and starts over.
 */
final class JobStore implements AutoCloseable {
  private final Frontier frontier;
  private final JsonLinesWriter writer;
  private final Optional<String> resumeNote;
  private final Optional<WarcArchive> archive;

  private JobStore(Frontier frontier, JsonLinesWriter writer, Optional<String> resumeNote,
      Optional<WarcArchive> archive) {
    this.frontier = frontier;
    this.writer = writer;
    this.resumeNote = resumeNote;
    this.archive = archive;
  }

  /** The WARC archive, at the position the store committed, when {@code spindle.warc.dir} is set. */
  Optional<WarcArchive> archive() {
    return archive;
  }

  /** The frontier. */
  Frontier frontier() {
    return frontier;
  }

  /** The output writer, positioned after the last committed record. */
  JsonLinesWriter writer() {
    return writer;
  }

  /** A line saying what was resumed, or empty for a new crawl. */
  Optional<String> resumeNote() {
    return resumeNote;
  }

  /**
   * Opens the job's store and output. {@code fresh} deletes both first (saying so on {@code err}). Throws
   * {@link UsageException} for a store in use, a store of another crawl, a directory that is not a store, an output
   * path that cannot be a file, and an output file this job did not write; in each case before anything is created.
   */
  static JobStore open(CrawlSettings settings, Config config, List<CrawlUrl> seeds, boolean fresh, PrintWriter err)
      throws IOException {
    return open(settings, config, seeds, fresh, err, "run again with --fresh to delete it and start over",
        "choose another path, or --fresh to replace it");
  }

  /**
   * {@link #open(CrawlSettings, Config, List, boolean, PrintWriter)}, where {@code startOver} tells the user how to
   * start over when the store holds another crawl, and {@code replace} what to do about an output file the job did
   * not write (the service has no {@code --fresh}).
   */
  static JobStore open(CrawlSettings settings, Config config, List<CrawlUrl> seeds, boolean fresh, PrintWriter err,
      String startOver, String replace) throws IOException {
    Path output = settings.output().path();
    StoreConfig store = settings.store();
    if (store.backend() == StoreConfig.Backend.POSTGRES) {
      throw ConfigErrors.at(config, "spindle.store.backend", "\"postgres\" is the store of a cluster's nodes "
          + "(spindle serve --cluster); a single crawl uses \"rocksdb\" or \"memory\"");
    }
    JobPaths.checkOutput(config, output);
    boolean durable = store.backend() == StoreConfig.Backend.ROCKSDB;
    if (durable) {
      JobPaths.checkStore(config, store.dir(), output);
    }
    if (settings.warc().directory().isPresent()) {
      JobPaths.checkWarcDirectory(config, settings.warc().directory().get(), durable ? Optional.of(store.dir())
          : Optional.empty());
    }
    if (fresh) {
      deleteForFresh(store, output, err);
      JobArchive.deleteForFresh(settings.warc(), err);
    }
    boolean storeExists = durable && Files.isDirectory(store.dir()) && isNotEmpty(store.dir());
    if (!storeExists && Files.exists(output)) { // a new crawl's store cannot have written it
      throw notWrittenByThisJob(config, output, replace);
    }
    boolean canFresh = replace.contains("--fresh");
    if (!storeExists) { // nor WARC files already in the directory: refused before the store exists
      JobArchive.refuseFilesOfAnotherCrawl(settings.warc(), config, canFresh);
    }
    if (!durable) {
      MemoryFrontier memory = new MemoryFrontier(settings.limits(), UrlNormalizer::fingerprint);
      Optional<WarcArchive> archive = JobArchive.open(settings, settings.warc().prefix(), config, memory,
          Optional.empty(), startOver, canFresh); // before the output exists: a refusal leaves nothing behind
      return new JobStore(memory, create(config, output), Optional.empty(), archive);
    }
    RocksDbFrontier frontier;
    try {
      frontier = RocksDbFrontier.open(store.dir(), settings.limits(), UrlNormalizer::fingerprint, store.settings());
    } catch (NotAStoreException notAStore) {
      throw ConfigErrors.at(config, "spindle.store.dir", notAStore.getMessage());
    } catch (StoreException failed) {
      String message = failed.getMessage().toLowerCase(Locale.ROOT).contains("lock")
          ? store.dir() + " is in use by another Spindle process (one crawl per store directory)"
          : failed.getMessage();
      throw ConfigErrors.at(config, "spindle.store.dir", message);
    }
    try {
      String fingerprint = fingerprint(config, seeds);
      Optional<String> stored = frontier.meta(RocksDbFrontier.JOB_FINGERPRINT);
      FrontierCounts counts = frontier.counts();
      if (stored.isPresent() && !stored.get().equals(fingerprint)) {
        throw ConfigErrors.at(config, "spindle.store.dir", store.dir() + " holds a crawl with other seeds or "
            + "another scope (spindle.job seeds, spindle.scope or spindle.normalization changed); " + startOver
            + ", or set spindle.store.dir to another directory");
      }
      boolean wroteRecords = counts.discovered() > 0 || frontier.committedOutputBytes() > 0;
      String outputKey = JobPaths.relativeTo(store.dir(), output);
      Optional<String> written = frontier.meta(OUTPUT_PATH)
          .or(() -> wroteRecords ? Optional.of(outputKey) : Optional.empty()); // a store from before the key
      if (written.isPresent() && !written.get().equals(outputKey) && wroteRecords) {
        throw ConfigErrors.at(config, "spindle.output.path", "this job's records are in "
            + store.dir().resolve(written.get()).normalize() + " (its output when the store was created); set it "
            + "back to that file, or " + startOver.replaceFirst("^run again with ", ""));
      }
      if (!written.map(outputKey::equals).orElse(false) && Files.exists(output)) {
        throw notWrittenByThisJob(config, output, replace);
      }
      if (stored.isEmpty()) {
        frontier.putMeta(RocksDbFrontier.JOB_FINGERPRINT, fingerprint);
      }
      frontier.putMeta(OUTPUT_PATH, outputKey); // before the file exists: a kill in between leaves it ours
      Optional<WarcArchive> archive = JobArchive.open(settings, settings.warc().prefix(), config, frontier,
          settings.warc().directory().map(directory -> JobArchive.inStore(frontier, directory)), startOver, canFresh);
      try {
        if (counts.discovered() == 0) {
          return new JobStore(frontier, create(config, output), Optional.empty(), archive);
        }
        String cut = alignOutput(config, output, frontier.committedOutputBytes(), startOver);
        String note = String.format(Locale.ROOT, "resuming from %s: %,d URLs recorded, %,d queued, %,d leased when "
            + "it stopped (back in their queues)%s", store.dir(), counts.finished(), counts.queued(),
            frontier.recoveredLeases(), cut);
        return new JobStore(frontier, JsonLinesWriter.append(output), Optional.of(note), archive);
      } catch (RuntimeException | IOException failed) {
        if (archive.isPresent()) {
          archive.get().close();
        }
        throw failed;
      }
    } catch (RuntimeException | IOException failed) {
      frontier.close();
      throw failed;
    }
  }

  /** The store's record of the output it writes: the output's path relative to the store directory. */
  static final String OUTPUT_PATH = "output-path";

  private static UsageException notWrittenByThisJob(Config config, Path output, String replace) {
    String file = ConfigErrors.setByFlag(config, "spindle.output.path") ? "" : output + ": "; // --out names it
    return ConfigErrors.at(config, "spindle.output.path", file + "the file exists and this job did not write it; "
        + replace);
  }

  /**
   * Opens the job's share of a crawl that several nodes run together: the frontier in PostgreSQL
   * ({@code spindle.store.postgres}), which every node of the cluster opens, and this node's own output,
   * {@link #nodeOutput}. Like a RocksDB store, the frontier refuses to hold another crawl, and this node's output is
   * cut back to the length this node last committed. With {@code spindle.warc.dir}, this node's WARC files
   * ({@link JobArchive#nodePrefix}) go into that directory, opened at the position the store committed for this node,
   * and refused, as on a single node, when the directory holds files of that prefix this node did not write.
   */
  static JobStore openShared(CrawlSettings settings, Config config, List<CrawlUrl> seeds, PrintWriter err,
      String startOver, String storeName, String node, String owner) throws IOException {
    Path output = nodeOutput(settings.output().path(), node);
    if (settings.warc().directory().isPresent()) {
      JobPaths.checkWarcDirectory(config, settings.warc().directory().get(), Optional.empty());
    }
    PostgresSettings database = settings.store().postgres();
    PostgresFrontier frontier;
    try {
      frontier = PostgresFrontier.open(database, storeName, node, owner, settings.limits(),
          UrlNormalizer::fingerprint);
    } catch (StoreException failed) {
      throw ConfigErrors.at(config, "spindle.store.postgres.url", failed.getMessage());
    }
    try {
      String fingerprint = fingerprint(config, seeds);
      Optional<String> stored = frontier.meta(PostgresFrontier.JOB_FINGERPRINT);
      if (stored.isPresent() && !stored.get().equals(fingerprint)) {
        throw new UsageException("the database at " + database.displayUrl() + " holds a crawl named "
            + settings.job().name() + " with other seeds or another scope; " + startOver
            + ", or give the job another spindle.job.name");
      }
      Optional<WarcArchive> archive = JobArchive.open(settings, JobArchive.nodePrefix(settings.warc().prefix(), node),
          config, frontier, settings.warc().directory().map(directory -> JobArchive.ofNode(frontier, node, directory)),
          startOver, false); // before the job's fingerprint and the output: a refused new job leaves them unwritten
      try {
        if (stored.isEmpty()) {
          frontier.putMeta(PostgresFrontier.JOB_FINGERPRINT, fingerprint);
        }
        FrontierCounts counts = frontier.counts();
        if (counts.discovered() == 0 && frontier.committedOutputBytes() == 0) {
          return new JobStore(frontier, create(config, output), Optional.empty(), archive);
        }
        String cut = alignNodeOutput(output, frontier.committedOutputBytes(), err);
        String note = String.format(Locale.ROOT, "joining the crawl in %s as node %s: %,d URLs recorded, %,d queued, "
            + "%,d leased by this node's previous run (back in their queues)%s", database.displayUrl(), node,
            counts.finished(), counts.queued(), frontier.recoveredLeases(), cut);
        return new JobStore(frontier, JsonLinesWriter.append(output), Optional.of(note), archive);
      } catch (RuntimeException | IOException failed) {
        if (archive.isPresent()) {
          archive.get().close();
        }
        throw failed;
      }
    } catch (RuntimeException | IOException failed) {
      frontier.close();
      throw failed;
    }
  }

  /** This node's output in a cluster: the job's output path with {@code .<node>} before the extension. */
  static Path nodeOutput(Path output, String node) {
    String name = output.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String nodeName = dot <= 0 ? name + "." + node : name.substring(0, dot) + "." + node + name.substring(dot);
    return output.resolveSibling(nodeName);
  }

  private static JsonLinesWriter create(Config config, Path output) {
    try {
      return JsonLinesWriter.create(output);
    } catch (IOException unwritable) {
      throw ConfigErrors.at(config, "spindle.output.path", "cannot write " + output + ": "
          + FileProblems.reason(unwritable));
    }
  }

  /**
   * Cuts the output back to the committed length: what lies beyond was written for URLs the store still has leased
   * (they will be fetched and written again), or is a line torn by the kill. An output shorter than what the store
   * committed lost records since (cut or edited by hand): resuming would append to it and count records it does not
   * hold, so it is refused.
   */
  private static String alignOutput(Config config, Path output, long committed, String startOver) throws IOException {
    long size = Files.exists(output) ? Files.size(output) : 0;
    if (size < committed) {
      throw ConfigErrors.at(config, "spindle.output.path", String.format(Locale.ROOT, "%s holds %,d bytes but this "
          + "job recorded %,d there: records were removed since the last run (was it cut, edited or replaced?); "
          + "restore the file to resume, or %s", output, size, committed, startOver.replaceFirst("^run again with ",
          "")));
    }
    return cutUncommitted(output, size, committed);
  }

  /**
   * {@link #alignOutput} for a cluster node's own output, where a shorter file gets a warning instead: refusing would
   * keep the node out of the crawl the other nodes go on with.
   */
  private static String alignNodeOutput(Path output, long committed, PrintWriter err) throws IOException {
    long size = Files.exists(output) ? Files.size(output) : 0;
    if (size < committed) {
      err.printf(Locale.ROOT, "spindle: warning: %s holds %,d bytes but the store committed %,d: records written "
          + "before are missing from it (was it moved or edited?); new records are appended%n", output, size, committed);
    }
    return cutUncommitted(output, size, committed);
  }

  private static String cutUncommitted(Path output, long size, long committed) throws IOException {
    if (size <= committed) {
      return "";
    }
    try (FileChannel channel = FileChannel.open(output, StandardOpenOption.WRITE)) {
      channel.truncate(committed);
    }
    return String.format(Locale.ROOT, "; cut %,d bytes of uncommitted records from %s", size - committed, output);
  }

  /**
   * Deletes the store and the output for {@code --fresh}, refusing to delete a directory that is not a Spindle
   * store.
   */
  private static void deleteForFresh(StoreConfig store, Path output, PrintWriter err) throws IOException {
    boolean storeExists = store.backend() == StoreConfig.Backend.ROCKSDB && Files.isDirectory(store.dir())
        && isNotEmpty(store.dir());
    boolean outputExists = Files.exists(output);
    if (!storeExists && !outputExists) {
      return;
    }
    if (storeExists) {
      try {
        RocksDbFrontier.readStatus(store.dir());
      } catch (NotAStoreException notAStore) {
        throw new UsageException("--fresh: " + notAStore.getMessage() + "; not deleting it");
      }
    }
    err.println("spindle: --fresh: deleting " + (storeExists ? store.dir() + (outputExists ? " and " : "") : "")
        + (outputExists ? output : ""));
    err.flush();
    if (storeExists) {
      try (Stream<Path> files = Files.walk(store.dir())) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> {
          try {
            Files.delete(path);
          } catch (IOException failed) {
            throw new UncheckedIOException(failed);
          }
        });
      }
    }
    Files.deleteIfExists(output);
  }

  private static boolean isNotEmpty(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.findAny().isPresent();
    }
  }

  /**
   * What makes two runs the same crawl: the canonical seeds and every scope and normalisation key. Politeness,
   * concurrency, timeouts and output may change between runs.
   */
  static String fingerprint(Config config, List<CrawlUrl> seeds) {
    StringBuilder text = new StringBuilder();
    seeds.stream().map(CrawlUrl::url).sorted().distinct().forEach(url -> text.append("seed ").append(url).append('\n'));
    for (String section : List.of("spindle.scope", "spindle.normalization")) {
      Map<String, String> values = new TreeMap<>();
      for (Map.Entry<String, ConfigValue> entry : config.getConfig(section).entrySet()) {
        values.put(entry.getKey(), String.valueOf(entry.getValue().unwrapped()));
      }
      values.forEach((key, value) -> text.append(section).append('.').append(key).append(" = ").append(value)
          .append('\n'));
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException impossible) { // every JVM has SHA-256
      throw new IllegalStateException(impossible);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      try {
        writer.close();
      } finally {
        if (archive.isPresent()) {
          archive.get().close();
        }
      }
    } finally {
      frontier.close();
    }
  }
}
