package spindle.store.warc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netpreserve.jwarc.MessageVersion;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcRequest;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcRevisit;
import org.netpreserve.jwarc.Warcinfo;

/**
 * The archive writes what a replay tool reads: warcinfo first in each file, response and request per capture linked
 * by WARC-Concurrent-To, digests that recompute, revisits for payloads seen before, a CDXJ index whose offsets open
 * the right records, and after a kill, files cut back to the last committed record.
 */
class WarcArchiveTest {
  private static final Instant DATE = Instant.parse("2026-12-06T10:15:30Z");
  private static final Clock CLOCK = Clock.fixed(DATE, ZoneOffset.UTC);

  @TempDir
  Path directory;

  private WarcArchive.Settings settings(long maxFileSize) {
    return new WarcArchive.Settings(directory, "test", maxFileSize, Map.of("software", "Spindle test",
        "operator", "https://example.org/about-the-crawler"));
  }

  private static Capture capture(String url, String body) throws IOException {
    byte[] payload = body.getBytes(StandardCharsets.UTF_8);
    return new Capture(url, DATE, Optional.of(InetAddress.getByName("127.0.0.2")), "GET " + url.replaceFirst(
        "^https?://[^/]+", "") + " HTTP/1.1", List.of(new Capture.Header("Host", "127.0.0.2"),
        new Capture.Header("User-Agent", "SpindleBot/0.1")), "HTTP/1.1 200 OK",
        List.of(new Capture.Header("Content-Type", "text/html; charset=utf-8"),
            new Capture.Header("Transfer-Encoding", "chunked")), payload, Optional.empty());
  }

  private List<Path> warcFiles() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(file -> file.toString().endsWith(".warc.gz")).sorted().toList();
    }
  }

  /** What a test looks at in a record, read while its file is open (jwarc reads bodies lazily). */
  private record Read(WarcRecord record, String type, byte[] body, Optional<String> transferEncoding) {}

  private static List<Read> records(Path file) throws IOException {
    List<Read> records = new ArrayList<>();
    try (WarcReader reader = new WarcReader(file)) {
      reader.onWarning(warning -> {
        throw new AssertionError("jwarc warns: " + warning);
      });
      for (WarcRecord record : reader) {
        byte[] body = new byte[0];
        Optional<String> transfer = Optional.empty();
        if (record instanceof WarcResponse response) {
          transfer = response.http().headers().first("Transfer-Encoding");
          body = response.http().body().stream().readAllBytes(); // a short body would throw here
        } else if (record instanceof WarcRevisit revisit) {
          body = revisit.http().body().stream().readAllBytes();
        }
        records.add(new Read(record, record.type(), body, transfer));
      }
    }
    return records;
  }

  @Test
  void eachCaptureIsAResponseAndARequestWithDigestsThatRecompute() throws Exception {
    Archived first;
    try (WarcArchive archive = WarcArchive.open(settings(1 << 30), WarcPosition.START, CLOCK)) {
      first = archive.archive(capture("http://127.0.0.2/a", "<p>page a</p>"), Optional.empty());
      archive.archive(capture("http://127.0.0.2/b", "<p>page b</p>"), Optional.empty());
    }
    List<Path> files = warcFiles();
    assertEquals(1, files.size());
    assertTrue(files.get(0).getFileName().toString().matches("test-20261206101530000-00001\\.warc\\.gz"), files.toString());
    List<Read> records = records(files.get(0));
    assertEquals(List.of("warcinfo", "response", "request", "response", "request"),
        records.stream().map(Read::type).toList());
    records.forEach(read -> assertEquals(MessageVersion.WARC_1_1, read.record().version(), read.type()));
    Warcinfo info = (Warcinfo) records.get(0).record();
    WarcResponse response = (WarcResponse) records.get(1).record();
    WarcRequest request = (WarcRequest) records.get(2).record();
    assertEquals(List.of(response.id()), request.concurrentTo());
    assertEquals(Optional.of(info.id()), response.warcinfoID());
    assertEquals(Optional.of(InetAddress.getByName("127.0.0.2")), response.ipAddress());
    assertEquals(first.payloadDigest(), response.payloadDigest().orElseThrow().prefixedBase32());
    assertEquals(WarcArchive.sha1("<p>page a</p>".getBytes(StandardCharsets.UTF_8)), first.payloadDigest());
    assertTrue(records.get(1).transferEncoding().isEmpty(), "the transfer coding is undone");
    assertEquals("<p>page a</p>", new String(records.get(1).body(), StandardCharsets.UTF_8));
    try (WarcReader reader = new WarcReader(files.get(0))) {
      Warcinfo read0 = (Warcinfo) reader.next().orElseThrow();
      assertEquals(Optional.of("Spindle test"), read0.fields().first("software"));
      reader.next();
      WarcRequest read = (WarcRequest) reader.next().orElseThrow();
      assertEquals("GET /a", read.http().method() + " " + read.http().target());
    }
  }

  @Test
  void aPayloadArchivedBeforeBecomesARevisitThatRefersToIt() throws Exception {
    try (WarcArchive archive = WarcArchive.open(settings(1 << 30), WarcPosition.START, CLOCK)) {
      Archived original = archive.archive(capture("http://127.0.0.2/a", "same body"), Optional.empty());
      Archived copy = archive.archive(capture("http://127.0.0.3/a", "same body"), Optional.of(
          new WarcArchive.Original(original.recordId(), "http://127.0.0.2/a", original.date())));
      assertTrue(copy.revisit());
      assertEquals(original.payloadDigest(), copy.payloadDigest());
    }
    List<Read> records = records(warcFiles().get(0));
    WarcRevisit revisit = (WarcRevisit) records.get(3).record();
    assertEquals(WarcArchive.IDENTICAL_PAYLOAD, revisit.profile());
    assertEquals(Optional.of(records.get(1).record().id()), revisit.refersTo());
    assertEquals("http://127.0.0.2/a", revisit.refersToTargetURI().orElseThrow().toString());
    assertEquals(Optional.of(DATE), revisit.refersToDate());
    assertEquals(0, records.get(3).body().length, "a revisit holds the headers, not the payload again");
  }

  @Test
  void aNotModifiedAnswerIsARevisitOfProfileServerNotModifiedThatRefersToTheLastCapture() throws Exception {
    Capture notModified;
    try (WarcArchive archive = WarcArchive.open(settings(1 << 30), WarcPosition.START, CLOCK)) {
      Archived original = archive.archive(capture("http://127.0.0.2/a", "the page"), Optional.empty());
      Capture plain = capture("http://127.0.0.2/a", "");
      notModified = new Capture(plain.url(), DATE.plusSeconds(60), plain.ip(), plain.requestLine(),
          List.of(new Capture.Header("If-None-Match", "\"v1\"")), "HTTP/1.1 304 Not Modified",
          List.of(new Capture.Header("ETag", "\"v1\"")), new byte[0], Optional.empty(),
          Optional.of(original.payloadDigest()));
      Archived revisit = archive.archive(notModified, Optional.of(
          new WarcArchive.Original(original.recordId(), "http://127.0.0.2/a", original.date())));
      assertTrue(revisit.revisit());
      archive.archive(new Capture(plain.url(), DATE, plain.ip(), plain.requestLine(), List.of(),
          "HTTP/1.1 304 Not Modified", List.of(), new byte[0], Optional.empty(), Optional.empty()), Optional.empty());
    }
    List<Read> records = records(warcFiles().get(0));
    assertEquals(List.of("warcinfo", "response", "request", "revisit", "request", "revisit", "request"),
        records.stream().map(Read::type).toList());
    WarcRevisit revisit = (WarcRevisit) records.get(3).record();
    assertEquals(WarcArchive.SERVER_NOT_MODIFIED, revisit.profile());
    assertEquals(Optional.of(records.get(1).record().id()), revisit.refersTo());
    assertEquals(Optional.of(DATE), revisit.refersToDate());
    assertEquals(304, revisit.http().status());
    assertEquals(((WarcResponse) records.get(1).record()).payloadDigest(), revisit.payloadDigest(),
        "the payload the server says is unchanged");
    WarcRevisit unknown = (WarcRevisit) records.get(5).record();
    assertEquals(WarcArchive.SERVER_NOT_MODIFIED, unknown.profile());
    assertTrue(unknown.refersTo().isEmpty(), "no earlier capture known: nothing to refer to");
  }

  @Test
  void theIndexIsSortedAndItsOffsetsOpenTheRightRecords() throws Exception {
    try (WarcArchive archive = WarcArchive.open(settings(1 << 30), WarcPosition.START, CLOCK)) {
      archive.archive(capture("http://127.0.0.3/z", "z"), Optional.empty());
      archive.archive(capture("http://127.0.0.2/b", "b"), Optional.empty());
      archive.archive(capture("http://127.0.0.2/a", "a"), Optional.empty());
    }
    Path warc = warcFiles().get(0);
    List<String> lines = Files.readAllLines(WarcArchive.indexOf(warc));
    assertEquals(3, lines.size());
    List<String> sorted = new ArrayList<>(lines);
    sorted.sort(null);
    assertEquals(sorted, lines);
    for (String line : lines) {
      String[] parts = line.split(" ", 3);
      assertEquals("20261206101530", parts[1]);
      String url = field(parts[2], "url");
      assertEquals(warc.getFileName().toString(), field(parts[2], "filename"));
      assertEquals("text/html", field(parts[2], "mime"));
      assertEquals("200", field(parts[2], "status"));
      try (FileChannel channel = FileChannel.open(warc, StandardOpenOption.READ)) {
        channel.position(Long.parseLong(field(parts[2], "offset")));
        WarcRecord record = new WarcReader(channel).next().orElseThrow();
        assertEquals("response", record.type());
        assertEquals(url, ((WarcResponse) record).target());
        assertEquals(field(parts[2], "digest"), ((WarcResponse) record).payloadDigest().orElseThrow().prefixedBase32());
      }
    }
    assertTrue(lines.get(0).startsWith("127.0.0.2)/a "), lines.get(0)); // SURT keeps an address as it is
  }

  @Test
  void aFileOverItsSizeIsFollowedByANewOneWithItsOwnWarcinfoAndIndex() throws Exception {
    try (WarcArchive archive = WarcArchive.open(settings(1), WarcPosition.START, CLOCK)) {
      for (int page = 0; page < 3; page++) {
        archive.archive(capture("http://127.0.0.2/" + page, "page " + page), Optional.empty());
      }
      assertEquals(3, archive.filesStarted());
    }
    List<Path> files = warcFiles();
    assertEquals(3, files.size());
    for (Path file : files) {
      assertEquals(List.of("warcinfo", "response", "request"), records(file).stream().map(Read::type).toList());
      assertEquals(1, Files.readAllLines(WarcArchive.indexOf(file)).size());
    }
  }

  @Test
  void aTruncatedPayloadSaysSo() throws Exception {
    Capture whole = capture("http://127.0.0.2/big", "the first bytes");
    Capture cut = new Capture(whole.url(), whole.date(), whole.ip(), whole.requestLine(), whole.requestHeaders(),
        whole.statusLine(), whole.responseHeaders(), whole.payload(), Optional.of(Capture.Truncation.LENGTH));
    try (WarcArchive archive = WarcArchive.open(settings(1 << 30), WarcPosition.START, CLOCK)) {
      archive.archive(cut, Optional.empty());
    }
    WarcResponse response = (WarcResponse) records(warcFiles().get(0)).get(1).record();
    assertEquals(org.netpreserve.jwarc.WarcTruncationReason.LENGTH, response.truncated());
  }

  @Test
  void aResumedArchiveCutsWhatWasNotCommittedAndGoesOnInTheSameFile() throws Exception {
    WarcPosition committed;
    WarcArchive archive = WarcArchive.open(settings(1 << 30), WarcPosition.START, CLOCK);
    archive.archive(capture("http://127.0.0.2/1", "one"), Optional.empty());
    archive.archive(capture("http://127.0.0.2/2", "two"), Optional.empty());
    committed = archive.position();
    archive.archive(capture("http://127.0.0.2/3", "three, never committed"), Optional.empty());
    // the kill: no close (the index stays unsorted), and a torn record at the end
    Path warc = warcFiles().get(0);
    Files.write(warc, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3}, StandardOpenOption.APPEND);

    try (WarcArchive resumed = WarcArchive.open(settings(1 << 30), committed, CLOCK)) {
      assertEquals(committed, resumed.position());
      assertEquals(committed.offset(), resumed.bytes(), "the job's figures count what earlier runs kept");
      assertEquals(1, resumed.filesStarted());
      resumed.archive(capture("http://127.0.0.2/4", "four"), Optional.empty());
      assertEquals(Files.size(warc), resumed.bytes());
    }
    assertEquals(List.of(warc), warcFiles(), "a resumed archive goes on in its file");
    List<Read> records = records(warc);
    assertEquals(List.of("warcinfo", "response", "request", "response", "request", "response", "request"),
        records.stream().map(Read::type).toList());
    List<String> targets = records.stream().filter(read -> read.record() instanceof WarcResponse)
        .map(read -> ((WarcResponse) read.record()).target()).toList();
    assertEquals(List.of("http://127.0.0.2/1", "http://127.0.0.2/2", "http://127.0.0.2/4"), targets);
    assertEquals(Optional.of(records.get(0).record().id()), ((WarcResponse) records.get(5).record()).warcinfoID());
    List<String> index = Files.readAllLines(WarcArchive.indexOf(warc));
    assertEquals(3, index.size(), index.toString());
    assertFalse(index.stream().anyMatch(line -> line.contains("/3")), index.toString());
  }

  @Test
  void filesStartedAfterTheCommittedOneAreDeletedOnResume() throws Exception {
    WarcArchive archive = WarcArchive.open(settings(1), WarcPosition.START, CLOCK);
    archive.archive(capture("http://127.0.0.2/1", "one"), Optional.empty());
    WarcPosition committed = archive.position();
    archive.archive(capture("http://127.0.0.2/2", "two"), Optional.empty()); // a second file, never committed
    assertEquals(2, warcFiles().size());
    try (WarcArchive resumed = WarcArchive.open(settings(1), committed, CLOCK)) {
      assertEquals(1, warcFiles().size());
      resumed.archive(capture("http://127.0.0.2/2", "two"), Optional.empty());
      assertEquals(2, resumed.filesStarted());
    }
    List<Path> files = warcFiles();
    assertEquals(2, files.size());
    assertTrue(files.get(1).getFileName().toString().endsWith("-00002.warc.gz"), files.toString());
  }

  @Test
  void aResumeAfterTheCommittedFileWasCompletedKeepsOnlyItsCommittedIndexLines() throws Exception {
    byte[] noise = new byte[50_000];
    new java.util.Random(3).nextBytes(noise); // incompressible (about 75 kB once UTF-8): the file grows by that per capture
    String big = new String(noise, StandardCharsets.ISO_8859_1);
    WarcArchive archive = WarcArchive.open(settings(100_000), WarcPosition.START, CLOCK);
    archive.archive(capture("http://127.0.0.2/z", "z"), Optional.empty());
    WarcPosition committed = archive.position();
    archive.archive(capture("http://127.0.0.2/a", big), Optional.empty());
    archive.archive(capture("http://127.0.0.2/b", big), Optional.empty());
    archive.archive(capture("http://127.0.0.2/c", "c"), Optional.empty()); // completes the first file: index sorted
    assertEquals(2, warcFiles().size());
    Path first = warcFiles().get(0);
    assertTrue(Files.readAllLines(WarcArchive.indexOf(first)).get(0).contains("/a"), "sorted: /a before /z");
    Files.writeString(WarcArchive.indexOf(first), "127,0,0,2)/torn 2026", StandardOpenOption.APPEND);
    // the kill, before the next commit

    try (WarcArchive resumed = WarcArchive.open(settings(100_000), committed, CLOCK)) {
      assertEquals(List.of(first), warcFiles());
      resumed.archive(capture("http://127.0.0.2/d", "d"), Optional.empty());
    }
    List<String> targets = records(first).stream().filter(read -> read.record() instanceof WarcResponse)
        .map(read -> ((WarcResponse) read.record()).target()).toList();
    assertEquals(List.of("http://127.0.0.2/z", "http://127.0.0.2/d"), targets);
    List<String> index = Files.readAllLines(WarcArchive.indexOf(first));
    assertEquals(2, index.size(), index.toString());
    assertTrue(index.get(0).startsWith("127.0.0.2)/d ") && index.get(1).startsWith("127.0.0.2)/z "), index.toString());
  }

  @Test
  void aHigherCompressionLevelWritesSmallerFilesThatReadTheSame() throws Exception {
    String page = "<p>" + "the harbour market and the station library by the river ".repeat(400) + "</p>";
    long[] sizes = new long[2];
    int[] levels = {1, 9};
    for (int i = 0; i < levels.length; i++) {
      Path level = directory.resolve("level-" + levels[i]);
      WarcArchive.Settings settings = new WarcArchive.Settings(level, "test", 1 << 30, levels[i], Map.of());
      try (WarcArchive archive = WarcArchive.open(settings, WarcPosition.START, CLOCK)) {
        for (int k = 0; k < 5; k++) {
          archive.archive(capture("http://127.0.0.2/" + k, page + k), Optional.empty());
        }
        sizes[i] = archive.bytes();
      }
      try (Stream<Path> files = Files.list(level)) {
        Path warc = files.filter(file -> file.toString().endsWith(".warc.gz")).findFirst().orElseThrow();
        assertEquals(sizes[i], Files.size(warc));
        List<Read> records = records(warc);
        assertEquals(11, records.size());
        assertEquals(page + "4", new String(records.get(9).body(), StandardCharsets.UTF_8));
      }
    }
    assertTrue(sizes[1] < sizes[0], "level 9: " + sizes[1] + " bytes, level 1: " + sizes[0]);
  }

  private static String field(String json, String name) {
    int start = json.indexOf("\"" + name + "\": \"") + name.length() + 5;
    return json.substring(start, json.indexOf('"', start));
  }
}
