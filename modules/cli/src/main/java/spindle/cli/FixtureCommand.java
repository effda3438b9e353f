package spindle.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import spindle.fixture.FaultProfile;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.RobotsProfile;
import sun.misc.Signal;

/**
 * {@code spindle fixture}: serves the synthetic test web on loopback addresses until interrupted, printing its seed
 * URLs. Used by the benchmark and for trying Spindle (or another crawler) against many hosts with faults.
 */
@Command(name = "fixture", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
    description = "Serve a synthetic web of many loopback hosts, with faults on demand, until Ctrl-C.")
final class FixtureCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--hosts", defaultValue = "10", description = "Hosts, one loopback address each (default ${DEFAULT-VALUE}).")
  int hosts;

  @Option(names = "--pages-per-host", defaultValue = "200", description = "Pages per host (default ${DEFAULT-VALUE}).")
  int pagesPerHost;

  @Option(names = "--faults", defaultValue = "none", description = "none or mixed (about 2 %% of pages link to fault pages).")
  String faults;

  @Option(names = "--port", defaultValue = "0", description = "Port for every host; 0 picks a free one (default).")
  int port;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the synthetic sites (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--page-size", defaultValue = "5120-102400", paramLabel = "MIN-MAX",
      description = "Page body size range in bytes (default ${DEFAULT-VALUE}).")
  String pageSize;

  @Option(names = "--links", defaultValue = "40", description = "Links per page (default ${DEFAULT-VALUE}).")
  int links;

  @Option(names = "--base-address", defaultValue = "127.0.1.1",
      description = "Address of the first host; the others follow it (default ${DEFAULT-VALUE}).")
  String baseAddress;

  @Option(names = "--robots", defaultValue = "mix", paramLabel = "PROFILE",
      description = "robots.txt of every host: mix (a fixed mix of allow-all, disallow-some, crawl-delay, 404 "
          + "and 500 by host index), allow-all, disallow-some, not-found, server-error (default ${DEFAULT-VALUE}).")
  String robots;

  @Option(names = "--latency", paramLabel = "MIN-MAX", description = "Delay before every page, in ms, e.g. 10-50.")
  String latency;

  @Option(names = "--compress", description = "Serve gzip-compressed pages to clients that accept them.")
  boolean compress;

  @Option(names = "--seeds-file", paramLabel = "FILE", description = "Also write the seed URLs to this file.")
  java.nio.file.Path seedsFile;

  @Override
  public Integer call() throws Exception {
    FixtureSettings.Builder builder = FixtureSettings.builder().hosts(hosts).pagesPerHost(pagesPerHost).port(port)
        .seed(seed).linksPerPage(links).baseAddress(baseAddress).recordRequests(false);
    long[] sizes = range("--page-size", pageSize);
    builder.pageSize((int) sizes[0], (int) sizes[1]);
    switch (robots) {
      case "mix" -> { }
      case "allow-all" -> builder.robots(RobotsProfile.ALLOW_ALL);
      case "disallow-some" -> builder.robots(RobotsProfile.DISALLOW_SOME);
      case "not-found" -> builder.robots(RobotsProfile.NOT_FOUND);
      case "server-error" -> builder.robots(RobotsProfile.SERVER_ERROR);
      default -> throw new UsageException("--robots " + robots
          + ": expected mix, allow-all, disallow-some, not-found or server-error");
    }
    if (latency != null) {
      long[] bounds = range("--latency", latency);
      builder.latency(java.time.Duration.ofMillis(bounds[0]), java.time.Duration.ofMillis(bounds[1]));
    }
    builder.compress(compress);
    switch (faults) {
      case "none" -> builder.faults(FaultProfile.NONE);
      case "mixed" -> builder.faults(FaultProfile.MIXED);
      default -> throw new UsageException("--faults " + faults + ": expected none or mixed");
    }
    return serve(builder.build(), "Spindle fixture web", spec.commandLine().getOut(), seedsFile);
  }

  /** Parses "MIN-MAX" (or a single number) into two non-negative numbers with MIN <= MAX. */
  private static long[] range(String option, String text) {
    String[] parts = text.split("-");
    try {
      long min = Long.parseLong(parts[0].trim());
      long max = Long.parseLong(parts[parts.length - 1].trim());
      if (parts.length > 2 || min < 0 || max < min) {
        throw new NumberFormatException(text);
      }
      return new long[] {min, max};
    } catch (NumberFormatException invalid) {
      throw new UsageException(option + " " + text + ": expected MIN-MAX, two numbers with MIN <= MAX");
    }
  }

  /** Serves {@code settings} until SIGINT or SIGTERM; prints the description and the seeds. */
  static int serve(FixtureSettings settings, String title, PrintWriter out, java.nio.file.Path seedsFile)
      throws Exception {
    FixtureWeb web;
    try {
      web = FixtureWeb.start(settings);
    } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException cannotStart) {
      throw new UsageException("cannot start the fixture: " + cannotStart.getMessage());
    }
    try (web) {
      out.println(web.describe(title));
      out.println("seeds:");
      web.seedUrls().forEach(out::println);
      out.flush();
      if (seedsFile != null) {
        java.nio.file.Files.write(seedsFile, web.seedUrls());
      }
      CountDownLatch stop = new CountDownLatch(1);
      Signal.handle(new Signal("INT"), signal -> stop.countDown());
      Signal.handle(new Signal("TERM"), signal -> stop.countDown());
      stop.await();
    }
    return 0;
  }
}
