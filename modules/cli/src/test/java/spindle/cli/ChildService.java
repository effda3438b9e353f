package spindle.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code spindle serve} in a child JVM (the test's own classpath), working in a test directory, and a small HTTP
 * client for its admin API.
 */
final class ChildService implements AutoCloseable {
  private static final Pattern SERVING = Pattern.compile("^spindle: serving on (http://[^/]+)/");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final StringBuffer transcript = new StringBuffer();
  private final CompletableFuture<String> serving = new CompletableFuture<>();
  private final Thread reader;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private String base;

  private ChildService(Process process) {
    this.process = process;
    // read the child's output as it comes, so a full pipe never blocks it
    this.reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          transcript.append(line).append('\n');
          Matcher matcher = SERVING.matcher(line);
          if (matcher.find()) {
            serving.complete(matcher.group(1));
          }
        }
      } catch (IOException closed) {
        transcript.append("(output closed: ").append(closed.getMessage()).append(")\n");
      }
      serving.completeExceptionally(new AssertionError("the service ended before serving:\n" + transcript));
    }, "child-service-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code spindle serve} on a free loopback port in {@code workDirectory} (its {@code data/} and jobs
   * directory go there), with its log in {@code logFile}, and waits for the line that says where it serves.
   */
  static ChildService start(Path workDirectory, Path logFile, List<String> arguments) throws IOException {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-Dspindle.log.file=" + logFile, "-Dlogback.configurationFile=logback.xml", "-cp", classPath,
        Main.class.getName(), "serve",
        "--set", "spindle.admin.port=0"));
    command.addAll(arguments);
    Process process = new ProcessBuilder(command).directory(workDirectory.toFile()).redirectErrorStream(true).start();
    ChildService service = new ChildService(process);
    try {
      service.awaitServing();
    } catch (AssertionError notServing) {
      service.close(); // a JVM whose main failed can live on in its actor system's threads: never leave it running
      throw notServing;
    }
    return service;
  }

  private void awaitServing() {
    try {
      base = serving.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException ended) {
      throw (AssertionError) ended.getCause();
    } catch (TimeoutException | InterruptedException late) {
      throw new AssertionError("the service did not serve within 60 s:\n" + transcript, late);
    }
  }

  /** The service's root URL, e.g. {@code http://127.0.0.1:41234}. */
  String base() {
    return base;
  }

  /** An answer: status and body. */
  record Answer(int status, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException notJson) {
        throw new AssertionError("not JSON (" + status + "): " + body, notJson);
      }
    }
  }

  Answer get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  Answer post(String path, String contentType, String body) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Answer post(String path) {
    return post(path, "application/json", "");
  }

  private Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", interrupted);
    }
  }

  /**
   * Asks {@code GET path} until its JSON satisfies {@code condition}, at most {@code timeout}; returns that JSON.
   * Waits on the condition, with a short pause between questions, and fails with the last answer.
   */
  JsonNode await(String path, Duration timeout, String what, Predicate<JsonNode> condition) {
    AtomicReference<Answer> last = new AtomicReference<>();
    CompletableFuture<JsonNode> met = new CompletableFuture<>();
    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
    poller.scheduleWithFixedDelay(() -> { // a question every 100 ms; the test waits for the answer it wants
      try {
        Answer answer = get(path);
        last.set(answer);
        if (answer.status() == 200 && condition.test(answer.json())) {
          met.complete(answer.json());
        }
      } catch (RuntimeException | AssertionError failed) {
        met.completeExceptionally(failed);
      }
    }, 0, 100, TimeUnit.MILLISECONDS);
    try {
      return met.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException failed) {
      if (failed.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new AssertionError(failed.getCause());
    } catch (TimeoutException late) {
      Answer answer = last.get();
      throw new AssertionError("not within " + timeout + ": " + what + "; last answer "
          + (answer == null ? "none" : answer.status() + " " + answer.body()) + "\nservice output:\n" + transcript());
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting: " + what, interrupted);
    } finally {
      poller.shutdownNow();
    }
  }

  /** Sends SIGTERM. */
  void terminate() throws IOException, InterruptedException {
    if (new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor() != 0) {
      throw new AssertionError("kill -TERM failed");
    }
  }

  /** Kills the service at once, as kill -9 does, and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Reads the rest of the output and waits for the exit code (at most {@code seconds}). */
  int awaitExit(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError("the service did not end within " + seconds + " s:\n" + transcript);
    }
    reader.join(TimeUnit.SECONDS.toMillis(10)); // the rest of its output
    return process.exitValue();
  }

  /** What the service printed so far. */
  String transcript() {
    return transcript.toString();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
