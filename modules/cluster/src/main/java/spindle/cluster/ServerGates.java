package spindle.cluster;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import spindle.engine.HostQueues;
import spindle.engine.ServerGate;

/**
 * The {@link ServerGate}s of one job's run on this node, one per server whose host entities this node holds, shared
 * by those entities (politeness per address or domain). Sharding places every host of a server on one shard, so a
 * server's entities all live on one node and its gate there sees all of its requests (a shard moving after a node
 * died is the one exception: for a moment the old node's requests may still be in flight, as for a host's).
 *
 * <p>The entity factory runs on a shard's thread and needs a gate at once, so gates are system actors started on
 * first use from any thread; they live as long as the run (a small actor per server, whose clock is never lost
 * between its hosts' entities) and are stopped by {@link #stop}. Thread-safe.
 */
final class ServerGates {
  private final ActorSystem<?> system;
  private final HostQueues queues;
  /** Tells this run's gates from an earlier run's of the same job, which may not have stopped yet. */
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Map<String, ActorRef<ServerGate.Command>> gates = new HashMap<>();
  private boolean stopped;
  private long started;

  ServerGates(ActorSystem<?> system, HostQueues queues) {
    this.system = system;
    this.queues = queues;
  }

  /** The gate of {@code server} on this node, started on first use (stopped at once when the run has ended). */
  synchronized ActorRef<ServerGate.Command> of(String server) {
    ActorRef<ServerGate.Command> gate = gates.get(server);
    if (gate != null) {
      return gate;
    }
    gate = system.systemActorOf(Behaviors.supervise(queues.gate(server))
            .onFailure(SupervisorStrategy.restart().withLimit(10, Duration.ofMinutes(1))),
        "server-" + URLEncoder.encode(queues.job(), StandardCharsets.UTF_8) + "-" + run + "-"
            + URLEncoder.encode(server, StandardCharsets.UTF_8) + "-" + (++started), Props.empty());
    if (stopped) { // an entity started as the run ended: it is being stopped too
      gate.tell(ServerGate.Stop.INSTANCE);
    } else {
      gates.put(server, gate);
    }
    return gate;
  }

  /** Stops every gate of the run: it ended on this node. */
  synchronized void stop() {
    stopped = true;
    gates.values().forEach(gate -> gate.tell(ServerGate.Stop.INSTANCE));
    gates.clear();
  }
}
