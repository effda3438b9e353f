package spindle.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import spindle.admin.AdminService;
import spindle.admin.AdminSettings;
import spindle.cluster.ClusterMetrics;
import spindle.cluster.ClusterNode;
import spindle.cluster.ClusterSettings;
import spindle.engine.CrawlSettings;
import spindle.store.PostgresSettings;
import spindle.store.StoreException;

/**
 * {@code spindle serve [--config FILE] [--set key=value ...]}: runs the service: jobs are submitted and steered over
 * the admin API (docs/admin-api.md) on {@code spindle.admin.host}:{@code port}. SIGINT or SIGTERM stops every job
 * gracefully (requests in flight finish, stores and outputs are flushed) and exits 0; the jobs it interrupted start
 * again, resuming, the next time the service starts. A second signal exits at once with 130.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
    description = {"Run the crawl service: submit and steer jobs over HTTP (docs/admin-api.md), /metrics, a status "
        + "page at /.",
        "Exit codes: 0 stopped by a signal, 2 a usage or configuration error (a bad key, a port in use, a "
            + "non-loopback address without spindle.admin.token)."})
final class ServeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override a key of the service or a default of every job, e.g. --set spindle.admin.port=9090; "
          + "repeatable.")
  List<String> sets = new ArrayList<>();

  @Option(names = "--cluster",
      description = "Run as a node of a cluster (spindle.cluster: address, seed nodes): jobs are shared by every "
          + "node, hosts are Cluster Sharding entities, the frontier is in PostgreSQL (spindle.store.postgres).")
  boolean cluster;

  @Option(names = "--config", paramLabel = "FILE",
      description = "The operator's defaults (default: application.conf next to the launcher, if present).")
  Path operatorConfig;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    JobConfigLoader loader = new JobConfigLoader();
    Config operator = loader.operatorLayer(JobConfigLoader.operatorFile(operatorConfig), sets);
    if (cluster) { // the nodes share the frontier: postgres unless the operator says otherwise (then jobs say why not)
      operator = operator.withFallback(ConfigFactory.parseString("spindle.store.backend = postgres"));
    }
    Config serviceConfig = loader.serviceConfig(operator);
    Optional<ClusterSettings> clusterSettings = cluster
        ? Optional.of(ConfigErrors.reading(serviceConfig, () -> ClusterSettings.fromConfig(serviceConfig)))
        : Optional.empty();
    Config config = clusterSettings.map(node -> node.pekkoConfig().withFallback(serviceConfig).resolve())
        .orElse(serviceConfig);
    AdminSettings settings = ConfigErrors.reading(config, () -> {
      AdminSettings read = AdminSettings.fromConfig(config);
      read.requireTokenBeyondLoopback();
      return read;
    });
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AdminService service = clusterSettings.isEmpty() ? serve(loader, operator, config, settings, registry)
        : serveAsNode(loader, operator, serviceConfig, config, settings, clusterSettings.get(), registry);
    InetSocketAddress address = service.address();
    String host = address.getAddress().getHostAddress();
    err.println("spindle: serving on http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
        + address.getPort() + "/ (jobs saved in " + settings.jobsDirectory() + "; log in " + LogFiles.current()
        + "; Ctrl-C or SIGTERM stops)");
    clusterSettings.ifPresent(member -> err.println("spindle: cluster node " + member.nodeName() + " at " + member.host()
        + ":" + member.port() + ", seed nodes " + String.join(", ", member.seedNodes()) + "; GET /api/cluster lists the "
        + "members"));
    err.flush();
    CompletableFuture<?> stopped = service.stopped().toCompletableFuture();
    Signals.onStop(() -> {
      System.err.println("spindle: stopping: draining every job (signal again to quit at once)");
      service.shutdown();
    }, stopped);
    stopped.join();
    err.println("spindle: stopped");
    err.flush();
    return 0;
  }

  /** A single service: its own actor system, jobs of its own. */
  private static AdminService serve(JobConfigLoader loader, Config operator, Config config, AdminSettings settings,
      PrometheusMeterRegistry registry) {
    ServiceJobLauncher launcher = new ServiceJobLauncher(loader, operator, settings);
    launcher.protectPorts(servicePorts(settings, Optional.empty())); // no job may connect to them (docs/security.md)
    AdminService service = ConfigErrors.reading(config, () -> AdminService.start(config, settings, launcher, registry));
    launcher.protectPorts(Set.of(service.address().getPort())); // the admin port as bound, when 0 was asked for
    return service;
  }

  /**
   * A node of a cluster, wired once, in order: the actor system joins the cluster, the node's parts start on it (the
   * shared tables, sharding, its side of the jobs table), the service starts on the same system with jobs that open
   * their share of each crawl through the node and with the node hearing its job events, and then the node follows
   * the cluster's jobs through the service's.
   */
  private static AdminService serveAsNode(JobConfigLoader loader, Config operator, Config serviceConfig,
      Config config, AdminSettings settings, ClusterSettings cluster, PrometheusMeterRegistry registry) {
    ActorSystem<Void> system;
    try {
      system = ConfigErrors.reading(config, () -> ActorSystem.create(Behaviors.empty(), ClusterSettings.SYSTEM_NAME,
          config));
    } catch (RuntimeException failed) {
      if (causedByBindFailure(failed)) { // Pekko Artery could not bind the node's port
        throw ConfigErrors.at(serviceConfig, "spindle.cluster.port", "cannot listen on " + cluster.host() + ":"
            + cluster.port() + " (in use, or not an address of this machine)");
      }
      throw failed;
    }
    ClusterNode node;
    try {
      PostgresSettings database = CrawlSettings.fromConfig(serviceConfig).store().postgres();
      node = ClusterNode.start(system, cluster, database);
    } catch (StoreException unreachable) {
      terminate(system);
      throw ConfigErrors.at(serviceConfig, "spindle.store.postgres.url", unreachable.getMessage());
    } catch (RuntimeException failed) {
      terminate(system);
      throw failed;
    }
    ClusterMetrics.bind(system, registry);
    ServiceJobLauncher launcher = new ServiceJobLauncher(loader, operator, settings, Optional.of(node));
    launcher.protectPorts(servicePorts(settings, Optional.of(cluster))); // no job may connect to them
    AdminService service = ConfigErrors.reading(config, () -> AdminService.start(system, settings, launcher,
        registry, Optional.of(node::describe), node.jobEvents()));
    launcher.protectPorts(Set.of(service.address().getPort())); // the admin port as bound, when 0 was asked for
    node.serve(service.jobs());
    return service;
  }

  private static void terminate(ActorSystem<?> system) {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  /** The ports of this service that are known before it starts: admin, and on a cluster node Artery and management. */
  private static Set<Integer> servicePorts(AdminSettings admin, Optional<ClusterSettings> cluster) {
    Set<Integer> ports = new HashSet<>(Set.of(admin.port()));
    cluster.ifPresent(node -> {
      ports.add(node.port());
      ports.add(node.managementPort());
    });
    return ports;
  }

  private static boolean causedByBindFailure(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.BindException
          || cause.getClass().getName().equals("org.apache.pekko.remote.RemoteTransportException")) {
        return true;
      }
    }
    return false;
  }
}
