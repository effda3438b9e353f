/**
 * Where crawl state and results live: the {@link spindle.store.Frontier} (seen-set, per-host queues, URL states)
 * and the record writers. Implementations may block and run on the store and blocking-I/O dispatchers.
 */
package spindle.store;
