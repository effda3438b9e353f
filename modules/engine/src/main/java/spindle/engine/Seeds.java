package spindle.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import spindle.core.CrawlUrl;
import spindle.core.FileProblems;
import spindle.core.HostKey;
import spindle.core.SettingsException;
import spindle.core.url.UrlNormalizer;
import spindle.core.url.WebUrl;

/**
 * Turns the job's seeds (inline, and a file with one URL per line, {@code #} starting a comment) into canonical
 * crawl URLs. The first seed that is not an absolute http(s) URL stops the job with a message naming the key
 * or the file and line.
 */
public final class Seeds {
  private Seeds() {}

  /**
   * The job's seeds, inline ones first, duplicates kept (the frontier drops them). A relative seed-file path is
   * resolved against {@code baseDirectory}, normally the directory of the job file.
   */
  public static List<CrawlUrl> resolve(CrawlSettings.JobSettings job, UrlNormalizer normalizer, Path baseDirectory) {
    List<CrawlUrl> seeds = new ArrayList<>();
    for (int i = 0; i < job.seeds().size(); i++) {
      String key = "spindle.job.seeds[" + i + "]";
      String text = job.seeds().get(i);
      seeds.add(seed(text, normalizer).orElseThrow(() ->
          new SettingsException(key, "\"" + text + "\" is not an absolute http(s) URL")));
    }
    if (!job.seedFile().isBlank()) {
      Path file = baseDirectory.resolve(job.seedFile());
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException unreadable) {
        throw new SettingsException("spindle.job.seed-file", "cannot read " + file + ": " + FileProblems.reason(unreadable));
      }
      for (int line = 0; line < lines.size(); line++) {
        String text = lines.get(line).strip();
        if (text.isEmpty() || text.startsWith("#")) {
          continue;
        }
        int lineNumber = line + 1;
        seeds.add(seed(text, normalizer).orElseThrow(() -> new SettingsException("spindle.job.seed-file",
            file + " line " + lineNumber + ": \"" + text + "\" is not an absolute http(s) URL")));
      }
    }
    if (seeds.isEmpty()) {
      throw new SettingsException("spindle.job.seeds", "the job has no seeds (set spindle.job.seeds or "
          + "spindle.job.seed-file, or pass --seed)");
    }
    return seeds;
  }

  /** The canonical seed for {@code text}, or empty when it is not an absolute http(s) URL. */
  public static Optional<CrawlUrl> seed(String text, UrlNormalizer normalizer) {
    return WebUrl.parse(text.strip())
        .filter(url -> url.scheme().equals("http") || url.scheme().equals("https"))
        .filter(url -> !url.host().isEmpty())
        .flatMap(normalizer::normalize)
        .map(url -> CrawlUrl.seed(url.href(), HostKey.of(url.host(), url.port().orElse(-1))));
  }
}
