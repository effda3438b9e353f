package spindle.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code spindle demo-site}: serves the quickstart's demo site on its own, to browse it or crawl it from elsewhere. */
@Command(name = "demo-site", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
    description = "Serve the quickstart's demo site on loopback until Ctrl-C.")
final class DemoSiteCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--hosts", defaultValue = "4", description = "Hosts (default ${DEFAULT-VALUE}).")
  int hosts;

  @Option(names = "--pages-per-host", defaultValue = "40", description = "Pages per host (default ${DEFAULT-VALUE}).")
  int pagesPerHost;

  @Option(names = "--port", defaultValue = "8971", description = "Port (default ${DEFAULT-VALUE}).")
  int port;

  @Override
  public Integer call() throws Exception {
    return FixtureCommand.serve(DemoSite.settings(hosts, pagesPerHost, port, 42).build(), "Spindle demo site",
        spec.commandLine().getOut(), null);
  }
}
