package spindle.engine;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.QueueOfferResult;

/**
 * The entry of the results stream, as fetchers see it. The stage completes when the stream has room for the
 * outcome (backpressure), so a fetcher that waits for it never outruns parsing and writing.
 */
@FunctionalInterface
interface ResultsQueue {
  /** Offers an outcome; completes with {@code QueueOfferResult.enqueued()} once accepted. */
  CompletionStage<QueueOfferResult> offer(Submitted outcome);
}
