package spindle.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import spindle.store.FrontierCounts;
import spindle.store.FrontierStatus;
import spindle.store.HostTally;
import spindle.store.NotAStoreException;
import spindle.store.RocksDbFrontier;
import spindle.store.StoreException;

/**
 * {@code spindle status job.conf} or {@code spindle status --data DIR}: what a crawl's store holds, read from the
 * store alone (no crawl needs to run): URLs discovered, queued, fetched, failed, and the hosts with the most URLs
 * queued, with each one's fetched and failed URLs.
 */
@Command(name = "status", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
    description = "Show what a crawl's store holds: counts and the hosts with the most queued URLs.")
final class StatusCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  static final class Target {
    @Parameters(index = "0", paramLabel = "JOB", description = "The job file whose store to read.")
    Path jobFile;

    @Option(names = "--data", paramLabel = "DIR", description = "The store directory (spindle.store.dir).")
    Path data;
  }

  @Option(names = "--hosts", defaultValue = "10", description = "Hosts to list (default ${DEFAULT-VALUE}).")
  int hosts;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a job key, as for crawl.")
  List<String> sets = List.of();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Path directory = target.data != null ? target.data : storeDirOf(target.jobFile);
    if (!Files.isDirectory(directory)) {
      throw new UsageException(directory + ": no crawl data here (the job has not run yet, or spindle.store.dir "
          + "points elsewhere)");
    }
    FrontierStatus status;
    try {
      status = RocksDbFrontier.readStatus(directory, hosts);
    } catch (NotAStoreException notAStore) {
      throw new UsageException(notAStore.getMessage());
    } catch (StoreException failed) {
      throw new UsageException(directory + ": cannot read the store: " + failed.getMessage());
    }
    print(out, directory, status);
    out.flush();
    return 0;
  }

  private Path storeDirOf(Path jobFile) {
    Config config = new JobConfigLoader().load(JobConfigLoader.operatorFile(null), Optional.of(jobFile), sets, ConfigFactory.empty());
    return Path.of(config.getString("spindle.store.dir"));
  }


  static void print(PrintWriter out, Path directory, FrontierStatus status) {
    FrontierCounts counts = status.counts();
    out.printf(Locale.ROOT, "store      %s%n", directory);
    out.printf(Locale.ROOT, "discovered %,d%n", counts.discovered());
    out.printf(Locale.ROOT, "queued     %,d  (on %,d hosts)%n", counts.queued(), status.hostsWithWork());
    out.printf(Locale.ROOT, "leased     %,d  (in flight or held by host queues when the crawl stopped; they go back "
        + "to their queues when it resumes)%n", counts.leased());
    out.printf(Locale.ROOT, "fetched    %,d%n", counts.fetched());
    out.printf(Locale.ROOT, "failed     %,d%n", counts.failed());
    out.printf(Locale.ROOT, "redirected %,d  (handed on to their targets)%n", counts.redirected());
    if (counts.scheduled() > 0) { // only in crawls that revisit pages: other stores print as they did
      out.printf(Locale.ROOT, "scheduled  %,d  (waiting for their revisits: spindle.recrawl)%n", counts.scheduled());
    }
    out.printf(Locale.ROOT, "output     %,d bytes committed%n", status.committedOutputBytes());
    if (counts.rejected() > 0) {
      out.printf(Locale.ROOT, "skipped    %,d links not admitted: page limits reached%n", counts.rejected());
    }
    if (!status.busiestHosts().isEmpty()) {
      out.println("hosts with the most queued URLs:");
      for (HostTally host : status.busiestHosts()) {
        out.printf(Locale.ROOT, "  %-40s %,d queued, %,d fetched, %,d failed%n", host.host(), host.queued(),
            host.fetched(), host.failed());
      }
    }
    if (counts.idle()) {
      out.println(counts.discovered() == 0 ? "state      empty" : "state      finished (nothing queued or leased)");
    }
  }
}
