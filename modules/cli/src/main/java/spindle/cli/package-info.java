/**
 * The command line: {@code spindle crawl}, {@code spindle fixture}, {@code spindle demo-site}. It loads and
 * validates configuration (exit code 2 with one line for any mistake), wires the engine with its production parts,
 * prints progress, and turns SIGINT/SIGTERM into a graceful drain.
 */
package spindle.cli;
