package spindle.cli;

import com.typesafe.config.Config;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import spindle.fixture.FaultProfile;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.RobotsProfile;

/**
 * The built-in demo site ({@code spindle.demo-site}): a few synthetic hosts on loopback addresses, started inside
 * the crawl's process so the quickstart crawls something real without the internet. Its home pages become the
 * seeds when the job names none.
 */
record DemoSite(boolean enabled, int hosts, int pagesPerHost, int port, long seed, boolean validators) {
  /** Reads {@code spindle.demo-site}. */
  static DemoSite fromConfig(Config root) {
    Config c = root.getConfig("spindle.demo-site");
    return new DemoSite(c.getBoolean("enabled"), c.getInt("hosts"), c.getInt("pages-per-host"), c.getInt("port"),
        c.getLong("seed"), c.getBoolean("validators"));
  }

  /**
   * Starts the site and says where it runs; a port that is taken is a usage error naming {@code
   * spindle.demo-site.port} where {@code config} set it.
   */
  FixtureWeb start(Config config, PrintWriter err) {
    FixtureWeb web;
    try {
      web = FixtureWeb.start(settings(hosts, pagesPerHost, port, seed).build());
    } catch (UncheckedIOException unbound) {
      throw ConfigErrors.at(config, "spindle.demo-site.port", "cannot start the demo site on port " + port + ": "
          + "the port is in use (another crawl's demo site, or ./spindle demo-site?); choose another port, or 0 "
          + "for any free one");
    }
    web.serveValidators(validators);
    err.println("spindle: demo site running on " + web.hostCount() + " loopback hosts, e.g. " + web.baseUrl(0));
    err.flush();
    return web;
  }

  /**
   * The demo's fixture settings: small real-looking pages, robots.txt that allows all on most hosts and disallows
   * a section on one, no faults.
   */
  static FixtureSettings.Builder settings(int hosts, int pagesPerHost, int port, long seed) {
    FixtureSettings.Builder builder = FixtureSettings.builder()
        .hosts(hosts).pagesPerHost(pagesPerHost).port(port).seed(seed)
        .pageSize(4 * 1024, 40 * 1024).linksPerPage(30).crossHostLinkFraction(0.05)
        .robots(RobotsProfile.ALLOW_ALL).faults(FaultProfile.NONE).recordRequests(false);
    if (hosts > 1) {
      builder.robots(1, RobotsProfile.DISALLOW_SOME);
    }
    if (hosts > 2) {
      builder.robots(2, RobotsProfile.NOT_FOUND);
    }
    return builder;
  }
}
