package spindle.engine;

import crawlercommons.domains.EffectiveTldFinder;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import spindle.core.HostKey;

/**
 * The host entities of this node, per crawl: one Cluster Sharding entity type per job ({@code hosts-<job>}), whose
 * entities are {@link HostQueue}s keyed by host. Sharding keeps one region per type for the life of the actor
 * system, while a job may run, end and run again on a node; so the entity factory looks up the job's current run
 * here when it starts an entity. A message for a job that does not run on this node (it ended here, or has not
 * started yet) meets an entity that asks to be passivated at once.
 */
final class HostEntities implements Extension {
  private static final ExtensionId<HostEntities> ID = new ExtensionId<>() {
    @Override
    public HostEntities createExtension(ActorSystem<?> system) {
      return new HostEntities(system);
    }
  };

  /** What the entities of one job's run on this node share. */
  record Run(HostQueue.Dependencies deps, ActorRef<HostRegion.Command> region) {}

  private final ActorSystem<?> system;
  private final ConcurrentHashMap<String, Run> runs = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ActorRef<ShardingEnvelope<HostQueue.Command>>> regions =
      new ConcurrentHashMap<>();

  private HostEntities(ActorSystem<?> system) {
    this.system = system;
  }

  static HostEntities get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /** The sharding entity type of {@code job}'s hosts. */
  static EntityTypeKey<HostQueue.Command> typeKey(String job) {
    return EntityTypeKey.create(HostQueue.Command.class, "hosts-" + job);
  }

  /** Makes {@code run} the job's run on this node and returns the job's shard region (started on first use). */
  ActorRef<ShardingEnvelope<HostQueue.Command>> start(String job, Run run, ClusterHosts cluster) {
    runs.put(job, run);
    return regions.computeIfAbsent(job, name -> ClusterSharding.get(system).init(
        Entity.of(typeKey(name), entity -> entity(name, HostKey.parse(entity.getEntityId()), entity.getShard()))
            .withStopMessage(HostQueue.Stop.INSTANCE)
            .withMessageExtractor(new HostShards(cluster.numberOfShards(), cluster.shardBy()))));
  }

  /** Forgets {@code run} if it is still the job's run: new entities of the job passivate at once. */
  void end(String job, Run run) {
    runs.remove(job, run);
  }

  private Behavior<HostQueue.Command> entity(String job, HostKey host,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(context -> {
      Run run = runs.get(job);
      if (run == null) {
        shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
        return Behaviors.receiveMessage(message -> message == HostQueue.Stop.INSTANCE ? Behaviors.stopped()
            : Behaviors.same());
      }
      run.region().tell(new ShardedHostRegion.Registered(host, context.getSelf(), shard));
      return Behaviors.supervise(HostQueue.create(host, run.deps(), run.region()))
          .onFailure(SupervisorStrategy.restart().withLimit(10, Duration.ofMinutes(1)));
    });
  }

  /**
   * Places hosts on shards: by the host's name, or by its registrable domain so that every host of a domain lives
   * on one node. The entity is always the host: politeness is per host either way.
   */
  static final class HostShards extends ShardingMessageExtractor<ShardingEnvelope<HostQueue.Command>,
      HostQueue.Command> {
    private final int shards;
    private final ClusterHosts.ShardBy shardBy;

    HostShards(int shards, ClusterHosts.ShardBy shardBy) {
      this.shards = shards;
      this.shardBy = shardBy;
    }

    @Override
    public String entityId(ShardingEnvelope<HostQueue.Command> envelope) {
      return envelope.entityId();
    }

    @Override
    public String shardId(String entityId) {
      return Integer.toString(Math.floorMod(placement(entityId).hashCode(), shards));
    }

    @Override
    public HostQueue.Command unwrapMessage(ShardingEnvelope<HostQueue.Command> envelope) {
      return envelope.message();
    }

    /** What decides the shard of a host. */
    String placement(String entityId) {
      if (shardBy == ClusterHosts.ShardBy.HOST) {
        return entityId;
      }
      String hostname = HostKey.parse(entityId).hostname();
      String domain = EffectiveTldFinder.getAssignedDomain(hostname, true, false);
      return domain == null ? hostname : domain;
    }
  }
}
