package spindle.cluster;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.state.DurableStateStoreRegistry;
import org.apache.pekko.persistence.state.javadsl.DurableStateUpdateStore;
import spindle.core.HostKey;
import spindle.engine.HostMemory;

/**
 * The durable state of host entities in Pekko Persistence's JDBC durable-state store (pekko-persistence-jdbc) on
 * the cluster's PostgreSQL: one row per host of a job, {@code spindle|<cluster>.<job>|<host>}, serialised as CBOR, written
 * only when an operator changes the host. Whichever node owns the host next reads it back.
 */
final class JdbcHostMemory implements HostMemory {
  static final String PLUGIN = "jdbc-durable-state-store";

  private final String job;
  private final DurableStateUpdateStore<HostState> store;

  @SuppressWarnings("unchecked")
  JdbcHostMemory(ActorSystem<?> system, String job) {
    this.job = job;
    this.store = DurableStateStoreRegistry.get(system).getDurableStateStoreFor(DurableStateUpdateStore.class, PLUGIN);
  }

  @Override
  public CompletionStage<Optional<Saved>> load(HostKey host) {
    return store.getObject(persistenceId(host)).thenApply(result ->
        result.value().map(state -> new Saved(state, result.revision())));
  }

  @Override
  public CompletionStage<Void> save(HostKey host, long revision, HostState state) {
    return store.upsertObject(persistenceId(host), revision, state, "").thenApply(done -> null);
  }

  private String persistenceId(HostKey host) {
    return "spindle|" + job + "|" + host.name();
  }
}
