package spindle.store;

import spindle.core.url.UrlNormalizer;

/**
 * The process {@link PostgresFrontierKillTest} kills: as node {@code node-1}, owner {@code node-1#child}, it adds,
 * leases and completes URLs of a job without end, and after each call prints {@code written <calls> <discovered>}.
 */
final class PostgresFrontierKillChild {
  private PostgresFrontierKillChild() {}

  /** Runs on job {@code args[0]} (server from {@link TestPostgres}) until killed, or for {@code args[1]} rounds. */
  public static void main(String[] args) {
    PostgresFrontier frontier = PostgresFrontier.open(TestPostgres.settings(2), args[0], "node-1", "node-1#child",
        FrontierLimits.NONE, UrlNormalizer::fingerprint);
    FrontierKillChild.writeRounds(frontier, Long.parseLong(args[1]), 64, 8, 10);
  }
}
