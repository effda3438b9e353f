package spindle.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import spindle.core.HostKey;
import spindle.store.Frontier;
import spindle.store.FrontierCounts;
import spindle.store.HostOrder;
import spindle.store.HostTally;

/**
 * Answers an operator's questions about hosts: one short-lived actor per question joins the frontier's durable
 * tallies (read on the store dispatcher) with the live state of the hosts' running queues (asked through the
 * region, which never starts a queue for a question).
 *
 * <p>It always answers: with the report; with the frontier's part alone when the region has not answered within
 * the sources' timeout and a second (hosts then show no live state, as if not running); or with
 * {@link Answer.Failed} when the frontier could not be read, or not in that time.
 */
final class HostReports {
  private HostReports() {}

  /** Messages a question's actor handles: the frontier's part, the region's part and its deadline. */
  sealed interface Command {}

  private record FrontierRead(Tallies tallies) implements Command {}

  private record FrontierFailed(Throwable failure) implements Command {}

  private record LiveCollected(HostRegion.Collected collected) implements Command {}

  private record OffersRead(Set<String> urls) implements Command {}

  private enum Deadline implements Command { INSTANCE }

  /** What every report needs from its crawl. */
  record Sources(Frontier frontier, Executor storeExecutor, ActorRef<HostRegion.Command> region,
      ActorRef<WorkBroker.Command> broker, PolitenessSettings politeness, boolean robotsEnabled,
      HostControls controls, Duration timeout) {}

  /** The frontier's part of an answer: host tallies, how many hosts it knows, or its counts. */
  private record Tallies(List<HostTally> tallies, int totalHosts, FrontierCounts counts,
      List<Frontier.HostDue> revisits) {
    Tallies(List<HostTally> tallies, int totalHosts, FrontierCounts counts) {
      this(tallies, totalHosts, counts, List.of());
    }
  }

  /** The report of one host. */
  static Behavior<Command> host(Sources sources, HostKey host, ActorRef<Answer<HostReport>> replyTo) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      Asking<HostReport> asking = new Asking<>(context, sources, replyTo);
      asking.answer((tallies, live) -> asking.replyOk(report(sources, tallies.tallies().get(0),
          live.statuses().stream().findFirst())));
      asking.start(timers, frontier -> new Tallies(List.of(frontier.tally(host)), 0, null));
      asking.collect(Optional.of(Set.of(host)));
      return asking.joining(Optional.empty(), Optional.empty());
    }));
  }

  /** The first {@code limit} hosts in {@code order}. */
  static Behavior<Command> list(Sources sources, HostOrder order, int limit, ActorRef<Answer<HostList>> replyTo) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      Asking<HostList> asking = new Asking<>(context, sources, replyTo);
      asking.answer((tallies, live) -> asking.replyOk(list(sources, tallies, live)));
      // the hosts are known only once the frontier has answered: the region is asked afterwards
      asking.start(timers, frontier -> new Tallies(frontier.hosts(order, limit), frontier.hostCount(), null));
      return asking.readingHosts();
    }));
  }

  /**
   * Why the crawl is not finished, each list cut at {@code limit}. Once the hosts answered, the broker is asked which
   * of their requests wait in it for a fetcher (not in flight; a pause holds them all there): an offer a host made
   * before its answer is in the broker's mailbox before that question.
   */
  static Behavior<Command> why(Sources sources, int limit, boolean paused, boolean draining,
      ActorRef<Answer<WhyReport>> replyTo) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      Asking<WhyReport> asking = new Asking<>(context, sources, replyTo);
      asking.answer((tallies, live) -> withoutOffers(asking, why(live.statuses(), live.waitingHosts(),
          tallies.counts(), tallies.revisits(), limit, paused, draining)));
      asking.start(timers, frontier -> new Tallies(List.of(), 0, frontier.counts(),
          frontier.nextRevisits(limit + 1)));
      asking.collect(Optional.empty());
      return asking.joining(Optional.empty(), Optional.empty());
    }));
  }

  /**
   * The report {@code why} without the requests that wait in the broker for a fetcher; the report as it is if the
   * broker does not say in time.
   */
  private static Behavior<Command> withoutOffers(Asking<WhyReport> asking, WhyReport why) {
    asking.context.ask(WorkBroker.Offered.class, asking.sources.broker(), asking.sources.timeout(),
        WorkBroker.GetOffered::new, (offered, failure) -> new OffersRead(offered == null ? Set.of() : offered.urls()));
    return Behaviors.receive(Command.class)
        .onMessage(OffersRead.class, offers -> asking.replyOk(why.withoutInFlight(offers.urls())))
        .build();
  }

  /** One question under way: its phases are behaviours, and it is answered exactly once. */
  private static final class Asking<T> {
    private final ActorContext<Command> context;
    private final Sources sources;
    private final ActorRef<Answer<T>> replyTo;
    private BiFunction<Tallies, HostRegion.Collected, Behavior<Command>> answer;

    Asking(ActorContext<Command> context, Sources sources, ActorRef<Answer<T>> replyTo) {
      this.context = context;
      this.sources = sources;
      this.replyTo = replyTo;
    }

    /** What to do once both parts are in: reply, or take a last step first. */
    void answer(BiFunction<Tallies, HostRegion.Collected, Behavior<Command>> then) {
      answer = then;
    }

    /** Replies with {@code value} and stops. */
    Behavior<Command> replyOk(T value) {
      replyTo.tell(Answer.ok(value));
      return Behaviors.stopped();
    }

    /** Reads the frontier on the store dispatcher, and sets the deadline. */
    void start(TimerScheduler<Command> timers, Function<Frontier, Tallies> read) {
      Frontier frontier = sources.frontier();
      context.pipeToSelf(CompletableFuture.supplyAsync(() -> read.apply(frontier), sources.storeExecutor()),
          (tallies, failure) -> failure == null ? new FrontierRead(tallies) : new FrontierFailed(failure));
      timers.startSingleTimer(Deadline.INSTANCE, deadline());
    }

    /** Asks the region for the live state of {@code hosts} (empty: every running queue). */
    void collect(Optional<Set<HostKey>> hosts) {
      sources.region().tell(new HostRegion.Collect(hosts, sources.timeout(),
          context.messageAdapter(HostRegion.Collected.class, LiveCollected::new)));
    }

    /** Waiting for the frontier, whose answer names the hosts to ask the region about. */
    Behavior<Command> readingHosts() {
      return Behaviors.receive(Command.class)
          .onMessage(FrontierRead.class, this::onHostsRead)
          .onMessage(FrontierFailed.class, this::onFrontierFailed)
          .onMessageEquals(Deadline.INSTANCE, () -> onDeadline(Optional.empty()))
          .build();
    }

    /** Waiting for whichever of the frontier and the region has not answered yet. */
    Behavior<Command> joining(Optional<Tallies> tallies, Optional<HostRegion.Collected> live) {
      if (tallies.isPresent() && live.isPresent()) {
        return reply(tallies.get(), live.get());
      }
      return Behaviors.receive(Command.class)
          .onMessage(FrontierRead.class, read -> joining(Optional.of(read.tallies()), live))
          .onMessage(LiveCollected.class, collected -> joining(tallies, Optional.of(collected.collected())))
          .onMessage(FrontierFailed.class, this::onFrontierFailed)
          .onMessageEquals(Deadline.INSTANCE, () -> onDeadline(tallies))
          .build();
    }

    private Behavior<Command> onHostsRead(FrontierRead read) {
      Set<HostKey> hosts = new HashSet<>();
      read.tallies().tallies().forEach(tally -> hosts.add(tally.host()));
      collect(Optional.of(hosts));
      return joining(Optional.of(read.tallies()), Optional.empty());
    }

    private Behavior<Command> onFrontierFailed(FrontierFailed failed) {
      Throwable cause = failed.failure() instanceof CompletionException && failed.failure().getCause() != null
          ? failed.failure().getCause() : failed.failure();
      context.getLog().error("could not read the frontier for a host report", cause);
      replyTo.tell(Answer.failed("could not read the crawl's frontier: " + cause));
      return Behaviors.stopped();
    }

    /** The deadline passed: the frontier's part alone, else a failure. */
    private Behavior<Command> onDeadline(Optional<Tallies> tallies) {
      if (tallies.isPresent()) {
        context.getLog().warn("host queues did not answer within {}; reporting without their live state",
            deadline());
        return reply(tallies.get(), new HostRegion.Collected(List.of(), 0));
      }
      replyTo.tell(Answer.failed("the crawl's frontier did not answer within " + deadline().toMillis() + " ms"));
      return Behaviors.stopped();
    }

    private Behavior<Command> reply(Tallies tallies, HostRegion.Collected live) {
      return answer.apply(tallies, live);
    }

    /** The region answers within the sources' timeout; a second more covers the messages' way. */
    private Duration deadline() {
      return sources.timeout().plusSeconds(1);
    }
  }

  private static HostList list(Sources sources, Tallies tallies, HostRegion.Collected live) {
    Map<HostKey, HostQueue.HostStatus> byHost = new HashMap<>();
    live.statuses().forEach(status -> byHost.put(status.host(), status));
    List<HostReport> reports = new ArrayList<>(tallies.tallies().size());
    tallies.tallies().forEach(tally -> reports.add(report(sources, tally, Optional.ofNullable(byHost.get(
        tally.host())))));
    return new HostList(reports, tallies.totalHosts());
  }

  /** A host's report: the tally, with the queue's live state when it runs, else the host's configured state. */
  static HostReport report(Sources sources, HostTally tally, Optional<HostQueue.HostStatus> live) {
    if (live.isPresent()) {
      HostQueue.HostStatus status = live.get();
      return new HostReport(tally.host(), tally.queued() + status.windowed(), status.inFlight(), tally.fetched(),
          tally.failed(), status.robots(), status.effectiveDelay(), status.delaySource(), status.delayReason(),
          status.nextRequestAt(), status.backoffUntil(),
          status.robotsRetryAt(), status.lastStatus(), status.paused(), status.blocked(), status.concurrency(),
          status.leases(), true);
    }
    HostPoliteness politeness = HostPoliteness.of(sources.politeness(), sources.controls().get(tally.host()));
    HostPoliteness.Reason reason = politeness.reason();
    return new HostReport(tally.host(), tally.queued(), 0, tally.fetched(), tally.failed(),
        sources.robotsEnabled() ? "not-loaded" : "disabled", politeness.delay(), reason.source(), reason.text(),
        Optional.empty(), Optional.empty(),
        Optional.empty(), OptionalInt.empty(), politeness.paused(), politeness.blocked(), politeness.concurrency(),
        List.of(), false);
  }

  /** Sorts the running queues' states into what each is waiting for. */
  static WhyReport why(List<HostQueue.HostStatus> statuses, int waitingHosts, FrontierCounts counts, int limit,
      boolean paused, boolean draining) {
    return why(statuses, waitingHosts, counts, List.of(), limit, paused, draining);
  }

  /**
   * {@link #why(List, int, FrontierCounts, int, boolean, boolean)} with the hosts whose next URL waits for a revisit
   * ({@code nextRevisits}, soonest first): those with nothing queued, leased or in flight are listed as waiting for
   * it; a host with work now is in the other lists.
   */
  static WhyReport why(List<HostQueue.HostStatus> statuses, int waitingHosts, FrontierCounts counts,
      List<Frontier.HostDue> nextRevisits, int limit, boolean paused, boolean draining) {
    List<WhyReport.HostWait> politeness = new ArrayList<>();
    List<WhyReport.HostWait> backoff = new ArrayList<>();
    List<WhyReport.HostWait> robots = new ArrayList<>();
    List<HostKey> pausedHosts = new ArrayList<>();
    List<WhyReport.InFlight> inFlight = new ArrayList<>();
    int ready = 0;
    for (HostQueue.HostStatus status : statuses) {
      status.leases().forEach(lease -> inFlight.add(new WhyReport.InFlight(status.host(), lease.url(), lease.age())));
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
        politeness.add(new WhyReport.HostWait(status.host(), "politeness delay of "
            + status.effectiveDelay().toMillis() + " ms (" + status.delayReason() + ")", status.nextRequestAt()));
      }
    }
    Comparator<WhyReport.HostWait> soonest = Comparator.comparing(
        (WhyReport.HostWait wait) -> wait.until().orElse(Instant.MAX)).thenComparing(WhyReport.HostWait::host);
    politeness.sort(soonest);
    backoff.sort(soonest);
    robots.sort(soonest);
    pausedHosts.sort(Comparator.naturalOrder());
    inFlight.sort(Comparator.comparing(WhyReport.InFlight::age).reversed());
    Set<HostKey> busy = new HashSet<>();
    statuses.stream().filter(status -> status.windowed() > 0 || status.inFlight() > 0)
        .forEach(status -> busy.add(status.host()));
    List<WhyReport.HostWait> revisits = new ArrayList<>();
    for (Frontier.HostDue due : nextRevisits) {
      if (!busy.contains(due.host())) {
        revisits.add(new WhyReport.HostWait(due.host(), "every URL waits for its revisit", Optional.of(due.due())));
      }
    }
    boolean truncated = politeness.size() > limit || backoff.size() > limit || robots.size() > limit
        || pausedHosts.size() > limit || inFlight.size() > limit || revisits.size() > limit;
    return new WhyReport(paused, draining, counts.queued(), counts.leased(), statuses.size(), waitingHosts, ready,
        head(politeness, limit), head(backoff, limit), head(robots, limit), head(pausedHosts, limit),
        head(inFlight, limit), truncated, counts.scheduled(), head(revisits, limit));
  }

  private static <T> List<T> head(List<T> list, int limit) {
    return list.size() <= limit ? list : list.subList(0, limit);
  }
}
