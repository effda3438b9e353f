package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** docs/configuration.md stays true: every key of the reference configuration is on the page. */
class ConfigurationDocTest {
  @Test
  void everyReferenceKeyIsDocumented() throws Exception {
    Path page = Path.of("../../docs/configuration.md");
    String text = Files.readString(page);
    Config reference = ConfigFactory.defaultReference();
    TreeSet<String> missing = new TreeSet<>();
    reference.getConfig("spindle").entrySet().forEach(entry -> {
      String key = "spindle." + entry.getKey();
      if (!key.startsWith("spindle.dispatchers.") && !text.contains("`" + key + "`")) {
        missing.add(key);
      }
    });
    assertTrue(missing.isEmpty(), "not in docs/configuration.md (run python3 docs/configuration.py > "
        + "docs/configuration.md): " + List.copyOf(missing));
  }
}
