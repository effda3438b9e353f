package spindle.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.store.Frontier;

/**
 * The URLs a host queue leased from the frontier and has not offered yet, and what it knows of the frontier's
 * supply for the host: at most one lease under way, and whether the frontier may hold more of the host's URLs
 * (it may after every "work available" signal since the last lease that came back short).
 */
final class HostWindow {
  /** A URL waiting to be offered, with the attempts it has had so far. */
  record Pending(CrawlUrl url, int attempts) {}

  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final int capacity;
  /** "Work available" signals received; an operator's change counts as one (a paused host may hold URLs). */
  private long signals;
  /** The signal count when a lease last came back short: the frontier had nothing more then. */
  private long exhaustedAt;
  private int leasesUnderWay;

  HostWindow(int capacity) {
    this.capacity = capacity;
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  int size() {
    return pending.size();
  }

  /** The next URL to offer, left in place. */
  Pending peek() {
    return pending.peekFirst();
  }

  /** Takes the next URL to offer. */
  Pending poll() {
    return pending.pollFirst();
  }

  /** Puts {@code url} back at the front (a retry, or an offer that never reached a fetcher). */
  void putBack(CrawlUrl url, int attempts) {
    pending.addFirst(new Pending(url, attempts));
  }

  /** The frontier has new URLs for the host, or may have (an operator's change). */
  void signal() {
    signals++;
  }

  /** Whether the frontier may hold more of the host's URLs than the window has. */
  boolean mayHaveMore() {
    return signals != exhaustedAt;
  }

  /** Whether a lease is under way. */
  boolean leasing() {
    return leasesUnderWay > 0;
  }

  /**
   * Leases more of {@code host}'s URLs on {@code executor} when the window is at most half full and the frontier
   * may have more, one lease at a time; the answer comes back to the queue as {@link HostQueue.Leased}.
   */
  void refill(ActorContext<HostQueue.Command> context, HostKey host, Frontier frontier, Executor executor) {
    if (leasesUnderWay > 0 || !mayHaveMore() || pending.size() > capacity / 2) {
      return;
    }
    leasesUnderWay++;
    int requested = capacity - pending.size();
    long signal = signals;
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> frontier.lease(host, requested), executor),
        (urls, failure) -> new HostQueue.Leased(signal, requested, urls == null ? List.of() : urls, failure));
  }

  /**
   * Takes a lease's URLs in (none when it failed). A lease shorter than asked, with no signal since it started,
   * means the frontier has nothing more for now. Returns whether the URLs are the first of an empty window.
   */
  boolean leased(HostQueue.Leased leased) {
    leasesUnderWay = Math.max(0, leasesUnderWay - 1); // a late answer to a restarted queue counts for nothing
    if (leased.failure() != null) {
      return false;
    }
    for (CrawlUrl url : leased.urls()) {
      pending.addLast(new Pending(url, 0));
    }
    if (leased.urls().size() < leased.requested() && leased.signal() == signals) {
      exhaustedAt = signals;
    }
    return pending.size() == leased.urls().size() && !leased.urls().isEmpty();
  }

  /** Empties the window and returns its URLs (to give them back to the frontier). */
  List<CrawlUrl> takeAll() {
    List<CrawlUrl> urls = new ArrayList<>(pending.size());
    pending.forEach(next -> urls.add(next.url()));
    pending.clear();
    return urls;
  }
}
