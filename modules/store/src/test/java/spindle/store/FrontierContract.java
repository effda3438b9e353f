package spindle.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;

/** What every {@link Frontier} must do; each implementation's test extends this. */
abstract class FrontierContract {
  static final HostKey A = HostKey.of("a.example", -1);
  static final HostKey B = HostKey.of("b.example", 8080);

  /** A new, empty frontier with these limits. */
  abstract Frontier create(FrontierLimits limits);

  static CrawlUrl url(HostKey host, String path) {
    return CrawlUrl.seed("http://" + host.name() + path, host);
  }

  private static void assertCountsAddUp(FrontierCounts counts) {
    assertEquals(counts.discovered(),
        counts.queued() + counts.leased() + counts.fetched() + counts.failed() + counts.redirected(), counts.toString());
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
      List<HostKey> hosts = new java.util.ArrayList<>();
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
}
