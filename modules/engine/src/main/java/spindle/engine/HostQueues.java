package spindle.engine;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import spindle.core.HostKey;
import spindle.store.Frontier;

/**
 * What the host queues of one crawl share, as a {@link HostRegionFactory} sees it: the crawl's name and frontier,
 * what a server is for politeness ({@code spindle.politeness.key}), and the queues and server gates themselves,
 * built on demand. Made by the crawl's supervisor.
 */
public final class HostQueues {
  private final String job;
  private final HostQueue.Dependencies deps;
  private final PolitenessKeys keys;

  HostQueues(String job, HostQueue.Dependencies deps, PolitenessKeys keys) {
    this.job = job;
    this.deps = deps;
    this.keys = keys;
  }

  /** Queues of one crawl whose hosts are each a server of their own. */
  HostQueues(String job, HostQueue.Dependencies deps) {
    this(job, deps, PolitenessKeys.eachHost());
  }

  /** The crawl's job name. */
  public String job() {
    return job;
  }

  /** The crawl's frontier. */
  public Frontier frontier() {
    return deps.frontier();
  }

  /** Where the crawl runs its frontier's blocking calls. */
  public Executor storeExecutor() {
    return deps.storeExecutor();
  }

  /**
   * Whether host queues share {@link ServerGate}s: {@code spindle.politeness.key} is {@code ip} or {@code domain},
   * so several host names may be one server. When not, each host is its own server and no gate is used.
   */
  public boolean serversShared() {
    return !keys.perHost();
  }

  /**
   * The server of {@code host} when it is known without a lookup: always with {@code host} or {@code domain} keys
   * (a pure function of the name, the same on every node), and for an IP literal; empty when it takes a DNS lookup.
   */
  public Optional<String> knownServer(HostKey host) {
    return keys.known(host);
  }

  /**
   * The server of {@code host}, after a DNS lookup on a blocking executor when it takes one (by address); the host
   * itself when its name does not resolve. Never fails.
   */
  public CompletionStage<String> lookUpServer(HostKey host) {
    return keys.keyOf(host);
  }

  /**
   * The gate of {@code server}, which the queues of its hosts on this node share: it hands their requests to this
   * node's broker only as the server's delay and concurrency allow. Unsupervised: the caller decides what a failure
   * does, and stops it with {@link ServerGate.Stop}.
   */
  public Behavior<ServerGate.Command> gate(String server) {
    return ServerGate.create(server, deps.broker(), deps.politeness(), deps.nanoTime());
  }

  /**
   * The queue of {@code host} as a sharding entity: when it starts it loads what {@code memory} keeps of the host
   * (the operator's controls) before it offers anything, and waits one full delay before its first request; told
   * {@link HostQueue.Stop} it takes back its offers no fetcher started, lets its requests in flight end, gives its
   * window back and tells {@code region} its host has work, so the host goes on wherever it lives next. Unsupervised:
   * the caller decides what a failure does.
   */
  public Behavior<HostQueue.Command> entity(HostKey host, HostMemory memory, ActorRef<HostRegion.Command> region) {
    return entity(host, memory, region, Optional.empty());
  }

  /**
   * As {@link #entity(HostKey, HostMemory, ActorRef)}, its requests going through {@code gate}, the gate of the
   * host's server ({@link #gate}) when {@link #serversShared()}.
   */
  public Behavior<HostQueue.Command> entity(HostKey host, HostMemory memory, ActorRef<HostRegion.Command> region,
      Optional<ActorRef<ServerGate.Command>> gate) {
    return HostQueue.create(host, deps.withMemory(memory), region, Optional.empty(), gate);
  }

  /** Sets the crawl's gauge of host queues running on this node (no host waits for a turn in a cluster). */
  public void running(int queues) {
    deps.metrics().hosts(queues, 0);
  }

  /**
   * A short-lived actor that answers {@code collect} with the statuses of {@code expected} queues: {@code ask} sends
   * each a {@link HostQueue.GetStatus} with the address it is given. It replies once all answered or the collect's
   * timeout passed, then stops.
   */
  public static Behavior<?> statusCollector(HostRegion.Collect collect, int expected,
      Consumer<ActorRef<HostQueue.HostStatus>> ask) {
    return StatusCollector.create(expected, 0, collect.timeout(), collect.replyTo(), ask);
  }

}
