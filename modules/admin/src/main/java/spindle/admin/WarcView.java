package spindle.admin;

import spindle.store.warc.WarcArchive;

/**
 * What a job's run wrote to its WARC archive, as {@code GET /api/jobs/{id}} shows it.
 *
 * @param directory the WARC directory, as the job names it
 * @param bytes bytes of WARC records this run wrote (a resumed job starts again from 0)
 * @param files WARC files this run started
 */
public record WarcView(String directory, long bytes, int files) {
  /** The figures of {@code archive} now; safe to read from any thread. */
  static WarcView of(WarcArchive archive) {
    return new WarcView(archive.directory().toString(), archive.bytes(), archive.filesStarted());
  }
}
