package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.RobotsProfile;

/** {@code spindle crawl --seed URL --out FILE --set ...} crawls to the end and exits 0. */
class QuickCrawlTest {
  @TempDir
  Path directory;

  @Test
  void crawlsFromASeedWithOverridesAndWritesARecordPerPage() throws Exception {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(1).pagesPerHost(15).seed(31)
        .robots(RobotsProfile.ALLOW_ALL).build())) {
      Path output = directory.resolve("quick.jsonl");
      StringWriter err = new StringWriter();
      CommandLine commandLine = Main.commandLine();
      commandLine.setErr(new PrintWriter(err));
      int code = commandLine.execute("crawl", "--seed", web.seedUrls().get(0), "--out", output.toString(),
          "--set", "spindle.store.dir=" + directory.resolve("data"),
          "--set", "spindle.politeness.delay=0s", "--set", "spindle.fetch.concurrency=4",
          "--set", "spindle.sitemaps.enabled=off"); // the fixture serves none: its 404 would be a 16th record
      assertEquals(0, code, err.toString());
      List<String> lines = Files.readAllLines(output);
      assertEquals(15, lines.size());
      ObjectMapper json = new ObjectMapper();
      for (String line : lines) {
        JsonNode record = json.readTree(line);
        assertEquals(200, record.get("status").asInt(), line);
        assertTrue(record.get("error").isNull(), line);
      }
    }
  }
}
