package spindle.store;

/**
 * How many URLs are in each state. {@code discovered} counts every admitted URL and equals the sum of the others;
 * {@code rejected} counts candidates refused by the page limits (not admitted, so not in that sum).
 */
public record FrontierCounts(long discovered, long queued, long leased, long fetched, long failed,
    long redirected, long rejected) {
  /** Whether nothing is queued or leased: the crawl has no work left. */
  public boolean idle() {
    return queued == 0 && leased == 0;
  }

  /** Fetched plus failed: URLs with a final record. */
  public long finished() {
    return fetched + failed;
  }
}
