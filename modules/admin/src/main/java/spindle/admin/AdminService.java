package spindle.admin;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import spindle.core.SettingsException;
import spindle.engine.CrawlJob;
import spindle.engine.CrawlSupervisor;
import spindle.engine.jobs.JobControl;
import spindle.engine.jobs.JobEvents;

/**
 * The running service: one actor system in which the {@link JobManager} runs the jobs, the admin endpoint bound on
 * {@code spindle.admin.host}/{@code port}, and the Prometheus registry with the JVM's meters. {@link #shutdown()}
 * stops every job gracefully (the endpoint keeps answering meanwhile, {@code /health/ready} with 503), then unbinds
 * and terminates the actor system.
 */
public final class AdminService {
  private static final Logger LOG = LoggerFactory.getLogger(AdminService.class);
  /** How long a shutdown waits for the jobs to drain; each crawl's drain is bounded by its fetch timeouts. */
  private static final Duration DRAIN_LIMIT = Duration.ofMinutes(10);

  /**
   * Two of Micrometer's processor meters have names that {@code promtool check metrics} rejects:
   * {@code process_cpu_time_ns_total} (a unit abbreviation, and nanoseconds where Prometheus wants seconds) and
   * {@code system_cpu_count} (a {@code _count} suffix on a gauge). The first is replaced by the standard
   * {@code process_cpu_seconds_total} ({@link #bindProcessCpuSeconds}), the second renamed {@code system_cpu_processors}.
   */
  static final MeterFilter PROMTOOL_CLEAN_NAMES = new MeterFilter() {
    @Override
    public MeterFilterReply accept(Meter.Id id) {
      return id.getName().equals("process.cpu.time") ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
      return id.getName().equals("system.cpu.count") ? id.withName("system.cpu.processors") : id;
    }
  };

  /** {@code process_cpu_seconds_total}: the CPU time of the JVM, in seconds, when the JVM can tell it. */
  static void bindProcessCpuSeconds(MeterRegistry registry) {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, bean -> Math.max(0, bean.getProcessCpuTime()) / 1e9)
          .baseUnit("seconds").description("CPU time used by the JVM process").register(registry);
    }
  }

  private final ActorSystem<?> system;
  private final ActorRef<JobManager.Command> manager;
  private final ServerBinding binding;
  private final JvmGcMetrics gcMetrics;
  private final Duration askTimeout;
  private final CompletableFuture<Done> stopped = new CompletableFuture<>();
  private boolean stopping;

  private AdminService(ActorSystem<?> system, ActorRef<JobManager.Command> manager, ServerBinding binding,
      JvmGcMetrics gcMetrics, Duration askTimeout) {
    this.system = system;
    this.manager = manager;
    this.binding = binding;
    this.gcMetrics = gcMetrics;
    this.askTimeout = askTimeout;
  }

  /**
   * Starts the service with {@code config} (the service's configuration: Pekko's settings and the dispatchers come
   * from it). Throws {@link SettingsException} naming the key when the jobs directory cannot be created or the
   * endpoint cannot be bound; then nothing is left running.
   */
  public static AdminService start(Config config, AdminSettings settings, JobLauncher launcher,
      PrometheusMeterRegistry registry) {
    return start(config, settings, launcher, registry, CrawlSupervisor::create, Clock.systemUTC());
  }

  /** {@link #start(Config, AdminSettings, JobLauncher, PrometheusMeterRegistry)} with other crawls and clock (tests). */
  static AdminService start(Config config, AdminSettings settings, JobLauncher launcher,
      PrometheusMeterRegistry registry, Function<CrawlJob, Behavior<CrawlSupervisor.Command>> supervisors,
      Clock clock) {
    requireJobsDirectory(settings);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, config);
    return start(system, settings, launcher, registry, supervisors, clock, Optional.empty(), JobEvents.none());
  }

  /**
   * The service on {@code system}, an actor system already running (a node of a cluster, whose parts started first):
   * the service takes it over, and its {@link #shutdown()} terminates it. {@code cluster} is what {@code GET
   * /api/cluster} shows; {@code events} hears what operators do to jobs here, and which jobs finish. Throws as
   * {@link #start(Config, AdminSettings, JobLauncher, PrometheusMeterRegistry)} does, after terminating
   * {@code system}.
   */
  public static AdminService start(ActorSystem<?> system, AdminSettings settings, JobLauncher launcher,
      PrometheusMeterRegistry registry, Optional<ClusterView> cluster, JobEvents events) {
    try {
      requireJobsDirectory(settings);
    } catch (SettingsException invalid) {
      terminate(system);
      throw invalid;
    }
    return start(system, settings, launcher, registry, CrawlSupervisor::create, Clock.systemUTC(), cluster, events);
  }

  /** The name of the service's actor system (a cluster's seed node addresses include it). */
  public static final String SYSTEM_NAME = "spindle";

  private static void requireJobsDirectory(AdminSettings settings) {
    try {
      Files.createDirectories(settings.jobsDirectory());
    } catch (IOException unwritable) {
      throw new SettingsException("spindle.admin.jobs-dir", "cannot create " + settings.jobsDirectory() + ": "
          + unwritable.getMessage());
    }
    if (!Files.isWritable(settings.jobsDirectory())) {
      throw new SettingsException("spindle.admin.jobs-dir", "cannot write in " + settings.jobsDirectory());
    }
  }

  private static AdminService start(ActorSystem<?> system, AdminSettings settings, JobLauncher launcher,
      PrometheusMeterRegistry registry, Function<CrawlJob, Behavior<CrawlSupervisor.Command>> supervisors,
      Clock clock, Optional<ClusterView> cluster, JobEvents events) {
    registry.config().meterFilter(PROMTOOL_CLEAN_NAMES);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    bindProcessCpuSeconds(registry);
    HostMetrics hostMetrics = new HostMetrics(registry, settings.metricsTopHosts());
    JobManager.Dependencies dependencies = new JobManager.Dependencies(launcher, registry, hostMetrics, settings,
        new JobFiles(settings.jobsDirectory()), supervisors, clock, events);
    ActorRef<JobManager.Command> manager = system.systemActorOf(JobManager.create(dependencies), "jobs",
        Props.empty());
    AdminRoutes routes = new AdminRoutes(system, manager, settings, registry, hostMetrics, clock, cluster);
    try {
      ServerBinding binding = Http.get(system).newServerAt(settings.host(), settings.port()).bind(routes.route())
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      LOG.info("admin endpoint bound address={}", binding.localAddress());
      return new AdminService(system, manager, binding, gcMetrics, settings.askTimeout());
    } catch (ExecutionException | java.util.concurrent.TimeoutException failed) {
      terminate(system);
      gcMetrics.close();
      Throwable cause = failed instanceof ExecutionException && failed.getCause() != null ? failed.getCause() : failed;
      boolean bind = cause.getMessage() != null && cause.getMessage().contains("BindException");
      throw new SettingsException("spindle.admin.port", "cannot listen on " + settings.host() + ":"
          + settings.port() + ": " + (bind ? "the port is in use, or the address is not one of this machine's"
          : cause.getMessage() == null ? cause.toString() : cause.getMessage()));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      system.terminate();
      gcMetrics.close();
      throw new IllegalStateException("interrupted while binding the admin endpoint", interrupted);
    }
  }

  private static void terminate(ActorSystem<?> system) {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  /** The address the endpoint listens on (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return binding.localAddress();
  }

  /**
   * The service's jobs for the parts around it (a cluster node lists, joins and changes them through it); its
   * questions wait {@code spindle.admin.ask-timeout} for an answer, a join longer.
   */
  public JobControl jobs() {
    return new ServiceJobs(system, manager, askTimeout);
  }

  /**
   * Stops every job gracefully, waits for them to drain and close their stores, then unbinds the endpoint and
   * terminates the actor system. Idempotent; the stage completes when the service has stopped.
   */
  public synchronized CompletionStage<Done> shutdown() {
    if (!stopping) {
      stopping = true;
      LOG.info("service shutdown requested");
      AskPattern.<JobManager.Command, Done>ask(manager, JobManager.Shutdown::new, DRAIN_LIMIT, system.scheduler())
          .exceptionally(failure -> {
            LOG.error("jobs did not drain within {}; stopping anyway", DRAIN_LIMIT, failure);
            return Done.getInstance();
          })
          .thenCompose(drained -> binding.terminate(Duration.ofSeconds(5)))
          .thenCompose(unbound -> {
            system.terminate();
            return system.getWhenTerminated();
          })
          .whenComplete((done, failure) -> {
            gcMetrics.close();
            stopped.complete(Done.getInstance());
          });
    }
    return stopped;
  }

  /** Completes when the service has stopped. */
  public CompletionStage<Done> stopped() {
    return stopped;
  }
}
