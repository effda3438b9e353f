package spindle.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.core.LastVisit;

/** What every {@link Frontier} must do; each implementation's test extends this. */
abstract class FrontierContract {
  static final HostKey A = HostKey.of("a.example", -1);
  static final HostKey B = HostKey.of("b.example", 8080);

  /** A new, empty frontier with these limits. */
  abstract Frontier create(FrontierLimits limits);

  static CrawlUrl url(HostKey host, String path) {
    return CrawlUrl.seed("http://" + host.name() + path, host);
  }

  /**
   * {@code frontier} closed and opened again on the same data, when this implementation keeps its data across a
   * close (the in-memory one does not).
   */
  Optional<Frontier> reopen(Frontier frontier) {
    return Optional.empty();
  }

  private static void assertCountsAddUp(FrontierCounts counts) {
    assertEquals(counts.discovered(), counts.queued() + counts.leased() + counts.fetched() + counts.failed()
        + counts.redirected() + counts.scheduled(), counts.toString());
  }

  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

  /** {@code url} as visited at {@code at}, with validators, due again {@code seconds} later. */
  static CrawlUrl visited(CrawlUrl url, Instant at, long seconds) {
    return url.withLastVisit(new LastVisit(at, 1, Duration.ofSeconds(seconds), Optional.of("\"v1\""),
        Optional.of("Tue, 01 Dec 2026 00:00:00 GMT"), Optional.of("sha1:ABC")));
  }

  static Frontier.Completion revisit(CrawlUrl leased, long seconds) {
    CrawlUrl done = visited(leased, T0, seconds);
    return new Frontier.Completion(done, false, Optional.of(done.lastVisit().get().due()));
  }

  @Test
  void revisitsComeDueInDueTimeOrderWithTheirLastVisit() {
    try (Frontier frontier = create(FrontierLimits.NONE)) {
      assumeTrue(frontier.schedulesRevisits(), "this frontier keeps no revisits");
      frontier.add(List.of(url(A, "/1"), url(A, "/2"), url(B, "/1"), url(A, "/3")));
      List<CrawlUrl> a = frontier.lease(A, 3);
      List<CrawlUrl> b = frontier.lease(B, 1);
      frontier.complete(List.of(revisit(a.get(0), 30), revisit(a.get(1), 10), revisit(b.get(0), 20),
          new Frontier.Completion(a.get(2), false)), 0);
      FrontierCounts counts = frontier.counts();
      assertEquals(3, counts.scheduled());
      assertEquals(1, counts.fetched());
      assertFalse(counts.idle(), "URLs waiting for a revisit are work");
      assertCountsAddUp(counts);
      assertEquals(Optional.of(T0.plusSeconds(10)), frontier.nextDue());
      assertEquals(Optional.of(T0.plusSeconds(10)), frontier.nextDue(A));
      assertEquals(Optional.of(T0.plusSeconds(20)), frontier.nextDue(B));
      assertEquals(List.of(new Frontier.HostDue(A, T0.plusSeconds(10)), new Frontier.HostDue(B, T0.plusSeconds(20))),
          frontier.nextRevisits(10));
      assertEquals(List.of(new Frontier.HostDue(A, T0.plusSeconds(10))), frontier.nextRevisits(1));
      assertEquals(List.of(), frontier.releaseDue(T0.plusSeconds(9), 10));
      assertEquals(List.of(), frontier.lease(A, 10));
      assertEquals(List.of(A, B), frontier.releaseDue(T0.plusSeconds(25), 10));
      assertEquals(List.of(visited(a.get(1), T0, 10)), frontier.lease(A, 10)); // its last visit comes back with it
      assertEquals(List.of(visited(b.get(0), T0, 20)), frontier.lease(B, 10));
      assertEquals(Optional.of(T0.plusSeconds(30)), frontier.nextDue());
      assertEquals(Optional.empty(), frontier.nextDue(B));
      assertEquals(1, frontier.counts().scheduled());
      assertEquals(2, frontier.counts().leased());
      assertCountsAddUp(frontier.counts());
    }
  }

  @Test
  void releasingDueUrlsStopsAtTheMaximum() {
    try (Frontier frontier = create(FrontierLimits.NONE)) {
      assumeTrue(frontier.schedulesRevisits(), "this frontier keeps no revisits");
      frontier.add(List.of(url(A, "/1"), url(A, "/2"), url(A, "/3")));
      List<Frontier.Completion> done = new ArrayList<>();
      frontier.lease(A, 3).forEach(url -> done.add(revisit(url, 5)));
      frontier.complete(done, 0);
      assertEquals(List.of(A), frontier.releaseDue(T0.plusSeconds(5), 2));
      assertEquals(2, frontier.queued(A));
      assertEquals(List.of(A), frontier.releaseDue(T0.plusSeconds(5), 2));
      assertEquals(3, frontier.queued(A));
      assertEquals(Optional.empty(), frontier.nextDue());
      assertTrue(frontier.counts().scheduled() == 0 && frontier.counts().queued() == 3);
    }
  }

  @Test
  void aSitemapLastmodNewerThanTheLastVisitMakesTheRevisitDueNow() {
    try (Frontier frontier = create(FrontierLimits.NONE)) {
      assumeTrue(frontier.schedulesRevisits(), "this frontier keeps no revisits");
      frontier.add(List.of(url(A, "/1"), url(A, "/2")));
      List<CrawlUrl> leased = frontier.lease(A, 2);
      frontier.complete(List.of(revisit(leased.get(0), 1_000_000_000), revisit(leased.get(1), 1_000_000_000)), 0);
      frontier.add(List.of(CrawlUrl.listed("http://a.example/1", A, "http://a.example/sitemap.xml",
          Optional.of(T0.plusSeconds(60))), CrawlUrl.listed("http://a.example/2", A, "http://a.example/sitemap.xml",
          Optional.of(T0.minusSeconds(60)))));
      Instant now = Instant.now().plusSeconds(1);
      assertEquals(List.of(A), frontier.releaseDue(now, 10));
      assertEquals(List.of(visited(leased.get(0), T0, 1_000_000_000)), frontier.lease(A, 10));
      assertEquals(1, frontier.counts().scheduled()); // the other one's lastmod is older than its visit
    }
  }

  @Test
  void theScheduleSurvivesReopening() {
    Frontier frontier = create(FrontierLimits.NONE);
    try {
      assumeTrue(frontier.schedulesRevisits(), "this frontier keeps no revisits");
      frontier.add(List.of(url(A, "/1"), url(B, "/1")));
      CrawlUrl a = frontier.lease(A, 1).get(0);
      CrawlUrl b = frontier.lease(B, 1).get(0);
      frontier.complete(List.of(revisit(a, 20), revisit(b, 10)), 0);
      Optional<Frontier> reopened = reopen(frontier);
      assumeTrue(reopened.isPresent(), "this frontier keeps nothing across a close");
      frontier = reopened.get();
      assertEquals(2, frontier.counts().scheduled());
      assertEquals(Optional.of(T0.plusSeconds(10)), frontier.nextDue());
      assertEquals(Optional.of(T0.plusSeconds(20)), frontier.nextDue(A));
      assertEquals(List.of(B), frontier.releaseDue(T0.plusSeconds(15), 10));
      assertEquals(List.of(visited(b, T0, 10)), frontier.lease(B, 1));
      assertEquals(List.of(A), frontier.releaseDue(T0.plusSeconds(20), 10));
      assertEquals(List.of(visited(a, T0, 20)), frontier.lease(A, 1));
      assertCountsAddUp(frontier.counts());
    } finally {
      frontier.close();
    }
  }

  @Test
  void admitsEachUrlOnceAcrossAndWithinBatches() {
    try (Frontier frontier = create(FrontierLimits.NONE)) {
      assertEquals(2, frontier.add(List.of(url(A, "/1"), url(A, "/2"), url(A, "/1"))).size());
      assertEquals(List.of(url(B, "/1")), frontier.add(List.of(url(A, "/2"), url(B, "/1"))));
      assertEquals(3, frontier.counts().discovered());
      assertCountsAddUp(frontier.counts());
    }
  }

  @Test
  void aSitemapAndAPageASitemapDatedComeBackWithTheirKindAndLastmod() {
    try (Frontier frontier = create(FrontierLimits.NONE)) {
      CrawlUrl sitemap = CrawlUrl.sitemap("http://a.example/sitemap.xml", A, Optional.empty());
      CrawlUrl dated = CrawlUrl.listed("http://a.example/p", A, sitemap.url(),
          Optional.of(Instant.parse("2026-11-30T08:15:30.123Z")));
      CrawlUrl undated = CrawlUrl.listed("http://a.example/q", A, sitemap.url(), Optional.empty());
      frontier.add(List.of(sitemap, dated, undated));
      List<CrawlUrl> leased = frontier.lease(A, 3);
      assertEquals(List.of(sitemap, dated, undated), leased);
      assertEquals(CrawlUrl.Kind.SITEMAP, leased.get(0).kind());
      assertEquals(dated.lastModified(), leased.get(1).lastModified());
      frontier.requeue(leased.subList(0, 1));
      assertEquals(List.of(sitemap), frontier.lease(A, 1)); // a requeued lease keeps its kind
      CrawlUrl index = CrawlUrl.sitemap("http://a.example/index.xml", A, Optional.empty());
      frontier.add(List.of(index));
      CrawlUrl leasedIndex = frontier.lease(A, 1).get(0);
      assertTrue(frontier.redirect(leasedIndex, leasedIndex.redirectedTo("http://b.example:8080/index.xml", B)));
      assertEquals(CrawlUrl.Kind.SITEMAP, frontier.lease(B, 1).get(0).kind()); // so does a redirect's target
    }
  }

  @Test
  void leasesEachHostInDiscoveryOrder() {
    try (Frontier frontier = create(FrontierLimits.NONE)) {
      frontier.add(List.of(url(A, "/1"), url(B, "/x"), url(A, "/2"), url(A, "/3")));
      assertEquals(List.of(url(A, "/1"), url(A, "/2")), frontier.lease(A, 2));
      assertEquals(List.of(url(A, "/3")), frontier.lease(A, 5));
      assertEquals(List.of(), frontier.lease(A, 5));
      assertEquals(1, frontier.queued(B));
      assertEquals(3, frontier.counts().leased());
      assertCountsAddUp(frontier.counts());
    }
  }

  @Test
  void requeuedUrlsComeBackFirstInTheirOrder() {
    try (Frontier frontier = create(FrontierLimits.NONE)) {
      frontier.add(List.of(url(A, "/1"), url(A, "/2"), url(A, "/3")));
      List<CrawlUrl> leased = frontier.lease(A, 2);
      frontier.requeue(leased);
      assertEquals(List.of(url(A, "/1"), url(A, "/2"), url(A, "/3")), frontier.lease(A, 3));
      assertCountsAddUp(frontier.counts());
    }
  }

  @Test
  void completionsMoveUrlsToFetchedOrFailedAndTheCrawlBecomesIdle() {
    try (Frontier frontier = create(FrontierLimits.NONE)) {
      frontier.add(List.of(url(A, "/1"), url(A, "/2")));
      List<CrawlUrl> leased = frontier.lease(A, 2);
      assertFalse(frontier.counts().idle());
      frontier.complete(List.of(new Frontier.Completion(leased.get(0), false),
          new Frontier.Completion(leased.get(1), true)), 1234);
      assertEquals(1234, frontier.committedOutputBytes());
      FrontierCounts counts = frontier.counts();
      assertEquals(1, counts.fetched());
      assertEquals(1, counts.failed());
      assertTrue(counts.idle());
      assertCountsAddUp(counts);
    }
  }

  @Test
  void aRedirectHandsTheUrlOnUnlessItsTargetWasSeen() {
    try (Frontier frontier = create(FrontierLimits.NONE)) {
      frontier.add(List.of(url(A, "/old"), url(A, "/seen")));
      CrawlUrl old = frontier.lease(A, 1).get(0);
      assertTrue(frontier.redirect(old, old.redirectedTo("http://b.example:8080/new", B)));
      assertEquals(1, frontier.queued(B));
      assertEquals(1, frontier.counts().redirected());
      assertCountsAddUp(frontier.counts());
      CrawlUrl seen = frontier.lease(A, 1).get(0);
      assertFalse(frontier.redirect(seen, seen.redirectedTo("http://b.example:8080/new", B)));
      assertCountsAddUp(frontier.counts());
    }
  }

  @Test
  void enforcesPageLimitsInAllAndPerHost() {
    try (Frontier frontier = create(new FrontierLimits(3, 2))) {
      List<CrawlUrl> accepted = frontier.add(List.of(url(A, "/1"), url(A, "/2"), url(A, "/3"), url(B, "/1"),
          url(B, "/2")));
      assertEquals(List.of(url(A, "/1"), url(A, "/2"), url(B, "/1")), accepted);
      assertEquals(2, frontier.counts().rejected());
    }
  }

  @Test
  void namesEveryHostWithQueuedWork() {
    try (Frontier frontier = create(FrontierLimits.NONE)) {
      frontier.add(List.of(url(A, "/1"), url(B, "/1")));
      frontier.lease(A, 1);
      List<HostKey> hosts = new ArrayList<>();
      frontier.forEachHostWithWork(hosts::add);
      assertEquals(List.of(B), hosts);
    }
  }

  @Test
  void listsTheBusiestHostsFirst() {
    try (Frontier frontier = create(FrontierLimits.NONE)) {
      frontier.add(List.of(url(A, "/1"), url(B, "/1"), url(B, "/2")));
      assertEquals(List.of(new Frontier.HostCount(B, 2), new Frontier.HostCount(A, 1)), frontier.busiestHosts(10));
      assertEquals(1, frontier.busiestHosts(1).size());
    }
  }

  /** Leases and completes {@code count} URLs of {@code host}, the first {@code failed} of them with an error. */
  static void finish(Frontier frontier, HostKey host, int count, int failed) {
    List<CrawlUrl> leased = frontier.lease(host, count);
    assertEquals(count, leased.size());
    List<Frontier.Completion> done = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      done.add(new Frontier.Completion(leased.get(i), i < failed));
    }
    frontier.complete(done, 0);
  }

  static List<CrawlUrl> urls(HostKey host, int count) {
    List<CrawlUrl> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(url(host, "/" + i));
    }
    return out;
  }

  @Test
  void aHostsTallyCountsItsQueuedUrlsThenItsFetchedAndFailedOnes() {
    try (Frontier frontier = create(FrontierLimits.NONE)) {
      frontier.add(List.of(url(A, "/1"), url(A, "/2"), url(A, "/3"), url(A, "/4"), url(B, "/1"), url(B, "/2"),
          url(B, "/3")));
      assertEquals(new HostTally(A, 4, 0, 0), frontier.tally(A));
      assertEquals(new HostTally(B, 3, 0, 0), frontier.tally(B));
      List<CrawlUrl> a = frontier.lease(A, 3);
      List<CrawlUrl> b = frontier.lease(B, 2);
      assertEquals(new HostTally(A, 1, 0, 0), frontier.tally(A), "leased URLs are in none of the three");
      frontier.complete(List.of(new Frontier.Completion(a.get(0), false), new Frontier.Completion(b.get(0), true),
          new Frontier.Completion(a.get(1), true), new Frontier.Completion(b.get(1), true),
          new Frontier.Completion(a.get(2), false)), 10);
      assertEquals(new HostTally(A, 1, 2, 1), frontier.tally(A));
      assertEquals(new HostTally(B, 1, 0, 2), frontier.tally(B), "each URL counts for its own host");
    }
  }

  @Test
  void aUrlCompletedTwiceOrNeverLeasedIsCountedOnceOrNotAtAll() {
    try (Frontier frontier = create(FrontierLimits.NONE)) {
      frontier.add(List.of(url(A, "/1"), url(A, "/2")));
      CrawlUrl leased = frontier.lease(A, 1).get(0);
      frontier.complete(List.of(new Frontier.Completion(leased, false), new Frontier.Completion(leased, true)), 5);
      frontier.complete(List.of(new Frontier.Completion(leased, true), new Frontier.Completion(url(A, "/2"), true)),
          9);
      assertEquals(new HostTally(A, 1, 1, 0), frontier.tally(A));
      assertEquals(new FrontierCounts(2, 1, 0, 1, 0, 0, 0), frontier.counts());
      assertEquals(9, frontier.committedOutputBytes(), "the output length is recorded all the same");
    }
  }

  @Test
  void aRedirectedUrlIsNeitherFetchedNorFailedAndItsTargetsHostIsCounted() {
    try (Frontier frontier = create(FrontierLimits.NONE)) {
      frontier.add(List.of(url(A, "/old")));
      CrawlUrl old = frontier.lease(A, 1).get(0);
      assertTrue(frontier.redirect(old, old.redirectedTo("http://b.example:8080/new", B)));
      assertEquals(new HostTally(A, 0, 0, 0), frontier.tally(A));
      assertEquals(new HostTally(B, 1, 0, 0), frontier.tally(B));
      assertEquals(2, frontier.hostCount());
      finish(frontier, B, 1, 0);
      assertEquals(new HostTally(B, 0, 1, 0), frontier.tally(B));
      assertCountsAddUp(frontier.counts());
    }
  }

  @Test
  void hostsListsEveryAdmittedHostInEachOrderUpToTheLimit() {
    HostKey c = HostKey.of("c.example", -1);
    HostKey d = HostKey.of("d.example", -1);
    try (Frontier frontier = create(FrontierLimits.NONE)) {
      frontier.add(urls(A, 3));
      frontier.add(urls(B, 5));
      frontier.add(urls(c, 3));
      frontier.add(urls(d, 5));
      finish(frontier, A, 3, 0);
      finish(frontier, B, 3, 2);
      finish(frontier, c, 1, 1);
      HostTally a = new HostTally(A, 0, 3, 0); // nothing queued, listed all the same
      HostTally b = new HostTally(B, 2, 1, 2);
      HostTally cc = new HostTally(c, 2, 0, 1);
      HostTally dd = new HostTally(d, 5, 0, 0);
      assertEquals(List.of(dd, b, cc, a), frontier.hosts(HostOrder.QUEUED, 10), "b before c: a tie, by name");
      assertEquals(List.of(a, b, cc, dd), frontier.hosts(HostOrder.FETCHED, 10));
      assertEquals(List.of(b, cc, a, dd), frontier.hosts(HostOrder.FAILED, 10));
      assertEquals(List.of(a, b, cc, dd), frontier.hosts(HostOrder.HOST, 10));
      assertEquals(List.of(dd, b), frontier.hosts(HostOrder.QUEUED, 2));
      assertEquals(List.of(a), frontier.hosts(HostOrder.FETCHED, 1));
      assertEquals(List.of(b, cc, a), frontier.hosts(HostOrder.FAILED, 3));
      assertEquals(List.of(a, b), frontier.hosts(HostOrder.HOST, 2));
      assertEquals(List.of(), frontier.hosts(HostOrder.HOST, 0));
      assertEquals(4, frontier.hostCount());
      assertEquals(3, frontier.busiestHosts(10).size(), "busiestHosts leaves out the host with nothing queued");
    }
  }

  @Test
  void aHostNeverAdmittedHasAnEmptyTallyAndIsNotCounted() {
    HostKey unknown = HostKey.of("never.example", -1);
    try (Frontier frontier = create(new FrontierLimits(1, 10))) {
      assertEquals(0, frontier.hostCount());
      assertEquals(List.of(), frontier.hosts(HostOrder.HOST, 10));
      assertEquals(HostTally.empty(unknown), frontier.tally(unknown));
      frontier.add(List.of(url(A, "/1"), url(B, "/1"))); // B's URL is over the page limit
      assertEquals(HostTally.empty(B), frontier.tally(B));
      assertEquals(new HostTally(unknown, 0, 0, 0), frontier.tally(unknown));
      assertEquals(1, frontier.hostCount());
      assertEquals(List.of(new HostTally(A, 1, 0, 0)), frontier.hosts(HostOrder.HOST, 10));
    }
  }
}
