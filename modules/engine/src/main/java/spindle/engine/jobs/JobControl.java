package spindle.engine.jobs;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What the parts around a service (a cluster node) may do with its jobs. Nothing blocks: each call answers with a
 * stage. A change made through here is not an operator's: it publishes no {@link JobEvent}.
 */
public interface JobControl {
  /** Every job of the service, by name. */
  CompletionStage<List<JobSnapshot>> jobs();

  /**
   * Runs here, under {@code name}, a job submitted elsewhere with {@code body} written in {@code syntax} ({@code
   * HOCON} or {@code JSON}); refused while a job of that name is active here.
   */
  CompletionStage<Outcome> join(String name, String body, String syntax);

  /** Pauses, resumes or stops job {@code name} because the cluster did. */
  CompletionStage<Outcome> change(String name, Change change);

  /** What {@link #change} does. */
  enum Change { PAUSE, RESUME, STOP }

  /** How the service answered. */
  sealed interface Outcome {
    /** Done: the job as it is now. */
    record Done(JobSnapshot job) implements Outcome {}

    /** Refused, with the reason (a job of that name is active here, no such job, the service is stopping...). */
    record Refused(String reason) implements Outcome {}
  }
}
