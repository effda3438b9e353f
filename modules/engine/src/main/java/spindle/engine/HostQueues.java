package spindle.engine;

import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import spindle.core.HostKey;
import spindle.store.Frontier;

/**
 * What the host queues of one crawl share, as a {@link HostRegionFactory} sees it: the crawl's name and frontier,
 * and the queues themselves, built on demand. Made by the crawl's supervisor.
 */
public final class HostQueues {
  private final String job;
  private final HostQueue.Dependencies deps;

  HostQueues(String job, HostQueue.Dependencies deps) {
    this.job = job;
    this.deps = deps;
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
   * The queue of {@code host} as a sharding entity: when it starts it loads what {@code memory} keeps of the host
   * (the operator's controls) before it offers anything, and waits one full delay before its first request; told
   * {@link HostQueue.Stop} it takes back its offers no fetcher started, lets its requests in flight end, gives its
   * window back and tells {@code region} its host has work, so the host goes on wherever it lives next. Unsupervised:
   * the caller decides what a failure does.
   */
  public Behavior<HostQueue.Command> entity(HostKey host, HostMemory memory, ActorRef<HostRegion.Command> region) {
    return HostQueue.create(host, deps.withMemory(memory), region);
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
