package spindle.engine;

/** A fetch outcome on its way into the results stream, with the acknowledgement its fetcher waits for. */
record Submitted(FetchOutcome outcome, CommitAck ack) {}
