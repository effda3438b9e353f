package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A crawl in a child JVM (the test's own classpath), whose progress lines the test reads as they come. */
final class ChildCrawl implements AutoCloseable {
  private static final Pattern PROGRESS = Pattern.compile("^spindle: ([\\d,]+) pages");

  private final Process process;
  private final BufferedReader lines;
  private final StringBuilder transcript = new StringBuilder();

  private ChildCrawl(Process process) {
    this.process = process;
    this.lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /**
   * Runs the crawl {@code kills} times, each killed ({@code kill -9}) once it has written a further 40-99 pages
   * (drawn from {@code seed}), then once more to its end: asserts that each killed run reached its pages and that the
   * last one resumed and exited 0. The crawl's log goes to {@code logFile}.
   */
  static void killRepeatedlyThenFinish(Path logFile, List<String> arguments, int kills, long seed) throws Exception {
    Random random = new Random(seed);
    long target = 0;
    for (int kill = 1; kill <= kills; kill++) {
      target += 40 + random.nextInt(60);
      try (ChildCrawl crawl = start(logFile, arguments)) {
        assertTrue(crawl.awaitPages(target), "run " + kill + " ended before " + target + " pages:\n"
            + crawl.transcript());
        crawl.kill();
      }
    }
    try (ChildCrawl crawl = start(logFile, arguments)) {
      assertEquals(0, crawl.awaitExit(120), crawl.transcript());
      assertTrue(crawl.transcript().contains("resuming from"), crawl.transcript());
    }
  }

  /** Starts {@code spindle crawl <arguments>} with progress lines every 200 ms and its log in {@code logFile}. */
  static ChildCrawl start(Path logFile, List<String> arguments) throws IOException {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-Dspindle.log.file=" + logFile, "-cp", classPath, Main.class.getName(), "crawl",
        "--set", "spindle.progress.log-interval=200ms"));
    command.addAll(arguments);
    return new ChildCrawl(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /**
   * Reads the child's output until a progress line reports at least {@code pages} pages; false if the child ended
   * first. Blocks only on the child's output, which the child writes at least every 200 ms while it runs.
   */
  boolean awaitPages(long pages) throws IOException {
    String line;
    while ((line = lines.readLine()) != null) {
      transcript.append(line).append('\n');
      Matcher progress = PROGRESS.matcher(line);
      if (progress.find() && Long.parseLong(progress.group(1).replace(",", "")) >= pages) {
        return true;
      }
    }
    return false;
  }

  /** Reads the rest of the output and waits for the exit code (at most {@code seconds}). */
  int awaitExit(long seconds) throws IOException, InterruptedException {
    String line;
    while ((line = lines.readLine()) != null) {
      transcript.append(line).append('\n');
    }
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError("the crawl did not end within " + seconds + " s:\n" + transcript);
    }
    return process.exitValue();
  }

  /** Kills the child at once, as kill -9 would, and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Sends SIGTERM (without closing our end of its output, as Process.destroy would). */
  void terminate() throws IOException, InterruptedException {
    if (new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor() != 0) {
      throw new AssertionError("kill -TERM failed");
    }
  }

  /** Everything the child printed so far. */
  String transcript() {
    return transcript.toString();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
