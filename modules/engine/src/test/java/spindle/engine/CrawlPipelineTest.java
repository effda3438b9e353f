package spindle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.stream.Stream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcRevisit;
import spindle.core.CrawlRecord;
import spindle.core.CrawlUrl;
import spindle.core.ErrorKind;
import spindle.core.HostKey;
import spindle.core.ScopeRules;
import spindle.core.SimHash;
import spindle.core.url.NormalizationSettings;
import spindle.core.url.UrlNormalizer;
import spindle.fetch.FetchResult;
import spindle.store.FrontierLimits;
import spindle.store.MemoryFrontier;
import spindle.store.CaptureIndex;
import spindle.store.RecordWriter;
import spindle.store.warc.Capture;
import spindle.store.warc.WarcArchive;
import spindle.store.warc.WarcPosition;

/**
 * The results stream's stages one by one, between a test source and a test sink: parsing never drops an element,
 * the frontier stage admits links once and hands redirects on, the output stage writes before it acknowledges.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrawlPipelineTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private static final HostKey A = HostKey.of("a.example", -1);
  private static final HostKey B = HostKey.of("b.example", -1);
  private static final UrlNormalizer NORMALIZER = new UrlNormalizer(new NormalizationSettings(List.of()));
  private static final ScopeRules SCOPE = new ScopeRules(Set.of("a.example", "b.example"), List.of(), List.of(),
      List.of(), 5);

  private static CrawlUrl url(HostKey host, String path) {
    return CrawlUrl.seed("http://" + host.name() + path, host);
  }

  private static FetchOutcome.Fetched html(CrawlUrl url, String body) {
    return new FetchOutcome.Fetched(url, FetchResult.response(url.url(), 200, new FetchResult.Headers("text/html",
        null, null, null), body.getBytes(StandardCharsets.UTF_8), false, 1 << 20, 5), 1);
  }

  private static MemoryFrontier frontierLeasing(CrawlUrl... urls) {
    MemoryFrontier frontier = new MemoryFrontier(FrontierLimits.NONE, UrlNormalizer::fingerprint);
    frontier.add(List.of(urls));
    for (CrawlUrl url : urls) {
      frontier.lease(url.host(), 100);
    }
    return frontier;
  }

  private static CrawlRecord record(CrawlUrl url) {
    return CrawlRecord.builder(url).status(200).build();
  }

  @Test
  void theParseStageTurnsEveryOutcomeIntoAnElementEvenWhenProcessingFails() {
    PageParsing brokenForB = (body, type, url, tag) -> url.contains("b.example") ? null // a bug: no page at all
        : new spindle.parse.PageParser(spindle.parse.ParseSettings.defaults(), NORMALIZER, List.of("SpindleBot"))
            .parse(body, type, url, tag);
    PageProcessor processor = new PageProcessor(brokenForB, NORMALIZER, SCOPE, 5);
    TestProbe<Fetcher.Command> fetcher = testKit.createTestProbe();
    Pair<TestPublisher.Probe<Submitted>, TestSubscriber.Probe<CrawlPipeline.Element>> stream =
        TestSource.<Submitted>create(testKit.system())
            .via(CrawlPipeline.parseStage(processor, Runnable::run, 2))
            .toMat(TestSink.create(testKit.system()), Keep.both())
            .run(testKit.system());

    stream.second().request(2);
    stream.first().sendNext(new Submitted(html(url(A, "/"), "<a href=\"/next\">n</a>"), new CommitAck(fetcher.ref(),
        1)));
    stream.first().sendNext(new Submitted(html(url(B, "/"), "<p>x</p>"), new CommitAck(fetcher.ref(), 2)));
    CrawlPipeline.Parsed ok = (CrawlPipeline.Parsed) stream.second().expectNext();
    CrawlPipeline.Parsed broken = (CrawlPipeline.Parsed) stream.second().expectNext();

    assertEquals(List.of("http://a.example/next"), ok.processed().outlinks().stream().map(CrawlUrl::url).toList());
    assertEquals(1, ok.ack().sequence());
    CrawlRecord.Failure failure = broken.processed().record().error().orElseThrow();
    assertEquals(ErrorKind.INTERNAL, failure.kind()); // the URL still gets its record, so the crawl can end
    assertTrue(failure.message().contains("NullPointerException"), failure.message());
    assertEquals(2, broken.ack().sequence());
  }

  @Test
  void theFrontierStageAdmitsNewLinksOnceAndTellsTheirHostsAboutTheWork() {
    CrawlUrl source = url(A, "/");
    MemoryFrontier frontier = frontierLeasing(source);
    List<HostKey> told = new CopyOnWriteArrayList<>();
    TestProbe<Fetcher.Command> fetcher = testKit.createTestProbe();
    Pair<TestPublisher.Probe<CrawlPipeline.Element>, TestSubscriber.Probe<CrawlPipeline.Written>> stream =
        TestSource.<CrawlPipeline.Element>create(testKit.system())
            .via(CrawlPipeline.frontierStage(frontier, Runnable::run, 1, Duration.ofMillis(50), told::add))
            .toMat(TestSink.create(testKit.system()), Keep.both())
            .run(testKit.system());

    List<CrawlUrl> links = List.of(CrawlUrl.discovered("http://a.example/1", A, source),
        CrawlUrl.discovered("http://b.example/1", B, source), CrawlUrl.discovered("http://a.example/2", A, source));
    stream.second().request(2);
    stream.first().sendNext(new CrawlPipeline.Parsed(new Processed(source, record(source), links, Optional.empty()),
        new CommitAck(fetcher.ref(), 1)));
    CrawlPipeline.Written written = stream.second().expectNext();
    assertEquals(source, written.url());
    assertEquals(3, frontier.counts().queued());
    assertEquals(List.of(A, B), told); // once per host with new work

    stream.first().sendNext(new CrawlPipeline.Parsed(new Processed(source, record(source), links, Optional.empty()),
        new CommitAck(fetcher.ref(), 2)));
    stream.second().expectNext();
    assertEquals(3, frontier.counts().queued());
    assertEquals(List.of(A, B), told, "links already seen wake nobody");
    fetcher.expectNoMessage(Duration.ofMillis(50)); // acknowledged only once written, by the output stage
  }

  @Test
  void aRedirectHandedOnIsAcknowledgedAtOnceAndWritesNoRecordUnlessItsTargetWasSeen() {
    CrawlUrl first = url(A, "/old");
    CrawlUrl second = url(A, "/older");
    MemoryFrontier frontier = frontierLeasing(first, second);
    frontier.add(List.of(url(B, "/seen")));
    List<HostKey> told = new CopyOnWriteArrayList<>();
    TestProbe<Fetcher.Command> fetcher = testKit.createTestProbe();
    Pair<TestPublisher.Probe<CrawlPipeline.Element>, TestSubscriber.Probe<CrawlPipeline.Written>> stream =
        TestSource.<CrawlPipeline.Element>create(testKit.system())
            .via(CrawlPipeline.frontierStage(frontier, Runnable::run, 1, Duration.ofMillis(50), told::add))
            .toMat(TestSink.create(testKit.system()), Keep.both())
            .run(testKit.system());
    stream.second().request(2);

    CrawlUrl target = first.redirectedTo("http://b.example/new", B);
    stream.first().sendNext(new CrawlPipeline.Parsed(new Processed(first, record(first), List.of(),
        Optional.of(target)), new CommitAck(fetcher.ref(), 7)));
    assertEquals(new Fetcher.Committed(7), fetcher.receiveMessage()); // durable now: the target carries the chain
    assertEquals(List.of(B), told);

    CrawlUrl seen = second.redirectedTo("http://b.example/seen", B);
    stream.first().sendNext(new CrawlPipeline.Parsed(new Processed(second, record(second), List.of(),
        Optional.of(seen)), new CommitAck(fetcher.ref(), 8)));
    assertEquals(second, stream.second().expectNext().url()); // the target was seen: this record is written
    fetcher.expectNoMessage(Duration.ofMillis(50));
  }

  private static Capture capture(String url, String body) {
    return new Capture(url, java.time.Instant.parse("2026-12-06T10:15:30Z"), Optional.empty(),
        "GET " + url.replaceFirst("^http://[^/]+", "") + " HTTP/1.1", List.of(new Capture.Header("Host", "x")),
        "HTTP/1.1 200 OK", List.of(new Capture.Header("Content-Type", "text/html")),
        body.getBytes(StandardCharsets.UTF_8), Optional.empty());
  }

  private static List<WarcRecord> warcRecords(Path directory) throws IOException {
    List<WarcRecord> records = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(name -> name.toString().endsWith(".warc.gz")).sorted().toList()) {
        try (WarcReader reader = new WarcReader(file)) {
          reader.forEach(records::add);
        }
      }
    }
    return records;
  }

  @Test
  void theArchiveStageCommitsEveryExchangeBeforeItPassesThePagesOnAndOnlyThenAcknowledgesRobotsFetches(
      @TempDir Path warc) throws IOException {
    CrawlUrl page = url(A, "/");
    MemoryFrontier frontier = frontierLeasing(page);
    CaptureIndex index = frontier.captures().orElseThrow();
    TestProbe<Fetcher.Command> fetcher = testKit.createTestProbe();
    CrawlMetrics metrics = new CrawlMetrics(new SimpleMeterRegistry(), frontier::counts);
    try (WarcArchive archive = WarcArchive.open(new WarcArchive.Settings(warc, "test", 1 << 30, Map.of()),
        WarcPosition.START, java.time.Clock.systemUTC())) {
      Pair<TestPublisher.Probe<CrawlPipeline.Element>, TestSubscriber.Probe<CrawlPipeline.Element>> stream =
          TestSource.<CrawlPipeline.Element>create(testKit.system())
              .via(CrawlPipeline.archiveStage(new Archiver(archive, index, metrics), Runnable::run, 2,
                  Duration.ofSeconds(30)))
              .toMat(TestSink.create(testKit.system()), Keep.both())
              .run(testKit.system());
      stream.second().request(1);
      stream.first().sendNext(new CrawlPipeline.Unrecorded(List.of(capture("http://a.example/robots.txt",
          "User-agent: *")), new CommitAck(fetcher.ref(), 1)));
      stream.first().sendNext(new CrawlPipeline.Parsed(new Processed(page, record(page), List.of(), Optional.empty(),
          List.of(capture(page.url(), "<p>home</p>"))), new CommitAck(fetcher.ref(), 2)));

      assertEquals(page, ((CrawlPipeline.Parsed) stream.second().expectNext()).processed().url());
      assertEquals(new Fetcher.Committed(1), fetcher.receiveMessage());
      fetcher.expectNoMessage(Duration.ofMillis(50)); // the page is acknowledged by the output stage, later
      assertEquals(archive.position(), index.warcPosition()); // committed before the page went on
      assertEquals(Set.of(WarcArchive.sha1("User-agent: *".getBytes(StandardCharsets.UTF_8)),
          WarcArchive.sha1("<p>home</p>".getBytes(StandardCharsets.UTF_8))), index.originals(List.of(
          WarcArchive.sha1("User-agent: *".getBytes(StandardCharsets.UTF_8)),
          WarcArchive.sha1("<p>home</p>".getBytes(StandardCharsets.UTF_8)))).keySet());
    }
    assertEquals(List.of("warcinfo", "response", "request", "response", "request"),
        warcRecords(warc).stream().map(WarcRecord::type).toList());
  }

  @Test
  void aPayloadArchivedBeforeInThisOrAnEarlierBatchIsARevisitOfItsFirstCapture(@TempDir Path warc)
      throws IOException {
    MemoryFrontier frontier = frontierLeasing();
    CrawlMetrics metrics = new CrawlMetrics(new SimpleMeterRegistry(), frontier::counts);
    try (WarcArchive archive = WarcArchive.open(new WarcArchive.Settings(warc, "test", 1 << 30, Map.of()),
        WarcPosition.START, java.time.Clock.systemUTC())) {
      Archiver archiver = new Archiver(archive, frontier.captures().orElseThrow(), metrics);
      archiver.archive(List.of(capture("http://a.example/", "same"), capture("http://b.example/", "same")));
      archiver.archive(List.of(capture("http://c.example/", "same"), capture("http://c.example/empty", "")));
      archiver.archive(List.of(capture("http://d.example/empty", "")));
    }
    List<WarcRecord> records = warcRecords(warc);
    List<String> types = records.stream().filter(record -> !record.type().equals("request")).map(WarcRecord::type)
        .toList();
    assertEquals(List.of("warcinfo", "response", "revisit", "revisit", "response", "response"), types);
    for (WarcRecord record : records) {
      if (record instanceof WarcRevisit revisit) {
        assertEquals("http://a.example/", revisit.refersToTargetURI().orElseThrow().toString());
        assertEquals(Optional.of(records.get(1).id()), revisit.refersTo());
      }
    }
  }

  @Test
  void theOutputStageGivesANearCopyTheUrlOfTheEarlierPage() {
    CrawlUrl first = url(A, "/article");
    CrawlUrl copy = url(B, "/copy");
    CrawlUrl other = url(B, "/other");
    MemoryFrontier frontier = frontierLeasing(first, copy, other);
    Writer writer = new Writer(false);
    TestProbe<Fetcher.Command> fetcher = testKit.createTestProbe();
    CrawlMetrics metrics = new CrawlMetrics(new SimpleMeterRegistry(), frontier::counts);
    Pair<TestPublisher.Probe<CrawlPipeline.Written>, TestSubscriber.Probe<List<CrawlPipeline.Written>>> stream =
        TestSource.<CrawlPipeline.Written>create(testKit.system())
            .via(CrawlPipeline.outputStage(writer, frontier, frontier.captures(), Runnable::run, 3,
                Duration.ofSeconds(30), metrics))
            .toMat(TestSink.create(testKit.system()), Keep.both())
            .run(testKit.system());
    String article = words(new java.util.Random(1), 1000);
    String nearCopy = article.replaceFirst(" harbour ", " lighthouse ");
    String unrelated = words(new java.util.Random(2), 1000);
    stream.second().request(1);
    stream.first().sendNext(new CrawlPipeline.Written(CrawlRecord.builder(first).status(200)
        .simhash(SimHash.of(article)).build(), first, new CommitAck(fetcher.ref(), 1)));
    stream.first().sendNext(new CrawlPipeline.Written(CrawlRecord.builder(copy).status(200)
        .simhash(SimHash.of(nearCopy)).build(), copy, new CommitAck(fetcher.ref(), 2)));
    stream.first().sendNext(new CrawlPipeline.Written(CrawlRecord.builder(other).status(200)
        .simhash(SimHash.of(unrelated)).build(), other, new CommitAck(fetcher.ref(), 3)));
    stream.second().expectNext();

    assertEquals(List.of(Optional.empty(), Optional.of(first.url()), Optional.empty()),
        writer.written.stream().map(CrawlRecord::nearDuplicateOf).toList());
  }

  @Test
  void theOutputStageSchedulesOnlyAVisitTheParseStageRecorded() {
    java.time.Instant at = java.time.Instant.parse("2026-12-06T10:00:00Z");
    spindle.core.LastVisit earlier = new spindle.core.LastVisit(at, 1, Duration.ofMinutes(5), Optional.of("\"e\""),
        Optional.empty(), Optional.of("sha1:A"));
    CrawlUrl visited = url(A, "/visited").withLastVisit(new spindle.core.LastVisit(at, 2, Duration.ofMinutes(5),
        Optional.of("\"e\""), Optional.empty(), Optional.of("sha1:A")));
    // a revisit that ended in a redirect to a URL seen before: its URL still carries the earlier visit
    CrawlUrl redirected = url(A, "/moved").withLastVisit(earlier);
    CrawlUrl last = url(B, "/last").withLastVisit(new spindle.core.LastVisit(at, 3, Duration.ofMinutes(5),
        Optional.of("\"e\""), Optional.empty(), Optional.of("sha1:A")));
    MemoryFrontier frontier = frontierLeasing(url(A, "/visited"), url(A, "/moved"), url(B, "/last"));
    spindle.core.RevisitSchedule twoRounds = new spindle.core.RevisitSchedule(2, false, Duration.ofMinutes(5),
        Duration.ofHours(1), 0.4, 0.2);
    TestProbe<Fetcher.Command> fetcher = testKit.createTestProbe();
    CrawlMetrics metrics = new CrawlMetrics(new SimpleMeterRegistry(), frontier::counts);
    Pair<TestPublisher.Probe<CrawlPipeline.Written>, TestSubscriber.Probe<List<CrawlPipeline.Written>>> stream =
        TestSource.<CrawlPipeline.Written>create(testKit.system())
            .via(CrawlPipeline.outputStage(new Writer(false), frontier, Optional.empty(), twoRounds, Runnable::run, 3,
                Duration.ofSeconds(30), metrics))
            .toMat(TestSink.create(testKit.system()), Keep.both())
            .run(testKit.system());
    stream.second().request(1);
    stream.first().sendNext(new CrawlPipeline.Written(CrawlRecord.builder(visited).status(304).visit(2)
        .changed(false).build(), visited, new CommitAck(fetcher.ref(), 1)));
    stream.first().sendNext(new CrawlPipeline.Written(CrawlRecord.builder(redirected).status(301)
        .location("http://a.example/visited").build(), redirected, new CommitAck(fetcher.ref(), 2)));
    stream.first().sendNext(new CrawlPipeline.Written(CrawlRecord.builder(last).status(200).visit(3)
        .changed(true).build(), last, new CommitAck(fetcher.ref(), 3)));
    stream.second().expectNext();

    // the second visit is owed a third; the redirect's earlier visit is not scheduled again; the third is the last
    assertEquals(1, frontier.counts().scheduled());
    assertEquals(2, frontier.counts().fetched());
    assertEquals(Optional.of(at.plus(Duration.ofMinutes(5))), frontier.nextDue(A));
    assertEquals(Optional.empty(), frontier.nextDue(B));
  }

  /** {@code count} words drawn from a small vocabulary. */
  private static String words(java.util.Random random, int count) {
    String[] vocabulary = ("harbour market station library museum bridge valley forest meadow orchard lantern "
        + "compass ledger archive signal engine kettle spindle thread loom weaver basket timber copper").split(" ");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      text.append(vocabulary[random.nextInt(vocabulary.length)]).append(' ');
    }
    return text.toString();
  }

  /** A writer that keeps its records, or fails every write. */
  private static final class Writer implements RecordWriter {
    final List<CrawlRecord> written = new CopyOnWriteArrayList<>();
    final boolean failing;

    Writer(boolean failing) {
      this.failing = failing;
    }

    @Override
    public void write(List<CrawlRecord> batch) throws IOException {
      if (failing) {
        throw new IOException("disk full");
      }
      written.addAll(batch);
    }

    @Override
    public long position() {
      return written.size() * 100L;
    }

    @Override
    public void close() {
    }
  }

  @Test
  void theOutputStageWritesRecordsMarksTheirUrlsDoneAndOnlyThenAcknowledges() {
    CrawlUrl fetched = url(A, "/");
    CrawlUrl failed = url(A, "/broken");
    MemoryFrontier frontier = frontierLeasing(fetched, failed);
    Writer writer = new Writer(false);
    TestProbe<Fetcher.Command> fetcher = testKit.createTestProbe();
    CrawlMetrics metrics = new CrawlMetrics(new SimpleMeterRegistry(), frontier::counts);
    Pair<TestPublisher.Probe<CrawlPipeline.Written>, TestSubscriber.Probe<List<CrawlPipeline.Written>>> stream =
        TestSource.<CrawlPipeline.Written>create(testKit.system())
            .via(CrawlPipeline.outputStage(writer, frontier, Runnable::run, 2, Duration.ofSeconds(30), metrics))
            .toMat(TestSink.create(testKit.system()), Keep.both())
            .run(testKit.system());

    stream.second().request(1);
    stream.first().sendNext(new CrawlPipeline.Written(record(fetched), fetched, new CommitAck(fetcher.ref(), 1)));
    fetcher.expectNoMessage(Duration.ofMillis(50)); // a batch closes when full (or old enough)
    CrawlRecord error = CrawlRecord.builder(failed).status(500).error(ErrorKind.HTTP_SERVER_ERROR, "HTTP 500")
        .build();
    stream.first().sendNext(new CrawlPipeline.Written(error, failed, new CommitAck(fetcher.ref(), 2)));

    assertEquals(2, stream.second().expectNext().size());
    assertEquals(List.of(record(fetched).url(), error.url()), writer.written.stream().map(CrawlRecord::url).toList());
    assertEquals(1, frontier.counts().fetched());
    assertEquals(1, frontier.counts().failed());
    assertEquals(200, frontier.committedOutputBytes());
    assertEquals(Set.of(new Fetcher.Committed(1), new Fetcher.Committed(2)), Set.of(fetcher.receiveMessage(),
        fetcher.receiveMessage()));
  }

  @Test
  void aRecordThatCannotBeWrittenIsNeitherDoneNorAcknowledged() {
    CrawlUrl page = url(A, "/");
    MemoryFrontier frontier = frontierLeasing(page);
    TestProbe<Fetcher.Command> fetcher = testKit.createTestProbe();
    CrawlMetrics metrics = new CrawlMetrics(new SimpleMeterRegistry(), frontier::counts);
    Pair<TestPublisher.Probe<CrawlPipeline.Written>, TestSubscriber.Probe<List<CrawlPipeline.Written>>> stream =
        TestSource.<CrawlPipeline.Written>create(testKit.system())
            .via(CrawlPipeline.outputStage(new Writer(true), frontier, Runnable::run, 1, Duration.ofSeconds(30),
                metrics))
            .toMat(TestSink.create(testKit.system()), Keep.both())
            .run(testKit.system());

    stream.second().request(1);
    stream.first().sendNext(new CrawlPipeline.Written(record(page), page, new CommitAck(fetcher.ref(), 1)));
    Throwable failure = stream.second().expectError();
    assertTrue(failure.getMessage().contains("disk full"), failure.toString());
    assertEquals(1, frontier.counts().leased()); // fetched again when the crawl resumes
    fetcher.expectNoMessage(Duration.ofMillis(50));
  }
}
