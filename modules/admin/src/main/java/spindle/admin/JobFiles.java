package spindle.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's memory of its jobs across restarts: one JSON file per job in {@code spindle.admin.jobs-dir}, holding
 * the job as submitted and its last known state. Each file is replaced atomically (written beside, then moved), so a
 * kill leaves the old or the new version, never half of one. Blocking: call it from a blocking dispatcher.
 */
public final class JobFiles {
  private static final Logger LOG = LoggerFactory.getLogger(JobFiles.class);
  private static final String SUFFIX = ".job.json";

  private final Path directory;
  private final ObjectMapper json = new ObjectMapper();

  /** The files in {@code directory}, which is created when the first job is saved. */
  public JobFiles(Path directory) {
    this.directory = directory;
  }

  /** The directory the files are in. */
  public Path directory() {
    return directory;
  }

  /**
   * A job as saved.
   *
   * @param id the job's id
   * @param syntax how {@code body} is written
   * @param body the job as submitted
   * @param state its last known state
   * @param paused whether an operator had paused it
   * @param restart whether the service starts it again at start: true unless it ended by itself or by a
   *     {@code /stop}, so a job interrupted by a shutdown or a kill goes on
   * @param started when its last run started
   * @param ended when that run ended, if it did
   * @param counts its counts when saved
   * @param output its output file
   * @param store its store directory, or "memory"
   * @param error why it failed, if it did
   */
  public record SavedJob(String id, BodySyntax syntax, String body, JobState state, boolean paused, boolean restart,
      Instant started, Optional<Instant> ended, JobCounts counts, String output, String store,
      Optional<String> error) {}

  /** Saves {@code job}, replacing its earlier file. */
  public void save(SavedJob job) throws IOException {
    Files.createDirectories(directory);
    ObjectNode node = json.createObjectNode();
    node.put("id", job.id());
    node.put("syntax", job.syntax().name().toLowerCase(Locale.ROOT));
    node.put("state", job.state().wireName());
    node.put("paused", job.paused());
    node.put("restart", job.restart());
    node.put("started", job.started().toString());
    node.put("ended", job.ended().map(Instant::toString).orElse(null));
    ObjectNode counts = node.putObject("counts");
    counts.put("discovered", job.counts().discovered());
    counts.put("queued", job.counts().queued());
    counts.put("fetched", job.counts().fetched());
    counts.put("failed", job.counts().failed());
    counts.put("scheduled", job.counts().scheduled());
    node.put("output", job.output());
    node.put("store", job.store());
    node.put("error", job.error().orElse(null));
    node.put("body", job.body());
    Path file = directory.resolve(job.id() + SUFFIX);
    Path temporary = directory.resolve(job.id() + SUFFIX + ".tmp");
    json.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), node);
    try {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException notAtomic) {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Every saved job, sorted by id. A file that cannot be read is logged and skipped (it stays on disk for a person
   * to look at); a directory that does not exist holds no jobs.
   */
  public List<SavedJob> load() throws IOException {
    List<SavedJob> jobs = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return jobs;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
      for (Path file : files) {
        try {
          jobs.add(parse(json.readTree(file.toFile())));
        } catch (IOException | IllegalArgumentException | DateTimeParseException unreadable) {
          LOG.warn("skipping saved job file={}: {}", file, unreadable.toString());
        }
      }
    }
    jobs.sort((a, b) -> a.id().compareTo(b.id()));
    return jobs;
  }

  private static SavedJob parse(JsonNode node) {
    JsonNode counts = required(node, "counts");
    return new SavedJob(required(node, "id").asText(),
        BodySyntax.valueOf(required(node, "syntax").asText().toUpperCase(Locale.ROOT)),
        required(node, "body").asText(), JobState.fromWireName(required(node, "state").asText()),
        required(node, "paused").asBoolean(), required(node, "restart").asBoolean(),
        Instant.parse(required(node, "started").asText()), text(node, "ended").map(Instant::parse),
        new JobCounts(required(counts, "discovered").asLong(), required(counts, "queued").asLong(), 0,
            required(counts, "fetched").asLong(), required(counts, "failed").asLong(),
            counts.path("scheduled").asLong(0)), // absent from the files of jobs saved before revisits
        required(node, "output").asText(), required(node, "store").asText(), text(node, "error"));
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("no \"" + field + "\" field");
    }
    return value;
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }
}
