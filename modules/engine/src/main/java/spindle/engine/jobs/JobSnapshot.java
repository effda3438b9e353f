package spindle.engine.jobs;

/**
 * A job of a service as {@link JobControl#jobs()} lists it.
 *
 * @param name the job's name
 * @param state where the job is
 * @param fetchesInFlight requests its crawl has in flight (0 once it ended)
 */
public record JobSnapshot(String name, State state, int fetchesInFlight) {
  /** Where a job is, as far as the other nodes of a cluster care. */
  public enum State {
    /** Crawling. */
    RUNNING,
    /** Paused by an operator. */
    PAUSED,
    /** Draining after a stop. */
    STOPPING,
    /** Ended (finished, stopped or failed), or never started here. */
    ENDED
  }

  /** Whether the job's crawl runs here (running, paused or stopping). */
  public boolean active() {
    return state != State.ENDED;
  }
}
