package spindle.admin;

import java.util.Locale;

/** Where a job is in its life. The first three are active: the job holds its store open and has a crawl running. */
public enum JobState {
  /** Crawling. */
  RUNNING,
  /** Paused by an operator: no request starts until it is resumed. */
  PAUSED,
  /** Draining after a stop (an operator's, or the service's shutdown): requests in flight finish. */
  STOPPING,
  /** Ended because nothing was left to fetch. */
  FINISHED,
  /** Ended by a stop before its work was done. */
  STOPPED,
  /** Ended because the crawl itself failed (its output could not be written, it could not be started). */
  FAILED;

  /** Whether the job's crawl is still running (running, paused or stopping). */
  public boolean active() {
    return this == RUNNING || this == PAUSED || this == STOPPING;
  }

  /** The name used in the API and in saved state: lower case. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state named {@code name} as {@link #wireName()} writes it; IllegalArgumentException for another name. */
  public static JobState fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
