package spindle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
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
import spindle.core.CrawlRecord;
import spindle.core.CrawlUrl;
import spindle.core.ErrorKind;
import spindle.core.HostKey;
import spindle.core.ScopeRules;
import spindle.core.url.NormalizationSettings;
import spindle.core.url.UrlNormalizer;
import spindle.fetch.FetchResult;
import spindle.store.FrontierLimits;
import spindle.store.MemoryFrontier;
import spindle.store.RecordWriter;

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
    Pair<TestPublisher.Probe<Submitted>, TestSubscriber.Probe<CrawlPipeline.Parsed>> stream =
        TestSource.<Submitted>create(testKit.system())
            .via(CrawlPipeline.parseStage(processor, Runnable::run, 2))
            .toMat(TestSink.create(testKit.system()), Keep.both())
            .run(testKit.system());

    stream.second().request(2);
    stream.first().sendNext(new Submitted(html(url(A, "/"), "<a href=\"/next\">n</a>"), new CommitAck(fetcher.ref(),
        1)));
    stream.first().sendNext(new Submitted(html(url(B, "/"), "<p>x</p>"), new CommitAck(fetcher.ref(), 2)));
    CrawlPipeline.Parsed ok = stream.second().expectNext();
    CrawlPipeline.Parsed broken = stream.second().expectNext();

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
    Pair<TestPublisher.Probe<CrawlPipeline.Parsed>, TestSubscriber.Probe<CrawlPipeline.Written>> stream =
        TestSource.<CrawlPipeline.Parsed>create(testKit.system())
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
    Pair<TestPublisher.Probe<CrawlPipeline.Parsed>, TestSubscriber.Probe<CrawlPipeline.Written>> stream =
        TestSource.<CrawlPipeline.Parsed>create(testKit.system())
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
