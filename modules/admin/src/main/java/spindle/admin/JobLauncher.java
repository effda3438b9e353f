package spindle.admin;

import java.util.function.Predicate;

/**
 * Reads submitted jobs and opens their stores. The command line implements it with the same configuration loading,
 * key checking and store handling as {@code spindle crawl}, so a job submitted to the service behaves like the same
 * job file run from the command line (same messages, same store directory, same resume).
 */
public interface JobLauncher {
  /**
   * Reads and validates a job without side effects: nothing is created or opened. A job without
   * {@code spindle.job.name} gets {@code body.assignedName()} or else a generated name ({@code job-1}, {@code job-2},
   * ...) that {@code nameTaken} refuses and whose store directory does not exist. Throws {@link JobRejected} with a
   * one-line message for a job that cannot run. May block (it reads seed files): call it from a blocking dispatcher.
   */
  JobDefinition read(JobBody body, Predicate<String> nameTaken) throws JobRejected;
}
