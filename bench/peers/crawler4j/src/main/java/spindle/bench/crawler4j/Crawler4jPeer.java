package spindle.bench.crawler4j;

import edu.uci.ics.crawler4j.crawler.CrawlConfig;
import edu.uci.ics.crawler4j.crawler.CrawlController;
import edu.uci.ics.crawler4j.crawler.Page;
import edu.uci.ics.crawler4j.crawler.WebCrawler;
import edu.uci.ics.crawler4j.fetcher.PageFetchResult;
import edu.uci.ics.crawler4j.fetcher.PageFetcher;
import edu.uci.ics.crawler4j.robotstxt.RobotstxtConfig;
import edu.uci.ics.crawler4j.robotstxt.RobotstxtServer;
import edu.uci.ics.crawler4j.url.WebURL;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * crawler4j as a benchmark peer: crawls the fixture web from a seed file and writes one JSON line per page
 * attempted, in the shape bench/lib/metrics.py reads ({@code url, status, content_type, bytes, fetch_ms, t}).
 *
 * <p>Usage: {@code Crawler4jPeer --seeds FILE --out FILE --threads N --max-pages N --storage DIR}.
 * Robots.txt is obeyed, the politeness delay is 0 and links are followed only to the seeds' hosts.
 */
public final class Crawler4jPeer {

  private Crawler4jPeer() {}

  /** Runs one crawl and exits 0 when crawler4j has finished, 2 on bad arguments. */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = parseOptions(args);
    for (String required : List.of("--seeds", "--out", "--threads", "--max-pages", "--storage")) {
      if (!options.containsKey(required)) {
        System.err.println("crawler4j-peer: missing " + required);
        System.exit(2);
      }
    }
    List<String> seeds = Files.readAllLines(Path.of(options.get("--seeds"))).stream()
        .map(String::trim).filter(line -> !line.isEmpty() && !line.startsWith("#")).distinct()
        .collect(Collectors.toList());
    int threads = Integer.parseInt(options.get("--threads"));

    CrawlConfig config = new CrawlConfig();
    config.setCrawlStorageFolder(options.get("--storage"));
    config.setResumableCrawling(false);
    config.setPolitenessDelay(0);
    config.setMaxPagesToFetch(Integer.parseInt(options.get("--max-pages")));
    config.setMaxDepthOfCrawling(-1);
    config.setIncludeBinaryContentInCrawling(false);
    config.setMaxConnectionsPerHost(Math.max(64, threads));
    config.setMaxTotalConnections(Math.max(100, threads * 2));
    config.setMaxOutgoingLinksToFollow(10_000);
    config.setMaxDownloadSize(10 * 1024 * 1024);
    config.setConnectionTimeout(10_000);
    config.setSocketTimeout(30_000);
    config.setFollowRedirects(true);
    config.setOnlineTldListUpdate(false);          // loopback only: never fetch the public suffix list
    config.setUserAgentString("crawler4j-bench");
    // crawler4j checks for idle threads every few seconds before it stops; shorten so wall time is not padded.
    config.setThreadMonitoringDelaySeconds(1);
    config.setThreadShutdownDelaySeconds(1);
    config.setCleanupDelaySeconds(1);

    PageFetcher fetcher = new TimedPageFetcher(config);
    RobotstxtConfig robots = new RobotstxtConfig();
    robots.setEnabled(true);
    robots.setUserAgentName("crawler4j-bench");
    CrawlController controller = new CrawlController(config, fetcher, new RobotstxtServer(robots, fetcher));
    seeds.forEach(controller::addSeed);

    Set<String> hosts = seeds.stream().map(Crawler4jPeer::authority).collect(Collectors.toSet());
    try (BufferedWriter out = Files.newBufferedWriter(Path.of(options.get("--out")), StandardCharsets.UTF_8)) {
      Output output = new Output(out);
      controller.start(() -> new PeerCrawler(hosts, output), threads);
    }
  }

  private static Map<String, String> parseOptions(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    return options;
  }

  static String authority(String url) {
    try {
      URI uri = URI.create(url);
      return uri.getHost() + ":" + uri.getPort();
    } catch (IllegalArgumentException notAUri) {
      return "";
    }
  }

  /** One JSON line per page; the lines of many crawler threads must not interleave. */
  static final class Output {
    private final BufferedWriter out;

    Output(BufferedWriter out) {
      this.out = out;
    }

    synchronized void write(String url, int status, String contentType, long bytes, long fetchMs) {
      StringBuilder line = new StringBuilder(256).append("{\"url\":");
      quote(line, url).append(",\"status\":").append(status).append(",\"content_type\":");
      quote(line, contentType == null ? "" : contentType).append(",\"bytes\":").append(bytes)
          .append(",\"fetch_ms\":").append(fetchMs < 0 ? "null" : Long.toString(fetchMs))
          .append(",\"t\":").append(System.currentTimeMillis() / 1000.0).append("}\n");
      try {
        out.write(line.toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static StringBuilder quote(StringBuilder line, String text) {
      line.append('"');
      for (char c : text.toCharArray()) {
        switch (c) {
          case '"' -> line.append("\\\"");
          case '\\' -> line.append("\\\\");
          default -> {
            if (c < 0x20) {
              line.append(String.format("\\u%04x", (int) c));
            } else {
              line.append(c);
            }
          }
        }
      }
      return line.append('"');
    }
  }

  /**
   * Remembers when each crawler thread started its current fetch. crawler4j fetches, reads the body, parses and
   * calls visit() on one thread, so fetch_ms here is request start to visit(): body and parse included.
   */
  static final class TimedPageFetcher extends PageFetcher {
    static final ThreadLocal<Long> STARTED = ThreadLocal.withInitial(() -> -1L);

    TimedPageFetcher(CrawlConfig config) {
      super(config);
    }

    @Override
    public PageFetchResult fetchPage(WebURL url) throws InterruptedException, IOException,
        edu.uci.ics.crawler4j.crawler.exceptions.PageBiggerThanMaxSizeException {
      STARTED.set(System.nanoTime());
      return super.fetchPage(url);
    }

    static long elapsedMs() {
      long started = STARTED.get();
      return started < 0 ? -1 : (System.nanoTime() - started) / 1_000_000;
    }
  }

  /** Follows links to the seeds' hosts only and records every page it is handed. */
  static final class PeerCrawler extends WebCrawler {
    private final Set<String> hosts;
    private final Output output;

    PeerCrawler(Set<String> hosts, Output output) {
      this.hosts = hosts;
      this.output = output;
    }

    @Override
    public boolean shouldVisit(Page referringPage, WebURL url) {
      return hosts.contains(authority(url.getURL()));
    }

    @Override
    public void visit(Page page) {
      byte[] content = page.getContentData();
      output.write(page.getWebURL().getURL(), page.getStatusCode(), page.getContentType(),
          content == null ? 0 : content.length, TimedPageFetcher.elapsedMs());
    }

    @Override
    protected void onUnexpectedStatusCode(String url, int status, String contentType, String description) {
      output.write(url, status, contentType, 0, TimedPageFetcher.elapsedMs());
    }
  }
}
