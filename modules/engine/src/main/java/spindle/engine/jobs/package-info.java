/**
 * Where a service of many crawls (the admin module's job registry) and the parts around it meet without knowing
 * each other: the {@link spindle.engine.jobs.JobEvent}s the service publishes to a
 * {@link spindle.engine.jobs.JobEvents} listener when an operator changes a job or a job finishes, and the
 * {@link spindle.engine.jobs.JobControl} the service hands out to list, join and change its jobs. A cluster node
 * subscribes to the first and follows the other nodes through the second; both are wired once, at startup.
 */
package spindle.engine.jobs;
