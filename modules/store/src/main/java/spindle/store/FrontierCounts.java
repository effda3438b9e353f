package spindle.store;

/**
 * How many URLs are in each state. {@code discovered} counts every admitted URL and equals the sum of the others;
 * {@code rejected} counts candidates refused by the page limits (not admitted, so not in that sum). A URL waiting
 * for a revisit ({@code spindle.recrawl}) is {@code scheduled}; {@code fetched} and {@code failed} count the URLs
 * whose visits are over.
 */
public record FrontierCounts(long discovered, long queued, long leased, long fetched, long failed,
    long redirected, long rejected, long scheduled) {
  /** Counts without revisits: nothing scheduled. */
  public FrontierCounts(long discovered, long queued, long leased, long fetched, long failed, long redirected,
      long rejected) {
    this(discovered, queued, leased, fetched, failed, redirected, rejected, 0);
  }

  /** Whether nothing is queued, leased or scheduled for a revisit: the crawl has no work left. */
  public boolean idle() {
    return queued == 0 && leased == 0 && scheduled == 0;
  }

  /** Fetched plus failed: URLs with a final record. */
  public long finished() {
    return fetched + failed;
  }
}
