package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.RobotsProfile;

/**
 * {@code spindle crawl --warc DIR} as a user runs it over the fixture (every host serving the same article, one host
 * gzip-compressing its pages): the WARC files pass jwarc's validator and an independent reader (warcio.js, npm),
 * every page fetched has its capture, identical pages are one response and revisits, the CDXJ lines open their
 * records, the JSON lines' digests are the WARC's, and a WARC directory the job did not write is never touched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WarcCrawlTest {
  private static final int HOSTS = 3;

  private Path directory;
  private FixtureWeb web;
  private Path warc;
  private List<JsonNode> records;
  private String crawlErr;

  private CliRun crawl(Path store, Path output, String... extra) {
    List<String> args = new ArrayList<>(List.of("crawl", "--out", output.toString(),
        "--set", "spindle.store.dir=" + store, "--set", "spindle.politeness.delay=0s"));
    web.seedUrls().forEach(seed -> args.addAll(List.of("--seed", seed)));
    args.addAll(List.of(extra));
    return CliRun.of(args);
  }

  @BeforeAll
  void crawl(@TempDir Path directory) throws IOException {
    this.directory = directory;
    web = FixtureWeb.start(FixtureSettings.builder().hosts(HOSTS).pagesPerHost(15).seed(61).copies(true)
        .robots(RobotsProfile.ALLOW_ALL).compress(1, true).build());
    warc = directory.resolve("warc");
    Path output = directory.resolve("pages.jsonl");
    CliRun crawled = crawl(directory.resolve("data"), output, "--warc", warc.toString(),
        "--set", "spindle.output.text=markdown", "--set", "spindle.output.simhash=on",
        "--set", "spindle.warc.max-file-size=200kB",
        "--set", "spindle.warc.prefix=site");
    assertEquals(0, crawled.exitCode(), crawled.err());
    crawlErr = crawled.err();
    ObjectMapper json = new ObjectMapper();
    records = new ArrayList<>();
    for (String line : Files.readAllLines(output)) {
      records.add(json.readTree(line));
    }
  }

  @AfterAll
  void stopWeb() {
    web.close();
  }

  private JsonNode record(String url) {
    return records.stream().filter(record -> record.get("url").asText().equals(url)).findFirst()
        .orElseThrow(() -> new AssertionError("no record of " + url));
  }

  @Test
  void theCrawlWritesRotatedWarcFilesNamedAfterThePrefixAndSaysHowMuch() throws IOException {
    List<Path> files = WarcFiles.warcFiles(warc);
    assertTrue(files.size() > 1, "rotated at 200 kB: " + files);
    files.forEach(file -> assertTrue(file.getFileName().toString().matches("site-\\d{17}-\\d{5}\\.warc\\.gz"),
        file.toString()));
    assertTrue(crawlErr.contains("spindle: WARC in " + warc + " ("), crawlErr);
    assertTrue(crawlErr.contains(files.size() + " files started)"), crawlErr);
  }

  @Test
  void jwarcsValidatorPassesEveryFile() throws Exception {
    String said = WarcFiles.validateWithJwarc(warc);
    assertTrue(said.contains("payload digest pass"), said);
    assertFalse(said.contains("fail"), said);
  }

  @Test
  void warcioReadsEveryFileAndEveryPageFetchedHasItsCaptureAndIndexLine() throws Exception {
    Path check = Path.of("src/test/warcio").toAbsolutePath();
    Path node = Path.of("/usr/bin/node");
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(node)) {
      missing.add(node.toString());
    }
    if (!Files.isDirectory(check.resolve("node_modules/warcio"))) {
      missing.add("warcio in modules/cli/src/test/warcio/node_modules");
    }
    SkippedChecks.skipUnlessInstalled("the WARC files read by warcio.js (WarcCrawlTest)", missing,
        "apt-get install nodejs npm, then npm ci in modules/cli/src/test/warcio");
    Process reader = new ProcessBuilder(node.toString(), "check-warc.mjs", warc.toString())
        .directory(check.toFile()).redirectErrorStream(true).start();
    String said = new String(reader.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(reader.waitFor(60, TimeUnit.SECONDS), "warcio.js did not end: " + said);
    assertEquals(0, reader.exitValue(), "warcio.js: " + said);
    JsonNode summary = new ObjectMapper().readTree(said);
    JsonNode counts = summary.get("records");
    int captures = counts.path("response").asInt() + counts.path("revisit").asInt();
    assertEquals(captures, counts.get("request").asInt(), "one request per capture: " + counts);
    assertEquals(captures, summary.get("indexLines").asInt());
    assertEquals(summary.get("files").asInt(), counts.get("warcinfo").asInt(), "one warcinfo per file");
    for (JsonNode record : records) {
      if (record.get("status").isInt()) { // every answer the crawl got is archived
        assertTrue(summary.get("captures").has(record.get("url").asText()), "no capture of " + record);
      }
    }
    for (int host = 0; host < HOSTS; host++) {
      assertTrue(summary.get("captures").has(web.baseUrl(host) + "robots.txt"), "robots.txt of host " + host);
    }
  }

  @Test
  void theSameArticleOnEveryHostIsOneResponseAndTheRestRevisits() throws IOException {
    Map<String, List<WarcFiles.Capture>> byUrl = new HashMap<>();
    WarcFiles.captures(warc).forEach(capture -> byUrl.computeIfAbsent(capture.url(), url -> new ArrayList<>())
        .add(capture));
    List<String> types = new ArrayList<>();
    for (int host = 0; host < HOSTS; host++) {
      byUrl.get(web.copyPageUrl(host)).forEach(capture -> types.add(capture.type()));
    }
    assertEquals(1, types.stream().filter("response"::equals).count(), types.toString());
    assertEquals(HOSTS - 1, types.stream().filter("revisit"::equals).count(), types.toString());
  }

  @Test
  void theIndexOpensEveryCaptureAndTheRecordsDigestIsTheWarcPayloadDigest() throws IOException {
    Map<String, List<JsonNode>> index = WarcFiles.checkIndexes(warc);
    int checked = 0;
    for (JsonNode record : records) {
      if (record.hasNonNull("content_digest") && record.get("error").isNull()) {
        List<JsonNode> lines = index.get(record.get("url").asText());
        assertTrue(lines != null, "no index line for " + record.get("url"));
        assertTrue(lines.stream().anyMatch(line -> line.get("digest").asText()
            .equals(record.get("content_digest").asText())), record + " / " + lines);
        checked++;
      }
    }
    assertTrue(checked >= HOSTS * 10, checked + " records checked");
  }

  @Test
  void pagesHaveTheirArticleAsMarkdownAndTheNearCopyIsMarked() {
    String text = record(web.copyPageUrl(0)).get("text").asText();
    assertTrue(text.length() > 10_000, "the article: " + text.length() + " characters");
    FixtureWeb.COPY_BOILERPLATE.forEach(boilerplate -> assertFalse(text.contains(boilerplate), boilerplate));
    for (int host = 0; host < HOSTS; host++) {
      JsonNode nearCopy = record(web.nearCopyPageUrl(host));
      assertTrue(nearCopy.hasNonNull("near_duplicate_of"), nearCopy.toString());
      assertTrue(nearCopy.get("near_duplicate_of").asText().contains("/copies/"), nearCopy.toString());
    }
    assertTrue(record(web.baseUrl(0)).get("near_duplicate_of").isNull(), "a home page is no copy");
  }

  @Test
  void aWarcDirectoryHoldingAnotherCrawlsFilesIsRefusedInOneLineAndFreshDeletesThem() throws IOException {
    Path here = Files.createDirectories(directory.resolve("other"));
    Path theirs = Files.createDirectories(here.resolve("warc"));
    Path foreign = theirs.resolve("other-20260101000000000-00001.warc.gz");
    Files.writeString(foreign, "not ours");
    Path output = here.resolve("other.jsonl");
    CliRun refused = crawl(here.resolve("data"), output, "--warc", theirs.toString());
    assertEquals(2, refused.exitCode());
    assertTrue(refused.onlyLine().startsWith("spindle: error: --warc " + theirs + ": " + theirs
        + " holds WARC files of another crawl named other-..."), refused.err());
    assertTrue(refused.onlyLine().endsWith("or --fresh to delete them"), refused.err());
    assertEquals("not ours", Files.readString(foreign));
    assertFalse(Files.exists(here.resolve("data")), "a store was created");
    assertFalse(Files.exists(output), "an output was created");

    CliRun fresh = crawl(here.resolve("data"), output, "--warc", theirs.toString(), "--fresh");
    assertEquals(0, fresh.exitCode(), fresh.err());
    assertFalse(Files.exists(foreign), "--fresh deleted their file");
    assertFalse(WarcFiles.captures(theirs).isEmpty());
  }

  @Test
  void aWarcDirectoryThatIsAFileOrUnderOneIsOneLineAndCreatesNothing() throws IOException {
    Path here = Files.createDirectories(directory.resolve("files"));
    Path file = Files.writeString(here.resolve("plain"), "x");
    CliRun isFile = crawl(here.resolve("data"), here.resolve("a.jsonl"), "--warc", file.toString());
    assertEquals(2, isFile.exitCode());
    assertTrue(isFile.onlyLine().endsWith(file + " is a file, not a directory"), isFile.err());
    CliRun under = crawl(here.resolve("data"), here.resolve("a.jsonl"), "--warc", file.resolve("warc").toString());
    assertEquals(2, under.exitCode());
    assertTrue(under.onlyLine().contains(file + " is a file, not a directory"), under.err());
    try (Stream<Path> left = Files.list(here)) {
      assertEquals(List.of(file), left.toList(), "something was created");
    }
  }
}
