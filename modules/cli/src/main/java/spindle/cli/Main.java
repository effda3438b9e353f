package spindle.cli;

import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Entry point of the {@code ./spindle} launcher. */
public final class Main {
  private Main() {}

  /** Runs the command line and exits with its code: 0 done, 1 the crawl failed, 2 a usage or config error. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests run it in-process. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new SpindleCommand());
    commandLine.setExecutionExceptionHandler((failure, cmd, parsed) -> {
      if (failure instanceof UsageException) {
        cmd.getErr().println("spindle: error: " + failure.getMessage());
        return 2;
      }
      // a bug: the whole stack trace goes to the log, one line to the user
      LoggerFactory.getLogger(Main.class).error("unexpected failure", failure);
      cmd.getErr().println("spindle: internal error: " + failure + " (stack trace in " + LogFiles.current() + ")");
      return 1;
    });
    return commandLine;
  }
}
