package spindle.admin;

/** The job manager's answer to a request from the API: a value, or a refusal the API turns into an HTTP error. */
public sealed interface Reply<T> {
  /** The request succeeded with {@code value}. */
  record Ok<T>(T value) implements Reply<T> {}

  /** The request was refused for {@code problem}; {@code message} is one line for the client. */
  record Refused<T>(Problem problem, String message) implements Reply<T> {}

  /** Why a request was refused; each maps to one HTTP status. */
  enum Problem {
    /** Bad input: 400. */
    BAD_REQUEST(400),
    /** No such job: 404. */
    NOT_FOUND(404),
    /** The job's state does not allow it: 409. */
    CONFLICT(409),
    /** The service is starting or stopping: 503. */
    UNAVAILABLE(503),
    /** A bug of ours: 500 (the stack trace is in the log). */
    INTERNAL(500);

    private final int status;

    Problem(int status) {
      this.status = status;
    }

    /** The HTTP status code. */
    public int status() {
      return status;
    }
  }

  /** A success. */
  static <T> Reply<T> ok(T value) {
    return new Ok<>(value);
  }

  /** A refusal. */
  public static <T> Reply<T> refused(Problem problem, String message) {
    return new Refused<>(problem, message);
  }
}
