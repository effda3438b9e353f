package spindle.store;

/** How a list of hosts is sorted: most queued, most fetched or most failed URLs first, or by name. */
public enum HostOrder {
  QUEUED,
  FETCHED,
  FAILED,
  HOST
}
