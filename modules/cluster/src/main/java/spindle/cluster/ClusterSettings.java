package spindle.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import spindle.core.SettingsException;

/**
 * The {@code spindle.cluster} section: where this node listens, which nodes it joins, how hosts are placed, and when
 * a silent member is given up. {@link #pekkoConfig} turns it into Pekko's settings.
 *
 * @param name the cluster's name: nodes of one name share their jobs (in one database)
 * @param host the address this node listens on for other nodes and advertises to them
 * @param port the port of that address (Pekko Artery over TCP)
 * @param seedNodes the nodes to join, as {@code host:port}
 * @param managementPort Pekko Management's HTTP port on {@code host} ({@code /cluster/members}); 0: any free port
 * @param nodeName this node's stable name (its output file and committed output length are kept under it)
 * @param shardBy what places hosts on shards
 * @param numberOfShards shards per crawl
 * @param downAfter how long a member may stay unreachable before the split-brain resolver downs it
 * @param silentOwnerTimeout leases of a process silent this long are requeued (a whole cluster restarted)
 * @param jobPollInterval how often a node looks for jobs submitted to other nodes
 */
public record ClusterSettings(String name, String host, int port, List<String> seedNodes, int managementPort, String nodeName,
    ShardBy shardBy, int numberOfShards, Duration downAfter, Duration silentOwnerTimeout,
    Duration jobPollInterval) {
  /** The name of the actor system on every node: seed node addresses include it. */
  public static final String SYSTEM_NAME = "spindle";

  public ClusterSettings {
    seedNodes = List.copyOf(seedNodes);
    if (port < 0 || port > 65535) {
      throw new SettingsException("spindle.cluster.port", "must be from 0 to 65535, was " + port);
    }
    if (managementPort < 0 || managementPort > 65535) {
      throw new SettingsException("spindle.cluster.management-port", "must be from 0 to 65535, was "
          + managementPort);
    }
    for (int i = 0; i < seedNodes.size(); i++) {
      if (!seedNodes.get(i).matches("[^:/\\s]+:\\d{1,5}")) {
        throw new SettingsException("spindle.cluster.seed-nodes[" + i + "]", "must be host:port, was \""
            + seedNodes.get(i) + "\"");
      }
    }
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new SettingsException("spindle.cluster.name",
          "must be 1-64 letters, digits, '.', '_' or '-', was \"" + name + "\"");
    }
    if (numberOfShards < 1) {
      throw new SettingsException("spindle.cluster.number-of-shards", "must be at least 1, was " + numberOfShards);
    }
    if (!nodeName.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new SettingsException("spindle.cluster.node-name",
          "must be 1-64 letters, digits, '.', '_' or '-' (it names the node's output file), was \"" + nodeName + "\"");
    }
  }

  /** Reads {@code spindle.cluster} from {@code root}. */
  public static ClusterSettings fromConfig(Config root) {
    Config cluster = root.getConfig("spindle.cluster");
    String host = cluster.getString("host");
    int port = cluster.getInt("port");
    String name = cluster.getString("node-name").isBlank()
        ? host.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + port : cluster.getString("node-name");
    String shardBy = cluster.getString("shard-by").trim().toLowerCase(Locale.ROOT);
    ShardBy placement = switch (shardBy) {
      case "host" -> ShardBy.HOST;
      case "domain" -> ShardBy.DOMAIN;
      default -> throw new SettingsException("spindle.cluster.shard-by",
          "must be \"host\" or \"domain\", was \"" + shardBy + "\"");
    };
    return new ClusterSettings(cluster.getString("name"), host, port, cluster.getStringList("seed-nodes"), cluster.getInt("management-port"),
        name, placement, cluster.getInt("number-of-shards"), positive(cluster, "down-after"),
        positive(cluster, "silent-owner-timeout"), positive(cluster, "job-poll-interval"));
  }

  private static Duration positive(Config cluster, String key) {
    Duration value = cluster.getDuration(key);
    if (value.isNegative() || value.isZero()) {
      throw new SettingsException("spindle.cluster." + key, "must be longer than 0, was " + value);
    }
    return value;
  }

  /**
   * Pekko's settings for this node, over {@code spindle-cluster.conf}: the cluster provider, this node's address,
   * the seed nodes, the split-brain resolver's timing and Pekko Management's endpoint.
   */
  public Config pekkoConfig() {
    List<String> seeds = new ArrayList<>();
    seedNodes.forEach(seed -> seeds.add("pekko://" + SYSTEM_NAME + "@" + seed));
    return ConfigFactory.parseMap(Map.of(
        "pekko.remote.artery.canonical.hostname", host,
        "pekko.remote.artery.canonical.port", port,
        "pekko.cluster.seed-nodes", seeds,
        "pekko.cluster.split-brain-resolver.stable-after", downAfter.toMillis() + "ms",
        "pekko.management.http.hostname", host,
        "pekko.management.http.port", managementPort), "spindle.cluster")
        .withFallback(ConfigFactory.parseResources(ClusterSettings.class.getClassLoader(), "spindle-cluster.conf"));
  }
}
