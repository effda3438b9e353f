package spindle.store;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.core.url.UrlNormalizer;

/**
 * The process {@link PostgresFrontierKillTest} kills: as node {@code node-1}, owner {@code node-1#child}, it adds,
 * leases and completes URLs of a job without end, and after each call prints {@code written <calls> <discovered>}.
 */
final class PostgresFrontierKillChild {
  private PostgresFrontierKillChild() {}

  /** Runs on job {@code args[0]} (server from {@link TestPostgres}) until killed, or for {@code args[1]} rounds. */
  public static void main(String[] args) {
    PrintStream out = System.out;
    PostgresFrontier frontier = PostgresFrontier.open(TestPostgres.settings(2), args[0], "node-1", "node-1#child",
        FrontierLimits.NONE, UrlNormalizer::fingerprint);
    long rounds = Long.parseLong(args[1]);
    long calls = 0;
    long output = 0;
    for (long round = 0; round < rounds; round++) {
      List<CrawlUrl> batch = new ArrayList<>(64);
      for (int i = 0; i < 64; i++) {
        HostKey host = HostKey.of("h" + (i % 8) + ".example", -1);
        batch.add(CrawlUrl.seed("http://" + host.name() + "/r" + round + "/p" + (i * 7 % 300), host));
      }
      frontier.add(batch);
      out.println("written " + ++calls + " " + frontier.counts().discovered());
      List<CrawlUrl> leased = frontier.lease(HostKey.of("h" + (round % 8) + ".example", -1), 10);
      out.println("written " + ++calls + " " + frontier.counts().discovered());
      List<Frontier.Completion> done = new ArrayList<>();
      for (int i = 0; i < leased.size(); i += 2) {
        done.add(new Frontier.Completion(leased.get(i), i % 4 == 0));
      }
      frontier.complete(done, output += 1000);
      out.println("written " + ++calls + " " + frontier.counts().discovered());
    }
    frontier.close();
    out.println("closed");
  }
}
