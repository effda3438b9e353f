package spindle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcRequest;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcRevisit;
import spindle.fixture.Fault;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.RequestRecord;
import spindle.fixture.RobotsProfile;
import spindle.store.warc.WarcArchive;

/**
 * A whole crawl that keeps what it fetches: every request the fixture served is in the WARC files as a response (or a
 * revisit of an identical payload) with its request, robots.txt included; records carry the payload digest, the main
 * text as Markdown and near-duplicates of earlier pages.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchiveCrawlTest {
  private static final int HOSTS = 4;

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private FixtureWeb web;
  private CrawlHarness.Run run;
  private List<Read> warc;

  /** A WARC record as the test reads it, with its block and payload read while its file was open. */
  private record Read(String type, String target, URI id, List<URI> concurrentTo, Optional<URI> refersTo,
      Optional<String> refersToTarget, Optional<String> payloadDigest, Optional<String> blockDigest, byte[] block,
      byte[] payload) {}

  @BeforeAll
  void crawl(@TempDir Path directory) throws IOException {
    web = FixtureWeb.start(FixtureSettings.builder().hosts(HOSTS).pagesPerHost(12).seed(21).copies(true)
        .robots(0, RobotsProfile.ALLOW_ALL).robots(1, RobotsProfile.NOT_FOUND).robots(2, RobotsProfile.ALLOW_ALL)
        .robots(3, RobotsProfile.ALLOW_ALL).compress(1, true).sitemaps(true).build());
    Path archive = directory.resolve("warc");
    run = new CrawlHarness(testKit, directory).runArchiving(CrawlHarness.config("""
        spindle.fetch.concurrency = 4
        spindle.politeness.delay = 0s
        spindle.politeness.per-host-concurrency = 2
        spindle.output.text = markdown
        spindle.output.simhash = on
        spindle.warc.prefix = test
        spindle.warc.max-file-size = 200kB
        spindle.sitemaps.enabled = on
        """), seeds(), archive);
    assertTrue(web.awaitIdle(Duration.ofSeconds(5)));
    warc = read(archive);
  }

  /** Every host's home page, and a chain of two redirects: their 3xx answers are archived too. */
  private List<String> seeds() {
    List<String> seeds = new ArrayList<>(web.seedUrls());
    seeds.add(web.faultUrl(0, Fault.REDIRECT_CHAIN, 2));
    return seeds;
  }

  @AfterAll
  void stop() {
    web.close();
  }

  private static List<Read> read(Path archive) throws IOException {
    List<Read> records = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> listing = Files.list(archive)) {
      files = listing.filter(file -> file.toString().endsWith(".warc.gz")).sorted().toList();
    }
    assertTrue(files.size() > 1, "rotated at 200 kB: " + files);
    for (Path file : files) {
      try (WarcReader reader = new WarcReader(file)) {
        reader.onWarning(warning -> {
          throw new AssertionError(file + ": " + warning);
        });
        for (WarcRecord record : reader) {
          byte[] block = record.body().stream().readAllBytes();
          byte[] payload = new byte[0];
          Optional<URI> refersTo = Optional.empty();
          Optional<String> refersToTarget = Optional.empty();
          if (record instanceof WarcResponse response) {
            payload = payloadOf(block);
          } else if (record instanceof WarcRevisit revisit) {
            refersTo = revisit.refersTo();
            refersToTarget = revisit.refersToTargetURI().map(URI::toString);
          }
          String target = record.headers().first("WARC-Target-URI").orElse("");
          records.add(new Read(record.type(), target, record.id(),
              record instanceof WarcRequest request ? request.concurrentTo() : List.of(), refersTo, refersToTarget,
              record.headers().first("WARC-Payload-Digest"), record.headers().first("WARC-Block-Digest"), block,
              payload));
        }
      }
    }
    return records;
  }

  /** The payload of an HTTP response block: what follows the empty line after its headers. */
  private static byte[] payloadOf(byte[] block) {
    for (int i = 0; i + 3 < block.length; i++) {
      if (block[i] == '\r' && block[i + 1] == '\n' && block[i + 2] == '\r' && block[i + 3] == '\n') {
        return java.util.Arrays.copyOfRange(block, i + 4, block.length);
      }
    }
    throw new AssertionError("no end of headers in a response block");
  }

  private Map<String, List<Read>> capturesByUrl() {
    Map<String, List<Read>> captures = new HashMap<>();
    for (Read record : warc) {
      if (record.type().equals("response") || record.type().equals("revisit")) {
        captures.computeIfAbsent(record.target(), url -> new ArrayList<>()).add(record);
      }
    }
    return captures;
  }

  @Test
  void everyRequestServedIsArchivedOnceAsACaptureWithItsRequestRobotsTxtIncluded() {
    Map<String, List<Read>> captures = capturesByUrl();
    Set<String> served = new HashSet<>();
    for (RequestRecord request : web.requests()) {
      served.add("http://" + web.hostName(request.hostIndex()) + request.target());
    }
    assertEquals(served, captures.keySet());
    captures.forEach((url, list) -> assertEquals(1, list.size(), "captures of " + url));
    for (int host = 0; host < HOSTS; host++) {
      assertTrue(captures.containsKey(web.robotsUrl(host)), "robots.txt of host " + host + " (a 404 too)");
    }
    assertTrue(captures.containsKey(web.faultUrl(0, Fault.REDIRECT_CHAIN, 1)), "a redirect handed on");
    for (String sitemap : List.of(FixtureWeb.SITEMAP_INDEX, FixtureWeb.GZIPPED_SITEMAP, FixtureWeb.TEXT_SITEMAP,
        FixtureWeb.BROKEN_SITEMAP)) {
      assertTrue(captures.containsKey(web.url(0, sitemap)), "sitemap " + sitemap + " of host 0");
    }
    assertTrue(captures.containsKey(web.sitemapUrl(1)), "the /sitemap.xml guessed for host 1 (robots.txt 404)");
    for (Read capture : warc) {
      if (capture.type().equals("response") || capture.type().equals("revisit")) {
        long requests = warc.stream().filter(record -> record.type().equals("request")
            && record.concurrentTo().equals(List.of(capture.id())) && record.target().equals(capture.target())).count();
        assertEquals(1, requests, "request records of " + capture.target());
      }
    }
    assertEquals("warcinfo", warc.get(0).type());
  }

  @Test
  void digestsRecomputeAndEachRecordCarriesThePayloadDigestOfItsCapture() {
    for (Read record : warc) {
      record.blockDigest().ifPresent(digest -> assertEquals(digest, WarcArchive.sha1(record.block()),
          record.type() + " " + record.target()));
      if (record.type().equals("response")) {
        assertEquals(record.payloadDigest().orElseThrow(), WarcArchive.sha1(record.payload()), record.target());
      }
    }
    Map<String, List<Read>> captures = capturesByUrl();
    int compressed = 0;
    for (JsonNode record : run.records()) {
      String url = record.get("final_url").asText();
      Read capture = captures.get(url).get(0);
      assertEquals(capture.payloadDigest().orElseThrow(), record.get("content_digest").asText(), url);
      if (url.contains(web.hostName(1)) && capture.type().equals("response") && capture.payload().length > 1
          && (capture.payload()[0] & 0xff) == 0x1f && (capture.payload()[1] & 0xff) == 0x8b) {
        compressed++; // kept as the server sent it
      }
    }
    assertTrue(compressed > 0, "no gzip payload archived from the compressing host");
  }

  @Test
  void theSamePageOnEveryHostIsOneResponseAndRevisitsThatReferToIt() {
    List<Read> copies = new ArrayList<>();
    for (int host = 0; host < HOSTS; host++) {
      copies.addAll(capturesByUrl().get(web.copyPageUrl(host)));
    }
    List<Read> responses = copies.stream().filter(read -> read.type().equals("response")).toList();
    assertEquals(1, responses.size(), "responses of the copy page");
    Read original = responses.get(0);
    for (Read copy : copies) {
      if (copy != original) {
        assertEquals("revisit", copy.type());
        assertEquals(Optional.of(original.id()), copy.refersTo());
        assertEquals(Optional.of(original.target()), copy.refersToTarget());
        assertEquals(original.payloadDigest(), copy.payloadDigest());
      }
    }
  }

  @Test
  void aPagesTextIsItsArticleAsMarkdownWithoutNavigationScriptsOrFooter() {
    String text = run.record(web.copyPageUrl(2)).get("text").asText();
    assertTrue(text.startsWith("A Notice to Our Readers\n") || text.startsWith("# A Notice"), text);
    assertTrue(text.contains("\n\n") && text.length() > 10_000, "the article's paragraphs: " + text.length());
    FixtureWeb.COPY_BOILERPLATE.forEach(boilerplate -> assertFalse(text.contains(boilerplate), boilerplate));
    JsonNode home = run.record(web.baseUrl(0));
    String homeText = home.get("text").asText();
    assertFalse(homeText.contains("\u00a9 2026"), "the footer of a site page: " + homeText);
    assertTrue(run.records().stream().allMatch(record -> record.has("simhash")));
  }

  @Test
  void aNearCopyIsMarkedWithAnEarlierCopyAndNoUnrelatedPageIsMarkedWithACopy() {
    Set<String> copyUrls = new HashSet<>();
    for (int host = 0; host < HOSTS; host++) {
      copyUrls.add(web.copyPageUrl(host));
      copyUrls.add(web.nearCopyPageUrl(host));
    }
    int marked = 0;
    for (JsonNode record : run.records()) {
      String url = record.get("url").asText();
      String earlier = record.get("near_duplicate_of").isNull() ? null : record.get("near_duplicate_of").asText();
      if (copyUrls.contains(url)) {
        if (earlier != null) {
          assertTrue(copyUrls.contains(earlier), url + " marked as a copy of " + earlier);
          marked++;
        }
      } else {
        assertFalse(earlier != null && copyUrls.contains(earlier), url + " marked as a copy of " + earlier);
      }
    }
    assertEquals(copyUrls.size() - 1, marked, "every copy but the first is marked");
    long nearCopiesMarked = run.records().stream().filter(record -> record.get("url").asText().endsWith(
        FixtureWeb.NEAR_COPY_PAGE) && !record.get("near_duplicate_of").isNull()).count();
    assertTrue(nearCopiesMarked >= HOSTS - 1, "near copies marked: " + nearCopiesMarked);
  }
}
