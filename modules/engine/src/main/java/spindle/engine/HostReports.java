package spindle.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import spindle.core.HostKey;
import spindle.store.Frontier;
import spindle.store.FrontierCounts;
import spindle.store.HostOrder;
import spindle.store.HostTally;

/**
 * Answers an operator's questions about hosts: one short-lived actor per question joins the frontier's durable
 * tallies (read on the store dispatcher) with the live state of the hosts' running queues (asked through the
 * region, which never starts a queue for a question).
 */
final class HostReports {
  private HostReports() {}

  /** What every report needs from its crawl. */
  record Sources(Frontier frontier, Executor storeExecutor, ActorRef<HostRegion.Command> region,
      PolitenessSettings politeness, boolean robotsEnabled, HostControls controls, Duration timeout) {}

  private record Tallies(List<HostTally> tallies, int totalHosts, FrontierCounts counts, Throwable failure) {}

  private record Statuses(List<HostQueue.HostStatus> statuses, int waitingHosts) {}

  /** The report of one host. */
  static Behavior<Object> host(Sources sources, HostKey host, ActorRef<HostReport> replyTo) {
    return join(sources, Optional.of(Set.of(host)), () -> new Tallies(List.of(sources.frontier().tally(host)), 0,
        null, null), (tallies, collected) -> replyTo.tell(report(sources, tallies.tallies().get(0),
        collected.statuses().stream().findFirst())));
  }

  /** The first {@code limit} hosts in {@code order}. */
  static Behavior<Object> list(Sources sources, HostOrder order, int limit, ActorRef<HostList> replyTo) {
    Frontier frontier = sources.frontier();
    return Behaviors.setup(context -> {
      // the hosts are known only once the frontier has answered: ask the region afterwards
      CompletableFuture<Tallies> read = CompletableFuture.supplyAsync(
          () -> new Tallies(frontier.hosts(order, limit), frontier.hostCount(), null, null), sources.storeExecutor());
      context.pipeToSelf(read, (tallies, failure) -> tallies != null ? tallies : new Tallies(List.of(), 0, null,
          failure));
      return Behaviors.receive(Object.class)
          .onMessage(Tallies.class, tallies -> {
            if (tallies.failure() != null) {
              context.getLog().error("could not read host tallies", tallies.failure());
              replyTo.tell(new HostList(List.of(), 0));
              return Behaviors.stopped();
            }
            Set<HostKey> hosts = tallies.tallies().stream().map(HostTally::host).collect(Collectors.toSet());
            sources.region().tell(new HostRegion.Collect(Optional.of(hosts), sources.timeout(),
                context.messageAdapter(HostRegion.Collected.class, collected -> new Statuses(collected.statuses(), collected.waitingHosts()))));
            return Behaviors.receive(Object.class)
                .onMessage(Statuses.class, statuses -> {
                  Map<HostKey, HostQueue.HostStatus> byHost = byHost(statuses.statuses());
                  List<HostReport> reports = new ArrayList<>(tallies.tallies().size());
                  tallies.tallies().forEach(tally -> reports.add(report(sources, tally,
                      Optional.ofNullable(byHost.get(tally.host())))));
                  replyTo.tell(new HostList(reports, tallies.totalHosts()));
                  return Behaviors.stopped();
                })
                .build();
          })
          .build();
    });
  }

  /**
   * Why the crawl is not finished, each list cut at {@code limit}; {@code offered} are the URLs waiting in the broker
   * for a fetcher, which are not in flight.
   */
  static Behavior<Object> why(Sources sources, int limit, boolean paused, boolean draining, Set<String> offered,
      ActorRef<WhyReport> replyTo) {
    Frontier frontier = sources.frontier();
    return join(sources, Optional.empty(), () -> new Tallies(List.of(), 0, frontier.counts(), null),
        (tallies, collected) -> replyTo.tell(why(collected.statuses(), collected.waitingHosts(), tallies.counts(), limit,
            paused, draining, offered)));
  }

  /** Reads the frontier and asks the region at the same time; {@code done} gets both. */
  private static Behavior<Object> join(Sources sources, Optional<Set<HostKey>> hosts, Supplier<Tallies> read,
      BiConsumer<Tallies, Statuses> done) {
    return Behaviors.setup(context -> {
      context.pipeToSelf(CompletableFuture.supplyAsync(read, sources.storeExecutor()),
          (tallies, failure) -> tallies != null ? tallies : new Tallies(List.of(), 0, null, failure));
      sources.region().tell(new HostRegion.Collect(hosts, sources.timeout(),
          context.messageAdapter(HostRegion.Collected.class, collected -> new Statuses(collected.statuses(), collected.waitingHosts()))));
      return waiting(context, null, null, done);
    });
  }

  private static Behavior<Object> waiting(ActorContext<Object> context, Tallies tallies, Statuses statuses,
      BiConsumer<Tallies, Statuses> done) {
    if (tallies != null && statuses != null) {
      if (tallies.failure() != null) {
        context.getLog().error("could not read the frontier for a host report", tallies.failure());
        return Behaviors.stopped(); // the asker times out and says so
      }
      done.accept(tallies, statuses);
      return Behaviors.stopped();
    }
    return Behaviors.receive(Object.class)
        .onMessage(Tallies.class, read -> waiting(context, read, statuses, done))
        .onMessage(Statuses.class, collected -> waiting(context, tallies, collected, done))
        .build();
  }

  private static Map<HostKey, HostQueue.HostStatus> byHost(List<HostQueue.HostStatus> statuses) {
    Map<HostKey, HostQueue.HostStatus> map = new HashMap<>();
    statuses.forEach(status -> map.put(status.host(), status));
    return map;
  }

  /** A host's report: the tally, with the queue's live state when it runs, else the host's configured state. */
  static HostReport report(Sources sources, HostTally tally, Optional<HostQueue.HostStatus> live) {
    if (live.isPresent()) {
      HostQueue.HostStatus status = live.get();
      return new HostReport(tally.host(), tally.queued() + status.windowed(), status.inFlight(), tally.fetched(),
          tally.failed(), status.robots(), status.effectiveDelay(), status.nextRequestAt(), status.backoffUntil(),
          status.robotsRetryAt(), status.lastStatus(), status.paused(), status.blocked(), status.concurrency(),
          status.leases(), true);
    }
    HostPoliteness politeness = HostPoliteness.of(sources.politeness(), sources.controls().get(tally.host()));
    return new HostReport(tally.host(), tally.queued(), 0, tally.fetched(), tally.failed(),
        sources.robotsEnabled() ? "not-loaded" : "disabled", politeness.delay(), Optional.empty(), Optional.empty(),
        Optional.empty(), OptionalInt.empty(), politeness.paused(), politeness.blocked(), politeness.concurrency(),
        List.of(), false);
  }

  /** Sorts the running queues' states into what each is waiting for. */
  static WhyReport why(List<HostQueue.HostStatus> statuses, int waitingHosts, FrontierCounts counts, int limit,
      boolean paused, boolean draining, Set<String> offered) {
    List<WhyReport.HostWait> politeness = new ArrayList<>();
    List<WhyReport.HostWait> backoff = new ArrayList<>();
    List<WhyReport.HostWait> robots = new ArrayList<>();
    List<HostKey> pausedHosts = new ArrayList<>();
    List<WhyReport.InFlight> inFlight = new ArrayList<>();
    int ready = 0;
    for (HostQueue.HostStatus status : statuses) {
      status.leases().stream().filter(lease -> !offered.contains(lease.url()))
          .forEach(lease -> inFlight.add(new WhyReport.InFlight(status.host(), lease.url(), lease.age())));
      if (status.paused()) {
        pausedHosts.add(status.host());
      } else if (status.ready()) {
        ready++;
      } else if (status.backoffUntil().isPresent()) {
        backoff.add(new WhyReport.HostWait(status.host(), "backing off after 429 or 503", status.backoffUntil()));
      } else if (status.robots().equals("waiting-retry") || status.robots().equals("fetching")
          || (status.robots().equals("unknown") && status.windowed() > 0)) {
        robots.add(new WhyReport.HostWait(status.host(), status.robots().equals("waiting-retry")
            ? "robots.txt unavailable (5xx or unreachable): disallowed until the retry"
            : "waiting for robots.txt", status.robotsRetryAt()));
      } else if (status.windowed() > 0 && status.nextRequestAt().isPresent()
          && status.inFlight() < status.concurrency()) {
        politeness.add(new WhyReport.HostWait(status.host(),
            "politeness delay of " + status.effectiveDelay().toMillis() + " ms", status.nextRequestAt()));
      }
    }
    Comparator<WhyReport.HostWait> soonest = Comparator.comparing(
        (WhyReport.HostWait wait) -> wait.until().orElse(Instant.MAX)).thenComparing(WhyReport.HostWait::host);
    politeness.sort(soonest);
    backoff.sort(soonest);
    robots.sort(soonest);
    pausedHosts.sort(Comparator.naturalOrder());
    inFlight.sort(Comparator.comparing(WhyReport.InFlight::age).reversed());
    boolean truncated = politeness.size() > limit || backoff.size() > limit || robots.size() > limit
        || pausedHosts.size() > limit || inFlight.size() > limit;
    return new WhyReport(paused, draining, counts.queued(), counts.leased(), statuses.size(), waitingHosts, ready,
        head(politeness, limit), head(backoff, limit), head(robots, limit), head(pausedHosts, limit),
        head(inFlight, limit), truncated);
  }

  private static <T> List<T> head(List<T> list, int limit) {
    return list.size() <= limit ? list : list.subList(0, limit);
  }
}
