package spindle.cli;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import sun.misc.Signal;

/**
 * SIGINT and SIGTERM stop a crawl or the service gracefully: the first asks the supervisor (or the service) to drain
 * (requests in flight finish, their records are written, the output is flushed, exit 0); a second exits at once with
 * 130. Handling the signals ourselves, instead of in a shutdown hook, is what lets a drained crawl exit with 0.
 */
final class Signals {
  private Signals() {}

  /** Installs the handlers for a crawl run by {@code supervisor} whose end completes {@code done}. */
  static void onStop(ActorRef<spindle.engine.CrawlSupervisor.Command> supervisor, CompletableFuture<?> done) {
    onStop(() -> {
      System.err.println();
      System.err.println("spindle: stopping: finishing requests in flight (signal again to quit at once)");
      supervisor.tell(spindle.engine.CrawlSupervisor.Stop.INSTANCE);
    }, done);
  }

  /**
   * Installs the handlers: the first signal runs {@code drain} (unless {@code done} is complete already), a second
   * halts the JVM with 130.
   */
  static void onStop(Runnable drain, CompletableFuture<?> done) {
    AtomicInteger received = new AtomicInteger();
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        Signal.handle(new Signal(name), signal -> {
          if (received.incrementAndGet() == 1 && !done.isDone()) {
            drain.run();
          } else {
            System.err.println("spindle: quitting without draining");
            Runtime.getRuntime().halt(130);
          }
        });
      } catch (IllegalArgumentException unsupported) { // a JVM that reserves the signal: keep its default
        org.slf4j.LoggerFactory.getLogger(Signals.class).debug("cannot handle SIG{}", name);
      }
    }
  }
}
