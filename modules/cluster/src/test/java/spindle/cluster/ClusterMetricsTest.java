package spindle.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The cluster's gauges count the members by status as this node sees them, and the unreachable ones. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterMetricsTest {
  private final ActorTestKit testKit = ActorTestKit.create("metrics", ConfigFactory.parseString("""
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical.hostname = "127.0.0.1"
      pekko.remote.artery.canonical.port = 0
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      """).withFallback(ConfigFactory.load()));

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aNodeThatJoinedItselfCountsOneMemberUpAndNoneUnreachable() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ClusterMetrics.bind(testKit.system(), registry);
    assertEquals(0, registry.get("spindle.cluster.members").tag("status", "up").gauge().value(), "not joined yet");

    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
      assertEquals(1, registry.get("spindle.cluster.members").tag("status", "up").gauge().value());
      return null;
    });
    for (String status : ClusterMetrics.MEMBER_STATUSES) {
      if (!status.equals("up")) {
        assertEquals(0, registry.get("spindle.cluster.members").tag("status", status).gauge().value(), status);
      }
    }
    assertEquals(0, registry.get("spindle.cluster.members.unreachable").gauge().value());
  }
}
