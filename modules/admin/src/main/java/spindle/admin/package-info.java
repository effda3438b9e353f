/**
 * Service mode: the {@link spindle.admin.JobManager} registry that runs many crawls in one actor system, each job an
 * actor of its own ({@code Job}, one behaviour per state), the admin HTTP API over them ({@link
 * spindle.admin.AdminRoutes}), {@code /metrics} in the Prometheus format, and the status page. Jobs are read and
 * their stores opened through a {@link spindle.admin.JobLauncher} that the command line provides, so this module
 * needs nothing of the command line. docs/admin-api.md documents the API.
 */
package spindle.admin;
