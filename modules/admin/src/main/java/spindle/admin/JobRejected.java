package spindle.admin;

/**
 * A submitted job cannot run: a bad key or value, an invalid seed, a store that belongs to another crawl. The
 * message is one line naming what is wrong, the same the command line prints for a job file; the API answers 400
 * with it.
 */
public final class JobRejected extends Exception {
  /** A rejection with a one-line {@code message} (line breaks are replaced by spaces). */
  public JobRejected(String message) {
    super(message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
  }
}
