package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** User mistakes end with exit code 2 and one line that names the file, key or URL, and overwrite nothing. */
class CommandLineErrorsTest {
  @TempDir
  Path directory;

  private record Outcome(int exitCode, String err) {
    String onlyLine() {
      String[] lines = err.strip().split("\n");
      assertEquals(1, lines.length, "expected one line, got:\n" + err);
      return lines[0];
    }
  }

  private Outcome run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setErr(new PrintWriter(err));
    commandLine.setOut(new PrintWriter(new StringWriter()));
    int code = commandLine.execute(args);
    return new Outcome(code, err.toString());
  }

  private Path job(String text) throws Exception {
    Path file = directory.resolve("job.conf");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void anUnknownKeyNamesTheFileTheLineAndTheNearestRealKey() throws Exception {
    Path file = job("spindle {\n  job.seeds = [\"http://127.0.0.1:9/\"]\n  fetch.concurency = 4\n}\n");
    Outcome outcome = run("crawl", file.toString());
    assertEquals(2, outcome.exitCode());
    String line = outcome.onlyLine();
    assertTrue(line.contains("job.conf:3"), line);
    assertTrue(line.contains("spindle.fetch.concurency"), line);
    assertTrue(line.contains("did you mean spindle.fetch.concurrency?"), line);
  }

  @Test
  void aWrongTypeNamesTheFileAndKey() throws Exception {
    Path file = job("spindle.job.seeds = [\"http://127.0.0.1:9/\"]\nspindle.fetch.concurrency = many\n");
    Outcome outcome = run("crawl", file.toString());
    assertEquals(2, outcome.exitCode());
    String line = outcome.onlyLine();
    assertEquals("spindle: error: " + file + ":2: spindle.fetch.concurrency: expected a number, was a string "
        + "(\"many\")", line);
  }

  @Test
  void anOutOfRangeValueNamesTheFileLineAndKey() throws Exception {
    Path file = job("spindle.job.seeds = [\"http://127.0.0.1:9/\"]\nspindle.fetch.concurrency = 0\n");
    Outcome outcome = run("crawl", file.toString());
    assertEquals(2, outcome.exitCode());
    assertEquals("spindle: error: " + file + ":2: spindle.fetch.concurrency: must be at least 1, was 0",
        outcome.onlyLine());
  }

  /** Each module reads its own section (parse, core's normalisation, store); its errors keep the one format. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "spindle.parse.max-links-per-page = -1 | spindle.parse.max-links-per-page: must be 0 or more, was -1",
      "spindle.parse.honour-nofollow = sometimes | spindle.parse.honour-nofollow: expected on or off, was a string "
          + "(\"sometimes\")",
      "spindle.normalization.strip-query-parameters = [\"utm_.*\", \"(\"] | "
          + "spindle.normalization.strip-query-parameters[1]: is not a valid regular expression: Unclosed group in "
          + "\"(\"",
      "spindle.normalization.strip-query-parameters = 3 | spindle.normalization.strip-query-parameters: expected a "
          + "list, was a number (3)",
      "spindle.store.backend = tape | spindle.store.backend: must be \"rocksdb\", \"memory\" or \"postgres\", was "
          + "\"tape\"",
      "spindle.store.postgres.pool-size = 0 | spindle.store.postgres.pool-size: must be at least 1, was 0",
      "spindle.output.batch-size = 0 | spindle.output.batch-size: must be at least 1, was 0",
      "spindle.sitemaps.max-urls = 0 | spindle.sitemaps.max-urls: must be at least 1, was 0",
      "spindle.sitemaps.max-size = 0 | spindle.sitemaps.max-size: must be at least 1 byte and less than 2GiB, was 0",
      "spindle.sitemaps.enabled = maybe | spindle.sitemaps.enabled: expected on or off, was a string (\"maybe\")",
      "spindle.politeness.key = nearest | spindle.politeness.key: must be host, ip or domain, was \"nearest\"",
      "spindle.dns.cache-ttl = -1s | spindle.dns.cache-ttl: must not be negative, was PT-1S",
      "spindle.dns.static { \"a.test\" = \"example.org\" } | spindle.dns.static.\"a.test\": must be an IP address "
          + "(a pin names no other host), was \"example.org\"",
      "spindle.dns.static { \"a.test\" = [] } | spindle.dns.static.\"a.test\": must name at least one IP address",
      "spindle.recrawl.rounds = -1 | spindle.recrawl.rounds: must be 0 or more, was -1",
      "spindle.recrawl.rounds = twice | spindle.recrawl.rounds: expected a number, was a string (\"twice\")",
      "spindle.recrawl.continuous = sometimes | spindle.recrawl.continuous: expected on or off, was a string "
          + "(\"sometimes\")",
      "spindle.recrawl.min-interval = 0s | spindle.recrawl.min-interval: must be longer than 0, was 0ms",
      "spindle.recrawl.max-interval = 10m | spindle.recrawl.max-interval: must be at least min-interval (1h), was 10m",
      "spindle.recrawl.decrease-rate = 1 | spindle.recrawl.decrease-rate: must be at least 0 and less than 1, was 1.0",
      "spindle.politeness.delay-factor = -1 | spindle.politeness.delay-factor: must be within 0 and 1000, was -1.0",
      "spindle.politeness.delay-factor = fast | spindle.politeness.delay-factor: expected a number, was a string "
          + "(\"fast\")",
      "spindle.politeness.max-delay = 500ms | spindle.politeness.max-delay: must be at least "
          + "spindle.politeness.delay (1000ms), was 500ms",
      "spindle.politeness.max-delay = -1s | spindle.politeness.max-delay: must not be negative, was -1000ms",
      "spindle.politeness.error-growth = 0.5 | spindle.politeness.error-growth: must be within 1 and 100, was 0.5",
      "spindle.politeness.recovery-responses = 0 | spindle.politeness.recovery-responses: must be at least 1, was 0",
  })
  void aBadValueOfAModulesOwnSectionNamesTheFileLineAndFullKey(String setting, String expected) throws Exception {
    Path file = job("spindle.job.seeds = [\"http://127.0.0.1:9/\"]\n" + setting + "\n");
    Outcome outcome = run("crawl", file.toString());
    assertEquals(2, outcome.exitCode());
    assertEquals("spindle: error: " + file + ":2: " + expected, outcome.onlyLine());
  }

  @Test
  void aMisspelledRecrawlKeyIsUnknownAndTheRealOneIsSuggested() throws Exception {
    Path file = job("spindle.job.seeds = [\"http://127.0.0.1:9/\"]\nspindle.recrawl.round = 1\n");
    Outcome outcome = run("crawl", file.toString());
    assertEquals(2, outcome.exitCode());
    String line = outcome.onlyLine();
    assertTrue(line.contains("job.conf:2") && line.contains("did you mean spindle.recrawl.rounds?"), line);
  }

  @Test
  void anInvalidSeedUrlIsNamed() throws Exception {
    Path file = job("spindle.job.seeds = [\"http://127.0.0.1:9/\", \"htp:/broken\"]\n");
    Outcome outcome = run("crawl", file.toString());
    assertEquals(2, outcome.exitCode());
    String line = outcome.onlyLine();
    assertTrue(line.contains("spindle.job.seeds[1]") && line.contains("htp:/broken"), line);
  }

  @Test
  void anUnreadableSeedFileIsNamed() throws Exception {
    Path file = job("spindle.job.seed-file = \"missing-seeds.txt\"\n");
    Outcome outcome = run("crawl", file.toString());
    assertEquals(2, outcome.exitCode());
    String line = outcome.onlyLine();
    assertTrue(line.contains("spindle.job.seed-file") && line.contains("missing-seeds.txt"), line);
  }

  @Test
  void aBadLineInTheSeedFileIsNamedWithItsNumber() throws Exception {
    Files.writeString(directory.resolve("seeds.txt"), "# seeds\nhttp://127.0.0.1:9/\nnot a url\n");
    Path file = job("spindle.job.seed-file = \"seeds.txt\"\n");
    Outcome outcome = run("crawl", file.toString());
    assertEquals(2, outcome.exitCode());
    assertTrue(outcome.onlyLine().contains("seeds.txt line 3"), outcome.err());
  }

  @Test
  void aMissingJobFileAndASyntaxErrorAreOneLineEach() throws Exception {
    Outcome missing = run("crawl", directory.resolve("nope.conf").toString());
    assertEquals(2, missing.exitCode());
    assertTrue(missing.onlyLine().contains("nope.conf"), missing.err());
    Path broken = job("spindle { job.seeds = [ \n");
    Outcome syntax = run("crawl", broken.toString());
    assertEquals(2, syntax.exitCode());
    assertTrue(syntax.onlyLine().contains("job.conf"), syntax.err());
  }

  @Test
  void aPinSetOnTheCommandLineIsCheckedLikeOneInAFile() {
    Outcome pin = run("crawl", "--seed", "http://a.test:9/", "--set", "spindle.dns.static.\"a.test\"=example.org");
    assertEquals(2, pin.exitCode());
    assertEquals("spindle: error: --set spindle.dns.static.\"a.test\": must be an IP address (a pin names no other "
        + "host), was \"example.org\"", pin.onlyLine());
  }

  @Test
  void anUnknownSetKeyAndAnUnknownFlagAreUsageErrors() {
    Outcome set = run("crawl", "--seed", "http://127.0.0.1:9/", "--set", "spindle.fetch.concurency=3");
    assertEquals(2, set.exitCode());
    assertTrue(set.onlyLine().contains("--set spindle.fetch.concurency"), set.err());
    Outcome flag = run("crawl", "--sede", "http://127.0.0.1:9/");
    assertEquals(2, flag.exitCode());
    Outcome nothing = run("crawl");
    assertEquals(2, nothing.exitCode());
  }

  @Test
  void aConfigErrorOverwritesNothing() throws Exception {
    Path output = directory.resolve("out.jsonl");
    Files.writeString(output, "{\"url\":\"kept\"}\n");
    Path file = job("spindle.job.seeds = [\"http://127.0.0.1:9/\"]\nspindle.output.path = \"" + output
        + "\"\nspindle.scope.max-depth = -1\n");
    Outcome outcome = run("crawl", file.toString());
    assertEquals(2, outcome.exitCode());
    assertEquals("{\"url\":\"kept\"}\n", Files.readString(output));
    assertFalse(outcome.err().contains("Exception"), outcome.err());
  }
}
