package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** One run of the command line in this JVM, as a user types it: its exit code and what it wrote to stderr. */
record CliRun(int exitCode, String err) {
  /** Runs {@code args} through {@link Main#commandLine()}; standard output is dropped. */
  static CliRun of(List<String> args) {
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setErr(new PrintWriter(err));
    commandLine.setOut(new PrintWriter(new StringWriter()));
    return new CliRun(commandLine.execute(args.toArray(String[]::new)), err.toString());
  }

  /** The one line written to stderr; fails when there were more or none. */
  String onlyLine() {
    String[] lines = err.strip().split("\n");
    assertEquals(1, lines.length, "expected one line, got:\n" + err);
    return lines[0];
  }
}
