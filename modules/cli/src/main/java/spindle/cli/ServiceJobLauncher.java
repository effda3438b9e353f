package spindle.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigSyntax;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import spindle.admin.AdminSettings;
import spindle.admin.BodySyntax;
import spindle.admin.JobBody;
import spindle.admin.JobDefinition;
import spindle.admin.JobLauncher;
import spindle.admin.JobRejected;
import spindle.admin.PreparedJob;
import spindle.cluster.ClusterNode;
import spindle.store.PostgresFrontier;
import spindle.store.StoreConfig;
import spindle.core.CrawlUrl;
import spindle.core.url.UrlNormalizer;
import spindle.engine.CrawlSettings;
import spindle.engine.Seeds;
import spindle.fetch.HttpFetcher;
import spindle.fetch.address.AddressPolicy;
import spindle.fetch.address.DnsCache;
import spindle.fetch.address.HostResolver;
import spindle.fixture.FixtureWeb;

/**
 * Jobs for {@code spindle serve}, read and opened exactly as {@code spindle crawl} reads a job file and opens its
 * store: the same key checks (with {@code job:LINE} in messages), the same settings, the same store directory (so the
 * same job again resumes) and the same refusal of a store that holds another crawl. Relative paths (seed files,
 * outputs, stores) are relative to the service's working directory. A job with {@code spindle.demo-site.enabled}
 * runs the demo site inside the service while it crawls.
 */
final class ServiceJobLauncher implements JobLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceJobLauncher.class);
  private static final int MAX_GENERATED_NAMES = 100_000;

  private final JobConfigLoader loader;
  private final Config operatorLayer;
  private final AdminSettings service;
  /** The node this service is in a cluster; empty on a single service. */
  private final Optional<ClusterNode> cluster;
  /** The service's own ports (admin, cluster), which no job may connect to on this machine (docs/security.md). */
  private final AtomicReference<Set<Integer>> servicePorts = new AtomicReference<>(Set.of());

  /**
   * Jobs over the service's operator layer ({@link JobConfigLoader#operatorLayer}), writing only under the roots of
   * {@code service}.
   */
  ServiceJobLauncher(JobConfigLoader loader, Config operatorLayer, AdminSettings service) {
    this(loader, operatorLayer, service, Optional.empty());
  }

  /**
   * Jobs of {@code cluster}'s node, when present: each opens its share of the crawl in the shared PostgreSQL frontier,
   * writes this node's own output, and is announced to the other nodes, which run it too.
   */
  ServiceJobLauncher(JobConfigLoader loader, Config operatorLayer, AdminSettings service,
      Optional<ClusterNode> cluster) {
    this.loader = loader;
    this.operatorLayer = operatorLayer;
    this.service = service;
    this.cluster = cluster;
  }

  /**
   * Adds {@code ports} to the service's own ports, refused to every job opened from now on, even where private
   * addresses are allowed: the admin port and the cluster's ports, before the service starts and once bound.
   */
  void protectPorts(Set<Integer> ports) {
    servicePorts.accumulateAndGet(ports, (known, more) -> {
      Set<Integer> all = new HashSet<>(known);
      all.addAll(more);
      all.remove(0); // a port still to be chosen protects nothing
      return Set.copyOf(all);
    });
  }

  @Override
  public JobDefinition read(JobBody body, Predicate<String> nameTaken) throws JobRejected {
    try {
      ConfigSyntax syntax = body.syntax() == BodySyntax.JSON ? ConfigSyntax.JSON : ConfigSyntax.CONF;
      Config text = loader.parseJobText(body.text(), syntax);
      Optional<String> name = text.hasPath("spindle.job.name") ? Optional.empty()
          : Optional.of(body.assignedName().orElseGet(() -> generateName(body.text(), syntax, nameTaken)));
      Config config = loader.loadJobText(operatorLayer, body.text(), syntax, name);
      CrawlSettings settings = CrawlCommand.settings(config);
      confine(config, settings);
      DemoSite demo = ConfigErrors.reading(config, () -> DemoSite.fromConfig(config));
      boolean seedsFromDemo = demo.enabled() && settings.job().seeds().isEmpty() && settings.job().seedFile().isBlank();
      List<CrawlUrl> seeds = seedsFromDemo ? List.of() : seeds(config, settings, settings.job().seeds());
      if (cluster.isPresent() && demo.enabled()) {
        throw new JobRejected("spindle.demo-site: not available on a cluster node; crawl a site the nodes share");
      }
      if (cluster.isPresent() && settings.store().backend() != StoreConfig.Backend.POSTGRES) {
        throw new JobRejected("spindle.store.backend: must be \"postgres\" on a cluster node (the nodes share the "
            + "frontier), was \"" + settings.store().backend().name().toLowerCase(java.util.Locale.ROOT) + "\"");
      }
      return new Definition(config, settings, demo, seeds, body);
    } catch (UsageException invalid) {
      throw new JobRejected(invalid.getMessage());
    }
  }

  /**
   * Refuses a job that would write outside the service's roots, or into the service's own jobs directory, or read a
   * seed file: a job comes from whoever can reach the endpoint, and must not touch the machine's other files.
   */
  private void confine(Config config, CrawlSettings settings) {
    if (!settings.job().seedFile().isBlank()) {
      throw ConfigErrors.at(config, "spindle.job.seed-file", "the service does not read seed files; list the URLs in "
          + "spindle.job.seeds (or add them later with POST /api/jobs/NAME/seeds)");
    }
    JobPaths.confine(config, "spindle.output.path", settings.output().path(), service.outputRoot(),
        "spindle.admin.output-root");
    if (settings.warc().directory().isPresent()) {
      JobPaths.confine(config, "spindle.warc.dir", settings.warc().directory().get(), service.outputRoot(),
          "spindle.admin.output-root");
    }
    if (settings.store().backend() == StoreConfig.Backend.ROCKSDB) {
      Path store = settings.store().dir();
      JobPaths.confine(config, "spindle.store.dir", store, service.storeRoot(), "spindle.admin.store-root");
      Path jobs = service.jobsDirectory().toAbsolutePath().normalize();
      Path absolute = store.toAbsolutePath().normalize();
      if (absolute.startsWith(jobs) || jobs.startsWith(absolute)) {
        throw ConfigErrors.at(config, "spindle.store.dir", store + " holds the service's own files "
            + "(spindle.admin.jobs-dir " + service.jobsDirectory() + "); give the job another name or store");
      }
    }
  }

  private List<CrawlUrl> seeds(Config config, CrawlSettings settings, List<String> seeds) {
    UrlNormalizer normalizer = new UrlNormalizer(settings.normalization());
    return ConfigErrors.reading(config, () -> Seeds.resolve(new CrawlSettings.JobSettings(settings.job().name(),
        seeds, settings.job().seedFile()), normalizer, Path.of("")));
  }

  /** {@code job-1}, {@code job-2}, ...: the first that is not taken and whose store directory does not exist. */
  private String generateName(String text, ConfigSyntax syntax, Predicate<String> nameTaken) {
    for (int n = 1; n <= MAX_GENERATED_NAMES; n++) {
      String candidate = "job-" + n;
      if (nameTaken.test(candidate)) {
        continue;
      }
      CrawlSettings settings = CrawlCommand.settings(loader.loadJobText(operatorLayer, text, syntax,
          Optional.of(candidate)));
      if (settings.store().backend() == StoreConfig.Backend.MEMORY || !inUse(settings.store().dir())) {
        return candidate;
      }
    }
    throw new UsageException("spindle.job.name: no free name from job-1 to job-" + MAX_GENERATED_NAMES
        + "; give the job a name");
  }

  private static boolean inUse(Path directory) {
    if (!Files.isDirectory(directory)) {
      return Files.exists(directory);
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.findAny().isPresent();
    } catch (IOException unreadable) {
      return true;
    }
  }

  /** A read job; {@link #open()} opens its store (and starts its demo site). */
  private final class Definition implements JobDefinition {
    private final Config config;
    private final CrawlSettings settings;
    private final DemoSite demo;
    private final List<CrawlUrl> seeds;
    private final JobBody body;
    /** The job's resolver ({@code spindle.dns}): the seeds' policy, every connection and the politeness keys. */
    private final HostResolver resolver;

    Definition(Config config, CrawlSettings settings, DemoSite demo, List<CrawlUrl> seeds, JobBody body) {
      this.config = config;
      this.settings = settings;
      this.demo = demo;
      this.seeds = seeds;
      this.body = body;
      this.resolver = DnsCache.of(settings.dns());
    }

    @Override
    public String name() {
      return settings.job().name();
    }

    @Override
    public Path output() {
      return settings.output().path();
    }

    @Override
    public Optional<Path> storeDirectory() {
      return settings.store().backend() == StoreConfig.Backend.MEMORY ? Optional.empty()
          : Optional.of(settings.store().dir());
    }

    @Override
    public PreparedJob open() throws JobRejected {
      if (cluster.isPresent()) {
        return openOnCluster(cluster.get());
      }
      FixtureWeb web = null;
      try {
        List<CrawlUrl> jobSeeds = seeds;
        if (demo.enabled()) {
          StringWriter said = new StringWriter();
          web = demo.start(config, new PrintWriter(said));
          LOG.info("job={} {}", name(), said.toString().strip().replaceFirst("^spindle: ", ""));
          if (jobSeeds.isEmpty()) {
            jobSeeds = seeds(config, settings, web.seedUrls());
          }
        }
        AddressPolicy addresses = addresses(jobSeeds);
        StringWriter warnings = new StringWriter();
        JobStore store = JobStore.open(settings, config, jobSeeds, false, new PrintWriter(warnings, true),
            "delete that directory to start over", "choose another spindle.output.path");
        if (!warnings.toString().isBlank()) {
          LOG.warn("job={} {}", name(), warnings.toString().strip().replaceFirst("^spindle: warning: ", ""));
        }
        store.resumeNote().ifPresent(note -> LOG.info("job={} {}", name(), note));
        FixtureWeb site = web;
        boolean archiving = store.archive().isPresent();
        return new PreparedJob(name(), settings, jobSeeds, store.frontier(), store.writer(),
            system -> archiving ? HttpFetcher.archiving(system, settings.fetch(), addresses, resolver)
                : HttpFetcher.create(system, settings.fetch(), addresses, resolver), store.resumeNote(), () -> {
              try {
                store.close();
              } finally {
                if (site != null) {
                  site.close();
                }
              }
            }, Optional.empty(), store.archive());
      } catch (UsageException invalid) {
        closeDemo(web);
        throw new JobRejected(invalid.getMessage());
      } catch (IOException | UncheckedIOException failed) {
        closeDemo(web);
        throw new JobRejected(name() + ": cannot open the store or the output: " + failed.getMessage());
      } catch (ConfigException invalid) {
        closeDemo(web);
        throw new JobRejected(invalid.getMessage());
      }
    }

    /** Opens this node's share of the job, and announces the job so that every node runs it. */
    private PreparedJob openOnCluster(ClusterNode node) throws JobRejected {
      try {
        AddressPolicy addresses = addresses(seeds);
        StringWriter warnings = new StringWriter();
        JobStore store = JobStore.openShared(settings, config, seeds, new PrintWriter(warnings, true),
            "stop the other crawl of that name first", node.storeName(name()), node.nodeName(), node.owner());
        if (!warnings.toString().isBlank()) {
          LOG.warn("job={} {}", name(), warnings.toString().strip().replaceFirst("^spindle: warning: ", ""));
        }
        store.resumeNote().ifPresent(note -> LOG.info("job={} {}", name(), note));
        PostgresFrontier frontier = (PostgresFrontier) store.frontier();
        node.announce(name(), body.text(), body.syntax().name()); // the other nodes join it under this name
        boolean archiving = store.archive().isPresent();
        return new PreparedJob(name(), settings, seeds, frontier, store.writer(),
            system -> archiving ? HttpFetcher.archiving(system, settings.fetch(), addresses, resolver)
                : HttpFetcher.create(system, settings.fetch(), addresses, resolver), store.resumeNote(), store::close,
            Optional.of(node.hosts(name(), frontier)), store.archive());
      } catch (UsageException invalid) {
        throw new JobRejected(invalid.getMessage());
      } catch (IOException | UncheckedIOException | spindle.store.StoreException failed) {
        throw new JobRejected(name() + ": cannot open the shared store or the output: " + failed.getMessage());
      }
    }

    /**
     * The job's address policy, decided from its seeds with the service's ports refused; a job whose every seed is
     * refused is rejected (400) with one line naming a seed and the rule, before anything is created.
     */
    private AddressPolicy addresses(List<CrawlUrl> jobSeeds) {
      return ConfigErrors.reading(config, () -> AddressPolicy.forSeeds(
          settings.fetch().withServicePorts(servicePorts.get()), jobSeeds, resolver));
    }

    private void closeDemo(FixtureWeb web) {
      if (web != null) {
        web.close();
      }
    }
  }
}
