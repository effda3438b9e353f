package spindle.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import spindle.core.HostKey;
import spindle.store.PostgresFrontier;

/**
 * The server of a host for politeness by address on a cluster node, the same on every node: the one recorded in the
 * job's shared frontier ({@link PostgresFrontier#recordServer}); when none is, this node's lookup, recorded unless
 * another node recorded its own first (its DNS answer may have differed: round robin, a TTL expiring). A host's
 * server places its sharding entity, so two answers would be two entities of one host.
 */
final class HostServers {
  private final PostgresFrontier frontier;
  private final Executor store;
  private final Function<HostKey, CompletionStage<String>> lookUp;

  /**
   * Servers recorded in {@code frontier} (read and written on {@code store}), learnt by {@code lookUp} (which runs
   * its blocking lookup on an executor of its own) when none is recorded.
   */
  HostServers(PostgresFrontier frontier, Executor store, Function<HostKey, CompletionStage<String>> lookUp) {
    this.frontier = frontier;
    this.store = store;
    this.lookUp = lookUp;
  }

  /** The server of {@code host} every node uses; fails when the database cannot be reached (never a guess). */
  CompletionStage<String> serverOf(HostKey host) {
    return CompletableFuture.supplyAsync(() -> frontier.recordedServer(host), store)
        .thenCompose(recorded -> recorded.<CompletionStage<String>>map(CompletableFuture::completedFuture)
            .orElseGet(() -> lookUp.apply(host).thenApplyAsync(found -> frontier.recordServer(host, found), store)));
  }
}
