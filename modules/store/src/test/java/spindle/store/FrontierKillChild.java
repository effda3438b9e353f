package spindle.store;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.core.url.UrlNormalizer;

/**
 * The process {@link RocksDbFrontierKillTest} kills: it adds, leases and completes URLs in a store without end,
 * and after each call prints {@code written <calls> <discovered>}, so the test knows what was written before the kill.
 */
final class FrontierKillChild {
  private FrontierKillChild() {}

  /** Runs on the store in {@code args[0]} until killed, or for {@code args[1]} rounds. */
  public static void main(String[] args) {
    PrintStream out = System.out;
    RocksDbFrontier frontier = RocksDbFrontier.open(Path.of(args[0]), FrontierLimits.NONE,
        UrlNormalizer::fingerprint, StoreSettings.DEFAULTS);
    long rounds = Long.parseLong(args[1]);
    long calls = 0;
    long output = 0;
    for (long round = 0; round < rounds; round++) {
      List<CrawlUrl> batch = new ArrayList<>(256);
      for (int i = 0; i < 256; i++) {
        HostKey host = HostKey.of("h" + (i % 16) + ".example", -1);
        batch.add(CrawlUrl.seed("http://" + host.name() + "/r" + round + "/p" + (i * 7 % 300), host));
      }
      frontier.add(batch);
      out.println("written " + ++calls + " " + frontier.counts().discovered());
      List<CrawlUrl> leased = frontier.lease(HostKey.of("h" + (round % 16) + ".example", -1), 40);
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
