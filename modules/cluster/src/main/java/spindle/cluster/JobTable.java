package spindle.cluster;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The cluster's jobs table, as the {@link JobWatcher} uses it: each call answers with a stage, never blocking the
 * caller. {@link ClusterJobs} is the shared PostgreSQL's.
 */
interface JobTable {
  /** A job as the table holds it: its body and syntax, its state, and how many times it was submitted. */
  record Row(String name, String body, String syntax, String state, long generation) {}

  /**
   * Records that job {@code name} runs, and answers its generation: a job that was not running or paused (new,
   * stopped, finished) gets a new one.
   */
  CompletionStage<Long> announce(String name, String body, String syntax);

  /** Moves job {@code name} to state {@code to} if it is in one of the states {@code from}. */
  CompletionStage<Void> move(String name, String to, List<String> from);

  /** Every job of the cluster, by name. */
  CompletionStage<List<Row>> rows();
}
