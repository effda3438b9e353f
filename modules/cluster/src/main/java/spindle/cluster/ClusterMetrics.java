package spindle.cluster;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The cluster's gauges in {@code /metrics}, read from this node's view of the cluster at each scrape:
 * {@code spindle_cluster_members{status}} and {@code spindle_cluster_members_unreachable} (the members this node's
 * failure detector cannot reach). The alert rules in {@code ops/prometheus/alerts.yml} watch them.
 */
public final class ClusterMetrics {
  /** Member statuses with a series of their own, named as {@code GET /api/cluster} names them. */
  static final List<String> MEMBER_STATUSES = List.of("joining", "weaklyup", "up", "leaving", "exiting", "down");

  private ClusterMetrics() {}

  /** Registers the gauges of the cluster {@code system} is a node of in {@code registry}. */
  public static void bind(ActorSystem<?> system, MeterRegistry registry) {
    Cluster cluster = Cluster.get(system);
    for (String status : MEMBER_STATUSES) {
      Gauge.builder("spindle.cluster.members", cluster, members -> count(members.state(), status))
          .description("Members of the cluster, by status, as this node sees them").tag("status", status)
          .register(registry);
    }
    Gauge.builder("spindle.cluster.members.unreachable", cluster, members -> members.state().getUnreachable().size())
        .description("Members this node cannot reach").register(registry);
  }

  /** The members of {@code state} whose status is {@code status}. */
  static long count(ClusterEvent.CurrentClusterState state, String status) {
    long count = 0;
    for (Member member : state.getMembers()) {
      if (member.status().toString().toLowerCase(Locale.ROOT).equals(status)) {
        count++;
      }
    }
    return count;
  }
}
