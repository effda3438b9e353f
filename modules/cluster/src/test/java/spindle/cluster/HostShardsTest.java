package spindle.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Hosts go to shards by their name, or by their registrable domain so that a domain's hosts share a node. */
class HostShardsTest {
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
