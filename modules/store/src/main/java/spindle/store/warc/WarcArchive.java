package spindle.store.warc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.MessageVersion;
import org.netpreserve.jwarc.URIs;
import org.netpreserve.jwarc.WarcCompression;
import org.netpreserve.jwarc.WarcDigest;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcRequest;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcRevisit;
import org.netpreserve.jwarc.WarcTruncationReason;
import org.netpreserve.jwarc.WarcWriter;
import org.netpreserve.jwarc.Warcinfo;

/**
 * Writes captures as WARC 1.1 records into gzipped files named {@code <prefix>-<UTC timestamp>-<serial>.warc.gz}, one
 * gzip member per record, a new file (starting with a {@code warcinfo} record) once the current one reaches its size
 * limit. Per capture: a {@code response} record (or, for a payload archived before, a {@code revisit} record with the
 * identical-payload-digest profile), then the {@code request} record, {@code WARC-Concurrent-To} the first; payload
 * and block digests are SHA-1 in base32. Beside each WARC file, {@code <name>.cdxj} indexes its responses and revisits
 * in pywb's CDXJ format ({@code SURT timestamp {json}}), sorted when the file is complete.
 *
 * <p>Not thread-safe: one writer stage owns it, on the blocking-I/O dispatcher.
 */
public final class WarcArchive implements AutoCloseable {
  /** WARC-Profile of a revisit the server answered with 304 Not Modified (WARC 1.1, 6.7.2). */
  public static final URI SERVER_NOT_MODIFIED = URI.create("http://netpreserve.org/warc/1.1/revisit/server-not-modified");
  /** WARC-Profile of a revisit whose payload equals an earlier capture's. */
  public static final URI IDENTICAL_PAYLOAD = URI.create("http://netpreserve.org/warc/1.1/revisit/identical-payload-digest");

  private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CDX_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  private static final byte[] CRLF = {'\r', '\n'};
  private static final Pattern OFFSET = Pattern.compile("\"offset\": \"(\\d+)\"");

  /**
   * What the archive needs to know.
   *
   * @param directory where the files go (created when the first is)
   * @param prefix the start of every file name
   * @param maxFileSize the size after which the next capture starts a new file
   * @param compressionLevel the gzip level of each record, 1 (fastest) to 9 (smallest)
   * @param info the fields of each file's {@code warcinfo} record (software, operator, the job's settings...), in
   *     the order given
   */
  public record Settings(Path directory, String prefix, long maxFileSize, int compressionLevel,
      Map<String, String> info) {
    public Settings {
      info = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(info));
      if (!prefix.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
        throw new IllegalArgumentException("a WARC prefix is letters, digits, '.', '_' or '-', was \"" + prefix + "\"");
      }
      if (compressionLevel < 1 || compressionLevel > 9) {
        throw new IllegalArgumentException("a gzip level is from 1 to 9, was " + compressionLevel);
      }
    }

    /** Settings that compress at level 1, the fastest. */
    public Settings(Path directory, String prefix, long maxFileSize, Map<String, String> info) {
      this(directory, prefix, maxFileSize, 1, info);
    }
  }

  /**
   * The capture a revisit refers to: its record, URL and date.
   *
   * @param recordId the original response record's WARC-Record-ID
   */
  public record Original(URI recordId, String url, Instant date) {}

  private final Settings settings;
  private final Clock clock;
  private final Pattern ownFile;
  private final Pattern ownSorting;
  private final RecordBuffer record = new RecordBuffer();
  /** Writes each record uncompressed into {@link #record}, which {@link #gzip} then writes to the file. */
  private final WarcWriter recordWriter;
  private final GzipMembers gzip;
  private int serial;
  private String fileName = "";
  private FileChannel channel; // the current file, or null between files
  private FileChannel index;
  private WarcPosition resumedFrom = WarcPosition.START;
  private URI warcinfoId;
  private volatile long bytes; // read by the admin API's threads
  private volatile int filesStarted;

  private WarcArchive(Settings settings, Clock clock) throws IOException {
    this.settings = settings;
    this.clock = clock;
    this.ownFile = Pattern.compile(Pattern.quote(settings.prefix()) + "-\\d{17}-(\\d{5,})\\.warc\\.gz");
    // exactly this prefix's: nodes of a cluster share a directory, and "job-a-..." starts like "job-a-b-..."
    this.ownSorting = Pattern.compile(Pattern.quote(settings.prefix()) + "-\\d{17}-\\d{5,}\\.cdxj\\.sorting");
    this.recordWriter = new WarcWriter(Channels.newChannel(record), WarcCompression.NONE);
    this.gzip = new GzipMembers(settings.compressionLevel());
  }

  /** The bytes of one record before compression; grows to the largest record and is reused. */
  private static final class RecordBuffer extends ByteArrayOutputStream {
    RecordBuffer() {
      super(64 * 1024);
    }

    byte[] array() {
      return buf;
    }
  }

  /**
   * An archive that goes on from {@code committed}: the WARC file named there is cut back to the committed length (a
   * kill leaves no torn record behind) and its index keeps the lines of the records before it, files this archive
   * started after it are deleted (their records were never committed, and their URLs are fetched again), and writing
   * goes on in that file. With {@link WarcPosition#START}, every file of this prefix in the directory is deleted: the
   * caller makes sure they are this crawl's.
   */
  public static WarcArchive open(Settings settings, WarcPosition committed, Clock clock) throws IOException {
    WarcArchive archive = new WarcArchive(settings, clock);
    archive.resume(committed);
    return archive;
  }

  private void resume(WarcPosition committed) throws IOException {
    resumedFrom = committed;
    if (!Files.isDirectory(settings.directory())) {
      return;
    }
    int committedSerial = committed.file().isEmpty() ? 0 : serialOf(committed.file());
    try (Stream<Path> files = Files.list(settings.directory())) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (ownSorting.matcher(name).matches()) {
          Files.delete(file); // a sort cut short by a kill; the index it sorted is complete
          continue;
        }
        Matcher own = ownFile.matcher(name);
        if (own.matches()) {
          int number = Integer.parseInt(own.group(1));
          if (number > committedSerial) { // started after the last commit: nothing in it counts
            Files.delete(file);
            Files.deleteIfExists(indexOf(file));
          }
          serial = Math.max(serial, Math.min(number, committedSerial));
          if (number < committedSerial) { // a file of an earlier run, complete: it counts in this crawl's figures
            bytes += Files.size(file);
            filesStarted++;
          }
        }
      }
    }
    if (committed.file().isEmpty()) {
      return;
    }
    Path file = settings.directory().resolve(committed.file());
    if (!Files.exists(file)) {
      throw new IOException(file + " is missing: this crawl wrote records to it (was it moved or deleted?)");
    }
    if (Files.size(file) < committed.offset()) {
      throw new IOException(file + " holds " + Files.size(file) + " bytes but this crawl wrote " + committed.offset()
          + " there (was it cut or replaced?)");
    }
    serial = committedSerial;
    fileName = committed.file();
    bytes += committed.offset();
    filesStarted++;
    channel = FileChannel.open(file, StandardOpenOption.WRITE);
    channel.truncate(committed.offset());
    channel.position(committed.offset());
    index = FileChannel.open(rewriteIndex(indexOf(file), committed.offset()), StandardOpenOption.WRITE);
    index.position(index.size());
    warcinfoId = firstRecordId(file);
  }

  /**
   * Keeps the complete lines of {@code index} whose records start before {@code end}: the committed records. A kill
   * can leave lines of records past the committed position, a torn last line, or (after the file was completed and
   * the next one begun, before the next commit) the lines sorted, so it is filtered by offset, not cut at a length.
   */
  private Path rewriteIndex(Path index, long end) throws IOException {
    List<String> kept = new ArrayList<>();
    if (Files.exists(index)) {
      String text = Files.readString(index, StandardCharsets.UTF_8);
      int lineStart = 0;
      for (int newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', lineStart)) {
        String line = text.substring(lineStart, newline);
        lineStart = newline + 1;
        Matcher offset = OFFSET.matcher(line);
        if (offset.find() && Long.parseLong(offset.group(1)) < end) {
          kept.add(line);
        }
      }
    }
    Path rewritten = index.resolveSibling(index.getFileName() + ".sorting");
    Files.write(rewritten, kept, StandardCharsets.UTF_8);
    Files.move(rewritten, index, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return index;
  }

  /** The id of the file's first record, its warcinfo; null when the file holds no complete record. */
  private static URI firstRecordId(Path file) throws IOException {
    try (WarcReader reader = new WarcReader(FileChannel.open(file, StandardOpenOption.READ))) {
      Optional<WarcRecord> first = reader.next();
      return first.filter(record -> record instanceof Warcinfo).map(WarcRecord::id).orElse(null);
    }
  }

  /**
   * Writes {@code capture}: its response, or a revisit of {@code identical} when its payload was archived before
   * (the caller knows, from its digest index), then its request. A 304 Not Modified is a revisit of profile
   * server-not-modified (referring to {@code identical}, the capture of the page as last visited, when known), its
   * block the response's headers. Returns the payload digest and where the response or revisit record lies.
   */
  public Archived archive(Capture capture, Optional<Original> identical) throws IOException {
    if (channel == null || channel.position() >= settings.maxFileSize()) {
      startFile();
    }
    String payloadDigest = sha1(capture.payload());
    URI target = URI.create(URIs.percentEncodeIllegals(capture.url()));
    byte[] responseHead = head(capture.statusLine(), capture.responseHeaders(), true);
    long start = channel.position();
    URI responseId;
    boolean revisited = identical.isPresent() || capture.notModified();
    if (revisited) {
      WarcRevisit.Builder revisit = new WarcRevisit.Builder(target,
          capture.notModified() ? SERVER_NOT_MODIFIED : IDENTICAL_PAYLOAD)
          .version(MessageVersion.WARC_1_1)
          .date(capture.date())
          .body(MediaType.HTTP_RESPONSE, responseHead)
          .blockDigest(new WarcDigest(sha1(responseHead)));
      identical.ifPresent(original -> revisit.refersTo(original.recordId(), original.url(), original.date()));
      if (capture.notModified()) {
        capture.notModifiedDigest().ifPresent(digest -> revisit.payloadDigest(new WarcDigest(digest)));
      } else {
        revisit.payloadDigest(new WarcDigest(payloadDigest));
      }
      capture.ip().ifPresent(revisit::ipAddress);
      if (warcinfoId != null) {
        revisit.warcinfoId(warcinfoId);
      }
      WarcRevisit revisitRecord = revisit.build();
      write(revisitRecord);
      responseId = revisitRecord.id();
    } else {
      byte[] block = concat(responseHead, capture.payload());
      WarcResponse.Builder response = new WarcResponse.Builder(target)
          .version(MessageVersion.WARC_1_1)
          .date(capture.date())
          .payloadDigest(new WarcDigest(payloadDigest))
          .body(MediaType.HTTP_RESPONSE, block)
          .blockDigest(new WarcDigest(sha1(block)));
      capture.ip().ifPresent(response::ipAddress);
      capture.truncated().ifPresent(reason -> response.truncated(switch (reason) {
        case LENGTH -> WarcTruncationReason.LENGTH;
        case TIME -> WarcTruncationReason.TIME;
        case DISCONNECT -> WarcTruncationReason.DISCONNECT;
      }));
      if (warcinfoId != null) {
        response.warcinfoId(warcinfoId);
      }
      WarcResponse responseRecord = response.build();
      write(responseRecord);
      responseId = responseRecord.id();
    }
    long end = channel.position();
    byte[] request = head(capture.requestLine(), capture.requestHeaders(), false);
    WarcRequest.Builder requestRecord = new WarcRequest.Builder(target)
        .version(MessageVersion.WARC_1_1)
        .date(capture.date())
        .concurrentTo(responseId)
        .body(MediaType.HTTP_REQUEST, request)
        .blockDigest(new WarcDigest(sha1(request)));
    capture.ip().ifPresent(requestRecord::ipAddress);
    if (warcinfoId != null) {
      requestRecord.warcinfoId(warcinfoId);
    }
    write(requestRecord.build());
    bytes += channel.position() - start;
    index(capture, revisited, payloadDigest, start, end - start);
    return new Archived(payloadDigest, revisited, fileName, start, end - start, capture.date(), responseId);
  }

  /** Writes {@code warcRecord} as one gzip member at the end of the current file. */
  private void write(WarcRecord warcRecord) throws IOException {
    record.reset();
    recordWriter.write(warcRecord);
    gzip.write(record.array(), record.size(), channel);
  }

  /**
   * The position reached. Nothing is buffered in this process (each record is written to the file's channel as soon
   * as it is compressed, the index is a channel too), so a position is safe to commit as soon as it is read: a killed
   * process loses nothing before it. Before the first capture of this run, the position it resumed from.
   */
  public WarcPosition position() throws IOException {
    return channel == null ? resumedFrom : new WarcPosition(fileName, channel.position(), index.position());
  }

  /** Bytes of this crawl's WARC files: those of earlier runs (up to the committed position) and this run's. */
  public long bytes() {
    return bytes;
  }

  /** This crawl's WARC files: those of earlier runs that a resume kept, and the ones this run started. */
  public int filesStarted() {
    return filesStarted;
  }

  /** The directory the files go to. */
  public Path directory() {
    return settings.directory();
  }

  /** Completes the current file: its index is sorted. Idempotent. */
  @Override
  public void close() throws IOException {
    completeFile();
    gzip.close();
  }

  private void completeFile() throws IOException {
    if (channel == null) {
      return;
    }
    Path file = settings.directory().resolve(fileName);
    resumedFrom = position();
    channel.close();
    index.close();
    channel = null;
    sortIndex(indexOf(file));
  }

  private void startFile() throws IOException {
    completeFile();
    Files.createDirectories(settings.directory());
    serial++;
    fileName = settings.prefix() + "-" + FILE_TIME.format(clock.instant()) + "-" + String.format(Locale.ROOT, "%05d",
        serial) + ".warc.gz";
    Path file = settings.directory().resolve(fileName);
    channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    index = FileChannel.open(indexOf(file), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
    Map<String, List<String>> fields = new LinkedHashMap<>();
    settings.info().forEach((name, value) -> fields.put(name, List.of(value)));
    fields.putIfAbsent("format", List.of("WARC File Format 1.1"));
    fields.putIfAbsent("conformsTo",
        List.of("https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"));
    Warcinfo warcinfo = new Warcinfo.Builder().version(MessageVersion.WARC_1_1).date(clock.instant())
        .filename(fileName).fields(fields).build();
    write(warcinfo);
    warcinfoId = warcinfo.id();
    bytes += channel.position();
    filesStarted++;
  }

  private void index(Capture capture, boolean revisit, String digest, long offset, long length) throws IOException {
    StringBuilder line = new StringBuilder(256);
    line.append(URIs.toNormalizedSurt(capture.url())).append(' ').append(CDX_TIME.format(capture.date())).append(" {");
    field(line, "url", capture.url()).append(", ");
    String mime = revisit ? "warc/revisit" : capture.responseHeader("Content-Type")
        .map(type -> type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT)).filter(type -> !type.isEmpty())
        .orElse("unk");
    field(line, "mime", mime).append(", ");
    field(line, "status", Integer.toString(capture.status())).append(", ");
    field(line, "digest", digest).append(", ");
    field(line, "length", Long.toString(length)).append(", ");
    field(line, "offset", Long.toString(offset)).append(", ");
    field(line, "filename", fileName).append("}\n");
    index.write(java.nio.ByteBuffer.wrap(line.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private static StringBuilder field(StringBuilder line, String name, String value) {
    line.append('"').append(name).append("\": \"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> line.append("\\\"");
        case '\\' -> line.append("\\\\");
        default -> {
          if (c < 0x20) {
            line.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            line.append(c);
          }
        }
      }
    }
    return line.append('"');
  }

  private static void sortIndex(Path index) throws IOException {
    if (!Files.exists(index)) {
      return;
    }
    List<String> lines = new ArrayList<>(Files.readAllLines(index, StandardCharsets.UTF_8));
    lines.sort(null); // SURT key, then timestamp: the order pywb looks captures up in
    Path sorted = index.resolveSibling(index.getFileName() + ".sorting");
    Files.write(sorted, lines, StandardCharsets.UTF_8);
    Files.move(sorted, index, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** The CDXJ index beside a WARC file: {@code x.warc.gz} has {@code x.cdxj}. */
  public static Path indexOf(Path warcFile) {
    String name = warcFile.getFileName().toString();
    return warcFile.resolveSibling(name.substring(0, name.length() - ".warc.gz".length()) + ".cdxj");
  }

  private int serialOf(String name) {
    Matcher own = ownFile.matcher(name);
    if (!own.matches()) {
      throw new IllegalArgumentException(name + " is not a WARC file of this archive (" + settings.prefix() + "-...)");
    }
    return Integer.parseInt(own.group(1));
  }

  /** The HTTP message head as bytes: start line, headers (a response without Transfer-Encoding), empty line. */
  private static byte[] head(String startLine, List<Capture.Header> headers, boolean response) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    out.writeBytes(startLine.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(CRLF);
    for (Capture.Header header : headers) {
      if (response && header.name().equalsIgnoreCase("Transfer-Encoding")) {
        continue; // the payload is stored with the transfer coding undone (WARC 1.1, 6.3.2)
      }
      out.writeBytes((header.name() + ": " + header.value()).getBytes(StandardCharsets.ISO_8859_1));
      out.writeBytes(CRLF);
    }
    out.writeBytes(CRLF);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = new byte[first.length + second.length];
    System.arraycopy(first, 0, both, 0, first.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }

  /** {@code sha1:} and the base32 SHA-1 of {@code bytes}, as WARC digests are written. */
  public static String sha1(byte[] bytes) {
    try {
      return "sha1:" + new WarcDigest("sha1", MessageDigest.getInstance("SHA-1").digest(bytes)).base32();
    } catch (NoSuchAlgorithmException impossible) { // every JVM has SHA-1
      throw new IllegalStateException(impossible);
    }
  }
}
