package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.RobotsProfile;

/**
 * Spindle never overwrites a file it did not write: an output that exists and is not this job's own is refused
 * before anything is created, paths are checked before use, flags and {@code --set} may not name two outputs, and a
 * resumed job's output must still hold what the store says it recorded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutputSafetyTest {
  @TempDir
  Path directory;

  private FixtureWeb web;

  @BeforeAll
  void startWeb() {
    web = FixtureWeb.start(FixtureSettings.builder().hosts(1).pagesPerHost(12).seed(53)
        .robots(RobotsProfile.ALLOW_ALL).build());
  }

  @AfterAll
  void stopWeb() {
    web.close();
  }

  /** A quick run of the fixture with its store in {@code store} and the given extra arguments. */
  private CliRun crawl(Path store, String... extra) {
    List<String> args = new ArrayList<>(List.of("crawl", "--seed", web.seedUrls().get(0),
        "--set", "spindle.store.dir=" + store, "--set", "spindle.politeness.delay=0s",
        "--set", "spindle.sitemaps.enabled=off")); // the fixture serves none: its 404 would be one more record
    args.addAll(List.of(extra));
    return CliRun.of(args);
  }

  private Path fresh(String name) throws Exception {
    return Files.createDirectories(directory.resolve(name));
  }

  @Test
  void anOutputThatExistsAndThatTheJobDidNotWriteIsRefusedAndNothingIsCreated() throws Exception {
    Path here = fresh("foreign");
    Path notes = Files.writeString(here.resolve("notes.txt"), "my notes\n");
    CliRun outcome = crawl(here.resolve("data"), "--out", notes.toString());
    assertEquals(2, outcome.exitCode());
    assertEquals("spindle: error: --out " + notes + ": the file exists and this job did not write it; choose "
        + "another path, or --fresh to replace it", outcome.onlyLine());
    assertEquals("my notes\n", Files.readString(notes));
    assertFalse(Files.exists(here.resolve("data")), "a store was created");
  }

  @Test
  void theSameHoldsForAnOutputNamedInAJobFile() throws Exception {
    Path here = fresh("job-file");
    Path notes = Files.writeString(here.resolve("notes.txt"), "my notes\n");
    Path job = Files.writeString(here.resolve("job.conf"), "spindle.job.seeds = [\"" + web.seedUrls().get(0)
        + "\"]\nspindle.output.path = \"" + notes + "\"\nspindle.store.dir = \"" + here.resolve("data") + "\"\n");
    CliRun outcome = CliRun.of(List.of("crawl", job.toString()));
    assertEquals(2, outcome.exitCode());
    assertEquals("spindle: error: " + job + ":2: spindle.output.path: " + notes + ": the file exists and this job "
        + "did not write it; choose another path, or --fresh to replace it", outcome.onlyLine());
    assertEquals("my notes\n", Files.readString(notes));
    assertFalse(Files.exists(here.resolve("data")));
  }

  @Test
  void freshReplacesAFileTheJobDidNotWrite() throws Exception {
    Path here = fresh("replace");
    Path notes = Files.writeString(here.resolve("notes.txt"), "my notes\n");
    CliRun outcome = crawl(here.resolve("data"), "--out", notes.toString(), "--fresh");
    assertEquals(0, outcome.exitCode(), outcome.err());
    assertEquals(12, Files.readAllLines(notes).size());
  }

  @Test
  void anEmptyOrDirectoryOutputIsOneLineAndCreatesNothing() throws Exception {
    Path here = fresh("empty");
    CliRun empty = crawl(here.resolve("data"), "--out", "");
    assertEquals(2, empty.exitCode());
    assertEquals("spindle: error: --out '': must name a file, was empty", empty.onlyLine());
    CliRun folder = crawl(here.resolve("data"), "--out", here.toString());
    assertEquals(2, folder.exitCode());
    assertTrue(folder.onlyLine().endsWith(here + " is a directory; give the path of a file"), folder.err());
    Path file = Files.writeString(here.resolve("plain"), "x");
    CliRun underFile = crawl(here.resolve("data"), "--out", file.resolve("out.jsonl").toString());
    assertEquals(2, underFile.exitCode());
    assertTrue(underFile.onlyLine().contains(file + " is a file, not a directory"), underFile.err());
    assertFalse(Files.exists(here.resolve("data")), "a store was created");
  }

  @Test
  void anOutputGivenByBothOutAndSetIsRefused() throws Exception {
    Path here = fresh("conflict");
    CliRun outcome = crawl(here.resolve("data"), "--out", here.resolve("a.jsonl").toString(),
        "--set", "spindle.output.path=" + here.resolve("b.jsonl"));
    assertEquals(2, outcome.exitCode());
    assertTrue(outcome.onlyLine().startsWith("spindle: error: --out and --set spindle.output.path both set "
        + "spindle.output.path"), outcome.err());
    try (var files = Files.list(here)) {
      assertEquals(0, files.count(), "something was created");
    }
  }

  @Test
  void aJobResumesOverItsOwnOutputButNotOverACutOne() throws Exception {
    Path here = fresh("resume");
    Path output = here.resolve("out.jsonl");
    assertEquals(0, crawl(here.resolve("data"), "--out", output.toString()).exitCode());
    assertEquals(12, Files.readAllLines(output).size());
    CliRun again = crawl(here.resolve("data"), "--out", output.toString());
    assertEquals(0, again.exitCode(), again.err());
    assertEquals(12, Files.readAllLines(output).size());

    List<String> lines = Files.readAllLines(output);
    String cut = String.join("\n", lines.subList(0, 5)) + "\n";
    Files.writeString(output, cut);
    CliRun refused = crawl(here.resolve("data"), "--out", output.toString());
    assertEquals(2, refused.exitCode());
    assertTrue(refused.onlyLine().contains("records were removed since the last run"), refused.err());
    assertEquals(cut, Files.readString(output), "the refused run changed the output");

    CliRun elsewhere = crawl(here.resolve("data"), "--out", here.resolve("other.jsonl").toString());
    assertEquals(2, elsewhere.exitCode());
    assertTrue(elsewhere.onlyLine().contains("this job's records are in " + output), elsewhere.err());
    assertFalse(Files.exists(here.resolve("other.jsonl")));
  }

  @Test
  void quickRunsOfDifferentSitesGetDifferentNamesAndOutputs() {
    String first = CrawlCommand.quickRunName(null, List.of("http://127.0.0.2:8080/a"));
    String second = CrawlCommand.quickRunName(null, List.of("https://docs.example.org/"));
    assertEquals("127.0.0.2-8080", first);
    assertEquals("docs.example.org", second);
    assertNotEquals(first, second);
    assertEquals("site", CrawlCommand.quickRunName(Path.of("out/site.jsonl"), List.of("http://127.0.0.2/")));
    Config config = new JobConfigLoader().load(Optional.empty(), Optional.empty(), List.of(), ConfigFactory.empty()
        .withValue("spindle.job.name", ConfigValueFactory.fromAnyRef(second)));
    assertEquals("out/docs.example.org.jsonl", config.getString("spindle.output.path"));
    assertEquals("data/docs.example.org", config.getString("spindle.store.dir"));
  }
}
