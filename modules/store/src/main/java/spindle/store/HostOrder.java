package spindle.store;

import java.util.Comparator;

/** How a list of hosts is sorted: most queued, most fetched or most failed URLs first, or by name. */
public enum HostOrder {
  /** Most queued URLs first, ties by host name. */
  QUEUED(Comparator.comparingLong(HostTally::queued).reversed().thenComparing(HostTally::host)),
  /** Most fetched URLs first, ties by host name. */
  FETCHED(Comparator.comparingLong(HostTally::fetched).reversed().thenComparing(HostTally::host)),
  /** Most failed URLs first, ties by host name. */
  FAILED(Comparator.comparingLong(HostTally::failed).reversed().thenComparing(HostTally::host)),
  /** By host name (and port), A to Z. */
  HOST(Comparator.comparing(HostTally::host));

  private final Comparator<HostTally> comparator;

  HostOrder(Comparator<HostTally> comparator) {
    this.comparator = comparator;
  }

  /** This order as a comparator of tallies: the first host compares lowest. */
  public Comparator<HostTally> comparator() {
    return comparator;
  }
}
