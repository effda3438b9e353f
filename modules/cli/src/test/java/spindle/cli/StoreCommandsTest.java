package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import spindle.core.HostKey;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.RobotsProfile;
import spindle.store.FrontierCounts;
import spindle.store.FrontierStatus;
import spindle.store.HostTally;

/** The store across runs: status from the store alone, a finished crawl resumed, a changed job refused, --fresh. */
class StoreCommandsTest {
  @TempDir
  Path directory;

  private record Outcome(int code, String out, String err) {}

  private Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int code = commandLine.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  private String[] crawl(String seed, String... extra) {
    List<String> args = new ArrayList<>(List.of("crawl", "--seed", seed, "--out", directory.resolve("out.jsonl")
        .toString(), "--set", "spindle.store.dir=" + directory.resolve("data"), "--set", "spindle.politeness.delay=0s",
        "--set", "spindle.sitemaps.enabled=off")); // the fixture serves none: its 404 would be one more record
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  @Test
  void statusResumeRefusalAndFresh() throws Exception {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(2).pagesPerHost(12).seed(43)
        .robots(RobotsProfile.ALLOW_ALL).crossHostLinkFraction(0).build())) {
      Path output = directory.resolve("out.jsonl");
      Outcome first = run(crawl(web.seedUrls().get(0)));
      assertEquals(0, first.code(), first.err());
      assertEquals(12, Files.readAllLines(output).size());

      Outcome status = run("status", "--data", directory.resolve("data").toString());
      assertEquals(0, status.code(), status.err());
      assertTrue(status.out().contains("fetched    12"), status.out());
      assertTrue(status.out().contains("finished"), status.out());

      Outcome again = run(crawl(web.seedUrls().get(0)));
      assertEquals(0, again.code(), again.err());
      assertEquals(12, Files.readAllLines(output).size(), "a finished crawl run again records nothing twice");

      Outcome other = run(crawl(web.seedUrls().get(1)));
      assertEquals(2, other.code());
      assertTrue(other.err().contains("other seeds") && other.err().contains("--fresh"), other.err());
      assertEquals(12, Files.readAllLines(output).size(), "a refused run overwrites nothing");

      Outcome fresh = run(crawl(web.seedUrls().get(1), "--fresh"));
      assertEquals(0, fresh.code(), fresh.err());
      List<String> lines = Files.readAllLines(output);
      assertEquals(12, lines.size());
      assertTrue(lines.stream().allMatch(line -> line.contains(web.baseUrl(1))), "records of the old crawl remain");
    }
  }

  @Test
  void statusListsTheBusiestHostsWithTheirFetchedAndFailedUrls() {
    FrontierStatus status = new FrontierStatus(new FrontierCounts(1510, 1200, 0, 300, 10, 0, 0), 0, 1,
        List.of(new HostTally(HostKey.of("a.example", -1), 1200, 300, 10)), Map.of());
    StringWriter out = new StringWriter();
    StatusCommand.print(new PrintWriter(out), directory, status);
    assertTrue(out.toString().contains("hosts with the most queued URLs:\n  a.example"), out.toString());
    assertTrue(out.toString().contains(" 1,200 queued, 300 fetched, 10 failed\n"), out.toString());
  }

  @Test
  void statusOfADirectoryWithoutAStoreIsAUsageError() throws Exception {
    Files.createDirectories(directory.resolve("empty"));
    Files.writeString(directory.resolve("empty/notes.txt"), "not a store");
    Outcome outcome = run("status", "--data", directory.resolve("empty").toString());
    assertEquals(2, outcome.code());
    assertTrue(outcome.err().contains("not a Spindle store"), outcome.err());
    Outcome missing = run("status", "--data", directory.resolve("nothing").toString());
    assertEquals(2, missing.code());
  }
}
