package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;

/** What the tests read from a WARC directory, with jwarc: captures, index lines, and jwarc's own validator. */
final class WarcFiles {
  private WarcFiles() {}

  /** A response or revisit record: its file, where it starts, its type, target and payload digest. */
  record Capture(String file, long offset, String type, String url, String payloadDigest) {}

  /** The directory's WARC files, by name. */
  static List<Path> warcFiles(Path directory) throws IOException {
    try (Stream<Path> listing = Files.list(directory)) {
      return listing.filter(file -> file.toString().endsWith(".warc.gz")).sorted().toList();
    }
  }

  /** Every response and revisit of every file, in order; any warning of jwarc's reader (a torn record) fails. */
  static List<Capture> captures(Path directory) throws IOException {
    List<Capture> captures = new ArrayList<>();
    for (Path file : warcFiles(directory)) {
      try (WarcReader reader = new WarcReader(file)) {
        reader.onWarning(warning -> {
          throw new AssertionError(file + ": " + warning);
        });
        for (WarcRecord record : reader) {
          if (record.type().equals("response") || record.type().equals("revisit")) {
            captures.add(new Capture(file.getFileName().toString(), reader.position(), record.type(),
                record.headers().first("WARC-Target-URI").orElseThrow(),
                record.headers().first("WARC-Payload-Digest").orElseThrow()));
          }
        }
      }
    }
    return captures;
  }

  /**
   * Checks that the CDXJ index beside each file has exactly one line per response and revisit of the file, and that
   * each line's offset, read alone, opens a record of its URL and digest. Returns the lines' JSON, by URL.
   */
  static Map<String, List<JsonNode>> checkIndexes(Path directory) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, List<JsonNode>> byUrl = new HashMap<>();
    List<Capture> captures = captures(directory);
    for (Path file : warcFiles(directory)) {
      String name = file.getFileName().toString();
      Path index = file.resolveSibling(name.replaceFirst("\\.warc\\.gz$", ".cdxj"));
      assertTrue(Files.exists(index), "no index beside " + name);
      List<String> lines = Files.readAllLines(index, StandardCharsets.UTF_8);
      long inFile = captures.stream().filter(capture -> capture.file().equals(name)).count();
      assertEquals(inFile, lines.size(), "index lines of " + name);
      for (String line : lines) {
        JsonNode fields = json.readTree(line.substring(line.indexOf('{')));
        assertEquals(name, fields.get("filename").asText(), line);
        try (FileChannel channel = FileChannel.open(file)) {
          channel.position(Long.parseLong(fields.get("offset").asText()));
          try (WarcReader reader = new WarcReader(channel)) {
            WarcRecord record = reader.next().orElseThrow(() -> new AssertionError("no record at " + line));
            assertEquals(fields.get("url").asText(), record.headers().first("WARC-Target-URI").orElseThrow(), line);
            assertEquals(fields.get("digest").asText(), record.headers().first("WARC-Payload-Digest").orElseThrow(),
                line);
            assertEquals(fields.get("mime").asText().equals("warc/revisit"), record.type().equals("revisit"), line);
          }
        }
        byUrl.computeIfAbsent(fields.get("url").asText(), url -> new ArrayList<>()).add(fields);
      }
    }
    return byUrl;
  }

  /** Runs jwarc's own validator ({@code ValidateTool}) over every WARC file in a child JVM; returns what it said. */
  static String validateWithJwarc(Path directory) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        "org.netpreserve.jwarc.tools.ValidateTool", "-v"));
    warcFiles(directory).forEach(file -> command.add(file.toString()));
    Process validator = new ProcessBuilder(command).redirectErrorStream(true).start();
    String said = new String(validator.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(validator.waitFor(60, TimeUnit.SECONDS), "jwarc's validator did not end: " + said);
    assertEquals(0, validator.exitValue(), "jwarc's validator: " + said);
    return said;
  }
}
