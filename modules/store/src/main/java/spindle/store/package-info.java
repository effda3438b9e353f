/**
 * Where crawl state and results live: the {@link spindle.store.Frontier} (seen-set, per-host queues, URL states)
 * and the record writers. Implementations may block and run on the store and blocking-I/O dispatchers.
 *
 * <p>Frontiers: {@link spindle.store.MemoryFrontier} (in the heap, lost with the process),
 * {@link spindle.store.RocksDbFrontier} (on local disk, one process; the default) and
 * {@link spindle.store.PostgresFrontier} (in PostgreSQL, shared by the nodes of a cluster crawling one job).
 */
package spindle.store;
