package spindle.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import spindle.core.ErrorKind;
import spindle.core.HostKey;
import spindle.engine.CrawlJob;
import spindle.engine.CrawlSummary;
import spindle.engine.Answer;
import spindle.engine.CrawlSupervisor;
import spindle.engine.HostControl;
import spindle.engine.HostList;
import spindle.engine.HostReport;
import spindle.engine.Progress;
import spindle.engine.WhyReport;

/**
 * Stand-in crawls for testing the manager and the routes without fetching: each forwards every command it gets to a
 * probe, answers host and why questions with fixed reports, admits its seeds to its frontier and reports progress
 * once at start, and ends (completing the job's result as stopped) on {@code Stop}. A test ends one as finished with
 * {@link #finish(String)}, and makes one fail like a crawl with a bug by adding a seed of {@link #CRASH_HOST}.
 */
final class FakeCrawls {
  /** The hosts every fake crawl reports, in "queued" order. */
  static final List<String> HOSTS = List.of("a.example", "b.example:8080", "c.example");

  /** Seeds of this host make the fake crawl throw, as a crawl with a bug would. */
  static final String CRASH_HOST = "crash.example";

  /** A host whose report fails as when the crawl's frontier cannot be read. */
  static final String UNREADABLE_HOST = "unreadable.example";

  private final TestProbe<CrawlSupervisor.Command> commands;
  private final Map<String, CrawlJob> jobs = new ConcurrentHashMap<>();

  FakeCrawls(TestProbe<CrawlSupervisor.Command> commands) {
    this.commands = commands;
  }

  /** The factory the manager spawns crawls with. */
  Function<CrawlJob, Behavior<CrawlSupervisor.Command>> factory() {
    return this::behavior;
  }

  /** The last crawl job started under {@code name}. */
  CrawlJob job(String name) {
    CrawlJob job = jobs.get(name);
    if (job == null) {
      throw new AssertionError("no crawl was started for " + name + "; started: " + jobs.keySet());
    }
    return job;
  }

  /** Ends the crawl of {@code name} as a crawl with nothing left to do ends. */
  void finish(String name) {
    CrawlJob job = job(name);
    job.result().complete(summary(job, false));
  }

  private Behavior<CrawlSupervisor.Command> behavior(CrawlJob job) {
    jobs.put(job.settings().job().name(), job);
    return Behaviors.setup(context -> {
      job.frontier().add(job.seeds());
      var counts = job.frontier().counts();
      job.progress().progress(new Progress(Duration.ofMillis(1), counts.fetched(), counts.failed(), counts.queued(), 1,
          2.5, counts.discovered()));
      return Behaviors.receive(CrawlSupervisor.Command.class)
          .onAnyMessage(command -> {
            commands.ref().tell(command);
            return handle(job, command);
          })
          .build();
    });
  }

  private static Behavior<CrawlSupervisor.Command> handle(CrawlJob job, CrawlSupervisor.Command command) {
    if (command instanceof CrawlSupervisor.Stop) {
      job.result().complete(summary(job, true));
      return Behaviors.stopped();
    }
    if (command instanceof CrawlSupervisor.AddSeeds add
        && add.seeds().stream().anyMatch(seed -> seed.host().name().equals(CRASH_HOST))) {
      throw new IllegalStateException("a bug in the crawl (a test asked for it)");
    }
    if (command instanceof CrawlSupervisor.GetHost get && get.host().name().equals(UNREADABLE_HOST)) {
      get.replyTo().tell(Answer.failed("could not read the crawl's frontier: the disk is gone"));
    } else if (command instanceof CrawlSupervisor.GetHost get) {
      get.replyTo().tell(Answer.ok(report(get.host(), HostControl.NONE)));
    } else if (command instanceof CrawlSupervisor.ControlHost control) {
      control.replyTo().tell(Answer.ok(report(control.host(), control.control())));
    } else if (command instanceof CrawlSupervisor.ListHosts list) {
      List<HostReport> hosts = new ArrayList<>();
      for (String host : HOSTS.subList(0, Math.min(list.limit(), HOSTS.size()))) {
        hosts.add(report(HostKey.parse(host), HostControl.NONE));
      }
      list.replyTo().tell(Answer.ok(new HostList(hosts, HOSTS.size())));
    } else if (command instanceof CrawlSupervisor.Explain explain) {
      Instant soon = Instant.now().plusSeconds(2);
      explain.replyTo().tell(Answer.ok(new WhyReport(false, false, 7, 1, 3, 2, 1,
          List.of(new WhyReport.HostWait(HostKey.parse("a.example"), "politeness delay", Optional.of(soon))),
          List.of(new WhyReport.HostWait(HostKey.parse("b.example:8080"), "503 backoff", Optional.of(soon))),
          List.of(new WhyReport.HostWait(HostKey.parse("c.example"), "robots.txt unavailable", Optional.empty())),
          List.of(), List.of(new WhyReport.InFlight(HostKey.parse("a.example"), "http://a.example/x",
          Duration.ofMillis(300))), explain.limit() < 3)));
    } else if (command instanceof CrawlSupervisor.GetProgress get) {
      get.replyTo().tell(new Progress(Duration.ofSeconds(1), 0, 0, 0, 0, 0, 0));
    }
    return Behaviors.same();
  }

  /** A host with fixed counts, showing the control's settings. */
  static HostReport report(HostKey host, HostControl control) {
    return new HostReport(host, 3, 1, 5, 1, "ready", control.delay().orElse(Duration.ofSeconds(1)),
        control.delay().isPresent() ? "operator" : "base", control.delay().isPresent() ? "operator" : "base",
        Optional.of(Instant.parse("2030-01-01T00:00:01Z")), Optional.empty(), Optional.empty(), OptionalInt.of(200),
        control.paused().orElse(false), control.blocked().orElse(false), control.concurrency().orElse(1),
        List.of(new HostReport.Lease("http://" + host.name() + "/page", Duration.ofMillis(250))), true);
  }

  private static CrawlSummary summary(CrawlJob job, boolean stopped) {
    return new CrawlSummary(job.frontier().counts(), 0, Duration.ofSeconds(1), Map.<ErrorKind, Long>of(), stopped,
        Optional.empty(), 0, 0);
  }
}
