package spindle.engine;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 */
final class HostRegion extends AbstractBehavior<HostRegion.Command> {
  /** Messages the region handles. */
  sealed interface Command {}

  /** Delivers {@code message} to the queue of {@code host}, starting it if needed. */
  record Envelope(HostKey host, HostQueue.Command message) implements Command {}

  /** Delivers {@code message} to every running queue. */
  record Broadcast(HostQueue.Command message) implements Command {}

  /** The idle queue of {@code host} asks to be stopped (it holds nothing, and no fetcher reports to it). */
  record Passivate(HostKey host, ActorRef<HostQueue.Command> queue) implements Command {}

  /** The queue asked to stop got work before it could: it stays, and messages held for it are delivered. */
  record PassivationCancelled(HostKey host, ActorRef<HostQueue.Command> queue) implements Command {}

  /** Replies with the number of host queues running. */
  record CountHosts(ActorRef<Integer> replyTo) implements Command {}

  private record QueueStopped(HostKey host) implements Command {}

  private final HostQueue.Dependencies deps;
  private final Map<HostKey, ActorRef<HostQueue.Command>> queues = new HashMap<>();
  /** Messages for hosts whose queue is stopping, delivered to its successor (or to it, if it stays). */
  private final Map<HostKey, List<HostQueue.Command>> held = new HashMap<>();
  private long generation;

  private HostRegion(ActorContext<Command> context, HostQueue.Dependencies deps) {
    super(context);
    this.deps = deps;
  }

  /** A region whose queues share {@code deps}. */
  static Behavior<Command> create(HostQueue.Dependencies deps) {
    return Behaviors.setup(context -> new HostRegion(context, deps));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Envelope.class, this::onEnvelope)
        .onMessage(Broadcast.class, this::onBroadcast)
        .onMessage(CountHosts.class, this::onCountHosts)
        .onMessage(QueueStopped.class, this::onQueueStopped)
        .onMessage(Passivate.class, this::onPassivate)
        .onMessage(PassivationCancelled.class, this::onPassivationCancelled)
        .build();
  }

  private Behavior<Command> onEnvelope(Envelope envelope) {
    List<HostQueue.Command> waiting = held.get(envelope.host());
    if (waiting != null) {
      waiting.add(envelope.message());
    } else {
      queues.computeIfAbsent(envelope.host(), this::spawn).tell(envelope.message());
    }
    return this;
  }

  private Behavior<Command> onBroadcast(Broadcast broadcast) {
    queues.values().forEach(queue -> queue.tell(broadcast.message()));
    return this;
  }

  private Behavior<Command> onCountHosts(CountHosts count) {
    count.replyTo().tell(queues.size());
    return this;
  }

  private Behavior<Command> onPassivate(Passivate passivate) {
    // a handshake, as Cluster Sharding does: hold the host's messages until the queue has stopped, because one
    // sent to it meanwhile may have given it work, in which case it refuses to stop
    if (queues.get(passivate.host()) == passivate.queue() && !held.containsKey(passivate.host())) {
      held.put(passivate.host(), new ArrayList<>());
      passivate.queue().tell(HostQueue.Stop.INSTANCE);
    }
    return this;
  }

  private Behavior<Command> onPassivationCancelled(PassivationCancelled cancelled) {
    List<HostQueue.Command> waiting = held.remove(cancelled.host());
    if (waiting != null) {
      waiting.forEach(cancelled.queue()::tell);
    }
    return this;
  }

  private Behavior<Command> onQueueStopped(QueueStopped stopped) {
    queues.remove(stopped.host());
    List<HostQueue.Command> waiting = held.remove(stopped.host());
    if (waiting != null) { // passivated: a successor gets what arrived meanwhile, if anything did
      if (!waiting.isEmpty()) {
        ActorRef<HostQueue.Command> successor = spawn(stopped.host());
        queues.put(stopped.host(), successor);
        waiting.forEach(successor::tell);
      }
      return this;
    }
    // restarts ran out; the next message for the host starts a fresh queue, which leases the host's URLs again
    getContext().getLog().error("host queue stopped after repeated failures host={}", stopped.host());
    getContext().getSelf().tell(new Envelope(stopped.host(), HostQueue.WorkAvailable.INSTANCE));
    return this;
  }

  private ActorRef<HostQueue.Command> spawn(HostKey host) {
    ActorRef<HostQueue.Command> queue = getContext().spawn(
        Behaviors.supervise(HostQueue.create(host, deps, getContext().getSelf()))
            .onFailure(SupervisorStrategy.restart().withLimit(10, Duration.ofMinutes(1))),
        "host-" + URLEncoder.encode(host.name(), StandardCharsets.UTF_8) + "-" + (++generation));
    getContext().watchWith(queue, new QueueStopped(host));
    return queue;
  }
}
