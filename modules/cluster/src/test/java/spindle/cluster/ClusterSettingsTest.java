package spindle.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import spindle.core.SettingsException;

/** {@code spindle.cluster} becomes Pekko's settings of a node, and a bad value names its key. */
class ClusterSettingsTest {
  private static ClusterSettings read(String overrides) {
    return ClusterSettings.fromConfig(ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load())
        .resolve());
  }

  @Test
  void theNodesAddressSeedNodesAndTimingBecomePekkosSettings() {
    ClusterSettings settings = read("""
        spindle.cluster { host = "127.0.0.3", port = 25531, seed-nodes = ["127.0.0.2:25530", "127.0.0.3:25531"],
          management-port = 0, down-after = 4s }
        spindle.store.postgres.url = "jdbc:postgresql://127.0.0.1:5432/spindle"
        spindle.store.postgres.user = "u"
        spindle.store.postgres.password = "p"
        """);
    assertEquals("127.0.0.3-25531", settings.nodeName()); // the default: host-port
    Config pekko = settings.pekkoConfig().withFallback(ConfigFactory.parseString("""
        spindle.store.postgres { url = "jdbc:postgresql://127.0.0.1:5432/spindle", user = "u", password = "p" }
        """)).resolve();
    assertEquals("cluster", pekko.getString("pekko.actor.provider"));
    assertEquals("127.0.0.3", pekko.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(25531, pekko.getInt("pekko.remote.artery.canonical.port"));
    assertEquals(List.of("pekko://spindle@127.0.0.2:25530", "pekko://spindle@127.0.0.3:25531"),
        pekko.getStringList("pekko.cluster.seed-nodes"));
    assertEquals("keep-majority", pekko.getString("pekko.cluster.split-brain-resolver.active-strategy"));
    assertEquals(4000, pekko.getDuration("pekko.cluster.split-brain-resolver.stable-after").toMillis());
    assertEquals("jackson-cbor", pekko.getString("pekko.actor.serialization-bindings.\"spindle.engine.ClusterMessage\""));
    assertEquals("off", pekko.getString("pekko.actor.allow-java-serialization"));
    // the durable state of host entities is in the frontier's database
    assertEquals("jdbc:postgresql://127.0.0.1:5432/spindle", pekko.getString("jdbc-durable-state-store.slick.db.url"));
    assertEquals("u", pekko.getString("jdbc-durable-state-store.slick.db.user"));
    assertEquals(ShardBy.HOST, settings.shardBy());
  }

  @Test
  void aBadValueNamesItsKey() {
    assertKey("spindle.cluster.shard-by", "spindle.cluster.shard-by = url");
    assertKey("spindle.cluster.seed-nodes[1]", "spindle.cluster.seed-nodes = [\"127.0.0.2:1\", \"127.0.0.3\"]");
    assertKey("spindle.cluster.port", "spindle.cluster.port = 70000");
    assertKey("spindle.cluster.number-of-shards", "spindle.cluster.number-of-shards = 0");
    assertKey("spindle.cluster.node-name", "spindle.cluster.node-name = \"a b\"");
    assertKey("spindle.cluster.name", "spindle.cluster.name = \"-x\"");
    assertKey("spindle.cluster.down-after", "spindle.cluster.down-after = 0s");
  }

  private static void assertKey(String key, String overrides) {
    SettingsException thrown = assertThrows(SettingsException.class, () -> read(overrides));
    assertTrue(thrown.getMessage().contains(key), thrown.getMessage());
  }
}
