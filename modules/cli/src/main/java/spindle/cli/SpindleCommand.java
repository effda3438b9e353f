package spindle.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The root command: {@code spindle <command>}. */
@Command(name = "spindle", mixinStandardHelpOptions = true, version = "spindle " + SpindleCommand.VERSION,
    description = "A polite, durable, fast web crawler on Apache Pekko.",
    subcommands = {CrawlCommand.class, ServeCommand.class, StatusCommand.class, FixtureCommand.class,
        DemoSiteCommand.class},
    exitCodeOnInvalidInput = 2,
    footer = {"", "Run 'spindle <command> --help' for a command's options.",
        "Docs: README.md, docs/configuration.md, docs/architecture.md"})
public final class SpindleCommand implements Runnable {
  /** Spindle's version, as {@code --version} prints it and WARC files name their software. */
  static final String VERSION = "0.1.0";

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing command: crawl, serve, status, fixture or demo-site");
  }
}
