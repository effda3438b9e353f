package spindle.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spindle.core.CrawlRecord;
import spindle.core.CrawlUrl;
import spindle.core.ErrorKind;
import spindle.core.HostKey;

class JsonLinesWriterTest {
  @TempDir
  Path directory;

  @Test
  void writesOneJsonObjectPerLineWithTheDocumentedFieldNames() throws Exception {
    HostKey host = HostKey.of("example.org", -1);
    CrawlUrl seed = CrawlUrl.seed("http://example.org/", host);
    CrawlUrl child = CrawlUrl.discovered("http://example.org/a", host, seed);
    CrawlRecord ok = CrawlRecord.builder(child).status(200).contentType("text/html").bytes(1234).fetchMillis(12)
        .title("A \"quoted\"\ntitle").outlinks(7).fetchedAt(Instant.parse("2026-11-25T10:00:00Z")).attempts(1)
        .contentDigest("sha1:AAAA").simhash(0x0123456789abcdefL).nearDuplicateOf("http://example.org/b")
        .text("# A title\n\nSome text.").build();
    CrawlRecord failed = CrawlRecord.builder(seed).error(ErrorKind.RESPONSE_TIMEOUT, "no response in 30 s").build();
    Path file = directory.resolve("nested/out.jsonl");
    try (JsonLinesWriter writer = JsonLinesWriter.create(file)) {
      writer.write(List.of(ok));
      writer.write(List.of(failed));
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals(2, lines.size());
    ObjectMapper json = new ObjectMapper();
    JsonNode first = json.readTree(lines.get(0));
    assertEquals(List.of("url", "final_url", "status", "content_type", "bytes", "fetch_ms", "depth", "parent", "title",
        "outlinks", "fetched_at", "error", "redirects", "truncated", "noindex", "nofollow", "attempts", "location",
        "content_digest", "simhash", "near_duplicate_of", "text"), iterable(first.fieldNames()));
    assertEquals("sha1:AAAA", first.get("content_digest").asText());
    assertEquals("0123456789abcdef", first.get("simhash").asText());
    assertEquals("http://example.org/b", first.get("near_duplicate_of").asText());
    assertEquals("# A title\n\nSome text.", first.get("text").asText());
    assertEquals("http://example.org/a", first.get("url").asText());
    assertEquals(200, first.get("status").asInt());
    assertEquals(1, first.get("depth").asInt());
    assertEquals("http://example.org/", first.get("parent").asText());
    assertEquals("A \"quoted\"\ntitle", first.get("title").asText());
    assertEquals("2026-11-25T10:00:00Z", first.get("fetched_at").asText());
    assertTrue(first.get("error").isNull());
    JsonNode second = json.readTree(lines.get(1));
    assertTrue(second.get("status").isNull());
    assertTrue(second.get("parent").isNull());
    assertEquals("RESPONSE_TIMEOUT", second.get("error").get("kind").asText());
    assertEquals("no response in 30 s", second.get("error").get("message").asText());
    assertTrue(second.get("content_digest").isNull() && second.get("simhash").isNull());
    assertTrue(second.get("text") == null, "no text field when no text was extracted");
  }

  @Test
  void appendKeepsEarlierRecords() throws Exception {
    Path file = directory.resolve("out.jsonl");
    CrawlRecord record = CrawlRecord.builder("http://example.org/").status(200).build();
    try (JsonLinesWriter writer = JsonLinesWriter.create(file)) {
      writer.write(List.of(record));
      assertEquals(Files.size(file), writer.position());
    }
    long first = Files.size(file);
    try (JsonLinesWriter writer = JsonLinesWriter.append(file)) {
      assertEquals(first, writer.position());
      writer.write(List.of(record));
      assertEquals(Files.size(file), writer.position());
    }
    assertEquals(2, Files.readAllLines(file).size());
  }

  private static List<String> iterable(java.util.Iterator<String> names) {
    List<String> out = new java.util.ArrayList<>();
    names.forEachRemaining(out::add);
    return out;
  }
}
