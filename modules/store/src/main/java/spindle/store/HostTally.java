package spindle.store;

import spindle.core.HostKey;

/**
 * One host's URLs by state, as the frontier counts them: queued, fetched (recorded without an error) and failed
 * (recorded with one). Leased URLs are in none of the three.
 */
public record HostTally(HostKey host, long queued, long fetched, long failed) {
  /** The tally of a host the frontier has never seen. */
  public static HostTally empty(HostKey host) {
    return new HostTally(host, 0, 0, 0);
  }
}
