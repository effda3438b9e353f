package spindle.cluster;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import spindle.core.HostKey;
import spindle.engine.HostMemory;
import spindle.engine.HostQueue;
import spindle.engine.HostQueues;
import spindle.engine.HostRegion;
import spindle.engine.ServerGate;

/**
 * A host's queue as a Cluster Sharding entity: one entity type per job ({@code hosts-<job>}), whose entities are the
 * engine's host queues ({@link HostQueues#entity}) keyed by host, so each host has one queue in the whole cluster.
 * With politeness per server the entity id also carries the host's server ({@link HostShards#entityId}), which
 * places it, and the entity's requests go through this node's gate of that server ({@link ServerGates}).
 * Sharding keeps one region per type for the life of the actor system, while a job may run, end and run again on a
 * node; so the entity factory looks up the job's current run on this node when it starts an entity. A message for a
 * job that does not run on this node (it ended here, or has not started yet) meets an entity that asks to be
 * passivated at once.
 */
final class HostEntity {
  private HostEntity() {}

  /**
   * What the entities of one job's run on this node share: its queues, the hosts' memory, the job's region, and the
   * gates of the servers whose hosts live here (used when {@link HostQueues#serversShared()}).
   */
  record Run(HostQueues queues, HostMemory memory, ActorRef<HostRegion.Command> region, ServerGates gates) {}

  /** The sharding entity type of {@code job}'s hosts. */
  static EntityTypeKey<HostQueue.Command> typeKey(String job) {
    return EntityTypeKey.create(HostQueue.Command.class, "hosts-" + job);
  }

  /**
   * Makes {@code run} the job's run on this node, and returns the job's shard region, which sharding starts on first
   * use: its entities are stopped with {@link HostQueue.Stop} and placed by {@code shards}.
   */
  static ActorRef<ShardingEnvelope<HostQueue.Command>> initSharding(ActorSystem<?> system, String job, Run run,
      HostShards shards) {
    return system.registerExtension(Runs.ID).start(job, run, shards);
  }

  /**
   * Forgets {@code run} if it is still the job's run on this node: new entities of the job passivate at once; and
   * stops the run's server gates.
   */
  static void end(ActorSystem<?> system, String job, Run run) {
    system.registerExtension(Runs.ID).runs.remove(job, run);
    run.gates().stop();
  }

  /** The runs of this node's jobs, and the shard region of each job, for the life of the actor system. */
  private static final class Runs implements Extension {
    static final ExtensionId<Runs> ID = new ExtensionId<>() {
      @Override
      public Runs createExtension(ActorSystem<?> system) {
        return new Runs(system);
      }
    };

    private final ActorSystem<?> system;
    private final ConcurrentHashMap<String, Run> runs = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ActorRef<ShardingEnvelope<HostQueue.Command>>> regions =
        new ConcurrentHashMap<>();

    private Runs(ActorSystem<?> system) {
      this.system = system;
    }

    ActorRef<ShardingEnvelope<HostQueue.Command>> start(String job, Run run, HostShards shards) {
      runs.put(job, run);
      return regions.computeIfAbsent(job, name -> ClusterSharding.get(system).init(
          Entity.of(typeKey(name), entity -> entity(name, entity.getEntityId(), entity.getShard()))
              .withStopMessage(HostQueue.Stop.INSTANCE)
              .withMessageExtractor(shards)));
    }

    private Behavior<HostQueue.Command> entity(String job, String entityId,
        ActorRef<ClusterSharding.ShardCommand> shard) {
      HostKey host = HostShards.host(entityId);
      Optional<String> server = HostShards.server(entityId);
      return Behaviors.setup(context -> {
        Run run = runs.get(job);
        if (run == null) {
          shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
          return Behaviors.receiveMessage(message -> message == HostQueue.Stop.INSTANCE ? Behaviors.stopped()
              : Behaviors.same());
        }
        run.region().tell(new ShardedHostRegion.Registered(host, context.getSelf(), shard));
        Optional<ActorRef<ServerGate.Command>> gate = server.map(run.gates()::of);
        return Behaviors.supervise(run.queues().entity(host, run.memory(), run.region(), gate))
            .onFailure(SupervisorStrategy.restart().withLimit(10, Duration.ofMinutes(1)));
      });
    }
  }
}
