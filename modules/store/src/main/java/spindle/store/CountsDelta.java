package spindle.store;

/**
 * How one write changes the {@link FrontierCounts}: a batch of the RocksDB frontier and a transaction of the
 * PostgreSQL frontier each record in one the URLs they move between states, and add it to the stored counts in the
 * same atomic write (RocksDB: to the totals in the meta column family; PostgreSQL: to one counts slot), so the counts
 * always match the data. Starts at zero. Not thread-safe: it belongs to the one thread doing the write.
 */
final class CountsDelta {
  private long discovered;
  private long queued;
  private long leased;
  private long fetched;
  private long failed;
  private long redirected;
  private long rejected;
  private long scheduled;

  /** A URL admitted (a new candidate or a redirect target): discovered, and queued. */
  void admit() {
    discovered++;
    queued++;
  }

  /** A candidate refused by the page limits: counted, never admitted. */
  void reject() {
    rejected++;
  }

  /** {@code count} URLs moved from their queues to the leased state. */
  void lease(long count) {
    queued -= count;
    leased += count;
  }

  /** {@code count} leased URLs put back in their queues. */
  void requeue(long count) {
    leased -= count;
    queued += count;
  }

  /** A leased URL finished: failed when {@code failed}, else fetched. */
  void finish(boolean failed) {
    leased--;
    if (failed) {
      this.failed++;
    } else {
      fetched++;
    }
  }

  /** A leased URL whose visit ended with another one owed: scheduled for its revisit. */
  void schedule() {
    leased--;
    scheduled++;
  }

  /** {@code count} scheduled URLs that came due, moved to their queues. */
  void release(long count) {
    scheduled -= count;
    queued += count;
  }

  /** A leased URL handed on to its redirect target (the target is counted by {@link #admit()} separately). */
  void redirect() {
    leased--;
    redirected++;
  }

  /** Whether nothing changed. */
  boolean isZero() {
    return discovered == 0 && queued == 0 && leased == 0 && fetched == 0 && failed == 0 && redirected == 0
        && rejected == 0 && scheduled == 0;
  }

  /** {@code counts} with this change added. */
  FrontierCounts applyTo(FrontierCounts counts) {
    return new FrontierCounts(counts.discovered() + discovered, counts.queued() + queued, counts.leased() + leased,
        counts.fetched() + fetched, counts.failed() + failed, counts.redirected() + redirected,
        counts.rejected() + rejected, counts.scheduled() + scheduled);
  }

  long discovered() {
    return discovered;
  }

  long queued() {
    return queued;
  }

  long leased() {
    return leased;
  }

  long fetched() {
    return fetched;
  }

  long failed() {
    return failed;
  }

  long redirected() {
    return redirected;
  }

  long rejected() {
    return rejected;
  }

  long scheduled() {
    return scheduled;
  }
}
