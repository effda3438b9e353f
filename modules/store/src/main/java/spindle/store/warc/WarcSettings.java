package spindle.store.warc;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Optional;
import spindle.core.SettingsException;

/**
 * Whether and where a crawl archives what it fetches, read once from {@code spindle.warc} (documented in this module's
 * {@code reference.conf}).
 *
 * @param directory {@code dir}: where the WARC files and their CDXJ indexes go; empty when archiving is off
 * @param maxFileSize {@code max-file-size}: the size after which the next capture starts a new file; at least 1 byte
 * @param prefix {@code prefix}: the start of every file name; letters, digits, '.', '_' or '-'
 * @param compressionLevel {@code compression-level}: the gzip level of each record, 1 (fastest) to 9 (smallest)
 */
public record WarcSettings(Optional<Path> directory, long maxFileSize, String prefix, int compressionLevel) {
  /** Rejects values the archive cannot use, naming the key. */
  public WarcSettings {
    if (maxFileSize < 1) {
      throw new SettingsException("spindle.warc.max-file-size", "must be at least 1 byte, was " + maxFileSize);
    }
    if (!prefix.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      throw new SettingsException("spindle.warc.prefix", "must be 1-100 letters, digits, '.', '_' or '-', starting "
          + "with a letter or digit (it begins every file name), was \"" + prefix + "\"");
    }
    if (compressionLevel < 1 || compressionLevel > 9) {
      throw new SettingsException("spindle.warc.compression-level", "must be from 1 to 9, was " + compressionLevel);
    }
  }

  /** Whether the crawl writes WARC files. */
  public boolean enabled() {
    return directory.isPresent();
  }

  /** Reads {@code spindle.warc} from a resolved configuration that includes the reference defaults. */
  public static WarcSettings fromConfig(Config root) {
    Config c = root.getConfig("spindle.warc");
    String directory = c.getString("dir");
    return new WarcSettings(directory.isBlank() ? Optional.empty() : Optional.of(Path.of(directory)),
        c.getBytes("max-file-size"), c.getString("prefix"), c.getInt("compression-level"));
  }
}
