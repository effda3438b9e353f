package spindle.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import spindle.engine.ClusterMessage;
import spindle.engine.jobs.JobControl;
import spindle.engine.jobs.JobSnapshot;

/**
 * Answers, for {@code GET /api/cluster} on any node, what this node holds: the host entities it runs (over every
 * job) and its fetches in flight. Registered with the receptionist, so every node finds every other.
 */
final class NodeReporter {
  static final ServiceKey<Report> KEY = ServiceKey.create(Report.class, "spindle-node-reporter");

  /** Asks a node what it holds. */
  record Report(ActorRef<NodeReport> replyTo) implements ClusterMessage {}

  /** What a node holds: host entities and fetches in flight, over its active jobs. */
  record NodeReport(String address, String node, int hosts, int fetchesInFlight, List<String> jobs)
      implements ClusterMessage {}

  private NodeReporter() {}

  /** The reporter of this node, {@code node}, whose jobs are {@code jobs}; it asks sharding with {@code timeout}. */
  static Behavior<Report> create(String node, JobControl jobs, Duration timeout) {
    return Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
      ActorSystem<?> system = context.getSystem();
      String address = Cluster.get(system).selfMember().address().toString();
      return Behaviors.receiveMessage(report -> {
        jobs.jobs().thenCompose(listed -> {
          List<String> active = new ArrayList<>();
          int inFlight = 0;
          for (JobSnapshot job : listed) {
            if (job.active()) {
              active.add(job.name());
              inFlight += job.fetchesInFlight();
            }
          }
          int fetches = inFlight;
          List<CompletableFuture<Integer>> counts = new ArrayList<>();
          for (String job : active) {
            CompletionStage<org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState> state =
                AskPattern.ask(ClusterSharding.get(system).shardState(),
                    replyTo -> new GetShardRegionState(HostEntity.typeKey(job), replyTo), timeout,
                    system.scheduler());
            counts.add(state.thenApply(NodeReporter::entities).toCompletableFuture().exceptionally(failure -> 0));
          }
          return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            int hosts = counts.stream().mapToInt(CompletableFuture::join).sum();
            return new NodeReport(address, node, hosts, fetches, active);
          });
        }).whenComplete((answer, failure) -> report.replyTo().tell(answer != null ? answer
            : new NodeReport(address, node, -1, -1, List.of())));
        return Behaviors.same();
      });
    });
  }

  private static int entities(org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState state) {
    int total = 0;
    for (var shard : state.getShards()) {
      total += shard.getEntityIds().size();
    }
    return total;
  }
}
