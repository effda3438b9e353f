package spindle.engine;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * Tells the fetcher that produced an outcome that the outcome is durable: its record is written and its URL marked
 * done (or, for a redirect, handed on) in the frontier. A fetcher takes new work only then, so a URL is "in flight"
 * from its lease until its commit, and a crash re-fetches at most one URL per fetcher.
 */
record CommitAck(ActorRef<Fetcher.Command> fetcher, long sequence) {
  /** Sends the acknowledgement. Safe from any thread. */
  void committed() {
    fetcher.tell(new Fetcher.Committed(sequence));
  }
}
