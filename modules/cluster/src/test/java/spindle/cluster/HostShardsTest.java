package spindle.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import spindle.core.HostKey;

/**
 * Hosts go to shards by their name, or by their registrable domain so that a domain's hosts share a node, or by the
 * server their entity id carries (politeness per server), whatever the shard-by setting.
 */
class HostShardsTest {
  @Test
  void anEntityCarryingItsServerIsPlacedByTheServerWhateverItsName() {
    HostShards shards = new HostShards(1000, ShardBy.HOST);
    String a = HostShards.entityId(Optional.of("127.0.0.2"), HostKey.parse("a.test:8080"));
    String b = HostShards.entityId(Optional.of("127.0.0.2"), HostKey.parse("www.other.test"));
    assertEquals("127.0.0.2 a.test:8080", a);
    assertEquals(shards.shardId("127.0.0.2"), shards.shardId(a));
    assertEquals(shards.shardId(a), shards.shardId(b));
    assertEquals(HostKey.parse("a.test:8080"), HostShards.host(a));
    assertEquals(Optional.of("127.0.0.2"), HostShards.server(a));
    assertEquals(Optional.of("[::1]"), HostShards.server(HostShards.entityId(Optional.of("[::1]"),
        HostKey.parse("v6.test"))));
  }

  @Test
  void anEntityWithoutAServerIsItsHostsName() {
    String id = HostShards.entityId(Optional.empty(), HostKey.parse("a.test:8080"));
    assertEquals("a.test:8080", id);
    assertEquals(HostKey.parse("a.test:8080"), HostShards.host(id));
    assertEquals(Optional.empty(), HostShards.server(id));
  }

  @Test
  void byDomainEveryHostOfADomainSharesAShard() {
    HostShards shards = new HostShards(1000, ShardBy.DOMAIN);
    String shard = shards.shardId("www.example.co.uk");
    assertEquals(shard, shards.shardId("news.example.co.uk"));
    assertEquals(shard, shards.shardId("example.co.uk:8080"));
    assertEquals("example.co.uk", shards.placement("a.b.example.co.uk"));
    assertEquals("127.0.1.7", shards.placement("127.0.1.7:8080")); // an address is its own domain
  }

  @Test
  void byHostTheHostsOfADomainSpreadOverShards() {
    HostShards shards = new HostShards(1000, ShardBy.HOST);
    Set<String> used = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      String shard = shards.shardId("host" + i + ".example.org");
      used.add(shard);
      int number = Integer.parseInt(shard);
      assertEquals(true, number >= 0 && number < 1000, shard);
    }
    assertNotEquals(1, used.size());
  }
}
