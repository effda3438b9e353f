package spindle.store;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.core.url.UrlNormalizer;

/**
 * Measures {@link RocksDbFrontier} (or, with {@code --backend postgres}, {@link PostgresFrontier} on the server
 * {@link TestPostgres} names, in a job of its own dropped afterwards unless {@code --keep}): enqueue with dedup of N synthetic URLs (about 30 % duplicates) over H hosts in
 * batches, the bytes on disk per URL, the time to reopen a full store until the first lease, and lease-and-complete
 * of every URL. With {@code --heap} it prints the heap after a GC at 10 %, 50 % and 100 % of each phase. With
 * {@code --revisits} (RocksDB) the second phase is the revisit schedule instead: every URL leased and completed with a
 * revisit due at a time spread over a day, then released by due time as a clock moves over that day. Run it with
 * {@code bench/frontier/run}; {@code --help} lists the options.
 */
public final class FrontierBenchmark {
  private static final String[] SECTIONS = {"news", "blog", "products/category", "articles/2025/11",
      "docs/reference/api", "tag", "forum/threads", "en/about"};
  private static final String[] WORDS = {"crawler", "durable", "frontier", "queue", "spindle", "rocks", "polite",
      "host", "page", "index", "archive", "garden", "weather", "market", "review", "guide"};
  private static final double DUPLICATES = 0.30;
  private static final int[] PERCENT = {10, 50, 100};

  private final long urls;
  private final int hostCount;
  private final int batchSize;
  private final int leaseSize;
  private final boolean heap;
  private final HostKey[] hosts;
  private final String scheme;

  private FrontierBenchmark(long urls, int hostCount, int batchSize, int leaseSize, boolean heap, int loopbackPort) {
    this.urls = urls;
    this.hostCount = hostCount;
    this.batchSize = batchSize;
    this.leaseSize = leaseSize;
    this.heap = heap;
    this.hosts = new HostKey[hostCount];
    this.scheme = loopbackPort > 0 ? "http://" : "https://";
    for (int i = 0; i < hostCount; i++) {
      // with a loopback port, hosts are 127.0.x.y on it, so a crawl of the store touches nothing but this machine
      hosts[i] = loopbackPort > 0 ? HostKey.of("127.0." + (1 + i / 250) + "." + (1 + i % 250), loopbackPort)
          : HostKey.of("www.host-" + i + ".example.com", -1);
    }
  }

  /** Runs the benchmark with the options in {@code args}; prints the usage for {@code --help}. */
  public static void main(String[] args) throws IOException {
    long urls = 10_000_000;
    int hostCount = 10_000;
    int batchSize = 256;
    int leaseSize = 64;
    boolean heap = false;
    boolean keep = false;
    boolean sync = false;
    boolean enqueueOnly = false;
    boolean revisits = false;
    int loopbackPort = 0;
    String backend = "rocksdb";
    Optional<Path> dir = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--urls" -> urls = Long.parseLong(args[++i].replace("_", ""));
        case "--hosts" -> hostCount = Integer.parseInt(args[++i]);
        case "--batch" -> batchSize = Integer.parseInt(args[++i]);
        case "--lease" -> leaseSize = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Optional.of(Path.of(args[++i]));
        case "--heap" -> heap = true;
        case "--keep" -> keep = true;
        case "--sync" -> sync = true;
        case "--enqueue-only" -> enqueueOnly = true;
        case "--revisits" -> revisits = true;
        case "--loopback-port" -> loopbackPort = Integer.parseInt(args[++i]);
        case "--backend" -> backend = args[++i];
        case "--help", "-h" -> {
          System.out.println("""
              options: --urls N (candidates, default 10000000; about 70 % are new) --hosts H (default 10000)
                       --batch B (URLs per add and per complete, default 256) --lease L (max per lease, default 64)
                       --dir D (store directory, default a new temporary one, deleted afterwards unless --keep)
                       --heap (heap after GC at 10/50/100 % of each phase; slows the phases) --sync (sync-writes on)
                       --loopback-port P (hosts 127.0.x.y:P instead of www.host-N.example.com)
                       --enqueue-only (stop after the enqueue phase; with --keep, a store full of queued URLs,
                       for measuring a crawl's resume cost)
                       --revisits (rocksdb: after enqueue, schedule every URL for a revisit due over a day, then
                       release them by due time as a virtual clock moves; rates and, with --heap, the heap)
                       --backend rocksdb|postgres (default rocksdb; postgres uses the server of
                       spindle.test.postgres.url or SPINDLE_TEST_POSTGRES_URL, else 127.0.0.1:5432/spindle,
                       else a PostgreSQL 17 it starts for the run: see TestPostgres)""");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; try --help");
      }
    }
    if (backend.equals("postgres")) {
      new FrontierBenchmark(urls, hostCount, batchSize, leaseSize, heap, loopbackPort).runPostgres(keep, enqueueOnly);
      return;
    }
    if (!backend.equals("rocksdb")) {
      throw new IllegalArgumentException("unknown backend " + backend + "; rocksdb or postgres");
    }
    Path directory = dir.isPresent() ? dir.get() : Files.createTempDirectory("spindle-frontier-bench-");
    StoreSettings settings = StoreSettings.DEFAULTS.withSyncWrites(sync);
    try {
      FrontierBenchmark benchmark = new FrontierBenchmark(urls, hostCount, batchSize, leaseSize, heap, loopbackPort);
      if (revisits) {
        benchmark.runRevisits(directory, settings);
      } else {
        benchmark.run(directory, settings, enqueueOnly);
      }
    } finally {
      if (!keep) {
        delete(directory);
      }
    }
  }

  private void run(Path directory, StoreSettings settings, boolean enqueueOnly) {
    System.out.printf(Locale.ROOT, "frontier benchmark: %,d candidate URLs, %,d hosts, batches of %d, leases of %d, "
            + "sync-writes %s, %d cores, max heap %d MiB, store %s%n", urls, hostCount, batchSize, leaseSize,
        settings.syncWrites() ? "on" : "off", Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20, directory);
    long admitted;
    try (RocksDbFrontier frontier = RocksDbFrontier.open(directory, FrontierLimits.NONE, UrlNormalizer::fingerprint,
        settings)) {
      admitted = enqueue(frontier);
      System.out.println("rocksdb memory at the end of enqueue: " + frontier.nativeMemory());
      frontier.flushAndCompact();
      report("after enqueue, flush and compaction", directory, admitted, frontier.counts());
    }
    if (enqueueOnly) {
      return;
    }

    long start = System.nanoTime();
    RocksDbFrontier frontier = RocksDbFrontier.open(directory, FrontierLimits.NONE, UrlNormalizer::fingerprint,
        settings);
    long opened = System.nanoTime();
    List<CrawlUrl> first = frontier.lease(hosts[0], 1);
    long leased = System.nanoTime();
    System.out.printf(Locale.ROOT, "resume: open %.0f ms, then first lease %.1f ms (%d URL), %.0f ms in all%n",
        (opened - start) / 1e6, (leased - opened) / 1e6, first.size(), (leased - start) / 1e6);
    try (frontier) {
      leaseAndComplete(frontier, first);
      System.out.println("rocksdb memory at the end of lease+complete: " + frontier.nativeMemory());
      frontier.flushAndCompact();
      report("after lease-and-complete, flush and compaction", directory, admitted, frontier.counts());
    }
  }

  /** The clock the revisit scenario starts its day at (epoch milliseconds): virtual, never waited for. */
  private static final long REVISIT_DAY_START = 1_800_000_000_000L;
  private static final long DAY_MILLIS = 86_400_000L;
  private static final int RELEASE_STEPS = 100;
  private static final int RELEASE_MAX = 4096;

  private void runRevisits(Path directory, StoreSettings settings) {
    System.out.printf(Locale.ROOT, "frontier revisit benchmark: %,d candidate URLs, %,d hosts, batches of %d, leases of "
            + "%d, revisits due over a day released in %d steps of at most %d per call, %d cores, max heap %d MiB, "
            + "store %s%n", urls, hostCount, batchSize, leaseSize, RELEASE_STEPS, RELEASE_MAX,
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, directory);
    try (RocksDbFrontier frontier = RocksDbFrontier.open(directory, FrontierLimits.NONE, UrlNormalizer::fingerprint,
        settings)) {
      long admitted = enqueue(frontier);
      long scheduled = schedule(frontier);
      System.out.println("rocksdb memory at the end of scheduling: " + frontier.nativeMemory());
      report("after scheduling", directory, admitted, frontier.counts());

      int calls = 1000;
      long start = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        frontier.releaseDue(java.time.Instant.ofEpochMilli(REVISIT_DAY_START - 1), RELEASE_MAX);
      }
      System.out.printf(Locale.ROOT, "release with nothing due: %.1f us per call (%d calls)%n",
          (System.nanoTime() - start) / 1e3 / calls, calls);

      long released = 0;
      long releaseCalls = 0;
      Checkpoints checkpoints = new Checkpoints("release by due time", scheduled);
      start = System.nanoTime();
      for (int step = 1; step <= RELEASE_STEPS; step++) {
        java.time.Instant now = java.time.Instant.ofEpochMilli(REVISIT_DAY_START + DAY_MILLIS * step / RELEASE_STEPS);
        while (true) {
          long before = frontier.counts().scheduled();
          releaseCalls++;
          if (frontier.releaseDue(now, RELEASE_MAX).isEmpty()) {
            break;
          }
          released += before - frontier.counts().scheduled();
          checkpoints.passed(released, frontier.counts());
        }
        if (frontier.nextDue().map(next -> !next.isAfter(now)).orElse(false)) {
          throw new IllegalStateException("a URL due at " + now + " was left in the schedule");
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "release by due time: %,d URLs in %,d calls over %d clock steps in %.1f s: "
          + "%,.0f URLs/s%n", released, releaseCalls, RELEASE_STEPS, seconds, released / seconds);
      frontier.flushAndCompact();
      report("after release, flush and compaction", directory, admitted, frontier.counts());
    }
  }

  /**
   * Leases every queued URL and completes it with a revisit due at a time spread over the day (the URL's
   * fingerprint decides when), with a last visit that has both validators and a digest; returns how many.
   */
  private long schedule(RocksDbFrontier frontier) {
    long total = frontier.counts().queued();
    long done = 0;
    long start = System.nanoTime();
    List<Frontier.Completion> completions = new ArrayList<>(batchSize + leaseSize);
    Checkpoints checkpoints = new Checkpoints("schedule", total);
    while (frontier.counts().queued() > 0) {
      for (HostKey host : hosts) {
        if (frontier.queued(host) == 0) {
          continue;
        }
        for (CrawlUrl url : frontier.lease(host, leaseSize)) {
          long due = REVISIT_DAY_START + Long.remainderUnsigned(mix(url.url().hashCode()), DAY_MILLIS);
          spindle.core.LastVisit visit = new spindle.core.LastVisit(java.time.Instant.ofEpochMilli(due - 3_600_000L),
              1, java.time.Duration.ofHours(1), Optional.of("\"" + Long.toHexString(mix(due)) + "\""),
              Optional.of("Tue, 01 Dec 2026 00:00:00 GMT"),
              Optional.of("sha1:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
          completions.add(new Frontier.Completion(url.withLastVisit(visit), false,
              Optional.of(java.time.Instant.ofEpochMilli(due))));
        }
        if (completions.size() >= batchSize) {
          done += completions.size();
          frontier.complete(completions, 0);
          completions.clear();
          checkpoints.passed(done, frontier.counts());
        }
      }
    }
    done += completions.size();
    frontier.complete(completions, 0);
    checkpoints.passed(done, frontier.counts());
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "lease+schedule: %,d URLs in %.1f s: %,.0f URLs/s%n", done, seconds,
        done / seconds);
    return done;
  }

  private void runPostgres(boolean keep, boolean enqueueOnly) {
    PostgresSettings settings = TestPostgres.settings(4);
    String job = TestPostgres.newJob("bench");
    System.out.printf(Locale.ROOT, "frontier benchmark (postgres): %,d candidate URLs, %,d hosts, batches of %d, "
            + "leases of %d, %d cores, max heap %d MiB, %s job %s%n", urls, hostCount, batchSize, leaseSize,
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, settings.displayUrl(),
        job);
    try (PostgresFrontier frontier = PostgresFrontier.open(settings, job, "bench", "bench#1", FrontierLimits.NONE,
        UrlNormalizer::fingerprint)) {
      long admitted = enqueue(frontier);
      reportPostgres("after enqueue", frontier, admitted);
      if (!enqueueOnly) {
        leaseAndComplete(frontier, List.of());
        reportPostgres("after lease-and-complete", frontier, admitted);
      }
    } finally {
      if (!keep) {
        PostgresFrontier.drop(settings, job);
      }
    }
  }

  private static void reportPostgres(String when, PostgresFrontier frontier, long admitted) {
    PostgresSettings settings = TestPostgres.settings(1);
    long bytes;
    try (java.sql.Connection connection = java.sql.DriverManager.getConnection(settings.url(), settings.user(),
        settings.password());
        java.sql.PreparedStatement statement = connection.prepareStatement("SELECT coalesce(sum("
            + "pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE n.nspname = ? AND c.relkind = 'r'")) {
      statement.setString(1, frontier.schema());
      try (java.sql.ResultSet rows = statement.executeQuery()) {
        rows.next();
        bytes = rows.getLong(1);
      }
    } catch (java.sql.SQLException failure) {
      throw new IllegalStateException(failure);
    }
    System.out.printf(Locale.ROOT, "database %s: %,d bytes (tables, indexes, TOAST; not vacuumed), %.1f bytes per "
        + "admitted URL; %s; %s%n", when, bytes, (double) bytes / Math.max(1, admitted), frontier.counts(), memory());
  }

  private long enqueue(Frontier frontier) {
    long unique = 0;
    long admitted = 0;
    long start = System.nanoTime();
    List<CrawlUrl> batch = new ArrayList<>(batchSize);
    Checkpoints checkpoints = new Checkpoints("enqueue", urls);
    for (long k = 0; k < urls; k++) {
      long index;
      long roll = mix(k ^ 0x5DEECE66DL);
      if (unique > 0 && Long.remainderUnsigned(roll, 1000) < DUPLICATES * 1000) {
        long back = Long.remainderUnsigned(mix(roll), (roll & 1) == 0 ? Math.min(unique, 10_000) : unique);
        index = unique - 1 - back; // half from the last 10,000 new URLs (same site), half from anywhere
      } else {
        index = unique++;
      }
      batch.add(url(index));
      if (batch.size() == batchSize || k == urls - 1) {
        admitted += frontier.add(batch).size();
        batch.clear();
      }
      checkpoints.passed(k + 1, frontier.counts());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "enqueue+dedup: %,d candidates (%,d new, %,d admitted) in %.1f s: %,.0f candidates/s"
        + ", %,.0f admitted/s%n", urls, unique, admitted, seconds, urls / seconds, admitted / seconds);
    return admitted;
  }

  private void leaseAndComplete(Frontier frontier, List<CrawlUrl> first) {
    // the RocksDB frontier answers queued(host) from memory; the shared one would query: lease tells as much
    boolean askFirst = frontier instanceof RocksDbFrontier;
    long total = frontier.counts().queued() + first.size();
    long done = 0;
    long output = 0;
    long start = System.nanoTime();
    List<Frontier.Completion> completions = new ArrayList<>(batchSize + leaseSize);
    first.forEach(url -> completions.add(new Frontier.Completion(url, false)));
    Checkpoints checkpoints = new Checkpoints("lease+complete", total);
    while (frontier.counts().queued() > 0) {
      for (HostKey host : hosts) {
        if (askFirst && frontier.queued(host) == 0) {
          continue;
        }
        for (CrawlUrl url : frontier.lease(host, leaseSize)) {
          completions.add(new Frontier.Completion(url, (url.url().length() & 15) == 0));
        }
        if (completions.size() >= batchSize) {
          done += completions.size();
          frontier.complete(completions, output += 1000L * completions.size());
          completions.clear();
          checkpoints.passed(done, frontier.counts());
        }
      }
    }
    done += completions.size();
    frontier.complete(completions, output + 1000L * completions.size());
    checkpoints.passed(done, frontier.counts());
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "lease+complete: %,d URLs in %.1f s: %,.0f URLs/s%n", done, seconds,
        done / seconds);
  }

  /** The i-th distinct URL: 60 to 140 characters, on host {@code mix(i) % H}, with a parent on the same host. */
  private CrawlUrl url(long index) {
    long bits = mix(index);
    HostKey host = hosts[(int) Long.remainderUnsigned(bits, hostCount)];
    String site = scheme + host.name() + "/";
    String section = SECTIONS[(int) (bits >>> 20 & 7)];
    StringBuilder url = new StringBuilder(160).append(site).append(section).append('/');
    int words = 2 + (int) (bits >>> 24 & 3);
    for (int w = 0; w < words; w++) {
      url.append(WORDS[(int) (bits >>> (28 + 4 * w) & 15)]).append('-');
    }
    url.append(index);
    if ((bits >>> 50 & 7) < 2) {
      url.append("?page=").append(bits >>> 53 & 31).append("&utm_source=feed");
    } else {
      url.append(".html");
    }
    int depth = (int) (bits >>> 58 & 3) + 1;
    String parent = site + section + "/index-" + Long.remainderUnsigned(bits, 97) + ".html";
    return CrawlUrl.restore(url.toString(), host, depth, Optional.of(parent), List.of());
  }

  private static long mix(long value) { // SplitMix64's finaliser
    long z = value + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static void report(String when, Path directory, long admitted, FrontierCounts counts) {
    long bytes = size(directory);
    System.out.printf(Locale.ROOT, "disk %s: %,d bytes, %.1f bytes per admitted URL; %s; %s%n", when, bytes,
        (double) bytes / Math.max(1, admitted), counts, memory());
  }

  private static long size(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).mapToLong(file -> {
        try {
          return Files.size(file);
        } catch (IOException vanished) { // a file RocksDB deleted while we walked
          return 0;
        }
      }).sum();
    } catch (IOException failure) {
      throw new IllegalStateException(failure);
    }
  }

  /** The process's resident set and the heap's committed size: their difference is mostly RocksDB's memory. */
  private static String memory() {
    long committed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    return "rss " + rss("VmRSS:") + " (peak " + rss("VmHWM:") + "), heap committed " + (committed >> 20) + " MiB";
  }

  private static String rss(String field) {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
      return lines.filter(line -> line.startsWith(field)).map(line -> line.substring(field.length()).trim()).findFirst()
          .orElse("unknown");
    } catch (IOException | java.io.UncheckedIOException notLinux) {
      return "unknown";
    }
  }

  private static void delete(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  /** Prints the heap after a GC at 10 %, 50 % and 100 % of a phase, when {@code --heap} is on. */
  private final class Checkpoints {
    private final String phase;
    private final long total;
    private int next;

    Checkpoints(String phase, long total) {
      this.phase = phase;
      this.total = total;
    }

    void passed(long done, FrontierCounts counts) {
      if (!heap || next == PERCENT.length || done * 100 < total * PERCENT[next]) {
        return;
      }
      System.gc();
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      System.out.printf(Locale.ROOT, "heap %s %3d %%: %.1f MiB used after GC (%,d discovered, %,d queued, %,d "
          + "scheduled); %s%n", phase, PERCENT[next], used / 1048576.0, counts.discovered(), counts.queued(),
          counts.scheduled(), memory());
      next++;
    }
  }
}
