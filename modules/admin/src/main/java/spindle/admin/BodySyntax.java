package spindle.admin;

/** How a submitted job body is written: HOCON (like a job file) or strict JSON (the same keys, nested). */
public enum BodySyntax {
  HOCON,
  JSON
}
