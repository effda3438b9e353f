package spindle.store;

/** The durable store failed: RocksDB reported an error, or its data is not what this version wrote. */
public class StoreException extends RuntimeException {
  /** A failure described in one line by {@code message}, caused by {@code cause} (may be null). */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
