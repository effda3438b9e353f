package spindle.engine;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import spindle.core.HostKey;

/**
 * Where a host entity keeps the little it must not forget when it moves to another node: the operator's controls.
 * In a cluster it is Pekko Persistence's durable state on the shared database; a single node needs none (the
 * region keeps that in memory).
 *
 * <p>Neither robots.txt nor the time of the last request is kept: the next owner fetches robots.txt again, and it
 * waits one full delay before its first request. That wait is what makes a handover polite without a clock
 * shared between nodes: the previous owner's last request has ended by then (it finished before a graceful
 * handover, and a killed process's connections closed when it died).
 */
public interface HostMemory {
  /** What is kept of {@code host}, with the revision to save the next version as; empty for a host never saved. */
  CompletionStage<Optional<Saved>> load(HostKey host);

  /** Saves {@code state} as {@code revision} (one more than the loaded revision, 1 for a new host). */
  CompletionStage<Void> save(HostKey host, long revision, HostState state);

  /** A host's saved state and its revision. */
  record Saved(HostState state, long revision) {}

  /** What a host entity keeps: the operator's controls of the host. */
  record HostState(HostControl control) implements ClusterMessage {}
}
