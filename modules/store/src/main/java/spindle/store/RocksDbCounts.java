package spindle.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import spindle.core.HostKey;
import spindle.store.RocksDbSchema.Totals;

/**
 * The RocksDB frontier's counters in memory, as of its last committed batch: the {@link Totals} (state counts,
 * committed output length, next sequence) and every host's {@link HostLanes} (admitted, queued per priority, queue
 * heads, fetched, failed). Loaded when the store opens, replaced by {@link #publish} after each batch is written, so
 * they always equal what the disk holds; nothing is kept per URL.
 *
 * <p>Readers need no lock: the totals are one volatile immutable value, and a published {@link HostLanes} is never
 * modified (a batch changes copies). Only the frontier's writer, under its lock, publishes.
 */
final class RocksDbCounts {
  private final ConcurrentHashMap<HostKey, HostLanes> hosts = new ConcurrentHashMap<>();
  private volatile Totals totals;

  /** Counters starting at the stored {@code totals}, with no host until {@link #load} adds them. */
  RocksDbCounts(Totals totals) {
    this.totals = totals;
  }

  /** Records a host's stored state while the store opens. */
  void load(HostLanes lanes) {
    hosts.put(lanes.host(), lanes);
  }

  /** The totals as of the last batch. */
  Totals totals() {
    return totals;
  }

  /** The published state of {@code host}; empty for a host never seen. Do not modify it: {@link HostLanes#copy}. */
  Optional<HostLanes> host(HostKey host) {
    return Optional.ofNullable(hosts.get(host));
  }

  /** Makes a written batch's hosts and totals visible: the hosts first, so the counts never run ahead of them. */
  void publish(Map<HostKey, HostLanes> touched, Totals next) {
    hosts.putAll(touched);
    totals = next;
  }

  /** The state counts. */
  FrontierCounts counts() {
    return totals.counts();
  }

  /** The URLs queued for {@code host}. */
  long queued(HostKey host) {
    HostLanes lanes = hosts.get(host);
    return lanes == null ? 0 : lanes.queued();
  }

  /** Calls {@code action} for every host with queued URLs, after collecting them (it may call the frontier). */
  void forEachHostWithWork(Consumer<HostKey> action) {
    List<HostKey> withWork = new ArrayList<>();
    hosts.values().forEach(lanes -> {
      if (lanes.queued() > 0) {
        withWork.add(lanes.host());
      }
    });
    withWork.forEach(action); // outside the map's iteration: the action may call back into the frontier
  }

  /** The hosts with queued URLs, most queued first, at most {@code limit}. */
  List<Frontier.HostCount> busiestHosts(int limit) {
    TopHosts<Frontier.HostCount> top = new TopHosts<>(limit, TopHosts.MOST_QUEUED);
    hosts.values().forEach(lanes -> {
      if (lanes.queued() > 0) {
        top.offer(new Frontier.HostCount(lanes.host(), lanes.queued()));
      }
    });
    return top.sorted();
  }

  /** The tally of {@code host}; zeros for a host never seen. */
  HostTally tally(HostKey host) {
    HostLanes lanes = hosts.get(host);
    return lanes == null ? HostTally.empty(host) : lanes.tally();
  }

  /** The first {@code limit} hosts in {@code order}. */
  List<HostTally> hosts(HostOrder order, int limit) {
    TopHosts<HostTally> top = new TopHosts<>(limit, order.comparator());
    hosts.values().forEach(lanes -> top.offer(lanes.tally()));
    return top.sorted();
  }

  /** The number of hosts ever admitted. */
  int hostCount() {
    return hosts.size();
  }
}
