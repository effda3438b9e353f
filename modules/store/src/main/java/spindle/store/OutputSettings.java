package spindle.store;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import spindle.core.SettingsException;

/**
 * Where crawl records go, how they are batched and what they carry beyond the fetch itself, read once from
 * {@code spindle.output} (documented in this module's {@code reference.conf}).
 *
 * @param path {@code path}: the JSON-lines file
 * @param batchSize {@code batch-size}: records written and committed together at most; at least 1
 * @param flushInterval {@code flush-interval}: the longest a record waits for its batch to fill; above 0
 * @param text {@code text}: whether each HTML page's main content goes into its record, and in which form
 * @param simhash {@code simhash}: whether pages get a SimHash and are checked against earlier pages for
 *     near-duplicates
 */
public record OutputSettings(Path path, int batchSize, Duration flushInterval, Text text, boolean simhash) {
  /** What {@code spindle.output.text} asks for. */
  public enum Text {
    /** No text. */
    OFF,
    /** The main content as plain text. */
    TEXT,
    /** The main content as Markdown. */
    MARKDOWN
  }

  /** Rejects a batch of no record and an interval of no time, naming the key. */
  public OutputSettings {
    if (batchSize < 1) {
      throw new SettingsException("spindle.output.batch-size", "must be at least 1, was " + batchSize);
    }
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new SettingsException("spindle.output.flush-interval", "must be longer than 0, was " + flushInterval);
    }
  }

  /** Records without text or SimHashes: the defaults for what records carry. */
  public OutputSettings(Path path, int batchSize, Duration flushInterval) {
    this(path, batchSize, flushInterval, Text.OFF, false);
  }

  /** Reads {@code spindle.output} from a resolved configuration that includes the reference defaults. */
  public static OutputSettings fromConfig(Config root) {
    Config c = root.getConfig("spindle.output");
    return new OutputSettings(Path.of(c.getString("path")), c.getInt("batch-size"), c.getDuration("flush-interval"),
        text(c.getString("text")), c.getBoolean("simhash"));
  }

  private static Text text(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "off", "false" -> Text.OFF; // `text = off` reads as "off"; `--set ...text=false` as "false"
      case "text" -> Text.TEXT;
      case "markdown" -> Text.MARKDOWN;
      default -> throw new SettingsException("spindle.output.text", "must be off, text or markdown, was \"" + value
          + "\"");
    };
  }
}
