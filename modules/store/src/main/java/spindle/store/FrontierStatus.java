package spindle.store;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a frontier store held when it was last written, read without a running crawl (for {@code spindle status}).
 *
 * @param counts the state counts; {@code leased} counts URLs in flight when the store was last closed or killed,
 *     which go back to their queues at the next open
 * @param committedOutputBytes the output length of the last completed batch; 0 when nothing completed
 * @param hostsWithWork how many hosts have queued URLs
 * @param busiestHosts the hosts with the most queued URLs, most first (ties by name), with their fetched and failed
 *     URLs
 * @param metadata the free key/values stored with {@link RocksDbFrontier#putMeta}, sorted by key
 */
public record FrontierStatus(FrontierCounts counts, long committedOutputBytes, long hostsWithWork,
    List<HostTally> busiestHosts, Map<String, String> metadata) {
  /** Copies the list and the map: a status is a value. */
  public FrontierStatus {
    busiestHosts = List.copyOf(busiestHosts);
    metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
  }
}
