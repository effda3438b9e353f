package spindle.store;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;

/**
 * The crawl's memory of URLs: which were seen, which wait in each host's queue, which are leased to a fetcher and
 * which are finished. Every admitted URL is in exactly one state, so
 * {@code discovered == queued + leased + fetched + failed + redirected + scheduled} at every moment (scheduled: waiting
 * for a revisit, in due-time order). Per host it keeps a
 * {@link HostTally}: URLs queued, fetched and failed.
 *
 * <p>Implementations are thread-safe and may block (a disk store does): call them from the store dispatcher,
 * never from an actor's or a stream's default dispatcher.
 */
public interface Frontier extends AutoCloseable {
  /**
   * Admits the candidates that were never seen and fit the page limits, queued at the back of their host's
   * queue, and returns them in order. A URL seen before, or one seen twice in the same call, is dropped.
   */
  List<CrawlUrl> add(List<CrawlUrl> candidates);

  /** Moves up to {@code max} URLs from the front of {@code host}'s queue to the leased state, and returns them. */
  List<CrawlUrl> lease(HostKey host, int max);

  /** Puts leased URLs back at the front of their hosts' queues, in the given order (a retry, a stop). */
  void requeue(List<CrawlUrl> leased);

  /**
   * Marks leased URLs finished (fetched, or failed when the record carries an error), counts each in its host's
   * {@link HostTally}, and, in the same atomic write, records that the output holds exactly {@code outputBytes}
   * bytes of committed records. After a crash the output is cut back to the last committed length: records written
   * after it belong to URLs that are still leased, so they are fetched and written again, once. A URL that is not
   * leased (completed twice, also within one call, or requeued meanwhile) is ignored, and counted nowhere.
   */
  void complete(Collection<Completion> finished, long outputBytes);

  /**
   * Whether this frontier keeps revisits: a {@link Completion} with {@link Completion#revisitAt} schedules its URL
   * again. When false, a crawl that revisits pages cannot use it (the engine refuses to start one), and a completion's
   * {@code revisitAt} would be ignored.
   */
  default boolean schedulesRevisits() {
    return false;
  }

  /**
   * Moves up to {@code max} URLs scheduled for a revisit at or before {@code now} to the back of their hosts'
   * queues, earliest due first, and returns those hosts (each once). Finds them without scanning the URLs that are
   * not yet due.
   */
  default List<HostKey> releaseDue(Instant now, int max) {
    return List.of();
  }

  /** When the earliest scheduled revisit is due; empty when none is scheduled. */
  default Optional<Instant> nextDue() {
    return Optional.empty();
  }

  /** When {@code host}'s earliest scheduled revisit is due; empty when none of its URLs is scheduled. */
  default Optional<Instant> nextDue(HostKey host) {
    return Optional.empty();
  }

  /**
   * The hosts whose URLs wait for a revisit, each with its earliest due time, soonest first, at most {@code limit}.
   * Read from the head of the due-time order, and at most {@value #MAX_SCHEDULE_READ} entries of it: hosts whose next
   * revisit lies further down are left out (the caller says the list is cut when it holds fewer than the hosts).
   */
  default List<HostDue> nextRevisits(int limit) {
    return List.of();
  }

  /** The most schedule entries {@link #nextRevisits} reads. */
  int MAX_SCHEDULE_READ = 100_000;

  /** A host and when its next revisit is due. */
  record HostDue(HostKey host, Instant due) {}

  /** The output length recorded by the last {@link #complete}; 0 for a new crawl. */
  long committedOutputBytes();

  /**
   * Hands a leased URL on to its redirect target: when the target was never seen, the source counts as
   * redirected, the target is queued, and this returns true. When the target was seen already, nothing changes
   * and this returns false: the chain ends at the source, whose record the caller writes.
   */
  boolean redirect(CrawlUrl source, CrawlUrl target);

  /** The URLs queued for {@code host}. */
  long queued(HostKey host);

  /** Calls {@code action} for every host with queued URLs (after a restart, to wake their queues up). */
  void forEachHostWithWork(java.util.function.Consumer<HostKey> action);

  /**
   * URLs that were leased when the frontier was last closed or killed, and went back to their queues when it was
   * opened: the fetches in flight at a crash, which will be made again. 0 for a new or in-memory frontier.
   */
  long recoveredLeases();

  /** The counts of every state. Never blocks: implementations keep them in memory. */
  FrontierCounts counts();

  /** The hosts with queued URLs, most queued first, at most {@code limit} of them. */
  List<HostCount> busiestHosts(int limit);

  /** The tally of {@code host}; zeros ({@link HostTally#empty}) for a host never seen. Never blocks on disk. */
  HostTally tally(HostKey host);

  /**
   * The first {@code limit} hosts in {@code order}: most first for QUEUED/FETCHED/FAILED (ties by host name), by
   * name for HOST. Every host ever admitted counts, even with nothing queued; a host that only received a redirect
   * target counts too. Empty when {@code limit} is 0 or less. Never blocks on disk.
   */
  List<HostTally> hosts(HostOrder order, int limit);

  /** The number of hosts ever admitted (those {@link #hosts} lists). */
  int hostCount();

  /**
   * Whether a call mostly waits for a database server's answer rather than using this machine's CPU or disk (a
   * shared frontier over the network): the caller then runs more calls at once than there are cores. False by
   * default.
   */
  default boolean remote() {
    return false;
  }

  /** The directory this frontier keeps its files in, when it keeps them on this machine's disk; else empty. */
  default Optional<Path> diskDirectory() {
    return Optional.empty();
  }

  /**
   * The index of what this crawl archived and read ({@link CaptureIndex}), kept with this frontier so that it lasts as
   * long; empty when this frontier keeps none. The PostgreSQL frontier's is shared by the nodes of a cluster, each
   * with its own WARC position.
   */
  default Optional<CaptureIndex> captures() {
    return Optional.empty();
  }

  /**
   * A URL whose visit ended: whether it failed and, when another visit is owed ({@code spindle.recrawl}), when it is
   * due; {@code url} then carries the visit just made ({@link CrawlUrl#lastVisit()}), which the revisit gets back.
   * A failed URL is never scheduled.
   */
  record Completion(CrawlUrl url, boolean failed, Optional<Instant> revisitAt) {
    public Completion {
      if (failed && revisitAt.isPresent()) {
        throw new IllegalArgumentException("a failed URL is not revisited: " + url);
      }
      if (revisitAt.isPresent() && url.lastVisit().isEmpty()) {
        throw new IllegalArgumentException("a revisit needs the URL's last visit: " + url);
      }
    }

    /** A visit with no other owed. */
    public Completion(CrawlUrl url, boolean failed) {
      this(url, failed, Optional.empty());
    }
  }

  /** A host and its number of queued URLs. */
  record HostCount(HostKey host, long queued) {}

  @Override
  void close();
}
