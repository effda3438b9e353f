package spindle.admin;

import java.nio.file.Path;
import java.util.Optional;

/** A validated job, not yet opened: its name and where its state and records will go. */
public interface JobDefinition {
  /** The job's name, which is its id in the API. */
  String name();

  /** The JSON-lines output file. */
  Path output();

  /** The store directory, or empty for an in-memory store. */
  Optional<Path> storeDirectory();

  /**
   * Opens the store and the output (resuming an earlier run of the same job) and whatever else the job needs. Throws
   * {@link JobRejected} for a store in use or one holding another crawl; then nothing is left open. May block.
   */
  PreparedJob open() throws JobRejected;
}
