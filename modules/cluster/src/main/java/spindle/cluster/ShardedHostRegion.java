package spindle.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 *
 * <p>With politeness per server ({@code spindle.politeness.key} {@code ip} or {@code domain}) a host's entity id
 * carries its server ({@link HostShards#entityId}), which places it: every host of a server lives on one node, whose
 * queues of that server share one gate ({@link ServerGates}). By domain (or for an IP literal) the server is a pure
 * function of the name. By address it takes a DNS lookup, whose answer may differ between nodes (round robin, a TTL
 * expiring), and one host on two shards would be two queues of one host: so the first node to look a host up records
 * its answer in the shared frontier ({@link HostServers}), and every node uses the recorded server,
 * kept here for the crawl. Messages for a host whose server is not known yet wait here until it is.
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

  /** The server of {@code host} is recorded: {@code server}; or it could not be learnt ({@code failure}). */
  private record ServerResolved(HostKey host, String server, Throwable failure) implements HostRegion.Command {}

  /** Tries again to learn the server of {@code host}, after a failure. */
  private record ResolveAgain(HostKey host) implements HostRegion.Command {}

  /** How long to wait before asking the database again for a host's server after a failure. */
  private static final Duration RESOLVE_RETRY = Duration.ofSeconds(1);

  private final HostQueues queues;
  private final ShardedHosts hosts;
  private final ActorRef<ShardingEnvelope<HostQueue.Command>> region;
  private final ActorRef<HostWaker.Command> waker;
  private final HostEntity.Run run;
  private final Map<HostKey, Local> local = new HashMap<>();
  /** The server of each host seen, when politeness is per server: recorded for the crawl, never changed. */
  private final Map<HostKey, String> serverOf = new HashMap<>();
  /** Messages for hosts whose server is being learnt (the database, and maybe a DNS lookup), sent once it is. */
  private final Map<HostKey, List<HostQueue.Command>> resolving = new HashMap<>();
  private final TimerScheduler<HostRegion.Command> timers;
  private final HostServers servers;
  private long finishedAtLastCheck = -1;

  private ShardedHostRegion(ActorContext<HostRegion.Command> context, TimerScheduler<HostRegion.Command> timers,
      HostQueues queues, ShardedHosts hosts) {
    super(context);
    this.queues = queues;
    this.hosts = hosts;
    this.timers = timers;
    this.servers = new HostServers(hosts.frontier(), queues.storeExecutor(), queues::lookUpServer);
    this.run = new HostEntity.Run(queues, new JdbcHostMemory(context.getSystem(), hosts.store()), context.getSelf(),
        new ServerGates(context.getSystem(), queues));
    this.region = HostEntity.initSharding(context.getSystem(), queues.job(), run,
        new HostShards(hosts.numberOfShards(), hosts.shardBy()));
    this.waker = context.spawn(HostWaker.create(context.getSelf(), queues.frontier(), queues.storeExecutor(),
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
        .onMessage(ServerResolved.class, this::onServerResolved)
        .onMessage(ResolveAgain.class, again -> resolve(again.host()))
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<HostRegion.Command> onEnvelope(HostRegion.Envelope envelope) {
    deliver(envelope.host(), envelope.message());
    return this;
  }

  /**
   * Sends {@code message} to the entity of {@code host}, wherever it lives; with politeness per server, once the
   * host's server is known (the message waits here meanwhile).
   */
  private void deliver(HostKey host, HostQueue.Command message) {
    if (!queues.serversShared()) {
      region.tell(new ShardingEnvelope<>(host.name(), message));
      return;
    }
    String server = serverOf.get(host);
    if (server == null) {
      List<HostQueue.Command> pending = resolving.get(host);
      if (pending != null) {
        pending.add(message);
        return;
      }
      var known = queues.knownServer(host);
      if (known.isEmpty()) {
        pending = new ArrayList<>();
        pending.add(message);
        resolving.put(host, pending);
        resolve(host);
        return;
      }
      server = known.get();
      serverOf.put(host, server);
    }
    region.tell(new ShardingEnvelope<>(HostShards.entityId(Optional.of(server), host), message));
  }

  /**
   * Learns the server of {@code host} by address ({@link HostServers}): the database on the store executor, the
   * lookup on a blocking one, never on this actor's thread.
   */
  private Behavior<HostRegion.Command> resolve(HostKey host) {
    getContext().pipeToSelf(servers.serverOf(host), (recorded, failure) ->
        new ServerResolved(host, recorded, failure));
    return this;
  }

  private Behavior<HostRegion.Command> onServerResolved(ServerResolved resolved) {
    if (resolved.failure() != null) {
      // never a guess: a server another node recorded otherwise would put the host on two shards
      getContext().getLog().warn("could not learn the server of host={}, trying again in {}: {}", resolved.host(),
          RESOLVE_RETRY, resolved.failure().toString());
      timers.startSingleTimer(new ResolveAgain(resolved.host()), RESOLVE_RETRY);
      return this;
    }
    serverOf.put(resolved.host(), resolved.server());
    getContext().getLog().debug("host server host={} server={}", resolved.host(), resolved.server());
    List<HostQueue.Command> pending = resolving.remove(resolved.host());
    if (pending != null) {
      pending.forEach(message -> deliver(resolved.host(), message));
    }
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
    } else { // named hosts: wherever they live, sent through this region (it knows their entity ids)
      List<HostKey> named = List.copyOf(collect.hosts().get());
      ActorRef<HostRegion.Command> self = getContext().getSelf();
      getContext().spawnAnonymous(HostQueues.statusCollector(collect, named.size(),
          statusTo -> named.forEach(host ->
              self.tell(new HostRegion.Envelope(host, new HostQueue.GetStatus(statusTo))))));
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
