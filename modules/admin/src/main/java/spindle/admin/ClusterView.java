package spindle.admin;

import java.util.concurrent.CompletionStage;

/** The cluster this service is a node of, as {@code GET /api/cluster} shows it. */
public interface ClusterView {
  /**
   * The members, their state, and the hosts and fetches each holds, as a JSON object (docs/admin-api.md). Must not
   * block; completes within a few seconds (members that do not answer in time are listed without their figures).
   */
  CompletionStage<String> describe();
}
