package spindle.engine;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import spindle.core.HostKey;

/**
 * Where a host entity keeps the little it must not forget when it moves to another node: the operator's controls,
 * and what the host's answers taught of its pace (its adaptive delay, saved when the entity stops, and only when it
 * is above the host's floor or was saved so before). In a cluster it is Pekko Persistence's durable state on the
 * shared database; a single node needs none (the region keeps the controls in memory, and a queue hands its
 * adaptive delay to the next in its {@link HostQueue.Carry}).
 *
 * <p>Neither robots.txt nor the time of the last request is kept: the next owner fetches robots.txt again, and it
 * waits one full delay (the adaptive one, when saved) before its first request. That wait is what makes a handover
 * polite without a clock shared between nodes: the previous owner's last request has ended by then (it finished
 * before a graceful handover, and a killed process's connections closed when it died; a killed process saves no
 * adaptive delay, so its host starts again from its floor).
 */
public interface HostMemory {
  /** What is kept of {@code host}, with the revision to save the next version as; empty for a host never saved. */
  CompletionStage<Optional<Saved>> load(HostKey host);

  /** Saves {@code state} as {@code revision} (one more than the loaded revision, 1 for a new host). */
  CompletionStage<Void> save(HostKey host, long revision, HostState state);

  /** A host's saved state and its revision. */
  record Saved(HostState state, long revision) {}

  /**
   * What a host entity keeps: the operator's controls of the host, and its adaptive delay when it had one worth
   * keeping (absent in states saved before adaptive delays).
   */
  record HostState(HostControl control, Optional<AdaptiveDelay> pace) implements ClusterMessage {
    public HostState {
      pace = pace == null ? Optional.empty() : pace; // a state saved before the field existed
    }

    /** The operator's controls alone. */
    public HostState(HostControl control) {
      this(control, Optional.empty());
    }
  }
}
