package spindle.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    RocksDbFrontier frontier = RocksDbFrontier.open(Path.of(args[0]), FrontierLimits.NONE,
        UrlNormalizer::fingerprint, StoreSettings.DEFAULTS);
    writeRounds(frontier, Long.parseLong(args[1]), 256, 16, 40);
  }

  /**
   * Each round adds {@code batchSize} URLs over {@code hosts} hosts, leases up to {@code leaseSize} of one host and
   * completes every other one of those, printing {@code written <calls> <discovered>} after each call; then closes
   * the frontier and prints {@code closed}.
   */
  static void writeRounds(Frontier frontier, long rounds, int batchSize, int hosts, int leaseSize) {
    PrintStream out = System.out;
    long calls = 0;
    long output = 0;
    for (long round = 0; round < rounds; round++) {
      List<CrawlUrl> batch = new ArrayList<>(batchSize);
      for (int i = 0; i < batchSize; i++) {
        HostKey host = HostKey.of("h" + (i % hosts) + ".example", -1);
        batch.add(CrawlUrl.seed("http://" + host.name() + "/r" + round + "/p" + (i * 7 % 300), host));
      }
      frontier.add(batch);
      out.println("written " + ++calls + " " + frontier.counts().discovered());
      List<CrawlUrl> leased = frontier.lease(HostKey.of("h" + (round % hosts) + ".example", -1), leaseSize);
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

  /**
   * For the test that kills: reads the lines of {@code child} (this class's output) until call {@code killAfter} is
   * written, kills it there (as kill -9 does) and waits until it has ended. Returns the URLs discovered at the last
   * call the child reported, so the test can check that nothing acknowledged before the kill was lost.
   */
  static long killAfterCall(Process child, long killAfter) throws IOException, InterruptedException {
    long lastDiscovered = -1;
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        String[] fields = line.split(" ");
        lastDiscovered = Long.parseLong(fields[2]);
        if (Long.parseLong(fields[1]) == killAfter) {
          break;
        }
      }
    } finally {
      child.destroyForcibly();
      if (!child.waitFor(20, TimeUnit.SECONDS)) {
        throw new AssertionError("the child did not end within 20 s of being killed");
      }
    }
    return lastDiscovered;
  }
}
