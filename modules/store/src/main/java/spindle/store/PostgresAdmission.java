package spindle.store;

import static spindle.store.PostgresJdbc.int2Array;
import static spindle.store.PostgresJdbc.int4Array;
import static spindle.store.PostgresJdbc.int8Array;
import static spindle.store.PostgresJdbc.textArray;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import spindle.core.CrawlUrl;
import spindle.core.RevisitSchedule;

/**
 * How a {@link PostgresFrontier} admits URLs, exactly, whatever the number of nodes: candidates (within the page
 * limits) and redirect targets. Dedup is exact because every insert of a URL happens while its host's row is locked,
 * and the URL's fingerprint is checked again after that lock is taken (the primary key is the last guard); the
 * per-host limit because an add locks its hosts' rows; the global limit because, when it is finite, an add also
 * takes the job's advisory lock and sums the counts slots after it. Each call is one transaction. Thread-safe.
 */
final class PostgresAdmission {
  private final PostgresSchema schema;
  private final PostgresJdbc jdbc;
  private final PostgresCounts counts;
  private final PostgresHosts hosts;
  private final FrontierLimits limits;
  private final long budgetLock;

  PostgresAdmission(PostgresSchema schema, PostgresJdbc jdbc, PostgresCounts counts, PostgresHosts hosts,
      FrontierLimits limits) {
    this.schema = schema;
    this.jdbc = jdbc;
    this.counts = counts;
    this.hosts = hosts;
    this.limits = limits;
    this.budgetLock = schema.lockKey("budget");
  }

  /** Admits the candidates (of fingerprints {@code prints}) never seen that fit the limits; returns them in order. */
  List<CrawlUrl> add(List<CrawlUrl> candidates, long[] prints) {
    // the counts are read again even when nothing was admitted: the candidates may have been admitted by another
    // node, and a caller that adds seeds and then sees counts().idle() must not be shown a snapshot from before
    return jdbc.write("add", connection -> admit(connection, candidates, prints), accepted -> true);
  }

  /**
   * Marks the leased URL of fingerprint {@code sourcePrint} redirected and queues {@code target} when it was never
   * seen; returns false, changing nothing, when the source is not leased or the target was seen.
   */
  boolean redirect(long sourcePrint, CrawlUrl target, long targetPrint) {
    return jdbc.write("redirect", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(schema.sql(
          "UPDATE @urls SET state = 4, owner = NULL WHERE fingerprint = ? AND state = 1"))) {
        statement.setLong(1, sourcePrint);
        if (statement.executeUpdate() == 0) {
          return false;
        }
      }
      String targetHost = target.host().name();
      hosts.lock(connection, new TreeSet<>(List.of(targetHost)));
      if (!existing(connection, new long[] {targetPrint}).isEmpty()) {
        connection.rollback(); // the source stays leased: the chain ends there
        return false;
      }
      try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
          INSERT INTO @urls (fingerprint, host, url, depth, parent, redirects, state, priority, sequence, kind, lastmod)
          VALUES (?, ?, ?, ?, ?, ?, 0, ?, nextval('@url_sequence') * 16777216 + 1, ?, ?)"""))) {
        statement.setLong(1, targetPrint);
        statement.setString(2, targetHost);
        statement.setString(3, target.url());
        statement.setInt(4, target.depth());
        statement.setString(5, target.parent().orElse(null));
        statement.setArray(6, textArray(connection, target.redirects().toArray(new String[0])));
        statement.setInt(7, Math.min(target.depth(), PostgresSchema.MAX_PRIORITY));
        statement.setShort(8, PostgresSchema.kind(target.kind()));
        if (target.lastModified().isPresent()) {
          statement.setLong(9, target.lastModified().get().toEpochMilli());
        } else {
          statement.setNull(9, java.sql.Types.BIGINT);
        }
        statement.executeUpdate();
      }
      TreeMap<String, PostgresHosts.Delta> hostDeltas = new TreeMap<>();
      hostDeltas.computeIfAbsent(targetHost, name -> new PostgresHosts.Delta()).queued = 1;
      hosts.update(connection, hostDeltas);
      CountsDelta delta = new CountsDelta();
      delta.redirect();
      delta.admit();
      counts.add(connection, delta);
      return true;
    }, redirected -> redirected);
  }

  /**
   * Makes the scheduled revisits of the URLs in {@code dated} (fingerprint to a sitemap's lastmod) due now when the
   * lastmod is newer than their last visit; rows another call holds are left as they are.
   */
  private void advanceRevisits(Connection connection, Map<Long, Instant> dated) throws SQLException {
    long now = System.currentTimeMillis();
    List<Long> due = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(schema.sql("""
        SELECT fingerprint, visit FROM @urls WHERE fingerprint = ANY(?) AND state = 5 AND due > ?
        ORDER BY fingerprint FOR UPDATE SKIP LOCKED"""))) {
      statement.setArray(1, PostgresJdbc.int8Array(connection, dated.keySet().stream().mapToLong(Long::longValue)
          .toArray()));
      statement.setLong(2, now);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          long print = rows.getLong(1);
          byte[] visit = rows.getBytes(2);
          if (visit != null && RevisitSchedule.dueBySitemap(Optional.of(dated.get(print)),
              CrawlUrlCodec.decodeVisit(visit))) {
            due.add(print);
          }
        }
      }
    }
    if (due.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(schema.sql(
        "UPDATE @urls SET due = ? WHERE fingerprint = ANY(?) AND state = 5"))) {
      statement.setLong(1, now);
      statement.setArray(2, PostgresJdbc.int8Array(connection, due.stream().mapToLong(Long::longValue).toArray()));
      statement.executeUpdate();
    }
  }

  private List<CrawlUrl> admit(Connection connection, List<CrawlUrl> candidates, long[] prints) throws SQLException {
    // most links were seen before: drop them before locking anything
    Set<Long> known = existing(connection, distinct(prints));
    Map<Long, Instant> dated = new TreeMap<>(); // sorted: rows are locked in fingerprint order
    for (int i = 0; i < prints.length; i++) {
      if (known.contains(prints[i]) && candidates.get(i).lastModified().isPresent()) {
        dated.merge(prints[i], candidates.get(i).lastModified().get(), (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    if (!dated.isEmpty()) {
      advanceRevisits(connection, dated);
    }
    List<Integer> unknown = new ArrayList<>();
    TreeSet<String> hostNames = new TreeSet<>();
    for (int i = 0; i < prints.length; i++) {
      if (!known.contains(prints[i])) {
        unknown.add(i);
        hostNames.add(candidates.get(i).host().name());
      }
    }
    if (unknown.isEmpty()) {
      return List.of();
    }
    hosts.lock(connection, hostNames);
    if (limits.maxPages() == Long.MAX_VALUE && limits.maxPagesPerHost() == Long.MAX_VALUE) {
      return admitUnlimited(connection, candidates, prints, unknown);
    }
    // under the host locks nobody else can insert these URLs: look again, and read the hosts' admitted counts
    long[] unknownPrints = new long[unknown.size()];
    for (int i = 0; i < unknownPrints.length; i++) {
      unknownPrints[i] = prints[unknown.get(i)];
    }
    known = existing(connection, distinct(unknownPrints));
    Map<String, Long> admitted = hosts.admitted(connection, hostNames);
    long discovered = 0;
    if (limits.maxPages() != Long.MAX_VALUE) {
      discovered = lockBudget(connection);
    }
    Set<Long> admittedNow = new HashSet<>();
    List<CrawlUrl> accepted = new ArrayList<>();
    List<Long> acceptedPrints = new ArrayList<>();
    long rejected = 0;
    for (int index : unknown) {
      long print = prints[index];
      if (known.contains(print) || admittedNow.contains(print)) {
        continue;
      }
      CrawlUrl candidate = candidates.get(index);
      long hostAdmitted = admitted.getOrDefault(candidate.host().name(), 0L);
      if (discovered >= limits.maxPages() || hostAdmitted >= limits.maxPagesPerHost()) {
        rejected++; // not marked seen: as in MemoryFrontier, a later sighting is rejected again
        continue;
      }
      admittedNow.add(print);
      admitted.put(candidate.host().name(), hostAdmitted + 1);
      discovered++;
      accepted.add(candidate);
      acceptedPrints.add(print);
    }
    Set<Long> inserted = insertQueued(connection, accepted, acceptedPrints, rejected);
    if (inserted.size() != accepted.size()) { // cannot happen under the host locks; the primary key decides
      List<CrawlUrl> really = new ArrayList<>();
      for (int i = 0; i < accepted.size(); i++) {
        if (inserted.contains(acceptedPrints.get(i))) {
          really.add(accepted.get(i));
        }
      }
      accepted = really;
    }
    return accepted;
  }

  /**
   * Admits the candidates at {@code unknown} (not seen when the add began) without page limits, under the locks of
   * their hosts' rows: nothing needs counting before the insert, so the insert itself decides (a URL another call
   * inserted meanwhile conflicts and is left out), and the two reads under the locks are saved.
   */
  private List<CrawlUrl> admitUnlimited(Connection connection, List<CrawlUrl> candidates, long[] prints,
      List<Integer> unknown) throws SQLException {
    Set<Long> once = new HashSet<>();
    List<CrawlUrl> urls = new ArrayList<>();
    List<Long> urlPrints = new ArrayList<>();
    for (int index : unknown) {
      if (once.add(prints[index])) {
        urls.add(candidates.get(index));
        urlPrints.add(prints[index]);
      }
    }
    Set<Long> inserted = insertQueued(connection, urls, urlPrints, 0);
    List<CrawlUrl> accepted = new ArrayList<>(inserted.size());
    for (int i = 0; i < urls.size(); i++) {
      if (inserted.contains(urlPrints.get(i))) {
        accepted.add(urls.get(i));
      }
    }
    return accepted;
  }

  /**
   * Inserts {@code urls} as queued at the back of their hosts' queues, and in the same statement adds them to their
   * hosts' rows and, with {@code rejected}, to a counts slot; returns the fingerprints inserted.
   */
  private Set<Long> insertQueued(Connection connection, List<CrawlUrl> urls, List<Long> prints, long rejected)
      throws SQLException {
    if (urls.size() >= PostgresSchema.SEQUENCE_STRIDE) {
      throw new IllegalArgumentException("at most " + (PostgresSchema.SEQUENCE_STRIDE - 1) + " URLs per add, got "
          + urls.size());
    }
    int size = urls.size();
    long[] fingerprints = new long[size];
    String[] hostNames = new String[size];
    String[] addresses = new String[size];
    int[] depths = new int[size];
    String[] parents = new String[size];
    String[] redirects = new String[size];
    short[] kinds = new short[size];
    Long[] lastModified = new Long[size];
    for (int i = 0; i < size; i++) {
      CrawlUrl url = urls.get(i);
      fingerprints[i] = prints.get(i);
      hostNames[i] = url.host().name();
      addresses[i] = url.url();
      depths[i] = url.depth();
      parents[i] = url.parent().orElse(null);
      redirects[i] = url.redirects().isEmpty() ? null : jsonArray(url.redirects());
      kinds[i] = PostgresSchema.kind(url.kind());
      lastModified[i] = url.lastModified().map(Instant::toEpochMilli).orElse(null);
    }
    String statementText = schema.sql("""
        WITH base AS (SELECT nextval('@url_sequence') AS number),
        inserted AS (
          INSERT INTO @urls (fingerprint, host, url, depth, parent, redirects, state, priority, sequence, kind,
                             lastmod)
          SELECT c.fingerprint, c.host, c.url, c.depth, c.parent,
                 CASE WHEN c.redirects IS NULL THEN '{}'::text[]
                      ELSE ARRAY(SELECT r.e FROM jsonb_array_elements_text(c.redirects::jsonb) WITH ORDINALITY
                                 AS r(e, i) ORDER BY r.i) END,
                 0, least(c.depth, 255), base.number * 16777216 + c.position, c.kind, c.lastmod
          FROM unnest(?::int8[], ?::text[], ?::text[], ?::int4[], ?::text[], ?::text[], ?::int2[], ?::int8[])
               WITH ORDINALITY AS c(fingerprint, host, url, depth, parent, redirects, kind, lastmod, position), base
          ON CONFLICT (fingerprint) DO NOTHING
          RETURNING fingerprint, host),
        per_host AS (SELECT host, count(*) AS n FROM inserted GROUP BY host),
        hosts_changed AS (
          UPDATE @hosts h SET listed = true, admitted = h.admitted + p.n, queued = h.queued + p.n
          FROM per_host p WHERE h.host = p.host RETURNING 1),
        slot_changed AS (
          UPDATE @counts SET discovered = discovered + (SELECT count(*) FROM inserted),
                             queued = queued + (SELECT count(*) FROM inserted),
                             rejected = rejected + ?
          WHERE slot = ? RETURNING 1)
        SELECT fingerprint FROM inserted
        """);
    Set<Long> inserted = new HashSet<>();
    try (PreparedStatement statement = connection.prepareStatement(statementText)) {
      statement.setArray(1, int8Array(connection, fingerprints));
      statement.setArray(2, textArray(connection, hostNames));
      statement.setArray(3, textArray(connection, addresses));
      statement.setArray(4, int4Array(connection, depths));
      statement.setArray(5, textArray(connection, parents));
      statement.setArray(6, textArray(connection, redirects));
      statement.setArray(7, int2Array(connection, kinds));
      statement.setArray(8, connection.createArrayOf("int8", lastModified));
      statement.setLong(9, rejected);
      statement.setInt(10, counts.slot());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          inserted.add(rows.getLong(1));
        }
      }
    }
    return inserted;
  }

  /** Takes the job's advisory lock for admissions, then returns the URLs discovered so far (every node's). */
  private long lockBudget(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      statement.setLong(1, budgetLock);
      statement.executeQuery().close();
    }
    // a separate statement: its snapshot is taken after the lock, so it sees the previous holder's commit
    return counts.discovered(connection);
  }

  private Set<Long> existing(Connection connection, long[] prints) throws SQLException {
    Set<Long> found = new HashSet<>();
    try (PreparedStatement statement = connection.prepareStatement(
        schema.sql("SELECT fingerprint FROM @urls WHERE fingerprint = ANY(?)"))) {
      statement.setArray(1, int8Array(connection, prints));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          found.add(rows.getLong(1));
        }
      }
    }
    return found;
  }

  /** {@code values} without repetitions, in first-seen order. */
  static long[] distinct(long[] values) {
    return Arrays.stream(values).distinct().toArray();
  }

  /** A JSON array of strings (the redirect chain of an added URL, unpacked by the insert). */
  private static String jsonArray(List<String> values) {
    StringBuilder out = new StringBuilder("[");
    for (String value : values) {
      if (out.length() > 1) {
        out.append(',');
      }
      out.append('"');
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c < 0x20) {
          out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
      out.append('"');
    }
    return out.append(']').toString();
  }
}
