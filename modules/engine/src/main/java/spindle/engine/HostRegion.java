package spindle.engine;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import spindle.core.HostKey;

/**
 * Routes messages to host queues by host, starting each queue on first use: the single-node counterpart of a
 * Cluster Sharding region, with the same envelope shape, so the engine does not care which one it talks to.
 * Each queue is restarted after a failure (a bug), up to 10 times a minute.
 *
 * <p>At most {@code maxActive} queues run at once, so memory follows that number, not the number of hosts with
 * work. The other hosts wait in arrival order; while any waits, a queue that used up its session (requests or
 * time) retires: it finishes its requests, gives its window back to the frontier, and hands its robots.txt rules
 * and next allowed start to the host's next queue, so a turn never costs a robots.txt request or a politeness
 * delay.
 *
 * <p>With {@code spindle.politeness.key} {@code ip} or {@code domain}, the region learns each host's server
 * ({@link PolitenessKeys}; by address that is a lookup, during which the host's messages wait here) and starts its
 * queues with the server's {@link ServerGate}, shared by the queues of every host of that server. Queues stay per
 * host name: robots.txt, the window of leased URLs and the host's own delay are per host (RFC 9309: robots.txt is
 * per authority); the gate adds the server's delay and concurrency on top.
 *
 * <p>{@link Command} and its public messages are the protocol of every host region, this one or another a
 * {@link HostRegionFactory} builds (a cluster's, whose queues are sharding entities).
 */
public final class HostRegion extends AbstractBehavior<HostRegion.Command> {
  /**
   * Messages a host region handles. Not sealed: a region of another module (a cluster's) takes these and its own.
   */
  public interface Command {}

  /** Delivers {@code message} to the queue of {@code host}, starting it if needed. */
  public record Envelope(HostKey host, HostQueue.Command message) implements Command {}

  /** Delivers {@code message} to every running queue. */
  public record Broadcast(HostQueue.Command message) implements Command {}

  /**
   * The queue of {@code host} asks to be stopped: it is idle (holds nothing, no fetcher reports to it), or it
   * retired to let a waiting host run, handing {@code carry} to the host's next queue.
   */
  public record Passivate(HostKey host, ActorRef<HostQueue.Command> queue, HostQueue.Carry carry, boolean retired)
      implements Command {}

  /** The queue of {@code host} has nothing to do; it is stopped at once if other hosts wait for a place. */
  public record Idle(HostKey host, ActorRef<HostQueue.Command> queue, HostQueue.Carry carry) implements Command {}

  /**
   * The queue of {@code host} used up its session: it retires if other hosts wait, else the region answers
   * {@link HostQueue.Continue}.
   */
  public record SessionSpent(HostKey host, ActorRef<HostQueue.Command> queue) implements Command {}

  /** The queue asked to stop got work before it could: it stays, and messages held for it are delivered. */
  record PassivationCancelled(HostKey host, ActorRef<HostQueue.Command> queue) implements Command {}

  /** Updates the crawl's gauges of host queues running and of hosts waiting for a turn. */
  public enum UpdateMetrics implements Command { INSTANCE }

  /** Replies with the number of host queues running. */
  public record CountHosts(ActorRef<Integer> replyTo) implements Command {}

  /**
   * Replies with the statuses of the running queues among {@code hosts} (all running queues when empty), without
   * starting any; queues that do not answer within {@code timeout} are left out.
   */
  public record Collect(Optional<Set<HostKey>> hosts, Duration timeout, ActorRef<Collected> replyTo)
      implements Command {}

  /** The statuses a {@link Collect} gathered, and how many hosts with work wait for a turn. */
  public record Collected(List<HostQueue.HostStatus> statuses, int waitingHosts) {
    public Collected {
      statuses = List.copyOf(statuses);
    }
  }

  private record QueueStopped(HostKey host) implements Command {}

  /** The politeness key of {@code host} is known: {@code server}. */
  private record ServerResolved(HostKey host, String server) implements Command {}

  private final HostQueue.Dependencies deps;
  private final int maxActive;
  private final Map<HostKey, ActorRef<HostQueue.Command>> queues = new HashMap<>();
  /** Messages for hosts whose queue is stopping, delivered to its successor (or to it, if it stays). */
  private final Map<HostKey, List<HostQueue.Command>> held = new HashMap<>();
  /** What stopping queues hand on, and whether they retired (their host waits for another turn). */
  private final Map<HostKey, Stopping> stopping = new HashMap<>();
  /** What recently stopped queues handed on, for their hosts' next queues; the least recently used go first. */
  private final Map<HostKey, HostQueue.Carry> carried;
  /** Hosts with work and no running queue (all {@code maxActive} places taken), in the order they came. */
  private final LinkedHashMap<HostKey, Optional<HostQueue.Carry>> waiting = new LinkedHashMap<>();
  /** Running queues that said they are idle and got no message since: the first to stop for a waiting host. */
  private final LinkedHashMap<HostKey, HostQueue.Carry> idle = new LinkedHashMap<>();
  private boolean draining;
  private long generation;
  /** What a server is for politeness ({@code spindle.politeness.key}); per host, no gates are used. */
  private final PolitenessKeys keys;
  /** The server of each host seen (by ip or domain): kept for the crawl, so all of a host's queues share one gate. */
  private final Map<HostKey, String> serverOf = new HashMap<>();
  /** Messages for hosts whose server is being resolved (a DNS lookup), delivered once it is known. */
  private final Map<HostKey, List<HostQueue.Command>> resolving = new HashMap<>();
  /** The gate of each server that host queues share. */
  private final Map<String, ActorRef<ServerGate.Command>> gates = new HashMap<>();

  private HostRegion(ActorContext<Command> context, HostQueue.Dependencies deps, int maxActive,
      PolitenessKeys keys) {
    super(context);
    this.deps = deps;
    this.maxActive = maxActive;
    this.keys = keys;
    int remembered = Math.max(64, maxActive * 4);
    this.carried = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<HostKey, HostQueue.Carry> eldest) {
        return size() > remembered;
      }
    };
  }

  private record Stopping(HostQueue.Carry carry, boolean retired) {}

  /** A region of at most {@code maxActive} running queues, which share {@code deps}; politeness per host. */
  static Behavior<Command> create(HostQueue.Dependencies deps, int maxActive) {
    return create(deps, maxActive, PolitenessKeys.eachHost());
  }

  /**
   * A region of at most {@code maxActive} running queues, which share {@code deps}; the queues of hosts that
   * {@code keys} maps to one server share that server's {@link ServerGate}.
   */
  static Behavior<Command> create(HostQueue.Dependencies deps, int maxActive, PolitenessKeys keys) {
    return Behaviors.setup(context -> new HostRegion(context, deps, maxActive, keys));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Envelope.class, this::onEnvelope)
        .onMessage(Broadcast.class, this::onBroadcast)
        .onMessage(CountHosts.class, this::onCountHosts)
        .onMessageEquals(UpdateMetrics.INSTANCE, this::onUpdateMetrics)
        .onMessage(Collect.class, this::onCollect)
        .onMessage(QueueStopped.class, this::onQueueStopped)
        .onMessage(Passivate.class, this::onPassivate)
        .onMessage(SessionSpent.class, this::onSessionSpent)
        .onMessage(Idle.class, this::onIdle)
        .onMessage(PassivationCancelled.class, this::onPassivationCancelled)
        .onMessage(ServerResolved.class, this::onServerResolved)
        .build();
  }

  private Behavior<Command> onEnvelope(Envelope envelope) {
    HostKey host = envelope.host();
    if (!keys.perHost() && !serverOf.containsKey(host) && awaitServer(host, envelope.message())) {
      return this;
    }
    List<HostQueue.Command> stopping = held.get(host);
    ActorRef<HostQueue.Command> queue = queues.get(host);
    if (stopping != null) {
      stopping.add(envelope.message());
    } else if (queue != null) {
      idle.remove(host);
      queue.tell(envelope.message());
    } else if (queues.size() < maxActive && !waiting.containsKey(host)) {
      start(host, Optional.empty()).tell(envelope.message());
    } else {
      // no place: the host waits its turn (the messages that start a queue only say "look at the frontier")
      waiting.putIfAbsent(host, Optional.empty());
      stopIdleForWaiting();
    }
    return this;
  }

  /**
   * Learns the server of a host seen for the first time: at once when no lookup is needed, else holds
   * {@code message} (and the host's next ones) until the lookup ends. Returns whether the message is held.
   */
  private boolean awaitServer(HostKey host, HostQueue.Command message) {
    List<HostQueue.Command> pending = resolving.get(host);
    if (pending != null) {
      pending.add(message);
      return true;
    }
    var known = keys.known(host);
    if (known.isPresent()) {
      serverOf.put(host, known.get());
      return false;
    }
    pending = new ArrayList<>();
    pending.add(message);
    resolving.put(host, pending);
    getContext().pipeToSelf(keys.keyOf(host), (server, failure) ->
        new ServerResolved(host, server != null ? server : host.name()));
    return true;
  }

  private Behavior<Command> onServerResolved(ServerResolved resolved) {
    serverOf.put(resolved.host(), resolved.server());
    getContext().getLog().debug("host server host={} server={}", resolved.host(), resolved.server());
    List<HostQueue.Command> pending = resolving.remove(resolved.host());
    if (pending != null) {
      pending.forEach(message -> onEnvelope(new Envelope(resolved.host(), message)));
    }
    return this;
  }

  private Behavior<Command> onIdle(Idle report) {
    if (report.queue().equals(queues.get(report.host())) && !held.containsKey(report.host())) {
      idle.put(report.host(), report.carry());
      stopIdleForWaiting();
    }
    return this;
  }

  /** Stops idle queues (through the passivation handshake) to make room for waiting hosts. */
  private void stopIdleForWaiting() {
    int places = held.size();
    while (!draining && waiting.size() > places && !idle.isEmpty()) {
      var first = idle.entrySet().iterator().next();
      HostKey host = first.getKey();
      idle.remove(host);
      ActorRef<HostQueue.Command> queue = queues.get(host);
      if (queue != null && !held.containsKey(host)) {
        held.put(host, new ArrayList<>());
        stopping.put(host, new Stopping(first.getValue(), false));
        queue.tell(HostQueue.Stop.INSTANCE);
        places++;
      }
    }
  }

  private Behavior<Command> onBroadcast(Broadcast broadcast) {
    if (broadcast.message() == HostQueue.Drain.INSTANCE) {
      draining = true; // no waiting host starts any more
    }
    queues.values().forEach(queue -> queue.tell(broadcast.message()));
    return this;
  }

  private Behavior<Command> onSessionSpent(SessionSpent spent) {
    if (spent.queue().equals(queues.get(spent.host()))) {
      spent.queue().tell(waiting.isEmpty() ? HostQueue.Continue.INSTANCE : HostQueue.Retire.INSTANCE);
    }
    return this;
  }

  /** Starts waiting hosts while there is room. */
  private void startWaiting() {
    while (!draining && queues.size() < maxActive && !waiting.isEmpty()) {
      var next = waiting.entrySet().iterator().next();
      waiting.remove(next.getKey());
      start(next.getKey(), next.getValue()).tell(HostQueue.WorkAvailable.INSTANCE);
    }
  }

  private Behavior<Command> onUpdateMetrics() {
    deps.metrics().hosts(queues.size(), waiting.size());
    return this;
  }

  private Behavior<Command> onCountHosts(CountHosts count) {
    count.replyTo().tell(queues.size());
    return this;
  }

  private Behavior<Command> onCollect(Collect collect) {
    List<ActorRef<HostQueue.Command>> targets = new ArrayList<>();
    if (collect.hosts().isEmpty()) {
      queues.forEach((host, queue) -> {
        if (!held.containsKey(host)) {
          targets.add(queue);
        }
      });
    } else {
      for (HostKey host : collect.hosts().get()) {
        ActorRef<HostQueue.Command> queue = queues.get(host);
        if (queue != null && !held.containsKey(host)) {
          targets.add(queue);
        }
      }
    }
    getContext().spawnAnonymous(StatusCollector.create(targets.size(), waiting.size(), collect.timeout(),
        collect.replyTo(), statusTo -> targets.forEach(queue -> queue.tell(new HostQueue.GetStatus(statusTo)))));
    return this;
  }

  private Behavior<Command> onPassivate(Passivate passivate) {
    // a handshake, as Cluster Sharding does: hold the host's messages until the queue has stopped, because one
    // sent to it meanwhile may have given it work, in which case it refuses to stop
    if (passivate.queue().equals(queues.get(passivate.host())) && !held.containsKey(passivate.host())) {
      held.put(passivate.host(), new ArrayList<>());
      stopping.put(passivate.host(), new Stopping(passivate.carry(), passivate.retired()));
      passivate.queue().tell(HostQueue.Stop.INSTANCE);
    }
    return this;
  }

  private Behavior<Command> onPassivationCancelled(PassivationCancelled cancelled) {
    stopping.remove(cancelled.host());
    List<HostQueue.Command> waiting = held.remove(cancelled.host());
    if (waiting != null) {
      waiting.forEach(cancelled.queue()::tell);
    }
    return this;
  }

  private Behavior<Command> onQueueStopped(QueueStopped stopped) {
    HostKey host = stopped.host();
    queues.remove(host);
    idle.remove(host);
    Stopping handover = stopping.remove(host);
    List<HostQueue.Command> arrived = held.remove(host);
    if (handover != null && handover.retired()) { // retired for a waiting host: its turn comes after theirs
      waiting.put(host, Optional.of(handover.carry()));
      startWaiting();
      return this;
    }
    if (handover != null) {
      carried.put(host, handover.carry());
    }
    if (arrived != null) { // passivated: a successor gets what arrived meanwhile, if anything did
      if (!arrived.isEmpty()) {
        if (queues.size() < maxActive) {
          ActorRef<HostQueue.Command> successor = start(host, Optional.empty());
          arrived.forEach(successor::tell);
        } else {
          waiting.putIfAbsent(host, Optional.empty());
        }
      }
      startWaiting();
      return this;
    }
    // restarts ran out; the next message for the host starts a fresh queue, which leases the host's URLs again
    getContext().getLog().error("host queue stopped after repeated failures host={}", host);
    getContext().getSelf().tell(new Envelope(host, HostQueue.WorkAvailable.INSTANCE));
    startWaiting();
    return this;
  }

  private ActorRef<HostQueue.Command> start(HostKey host, Optional<HostQueue.Carry> carry) {
    getContext().getLog().debug("host queue starting host={} carried={} running={} waiting={}", host,
        carry.isPresent() || carried.containsKey(host), queues.size(), waiting.size());
    Optional<HostQueue.Carry> from = carry.isPresent() ? carry : Optional.ofNullable(carried.remove(host));
    ActorRef<HostQueue.Command> queue = spawn(host, from);
    queues.put(host, queue);
    return queue;
  }

  private ActorRef<HostQueue.Command> spawn(HostKey host, Optional<HostQueue.Carry> carry) {
    ActorRef<HostQueue.Command> queue = getContext().spawn(
        Behaviors.supervise(HostQueue.create(host, deps, getContext().getSelf(), carry, gateOf(host)))
            .onFailure(SupervisorStrategy.restart().withLimit(10, Duration.ofMinutes(1))),
        "host-" + URLEncoder.encode(host.name(), StandardCharsets.UTF_8) + "-" + (++generation));
    getContext().watchWith(queue, new QueueStopped(host));
    return queue;
  }

  /**
   * The gate of {@code host}'s server, started on first use; none when politeness is per host. Gates live as long
   * as the crawl (one small actor per server), so a server's clock is never lost between its hosts' turns.
   */
  private Optional<ActorRef<ServerGate.Command>> gateOf(HostKey host) {
    if (keys.perHost()) {
      return Optional.empty();
    }
    String server = serverOf.computeIfAbsent(host, unknown -> keys.known(unknown).orElse(unknown.name()));
    return Optional.of(gates.computeIfAbsent(server, key -> getContext().spawn(
        Behaviors.supervise(ServerGate.create(key, deps.broker(), deps.politeness(), deps.nanoTime()))
            .onFailure(SupervisorStrategy.restart().withLimit(10, Duration.ofMinutes(1))),
        "server-" + URLEncoder.encode(key, StandardCharsets.UTF_8))));
  }
}
