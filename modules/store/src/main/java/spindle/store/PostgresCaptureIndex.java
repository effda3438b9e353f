package spindle.store;

import static spindle.store.PostgresJdbc.int4Array;
import static spindle.store.PostgresJdbc.int8Array;
import static spindle.store.PostgresJdbc.textArray;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import spindle.store.warc.WarcArchive;
import spindle.store.warc.WarcPosition;

/**
 * The {@link CaptureIndex} of a {@link PostgresFrontier}, in the job's schema ({@link PostgresSchema}), shared by the
 * nodes of a cluster: the payload digests ({@code digests}) and the SimHash bands ({@code bands}) are the whole
 * crawl's, the WARC position ({@code warc_positions}) is this node's, because each node writes files of its own. The
 * node is the frontier's stable node name, so a node restarted under the same name resumes its own files.
 *
 * <p>Each call is one transaction. A commit writes the new first captures (a digest already there keeps its first
 * capture: {@code ON CONFLICT DO NOTHING}) and this node's position together, so after a kill the position and the
 * digests archived up to it agree, as in the RocksDB store. {@link #archive} holds a transaction-level advisory lock
 * per digest of its batch (taken in key order, so two batches never deadlock) from the look-up to the commit: a
 * payload that two nodes fetch at the same moment is one response and one revisit, never two responses. Band lists
 * are read {@code FOR UPDATE}, so two nodes filing pages under one band value never lose each other's page.
 */
final class PostgresCaptureIndex implements CaptureIndex {
  private final PostgresSchema schema;
  private final PostgresJdbc jdbc;
  private final String node;

  /** The index in {@code schema}, with the position of {@code node}'s archive. */
  PostgresCaptureIndex(PostgresSchema schema, PostgresJdbc jdbc, String node) {
    this.schema = schema;
    this.jdbc = jdbc;
    this.node = node;
  }

  /** {@inheritDoc} This node's archive's. */
  @Override
  public WarcPosition warcPosition() {
    return jdbc.read("warcPosition", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(schema.sql(
          "SELECT file, file_bytes, index_bytes FROM @warc_positions WHERE node = ?"))) {
        statement.setString(1, node);
        try (ResultSet rows = statement.executeQuery()) {
          return rows.next() ? new WarcPosition(rows.getString(1), rows.getLong(2), rows.getLong(3))
              : WarcPosition.START;
        }
      }
    });
  }

  /** {@inheritDoc} One query, whichever node archived them. */
  @Override
  public Map<String, WarcArchive.Original> originals(Collection<String> payloadDigests) {
    String[] digests = sorted(payloadDigests);
    if (digests.length == 0) {
      return Map.of();
    }
    return jdbc.read("originals", connection -> select(connection, digests));
  }

  /** {@inheritDoc} The position is this node's. */
  @Override
  public void commitArchive(WarcPosition position, Map<String, WarcArchive.Original> originals) {
    jdbc.write("commitArchive", connection -> {
      insert(connection, originals);
      savePosition(connection, position);
      return null;
    }, ignored -> false);
  }

  /**
   * {@inheritDoc} One transaction, never retried (the batch is written to the WARC file inside it): the digests'
   * advisory locks, the look-up, {@code write}, the commit. Another node archiving one of these digests meanwhile
   * waits for the commit, then finds the digest archived.
   */
  @Override
  public void archive(Collection<String> payloadDigests, Function<Map<String, WarcArchive.Original>, Batch> write) {
    String[] digests = sorted(payloadDigests);
    jdbc.writeOnce("archive", connection -> {
      lock(connection, digests);
      Batch written = write.apply(digests.length == 0 ? Map.of() : select(connection, digests));
      insert(connection, written.originals());
      savePosition(connection, written.position());
      return null;
    });
  }

  /** {@inheritDoc} One transaction: the band lists of the pages are read and locked, searched, and written back. */
  @Override
  public List<Optional<String>> nearDuplicates(List<PageFingerprint> pages) {
    if (pages.isEmpty()) {
      return List.of();
    }
    TreeSet<Integer> keys = new TreeSet<>(); // sorted: every call locks band rows in this order
    for (PageFingerprint page : pages) {
      if (page.simhash() != 0) {
        for (int key : SimHashBands.keys(page.simhash())) {
          keys.add(key);
        }
      }
    }
    if (keys.isEmpty()) {
      return SimHashBands.apply(pages, wanted -> Map.of()).matches();
    }
    return jdbc.write("nearDuplicates", connection -> {
      Map<Integer, List<SimHashBands.Entry>> lists = lockBands(connection, keys);
      SimHashBands.Outcome outcome = SimHashBands.apply(pages, wanted -> lists);
      if (!outcome.changed().isEmpty()) {
        try (PreparedStatement statement = connection.prepareStatement(schema.sql(
            "UPDATE @bands SET entries = ? WHERE band = ?"))) {
          for (Map.Entry<Integer, List<SimHashBands.Entry>> changed : new TreeMap<>(outcome.changed()).entrySet()) {
            statement.setBytes(1, SimHashBands.encode(changed.getValue()));
            statement.setInt(2, changed.getKey());
            statement.addBatch();
          }
          statement.executeBatch();
        }
      }
      return outcome.matches();
    }, ignored -> false);
  }

  /**
   * Creates the rows of {@code keys} that are missing (empty lists), then reads and locks them all; returns the
   * non-empty lists by key. Creating first gives every key a row to lock, so two nodes never both start a new list.
   */
  private Map<Integer, List<SimHashBands.Entry>> lockBands(Connection connection, TreeSet<Integer> keys)
      throws SQLException {
    int[] sortedKeys = keys.stream().mapToInt(Integer::intValue).toArray();
    try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
        INSERT INTO @bands (band, entries) SELECT band, ? FROM unnest(?::int4[]) AS band ORDER BY band
        ON CONFLICT (band) DO NOTHING"""))) {
      statement.setBytes(1, SimHashBands.encode(List.of()));
      statement.setArray(2, int4Array(connection, sortedKeys));
      statement.executeUpdate();
    }
    Map<Integer, List<SimHashBands.Entry>> lists = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(schema.sql(
        "SELECT band, entries FROM @bands WHERE band = ANY(?::int4[]) ORDER BY band FOR UPDATE"))) {
      statement.setArray(1, int4Array(connection, sortedKeys));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          List<SimHashBands.Entry> entries = SimHashBands.decode(rows.getBytes(2));
          if (!entries.isEmpty()) {
            lists.put(rows.getInt(1), entries);
          }
        }
      }
    }
    return lists;
  }

  /** Waits for, and takes until the transaction ends, the advisory lock of each of {@code digests}, in key order. */
  private void lock(Connection connection, String[] digests) throws SQLException {
    if (digests.length == 0) {
      return;
    }
    long[] keys = new long[digests.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = schema.lockKey("digest " + digests[i]);
    }
    Arrays.sort(keys);
    try (PreparedStatement statement = connection.prepareStatement("""
        SELECT pg_advisory_xact_lock(key) FROM (SELECT key FROM unnest(?::int8[]) AS key ORDER BY key) AS sorted""")) {
      statement.setArray(1, int8Array(connection, keys));
      statement.executeQuery().close();
    }
  }

  private Map<String, WarcArchive.Original> select(Connection connection, String[] digests) throws SQLException {
    Map<String, WarcArchive.Original> found = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
        SELECT digest, record_id, url, captured_seconds, captured_nanos FROM @digests
        WHERE digest = ANY(?::text[])"""))) {
      statement.setArray(1, textArray(connection, digests));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          found.put(rows.getString(1), new WarcArchive.Original(URI.create(rows.getString(2)), rows.getString(3),
              Instant.ofEpochSecond(rows.getLong(4), rows.getInt(5))));
        }
      }
    }
    return found;
  }

  /** Inserts the first captures, in digest order (the order every insert takes their keys); known ones stay. */
  private void insert(Connection connection, Map<String, WarcArchive.Original> originals) throws SQLException {
    if (originals.isEmpty()) {
      return;
    }
    TreeMap<String, WarcArchive.Original> sorted = new TreeMap<>(originals);
    int size = sorted.size();
    String[] digests = new String[size];
    String[] recordIds = new String[size];
    String[] urls = new String[size];
    long[] seconds = new long[size];
    int[] nanos = new int[size];
    int i = 0;
    for (Map.Entry<String, WarcArchive.Original> entry : sorted.entrySet()) {
      digests[i] = entry.getKey();
      recordIds[i] = entry.getValue().recordId().toString();
      urls[i] = entry.getValue().url();
      seconds[i] = entry.getValue().date().getEpochSecond();
      nanos[i++] = entry.getValue().date().getNano();
    }
    try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
        INSERT INTO @digests (digest, record_id, url, captured_seconds, captured_nanos)
        SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::int8[], ?::int4[])
        ON CONFLICT (digest) DO NOTHING"""))) {
      statement.setArray(1, textArray(connection, digests));
      statement.setArray(2, textArray(connection, recordIds));
      statement.setArray(3, textArray(connection, urls));
      statement.setArray(4, int8Array(connection, seconds));
      statement.setArray(5, int4Array(connection, nanos));
      statement.executeUpdate();
    }
  }

  private void savePosition(Connection connection, WarcPosition position) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
        INSERT INTO @warc_positions (node, file, file_bytes, index_bytes) VALUES (?, ?, ?, ?)
        ON CONFLICT (node) DO UPDATE SET file = EXCLUDED.file, file_bytes = EXCLUDED.file_bytes,
          index_bytes = EXCLUDED.index_bytes"""))) {
      statement.setString(1, node);
      statement.setString(2, position.file());
      statement.setLong(3, position.offset());
      statement.setLong(4, position.indexOffset());
      statement.executeUpdate();
    }
  }

  /** The distinct digests, sorted. */
  private static String[] sorted(Collection<String> digests) {
    return new TreeSet<>(digests).toArray(String[]::new);
  }
}
