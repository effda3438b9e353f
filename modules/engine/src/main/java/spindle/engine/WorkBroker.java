package spindle.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Matches work offered by host queues with idle fetchers. Host queues offer an item only when their politeness
 * allows a request, and fetchers ask for one only when idle, so neither side is ever pushed more than it can take;
 * the queues here are bounded by the hosts' per-host concurrency. Offers are served first come, first served,
 * which rotates fairly between hosts.
 *
 * <p>While paused (an operator's request) it hands out nothing, so no request starts; offers and idle fetchers
 * wait, and a drain still completes once the fetchers in flight are idle.
 *
 * <p>An offer never outlives the queue that made it: a queue that stops (a sharding entity handed to another node)
 * first takes back its offers no fetcher has started ({@link Withdraw}), and the offers of a queue that stopped
 * anyway (stopped by force) are dropped. Otherwise a request could start, for a host, from a node that no longer
 * owns it, while the host's new owner already runs elsewhere.
 *
 * <p>With a global rate limit, every item that sends a request also needs a permit from the throttled permit
 * stream; without one, permits are not used. Rejections (records written without a request) need neither.
 */
final class WorkBroker extends AbstractBehavior<WorkBroker.Command> {
  /** Messages the broker handles. */
  sealed interface Command {}

  /** A fetcher is idle and asks for its next item. */
  record RequestWork(ActorRef<Fetcher.Command> replyTo) implements Command {}

  /** A host queue offers an item; the broker assigns it to the next idle fetcher. */
  record Offer(WorkItem item, ActorRef<HostQueue.Command> host) implements Command {}

  /**
   * {@code host} takes back its offers that wait for a fetcher: each goes back to it as
   * {@link HostQueue.Undeliverable}. Offers already handed to a fetcher are not affected.
   */
  record Withdraw(ActorRef<HostQueue.Command> host) implements Command {}

  /** A host queue with offers waiting here has stopped. */
  private record HostStopped(ActorRef<HostQueue.Command> host) implements Command {}

  /** The permit stream started; {@code ackTo} asks for the first permit. */
  record PermitsStarted(ActorRef<PermitAck> ackTo) implements Command {}

  /** One permit of the global rate limit; acknowledging it asks for the next. */
  record Permit(ActorRef<PermitAck> ackTo) implements Command {}

  /** The permit stream ended (only at shutdown). */
  enum PermitsEnded implements Command { INSTANCE }

  /** Stop handing out work; reply with {@link Drained} once every fetcher is idle. */
  record Drain(ActorRef<Drained> replyTo) implements Command {}

  /** A fetcher stopped for good (its restarts ran out); the broker stops counting on it. */
  record FetcherLost(ActorRef<Fetcher.Command> fetcher) implements Command {}

  /** Hand out nothing until {@link Resume}: requests in flight finish, none starts. */
  enum Pause implements Command { INSTANCE }

  /** Hand out work again after {@link Pause}. */
  enum Resume implements Command { INSTANCE }

  /** Reports fetchers busy and offers waiting. */
  record GetLoad(ActorRef<Load> replyTo) implements Command {}

  /** Replies with the URLs offered and not yet handed to a fetcher (all of them while paused). */
  record GetOffered(ActorRef<Offered> replyTo) implements Command {}

  /** The URLs of the items waiting here for a fetcher: their hosts count them as leased, but no request runs. */
  record Offered(Set<String> urls) {
    public Offered {
      urls = Set.copyOf(urls);
    }
  }

  /** Acknowledges a permit to the permit stream. */
  enum PermitAck { INSTANCE }

  /** Every fetcher is idle after a {@link Drain}. */
  enum Drained { INSTANCE }

  /** The broker's load: fetchers working, and offers waiting for a fetcher. */
  record Load(int busyFetchers, int waitingOffers) {}

  private int fetcherCount;
  private final boolean rateLimited;
  private final CrawlMetrics metrics;
  private final ArrayDeque<Offer> rejections = new ArrayDeque<>();
  private final ArrayDeque<Offer> requests = new ArrayDeque<>();
  private final Set<ActorRef<Fetcher.Command>> idle = new LinkedHashSet<>();
  /** The queues that made offers, watched until they stop (one watch each, however many offers). */
  private final Set<ActorRef<HostQueue.Command>> watched = new HashSet<>();
  private ActorRef<PermitAck> permit;
  private ActorRef<Drained> drainRequester;
  private boolean paused;

  private WorkBroker(ActorContext<Command> context, int fetcherCount, boolean rateLimited, CrawlMetrics metrics) {
    super(context);
    this.fetcherCount = fetcherCount;
    this.rateLimited = rateLimited;
    this.metrics = metrics;
  }

  /** A broker for {@code fetcherCount} fetchers; {@code rateLimited} makes request items wait for permits. */
  static Behavior<Command> create(int fetcherCount, boolean rateLimited, CrawlMetrics metrics) {
    return Behaviors.setup(context -> new WorkBroker(context, fetcherCount, rateLimited, metrics));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RequestWork.class, this::onRequestWork)
        .onMessage(Offer.class, this::onOffer)
        .onMessage(Withdraw.class, this::onWithdraw)
        .onMessage(HostStopped.class, this::onHostStopped)
        .onMessage(PermitsStarted.class, this::onPermitsStarted)
        .onMessage(Permit.class, this::onPermit)
        .onMessageEquals(PermitsEnded.INSTANCE, () -> this)
        .onMessage(Drain.class, this::onDrain)
        .onMessage(GetLoad.class, this::onGetLoad)
        .onMessage(GetOffered.class, this::onGetOffered)
        .onMessageEquals(Pause.INSTANCE, this::onPause)
        .onMessageEquals(Resume.INSTANCE, this::onResume)
        .onMessage(FetcherLost.class, this::onFetcherLost)
        .onSignal(PreRestart.class, signal -> onPreRestart())
        .build();
  }

  private Behavior<Command> onRequestWork(RequestWork request) {
    idle.add(request.replyTo());
    dispatch();
    return this;
  }

  private Behavior<Command> onOffer(Offer offer) {
    (offer.item().sendsRequest() ? requests : rejections).addLast(offer);
    if (watched.add(offer.host())) {
      getContext().watchWith(offer.host(), new HostStopped(offer.host()));
    }
    dispatch();
    return this;
  }

  private Behavior<Command> onWithdraw(Withdraw withdraw) {
    removeOffersOf(withdraw.host()).forEach(offer ->
        withdraw.host().tell(new HostQueue.Undeliverable(offer.item())));
    return this;
  }

  private Behavior<Command> onHostStopped(HostStopped stopped) {
    watched.remove(stopped.host());
    List<Offer> dropped = removeOffersOf(stopped.host());
    if (!dropped.isEmpty()) {
      getContext().getLog().warn("host queue stopped with {} offers waiting; they are dropped, its host's next queue "
          + "leases their URLs again queue={}", dropped.size(), stopped.host().path().name());
    }
    return this;
  }

  /** Takes every offer of {@code host} out of the queues (they hold at most the hosts' concurrency). */
  private List<Offer> removeOffersOf(ActorRef<HostQueue.Command> host) {
    List<Offer> removed = new ArrayList<>();
    for (ArrayDeque<Offer> queue : List.of(requests, rejections)) {
      queue.removeIf(offer -> offer.host().equals(host) && removed.add(offer));
    }
    return removed;
  }

  private Behavior<Command> onPermitsStarted(PermitsStarted started) {
    started.ackTo().tell(PermitAck.INSTANCE);
    return this;
  }

  private Behavior<Command> onPermit(Permit granted) {
    permit = granted.ackTo();
    dispatch();
    return this;
  }

  private Behavior<Command> onDrain(Drain drain) {
    drainRequester = drain.replyTo();
    replyIfDrained();
    return this;
  }

  private Behavior<Command> onFetcherLost(FetcherLost lost) {
    idle.remove(lost.fetcher());
    fetcherCount--;
    getContext().getLog().error("fetcher stopped for good fetcher={} fetchers_left={}", lost.fetcher().path().name(),
        fetcherCount);
    replyIfDrained();
    return this;
  }

  private Behavior<Command> onPause() {
    paused = true;
    return this;
  }

  private Behavior<Command> onResume() {
    paused = false;
    dispatch();
    return this;
  }

  private Behavior<Command> onGetLoad(GetLoad get) {
    get.replyTo().tell(new Load(fetcherCount - idle.size(), requests.size() + rejections.size()));
    return this;
  }

  private Behavior<Command> onGetOffered(GetOffered get) {
    Set<String> urls = new HashSet<>();
    for (ArrayDeque<Offer> queue : List.of(requests, rejections)) {
      queue.forEach(offer -> urls.add(offer.item().target()));
    }
    get.replyTo().tell(new Offered(urls));
    return this;
  }

  private Behavior<Command> onPreRestart() {
    metrics.restarted("work-broker");
    return this;
  }

  private void dispatch() {
    if (drainRequester != null) {
      replyIfDrained();
      return;
    }
    if (paused) {
      return; // offers wait in their queues; a fetcher asking meanwhile waits as idle
    }
    Iterator<ActorRef<Fetcher.Command>> fetchers = idle.iterator();
    while (fetchers.hasNext() && !rejections.isEmpty()) {
      assign(fetchers, rejections.pollFirst());
    }
    while (fetchers.hasNext() && !requests.isEmpty() && (!rateLimited || permit != null)) {
      assign(fetchers, requests.pollFirst());
      if (rateLimited) {
        permit.tell(PermitAck.INSTANCE);
        permit = null;
      }
    }
  }

  private void assign(Iterator<ActorRef<Fetcher.Command>> fetchers, Offer offer) {
    ActorRef<Fetcher.Command> fetcher = fetchers.next();
    fetchers.remove();
    fetcher.tell(new Fetcher.Assign(offer.item(), offer.host()));
  }

  private void replyIfDrained() {
    if (drainRequester != null && idle.size() >= fetcherCount) {
      drainRequester.tell(Drained.INSTANCE);
    }
  }
}
