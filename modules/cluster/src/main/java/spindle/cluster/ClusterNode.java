package spindle.cluster;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import spindle.admin.BodySyntax;
import spindle.admin.ClusterView;
import spindle.admin.JobManager;
import spindle.engine.ClusterHosts;
import spindle.store.PostgresSettings;

/**
 * This process as a node of a Spindle cluster: started on the service's actor system once it has joined, it
 * creates the shared tables, starts Pekko Management's HTTP endpoint, runs the cluster's jobs here
 * ({@link JobWatcher}), answers for {@code GET /api/cluster}, and gives each job what its crawl needs to run its
 * hosts as sharding entities.
 */
public final class ClusterNode {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

  private final ActorSystem<?> system;
  private final ClusterSettings settings;
  private final ClusterJobs jobs;
  private final Executor blockingIo;
  private final ClusterStatus status;
  /** The generation of each job this node opened itself (submitted here, or restored), for its JobWatcher. */
  private final java.util.Map<String, Long> openedHere = new java.util.concurrent.ConcurrentHashMap<>();

  private ClusterNode(ActorSystem<?> system, ClusterSettings settings, ClusterJobs jobs) {
    this.system = system;
    this.settings = settings;
    this.jobs = jobs;
    this.blockingIo = system.dispatchers().lookup(DispatcherSelector.fromConfig("spindle.dispatchers.blocking-io"));
    this.status = new ClusterStatus(system, settings.nodeName(), Duration.ofSeconds(3));
  }

  /**
   * Starts the node's parts on {@code system}, whose job manager is {@code manager}. Throws
   * {@link spindle.store.StoreException} when the database cannot be reached.
   */
  public static ClusterNode start(ActorSystem<?> system, ActorRef<JobManager.Command> manager,
      ClusterSettings settings, PostgresSettings database) {
    ClusterJobs jobs = new ClusterJobs(database, settings.name());
    jobs.createTables();
    var management = PekkoManagement.get(system).start().toCompletableFuture().join();
    ClusterNode node = new ClusterNode(system, settings, jobs);
    system.systemActorOf(JobWatcher.create(jobs, manager, settings.jobPollInterval(), node.openedHere),
        "cluster-jobs", Props.empty());
    system.systemActorOf(NodeReporter.create(settings.nodeName(), manager, Duration.ofSeconds(3)),
        "cluster-node-reporter", Props.empty());
    LOG.info("cluster node started node={} address={} seed_nodes={} management={}", settings.nodeName(),
        Cluster.get(system).selfMember().address(), settings.seedNodes(), management);
    return node;
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
    return ClusterHosts.ownerOf(Cluster.get(system).selfMember().uniqueAddress());
  }

  /** What job {@code job}'s crawl needs to run its hosts as sharding entities on the shared frontier. */
  public ClusterHosts hosts(String job, ClusterHosts.LeaseRecovery leases) {
    return new ClusterHosts(new JdbcHostMemory(system, storeName(job)), leases, settings.shardBy(), settings.numberOfShards(),
        settings.silentOwnerTimeout());
  }

  /** Announces that job {@code name} runs (submitted here): every node runs it. May block. */
  public void announce(String name, String body, BodySyntax syntax) {
    openedHere.merge(name, jobs.announce(name, body, syntax.name()), Math::max);
  }

  /** An operator stopped job {@code name} here: every node stops it. Does not block. */
  public void stopped(String name) {
    move(name, "stopped", "running", "paused");
  }

  /** An operator paused job {@code name} here: every node pauses it. Does not block. */
  public void paused(String name) {
    move(name, "paused", "running");
  }

  /** An operator resumed job {@code name} here: every node resumes it. Does not block. */
  public void resumed(String name) {
    move(name, "running", "paused");
  }

  /** Job {@code name} finished here: nothing is left to crawl anywhere. Does not block. */
  public void finished(String name) {
    move(name, "finished", "running", "paused");
  }

  /** Moves the job's state in the jobs table, off the caller's thread (a failure is logged: the job goes on here). */
  private void move(String name, String to, String... from) {
    CompletableFuture.runAsync(() -> jobs.move(name, to, from), blockingIo).whenComplete((done, failure) -> {
      if (failure != null) {
        LOG.warn("cluster: could not mark job {} {}: {}", name, to, failure.getMessage());
      }
    });
  }

  /** What {@code GET /api/cluster} shows. */
  public ClusterView view() {
    return status;
  }
}
