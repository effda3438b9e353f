package spindle.engine;

import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Counts and logs every message that reaches dead letters (a stopped recipient, or a full bounded mailbox), and
 * makes sure no URL is lost with one: work that never reached a fetcher goes back to its host queue, which offers it
 * again. Logging is limited to the first few messages of each kind per minute; the metric counts all of them.
 */
final class DeadLetterMonitor extends AbstractBehavior<DeadLetterMonitor.Command> {
  /** Messages the monitor handles. */
  sealed interface Command {}

  private record Dead(Object message, String recipient, String reason) implements Command {}

  private static final int LOGGED_PER_MINUTE = 20;

  private final CrawlMetrics metrics;
  private final String scope;
  private long windowStart = System.nanoTime();
  private int loggedInWindow;

  private DeadLetterMonitor(ActorContext<Command> context, CrawlMetrics metrics, ActorPath scope) {
    super(context);
    this.metrics = metrics;
    this.scope = scope.toString() + "/";
    var system = context.getSystem();
    system.eventStream().tell(new EventStream.Subscribe<>(DeadLetter.class,
        context.messageAdapter(DeadLetter.class, dead -> new Dead(dead.message(), dead.recipient().path().toString(),
            "dead letter"))));
    system.eventStream().tell(new EventStream.Subscribe<>(Dropped.class,
        context.messageAdapter(Dropped.class, dropped -> new Dead(dropped.message(),
            dropped.recipient().path().toString(), "dropped: " + dropped.reason()))));
  }

  /**
   * A monitor that subscribes itself to the system's event stream and handles the dead letters of actors under
   * {@code scope} (its crawl's supervisor): a service runs several crawls in one system.
   */
  static Behavior<Command> create(CrawlMetrics metrics, ActorPath scope) {
    return Behaviors.setup(context -> new DeadLetterMonitor(context, metrics, scope));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Dead.class, this::onDead).build();
  }

  private Behavior<Command> onDead(Dead dead) {
    if (!dead.recipient().startsWith(scope)) {
      return this; // another crawl's
    }
    metrics.deadLetter();
    boolean recovered = false;
    if (dead.message() instanceof Fetcher.Assign assign) {
      assign.host().tell(new HostQueue.Undeliverable(assign.item()));
      recovered = true;
    }
    if (shouldLog()) {
      getContext().getLog().warn("dead letter recipient={} reason={} message={} recovered={}", dead.recipient(),
          dead.reason(), dead.message().getClass().getSimpleName(), recovered);
    }
    return this;
  }

  private boolean shouldLog() {
    long now = System.nanoTime();
    if (now - windowStart > 60_000_000_000L) {
      windowStart = now;
      loggedInWindow = 0;
    }
    return loggedInWindow++ < LOGGED_PER_MINUTE;
  }
}
