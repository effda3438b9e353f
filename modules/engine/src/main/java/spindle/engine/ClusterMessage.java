package spindle.engine;

/**
 * Marks a message that may cross nodes in a cluster, and the state saved for a host entity: such classes are
 * serialised with Jackson (CBOR), bound to this interface in the cluster module's configuration. Nothing else is
 * ever serialised; Java serialisation is off.
 */
public interface ClusterMessage {}
