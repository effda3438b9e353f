package spindle.cluster;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import spindle.engine.HostRegionFactory;
import spindle.engine.jobs.JobControl;
import spindle.engine.jobs.JobEvents;
import spindle.store.PostgresFrontier;
import spindle.store.PostgresSettings;
import spindle.store.StoreException;

/**
 * This process as a node of a Spindle cluster. Started on the service's actor system before the service itself, it
 * creates the shared tables, starts Pekko Management's HTTP endpoint and this node's side of the cluster's jobs
 * table ({@link JobWatcher}); it gives each job what its crawl needs to run its hosts as sharding entities
 * ({@link #hosts}), and hears the service's {@link #jobEvents()}. Once the service runs, {@link #serve} makes this
 * node follow the cluster's jobs and answer for {@code GET /api/cluster}. Everything is wired once, at startup.
 */
public final class ClusterNode {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  /** A job is announced while it opens; the table write is quick, a database under load less so. */
  private static final Duration ANNOUNCE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration REPORT_TIMEOUT = Duration.ofSeconds(3);

  private final ActorSystem<?> system;
  private final ClusterSettings settings;
  private final ActorRef<JobWatcher.Command> watcher;
  private final ClusterStatus status;

  private ClusterNode(ActorSystem<?> system, ClusterSettings settings, ActorRef<JobWatcher.Command> watcher) {
    this.system = system;
    this.settings = settings;
    this.watcher = watcher;
    this.status = new ClusterStatus(system, settings.nodeName(), REPORT_TIMEOUT);
  }

  /**
   * Starts the node's parts on {@code system}, a node of the cluster {@code settings} describe, whose shared
   * database is {@code database}. Throws {@link StoreException} when the database cannot be reached.
   */
  public static ClusterNode start(ActorSystem<?> system, ClusterSettings settings, PostgresSettings database) {
    ClusterJobs jobs = new ClusterJobs(database, settings.name(),
        system.dispatchers().lookup(DispatcherSelector.fromConfig("spindle.dispatchers.blocking-io")));
    jobs.createTables();
    var management = PekkoManagement.get(system).start().toCompletableFuture().join();
    ActorRef<JobWatcher.Command> watcher = system.systemActorOf(JobWatcher.create(jobs, settings.jobPollInterval()),
        "cluster-jobs", Props.empty());
    LOG.info("cluster node started node={} address={} seed_nodes={} management={}", settings.nodeName(),
        Cluster.get(system).selfMember().address(), settings.seedNodes(), management);
    return new ClusterNode(system, settings, watcher);
  }

  /**
   * The service is up: this node follows the cluster's jobs through {@code jobs} (joins, pauses, resumes and stops
   * them as the other nodes' operators did), and reports what it holds to {@code GET /api/cluster} on any node.
   */
  public void serve(JobControl jobs) {
    watcher.tell(new JobWatcher.Serve(jobs));
    system.systemActorOf(NodeReporter.create(settings.nodeName(), jobs, REPORT_TIMEOUT), "cluster-node-reporter",
        Props.empty());
  }

  /**
   * Where the service publishes its job events: an operator's pause, resume or stop here, and a job that finished
   * here, go to the jobs table, so every node follows them.
   */
  public JobEvents jobEvents() {
    return event -> watcher.tell(new JobWatcher.Heard(event));
  }

  /**
   * The name of job {@code job}'s store in the shared database: {@code <cluster>.<job>}, so that clusters of other
   * names never share a store.
   */
  public String storeName(String job) {
    return settings.name() + "." + job;
  }

  /** This node's stable name. */
  public String nodeName() {
    return settings.nodeName();
  }

  /** The lease owner of this process: its address and this incarnation's uid. */
  public String owner() {
    return ShardedHosts.ownerOf(Cluster.get(system).selfMember().uniqueAddress());
  }

  /** The host region of job {@code job}'s crawl, whose shared frontier is {@code frontier}: sharding entities. */
  public HostRegionFactory hosts(String job, PostgresFrontier frontier) {
    return new ShardedHosts(storeName(job), frontier, settings.shardBy(), settings.numberOfShards(),
        settings.silentOwnerTimeout());
  }

  /**
   * Announces that job {@code name}, submitted (or restored) here with {@code body} written in {@code syntax}, runs:
   * every node runs it. Blocks until the jobs table has it; throws {@link StoreException} when it cannot be written.
   */
  public void announce(String name, String body, String syntax) {
    try {
      AskPattern.<JobWatcher.Command, Long>askWithStatus(watcher,
          replyTo -> new JobWatcher.Announce(name, body, syntax, replyTo), ANNOUNCE_TIMEOUT, system.scheduler())
          .toCompletableFuture().join();
    } catch (CompletionException failed) {
      Throwable cause = failed.getCause() == null ? failed : failed.getCause();
      throw new StoreException("cannot announce job " + name + " to the cluster: " + cause.getMessage(), cause);
    }
  }

  /** What {@code GET /api/cluster} shows: the members as this node sees them, with what each holds (JSON). */
  public CompletionStage<String> describe() {
    return status.describe();
  }
}
