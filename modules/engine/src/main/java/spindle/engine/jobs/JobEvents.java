package spindle.engine.jobs;

/**
 * Hears the {@link JobEvent}s of a service. Called from the job's actor, in the same step as the change it tells of
 * (so whoever asks the job afterwards hears of the event first, if it delivers events in order): it must not block.
 */
@FunctionalInterface
public interface JobEvents {
  /** Hears {@code event}. */
  void publish(JobEvent event);

  /** A listener that ignores every event: a service that is not a node of a cluster. */
  static JobEvents none() {
    return event -> { };
  }
}
