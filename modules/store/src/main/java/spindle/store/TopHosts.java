package spindle.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The first {@code limit} of the hosts offered to it, in a given order. It holds a heap of at most {@code limit}
 * entries, so a pass over every host costs O(hosts · log limit) time and O(limit) memory, however many hosts the
 * crawl has. One instance serves one call: it is not thread-safe.
 *
 * @param <T> what is known of each host ({@link Frontier.HostCount}, {@link HostTally})
 */
final class TopHosts<T> {
  /** Most queued first, ties by host name: the order of {@link Frontier#busiestHosts}. */
  static final Comparator<Frontier.HostCount> MOST_QUEUED =
      Comparator.comparingLong(Frontier.HostCount::queued).reversed().thenComparing(Frontier.HostCount::host);

  private final int limit;
  private final Comparator<? super T> order;
  private final PriorityQueue<T> lastFirst;

  /** Keeps the first {@code limit} in {@code order}; none when {@code limit} is 0 or less. */
  TopHosts(int limit, Comparator<? super T> order) {
    this.limit = limit;
    this.order = order;
    this.lastFirst = new PriorityQueue<>(order.reversed());
  }

  /** Keeps {@code host} if it is among the first {@code limit} offered so far. */
  void offer(T host) {
    if (limit <= 0) {
      return;
    }
    if (lastFirst.size() == limit) {
      if (order.compare(host, lastFirst.peek()) >= 0) {
        return; // no better than the last one kept
      }
      lastFirst.poll();
    }
    lastFirst.add(host);
  }

  /** The hosts kept, first first. */
  List<T> sorted() {
    List<T> out = new ArrayList<>(lastFirst);
    out.sort(order);
    return out;
  }
}
