package spindle.engine.jobs;

/**
 * Something that happened to a job of this service which the other nodes of a cluster must follow: an operator's
 * change made here, or the end of the crawl. A change the service applied because {@link JobControl} asked for it is
 * not an event: it came from the cluster already.
 */
public sealed interface JobEvent {
  /** The job's name. */
  String job();

  /** An operator paused the job here. */
  record Paused(String job) implements JobEvent {}

  /** An operator resumed the job here. */
  record Resumed(String job) implements JobEvent {}

  /** An operator stopped the job here (it drains, and stays stopped). */
  record Stopped(String job) implements JobEvent {}

  /** The job finished here: nothing was left to crawl. */
  record Finished(String job) implements JobEvent {}
}
