package spindle.engine;

/** Receives progress snapshots; the command line prints them, the admin endpoint serves them. */
@FunctionalInterface
public interface ProgressListener {
  /** Called from an actor about once per {@code spindle.progress.interval}; must return quickly. */
  void progress(Progress progress);

  /** A listener that ignores everything. */
  static ProgressListener none() {
    return progress -> { };
  }
}
