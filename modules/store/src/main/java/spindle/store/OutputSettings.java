package spindle.store;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import spindle.core.SettingsException;

/**
 * Where crawl records go and how they are batched, read once from {@code spindle.output} (documented in this
 * module's {@code reference.conf}).
 *
 * @param path {@code path}: the JSON-lines file
 * @param batchSize {@code batch-size}: records written and committed together at most; at least 1
 * @param flushInterval {@code flush-interval}: the longest a record waits for its batch to fill; above 0
 */
public record OutputSettings(Path path, int batchSize, Duration flushInterval) {
  /** Rejects a batch of no record and an interval of no time, naming the key. */
  public OutputSettings {
    if (batchSize < 1) {
      throw new SettingsException("spindle.output.batch-size", "must be at least 1, was " + batchSize);
    }
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new SettingsException("spindle.output.flush-interval", "must be longer than 0, was " + flushInterval);
    }
  }

  /** Reads {@code spindle.output} from a resolved configuration that includes the reference defaults. */
  public static OutputSettings fromConfig(Config root) {
    Config c = root.getConfig("spindle.output");
    return new OutputSettings(Path.of(c.getString("path")), c.getInt("batch-size"), c.getDuration("flush-interval"));
  }
}
