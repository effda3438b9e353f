package spindle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcRevisit;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.RobotsProfile;
import spindle.store.warc.WarcArchive;

/**
 * With WARC on, a revisit the server answers 304 is archived as a {@code revisit} record of profile
 * server-not-modified that refers to the page's first capture, read back with jwarc.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RevisitArchiveCrawlTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @Test
  void anUnchangedPagesRevisitIsARevisitRecordOfProfileServerNotModified(@TempDir Path directory) throws IOException {
    Path archive = directory.resolve("warc");
    CrawlHarness.Run run;
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(1).pagesPerHost(4).seed(3)
        .robots(RobotsProfile.ALLOW_ALL).build())) {
      web.serveValidators(true);
      run = new CrawlHarness(testKit, directory).runArchiving(CrawlHarness.config("""
          spindle.politeness.delay = 0s
          spindle.recrawl.rounds = 1
          spindle.recrawl.min-interval = 1s
          spindle.warc.prefix = test
          """), web.seedUrls(), archive);
      assertTrue(web.awaitIdle(Duration.ofSeconds(5)));
    }
    long notModified = run.records().stream().filter(record -> record.get("status").asInt() == 304).count();
    assertTrue(notModified >= 1, "304s recorded: " + notModified);
    Map<String, URI> responses = new HashMap<>();
    List<WarcRevisit> revisits = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> listing = Files.list(archive)) {
      files = listing.filter(file -> file.toString().endsWith(".warc.gz")).sorted().toList();
    }
    for (Path file : files) {
      try (WarcReader reader = new WarcReader(file)) {
        reader.onWarning(warning -> {
          throw new AssertionError(file + ": " + warning);
        });
        for (WarcRecord record : reader) {
          if (record instanceof WarcResponse response) {
            responses.put(response.target(), response.id());
          } else if (record instanceof WarcRevisit revisit) {
            assertEquals(304, revisit.http().status());
            revisits.add(revisit);
          }
        }
      }
    }
    assertEquals(notModified, revisits.size(), "one revisit record per 304");
    for (WarcRevisit revisit : revisits) {
      assertEquals(WarcArchive.SERVER_NOT_MODIFIED, revisit.profile());
      assertEquals(responses.get(revisit.target()), revisit.refersTo().orElseThrow(),
          "refers to the first capture of " + revisit.target());
    }
  }
}
