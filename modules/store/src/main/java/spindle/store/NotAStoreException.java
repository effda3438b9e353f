package spindle.store;

import java.nio.file.Path;

/**
 * A directory given as a frontier store is not one: missing, not a directory, another program's files, or a
 * RocksDB database Spindle did not create. The message is one line naming the directory and the reason.
 */
public final class NotAStoreException extends StoreException {
  private final Path directory;

  /** {@code directory} is not a store, because of {@code reason}. */
  public NotAStoreException(Path directory, String reason) {
    super(directory + ": not a Spindle store (" + reason + ")", null);
    this.directory = directory;
  }

  /** The directory that was given. */
  public Path directory() {
    return directory;
  }
}
