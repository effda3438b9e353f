package spindle.admin;

import org.apache.pekko.http.javadsl.model.headers.Host;
import org.apache.pekko.http.javadsl.testkit.DefaultHostInfo;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.RouteResult;
import org.apache.pekko.http.javadsl.testkit.RouteTest;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.Assertions;
import scala.concurrent.Future;
import scala.concurrent.duration.FiniteDuration;

/**
 * Pekko HTTP's route testkit for JUnit 5. The testkit's own base ({@code JUnitRouteTest}) is a JUnit 4 rule that
 * makes its own actor system and reports through JUnit 4's asserts; this extends the testkit's framework-neutral
 * {@link RouteTest} instead: the actor system is the test's {@code ActorTestKit} one, and failed expectations are
 * JUnit 5 assertion errors.
 */
abstract class JUnit5RouteTest extends RouteTest {
  /** The actor system the routes run on. */
  protected abstract ActorSystem<?> typedSystem();

  @Override
  public org.apache.pekko.actor.ActorSystem system() {
    return Adapter.toClassic(typedSystem());
  }

  @Override
  public Materializer materializer() {
    return Materializer.matFromSystem(typedSystem());
  }

  /** Requests name the service by its loopback address, as a browser or curl on this machine does. */
  @Override
  public DefaultHostInfo defaultHostInfo() {
    return new DefaultHostInfo(Host.create("127.0.0.1", 8080), false);
  }

  @Override
  public FiniteDuration awaitDuration() {
    return FiniteDuration.create(10, TimeUnit.SECONDS);
  }

  @Override
  public TestRouteResult createTestRouteResultAsync(HttpRequest request, Future<RouteResult> result) {
    return new TestRouteResult(result, awaitDuration(), system().dispatcher(), materializer()) {
      @Override
      public void fail(String message) {
        Assertions.fail(message);
      }

      @Override
      public void assertEquals(Object expected, Object actual, String message) {
        Assertions.assertEquals(expected, actual, message);
      }

      @Override
      public void assertEquals(int expected, int actual, String message) {
        Assertions.assertEquals(expected, actual, message);
      }

      @Override
      public void assertTrue(boolean predicate, String message) {
        Assertions.assertTrue(predicate, message);
      }
    };
  }
}
