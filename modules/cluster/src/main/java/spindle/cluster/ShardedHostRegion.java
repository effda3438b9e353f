package spindle.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import spindle.core.HostKey;
import spindle.engine.HostQueue;
import spindle.engine.HostQueues;
import spindle.engine.HostRegion;

/**
 * The cluster counterpart of the engine's {@link HostRegion}: it takes the same messages, but each host's queue is a
 * Cluster Sharding entity ({@link HostEntity}), so it runs on exactly one node of the cluster at a time, wherever
 * sharding placed it. A message for a host goes to its entity on whichever node; a broadcast reaches the entities on
 * this node. Fetchers pull work from the broker of their own node, to which the entities this node hosts offer it.
 *
 * <p>It also recovers the work of nodes that died: when a member is removed from the cluster (downed by the
 * split-brain resolver after a crash), the URLs that member's process had leased go back to their queues in the
 * shared frontier, and every host with queued work is told so by its {@link HostWaker} until the host's entity
 * answers, wherever sharding starts it: a message that reaches the dead node's region before sharding has moved its
 * shards is sent again, so the hosts whose entity lived on the dead node always start again on the others. A
 * process silent for {@code silentOwnerTimeout} (a whole cluster restarted after a crash) has its leases requeued
 * the same way; and when no URL was finished over a whole {@code silentOwnerTimeout / 3} while URLs are queued,
 * every host with work is woken too: a crawl never waits for ever on a message that was lost.
 */
final class ShardedHostRegion extends AbstractBehavior<HostRegion.Command> {
  /** An entity of this job started on this node. */
  record Registered(HostKey host, ActorRef<HostQueue.Command> entity, ActorRef<ClusterSharding.ShardCommand> shard)
      implements HostRegion.Command {}

  private record EntityStopped(HostKey host, ActorRef<HostQueue.Command> entity) implements HostRegion.Command {}

  private record MemberRemoved(ClusterEvent.MemberRemoved event) implements HostRegion.Command {}

  private enum CheckSilentOwners implements HostRegion.Command { INSTANCE }

  /** Leases of {@code from} went back to their queues; {@code memberRemoved}: from a removed member's process. */
  private record LeasesRecovered(String from, boolean memberRemoved, List<HostKey> hosts, Throwable failure)
      implements HostRegion.Command {}

  private record Local(ActorRef<HostQueue.Command> entity, ActorRef<ClusterSharding.ShardCommand> shard) {}

  private final HostQueues queues;
  private final ShardedHosts hosts;
  private final ActorRef<ShardingEnvelope<HostQueue.Command>> region;
  private final ActorRef<HostWaker.Command> waker;
  private final HostEntity.Run run;
  private final Map<HostKey, Local> local = new HashMap<>();
  private long finishedAtLastCheck = -1;

  private ShardedHostRegion(ActorContext<HostRegion.Command> context, TimerScheduler<HostRegion.Command> timers,
      HostQueues queues, ShardedHosts hosts) {
    super(context);
    this.queues = queues;
    this.hosts = hosts;
    this.run = new HostEntity.Run(queues, new JdbcHostMemory(context.getSystem(), hosts.store()), context.getSelf());
    this.region = HostEntity.initSharding(context.getSystem(), queues.job(), run,
        new HostShards(hosts.numberOfShards(), hosts.shardBy()));
    this.waker = context.spawn(HostWaker.create(region, queues.frontier(), queues.storeExecutor(),
        ShardedHosts.WAKE_RETRY), "waker");
    Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(
        context.messageAdapter(ClusterEvent.MemberRemoved.class, MemberRemoved::new), ClusterEvent.MemberRemoved.class));
    Duration every = hosts.silentOwnerTimeout().dividedBy(3);
    timers.startTimerWithFixedDelay(CheckSilentOwners.INSTANCE, every.compareTo(Duration.ofSeconds(1)) < 0
        ? Duration.ofSeconds(1) : every);
  }

  /** The hosts of {@code queues}' job as sharding entities, as {@code hosts} says. */
  static Behavior<HostRegion.Command> create(HostQueues queues, ShardedHosts hosts) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new ShardedHostRegion(context, timers, queues, hosts)));
  }

  @Override
  public Receive<HostRegion.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(HostRegion.Envelope.class, this::onEnvelope)
        .onMessage(HostRegion.Broadcast.class, this::onBroadcast)
        .onMessage(Registered.class, this::onRegistered)
        .onMessage(EntityStopped.class, this::onEntityStopped)
        .onMessage(HostRegion.Passivate.class, this::onPassivate)
        .onMessage(HostRegion.Idle.class, idle -> this)
        .onMessage(HostRegion.SessionSpent.class, this::onSessionSpent)
        .onMessage(HostRegion.CountHosts.class, this::onCountHosts)
        .onMessageEquals(HostRegion.UpdateMetrics.INSTANCE, this::onUpdateMetrics)
        .onMessage(HostRegion.Collect.class, this::onCollect)
        .onMessage(MemberRemoved.class, this::onMemberRemoved)
        .onMessageEquals(CheckSilentOwners.INSTANCE, this::onCheckSilentOwners)
        .onMessage(LeasesRecovered.class, this::onLeasesRecovered)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<HostRegion.Command> onEnvelope(HostRegion.Envelope envelope) {
    region.tell(new ShardingEnvelope<>(envelope.host().name(), envelope.message()));
    return this;
  }

  private Behavior<HostRegion.Command> onBroadcast(HostRegion.Broadcast broadcast) {
    local.values().forEach(entity -> entity.entity().tell(broadcast.message()));
    return this;
  }

  private Behavior<HostRegion.Command> onRegistered(Registered registered) {
    local.put(registered.host(), new Local(registered.entity(), registered.shard()));
    getContext().watchWith(registered.entity(), new EntityStopped(registered.host(), registered.entity()));
    return this;
  }

  private Behavior<HostRegion.Command> onEntityStopped(EntityStopped stopped) {
    Local entry = local.get(stopped.host());
    if (entry != null && entry.entity().equals(stopped.entity())) {
      local.remove(stopped.host());
    }
    return this;
  }

  private Behavior<HostRegion.Command> onPassivate(HostRegion.Passivate passivate) {
    Local entry = local.get(passivate.host());
    if (entry != null && entry.entity().equals(passivate.queue())) {
      entry.shard().tell(new ClusterSharding.Passivate<>(passivate.queue())); // sharding answers with Stop
    }
    return this;
  }

  private Behavior<HostRegion.Command> onSessionSpent(HostRegion.SessionSpent spent) {
    // sharding has no waiting hosts: an entity runs as long as its host has work
    spent.queue().tell(HostQueue.Continue.INSTANCE);
    return this;
  }

  private Behavior<HostRegion.Command> onUpdateMetrics() {
    queues.running(local.size()); // the entities on this node
    return this;
  }

  private Behavior<HostRegion.Command> onCountHosts(HostRegion.CountHosts count) {
    count.replyTo().tell(local.size());
    return this;
  }

  private Behavior<HostRegion.Command> onCollect(HostRegion.Collect collect) {
    if (collect.hosts().isEmpty()) { // the entities on this node
      List<ActorRef<HostQueue.Command>> targets = new ArrayList<>();
      local.values().forEach(entry -> targets.add(entry.entity()));
      getContext().spawnAnonymous(HostQueues.statusCollector(collect, targets.size(),
          statusTo -> targets.forEach(entity -> entity.tell(new HostQueue.GetStatus(statusTo)))));
    } else { // named hosts: wherever they live
      List<HostKey> named = List.copyOf(collect.hosts().get());
      ActorRef<ShardingEnvelope<HostQueue.Command>> shards = region;
      getContext().spawnAnonymous(HostQueues.statusCollector(collect, named.size(),
          statusTo -> named.forEach(host ->
              shards.tell(new ShardingEnvelope<>(host.name(), new HostQueue.GetStatus(statusTo))))));
    }
    return this;
  }

  private Behavior<HostRegion.Command> onMemberRemoved(MemberRemoved removed) {
    String owner = ShardedHosts.ownerOf(removed.event().member().uniqueAddress());
    getContext().getLog().info("member removed job={} member={}: requeueing its leases", queues.job(),
        removed.event().member().address());
    recover(owner, true, () -> hosts.frontier().requeueLeasesOf(owner));
    return this;
  }

  private Behavior<HostRegion.Command> onCheckSilentOwners() {
    recover("silent processes", false,
        () -> hosts.frontier().requeueLeasesOfSilentOwners(hosts.silentOwnerTimeout()));
    var counts = queues.frontier().counts();
    if (counts.queued() > 0 && counts.finished() == finishedAtLastCheck) {
      getContext().getLog().info("no URL finished since the last check while {} are queued job={}: waking every "
          + "host with work", counts.queued(), queues.job());
      waker.tell(new HostWaker.WakeAll("a stall"));
    }
    finishedAtLastCheck = counts.finished();
    return this;
  }

  private void recover(String from, boolean memberRemoved, Supplier<List<HostKey>> requeue) {
    getContext().pipeToSelf(CompletableFuture.supplyAsync(requeue, queues.storeExecutor()),
        (requeued, failure) -> new LeasesRecovered(from, memberRemoved, requeued == null ? List.of() : requeued,
            failure));
  }

  private Behavior<HostRegion.Command> onLeasesRecovered(LeasesRecovered recovered) {
    if (recovered.failure() != null) {
      getContext().getLog().error("could not requeue the leases of {} job={}", recovered.from(), queues.job(),
          recovered.failure());
      return this;
    }
    if (recovered.hosts().isEmpty() && !recovered.memberRemoved()) {
      return this; // the periodic check found nobody silent
    }
    getContext().getLog().info("leases requeued job={} from={} hosts={}", queues.job(), recovered.from(),
        recovered.hosts().size());
    // every host with queued work, not only those: a dead node also took with it the entities of hosts that had
    // queued URLs but nothing leased, and any "work available" message in flight to it
    waker.tell(new HostWaker.WakeAll(recovered.memberRemoved() ? "a removed member" : "silent processes"));
    return this;
  }

  private Behavior<HostRegion.Command> onPostStop() {
    HostEntity.end(getContext().getSystem(), queues.job(), run);
    return this;
  }
}
