package spindle.store;

import spindle.core.SettingsException;

/**
 * The page limits the frontier enforces when it admits URLs: in all, and per host. {@link Long#MAX_VALUE} means
 * no limit. Redirect targets continue an admitted URL and are not counted again.
 */
public record FrontierLimits(long maxPages, long maxPagesPerHost) {
  /** No limits. */
  public static final FrontierLimits NONE = new FrontierLimits(Long.MAX_VALUE, Long.MAX_VALUE);

  public FrontierLimits {
    if (maxPages < 1) {
      throw new SettingsException("spindle.scope.max-pages", "must be at least 1, was " + maxPages);
    }
    if (maxPagesPerHost < 1) {
      throw new SettingsException("spindle.scope.max-pages-per-host", "must be at least 1, was " + maxPagesPerHost);
    }
  }
}
