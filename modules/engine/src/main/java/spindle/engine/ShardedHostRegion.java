package spindle.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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

/**
 * The cluster counterpart of {@link HostRegion}: it takes the same messages, but each host's queue is a Cluster
 * Sharding entity, so it runs on exactly one node of the cluster at a time, wherever sharding placed it. A message
 * for a host goes to its entity on whichever node; a broadcast reaches the entities on this node. Fetchers pull
 * work from the broker of their own node, to which the entities this node hosts offer it.
 *
 * <p>It also recovers the work of nodes that died: when a member is removed from the cluster (downed by the
 * split-brain resolver after a crash), the URLs that member had leased go back to their queues in the shared
 * frontier, and every host with queued work is woken, so the hosts whose entity lived on the dead node start
 * again on the others. A process silent for {@code silentOwnerTimeout} (a whole cluster restarted after a crash)
 * has its leases requeued the same way.
 *
 * <p>A wake sent right after the removal can still reach the dead node's region (sharding has not moved its shards
 * yet, or a rebalance it took part in is waiting for its hand-off timeout), so every host with work is woken again
 * {@link #REWAKES} after a removal. And when no URL was finished over a whole {@code silentOwnerTimeout / 3} while
 * URLs are queued, every host with work is woken too: a crawl never waits for ever on a message that was lost.
 */
final class ShardedHostRegion extends AbstractBehavior<HostRegion.Command> {
  /** An entity of this job started on this node. */
  record Registered(HostKey host, ActorRef<HostQueue.Command> entity, ActorRef<ClusterSharding.ShardCommand> shard)
      implements HostRegion.Command {}

  private record EntityStopped(HostKey host, ActorRef<HostQueue.Command> entity) implements HostRegion.Command {}

  private record MemberRemoved(ClusterEvent.MemberRemoved event) implements HostRegion.Command {}

  private enum CheckSilentOwners implements HostRegion.Command { INSTANCE }

  /** Wakes every host with queued work (after a removal, and when the crawl stalls). */
  private record WakeAll(String why) implements HostRegion.Command {}

  /** When hosts are woken again after a member was removed. */
  static final List<Duration> REWAKES = List.of(Duration.ofSeconds(5), Duration.ofSeconds(20),
      Duration.ofSeconds(70));

  /** Leases of {@code from} went back to their queues; {@code memberRemoved}: from a removed member's process. */
  private record LeasesRecovered(String from, boolean memberRemoved, List<HostKey> hosts, Throwable failure)
      implements HostRegion.Command {}

  private record Local(ActorRef<HostQueue.Command> entity, ActorRef<ClusterSharding.ShardCommand> shard) {}

  private final String job;
  private final HostQueue.Dependencies deps;
  private final ClusterHosts cluster;
  private final ActorRef<ShardingEnvelope<HostQueue.Command>> region;
  private final HostEntities.Run run;
  private final Map<HostKey, Local> local = new HashMap<>();
  private final TimerScheduler<HostRegion.Command> timers;
  private long finishedAtLastCheck = -1;
  private long removals;

  private ShardedHostRegion(ActorContext<HostRegion.Command> context, TimerScheduler<HostRegion.Command> timers,
      String job, HostQueue.Dependencies deps, ClusterHosts cluster) {
    super(context);
    this.timers = timers;
    this.job = job;
    this.deps = deps;
    this.cluster = cluster;
    this.run = new HostEntities.Run(deps, context.getSelf());
    this.region = HostEntities.get(context.getSystem()).start(job, run, cluster);
    Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(
        context.messageAdapter(ClusterEvent.MemberRemoved.class, MemberRemoved::new), ClusterEvent.MemberRemoved.class));
    Duration every = cluster.silentOwnerTimeout().dividedBy(3);
    timers.startTimerWithFixedDelay(CheckSilentOwners.INSTANCE, every.compareTo(Duration.ofSeconds(1)) < 0
        ? Duration.ofSeconds(1) : every);
  }

  /** The hosts of {@code job} as sharding entities; their queues share {@code deps}, which must carry a memory. */
  static Behavior<HostRegion.Command> create(String job, HostQueue.Dependencies deps, ClusterHosts cluster) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new ShardedHostRegion(context, timers, job, deps, cluster)));
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
        .onMessage(WakeAll.class, wake -> {
          wakeAll(wake.why());
          return this;
        })
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
    deps.metrics().hosts(local.size(), 0); // the entities on this node; sharding has no waiting hosts
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
      getContext().spawnAnonymous(StatusCollector.create(targets.size(), 0, collect.timeout(), collect.replyTo(),
          statusTo -> targets.forEach(entity -> entity.tell(new HostQueue.GetStatus(statusTo)))));
    } else { // named hosts: wherever they live
      List<HostKey> hosts = List.copyOf(collect.hosts().get());
      ActorRef<ShardingEnvelope<HostQueue.Command>> shards = region;
      getContext().spawnAnonymous(StatusCollector.create(hosts.size(), 0, collect.timeout(), collect.replyTo(),
          statusTo -> hosts.forEach(host ->
              shards.tell(new ShardingEnvelope<>(host.name(), new HostQueue.GetStatus(statusTo))))));
    }
    return this;
  }

  private Behavior<HostRegion.Command> onMemberRemoved(MemberRemoved removed) {
    String owner = ClusterHosts.ownerOf(removed.event().member().uniqueAddress());
    getContext().getLog().info("member removed job={} member={}: requeueing its leases", job,
        removed.event().member().address());
    recover(owner, true, () -> cluster.leases().requeueLeasesOf(owner));
    return this;
  }

  private Behavior<HostRegion.Command> onCheckSilentOwners() {
    recover("silent processes", false,
        () -> cluster.leases().requeueLeasesOfSilentOwners(cluster.silentOwnerTimeout()));
    var counts = deps.frontier().counts();
    if (counts.queued() > 0 && counts.finished() == finishedAtLastCheck) {
      getContext().getLog().info("no URL finished since the last check while {} are queued job={}: waking every "
          + "host with work", counts.queued(), job);
      wakeAll("a stall");
    }
    finishedAtLastCheck = counts.finished();
    return this;
  }

  private void recover(String from, boolean memberRemoved, java.util.function.Supplier<List<HostKey>> requeue) {
    getContext().pipeToSelf(CompletableFuture.supplyAsync(requeue, deps.storeExecutor()),
        (hosts, failure) -> new LeasesRecovered(from, memberRemoved, hosts == null ? List.of() : hosts, failure));
  }

  private Behavior<HostRegion.Command> onLeasesRecovered(LeasesRecovered recovered) {
    if (recovered.failure() != null) {
      getContext().getLog().error("could not requeue the leases of {} job={}", recovered.from(), job,
          recovered.failure());
      return this;
    }
    if (recovered.hosts().isEmpty() && !recovered.memberRemoved()) {
      return this; // the periodic check found nobody silent
    }
    getContext().getLog().info("leases requeued job={} from={} hosts={}; waking every host with work", job,
        recovered.from(), recovered.hosts().size());
    // every host with queued work, not only those: a dead node also took with it the entities of hosts that had
    // queued URLs but nothing leased, and any "work available" message in flight to it
    wakeAll("a removed member");
    if (recovered.memberRemoved()) { // again, once sharding has surely moved the removed member's shards
      removals++;
      for (int i = 0; i < REWAKES.size(); i++) {
        timers.startSingleTimer("rewake-" + removals + "-" + i, new WakeAll("a removed member, again"),
            REWAKES.get(i));
      }
    }
    return this;
  }

  /** Tells every host with queued work that it has work (off the actor: it reads the frontier). */
  private void wakeAll(String why) {
    getContext().getLog().debug("waking every host with work job={} after {}", job, why);
    var frontier = deps.frontier();
    ActorRef<ShardingEnvelope<HostQueue.Command>> hosts = region;
    CompletableFuture.runAsync(() -> frontier.forEachHostWithWork(host ->
        hosts.tell(new ShardingEnvelope<>(host.name(), HostQueue.WorkAvailable.INSTANCE))), deps.storeExecutor());
  }

  private Behavior<HostRegion.Command> onPostStop() {
    HostEntities.get(getContext().getSystem()).end(job, run);
    return this;
  }
}
