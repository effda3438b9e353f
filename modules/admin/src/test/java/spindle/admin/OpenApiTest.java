package spindle.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * openapi.yaml and the routes agree: every path and method of the file is routed and answers something other than
 * 404 or 405 (or a 5xx); every operation the routes serve ({@link AdminRoutes.Operation}, through which every route
 * goes) is in the file; and the paths of the file answer every other method with 405.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiTest extends JUnit5RouteTest {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
      "trace");

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir
  static Path directory;

  private AdminRoutes routes;
  private TestRoute route;
  private JsonNode spec;

  @Override
  protected ActorSystem<?> typedSystem() {
    return testKit.system();
  }

  @BeforeAll
  void start() throws Exception {
    AdminSettings settings = AdminRoutesTest.settings(directory, Optional.empty());
    FakeCrawls crawls = new FakeCrawls(testKit.createTestProbe());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HostMetrics hostMetrics = new HostMetrics(registry, 2);
    ActorRef<JobManager.Command> manager = testKit.spawn(JobManager.create(new JobManager.Dependencies(
        new TestLauncher(Files.createDirectories(directory.resolve("out"))), registry, hostMetrics, settings,
        new JobFiles(settings.jobsDirectory()), crawls.factory(), Clock.systemUTC())));
    routes = new AdminRoutes(testKit.system(), manager, settings, registry, hostMetrics, Clock.systemUTC());
    route = testRoute(routes.route());
    route.run(AdminRoutesTest.post("/api/jobs", AdminRoutesTest.job("spec-job"))).assertStatusCode(201);
    try (InputStream file = AdminRoutes.class.getClassLoader().getResourceAsStream(AdminRoutes.OPENAPI_RESOURCE)) {
      spec = new YAMLMapper().readTree(file);
    }
  }

  private Set<String> specified() {
    Set<String> operations = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      path.getValue().fieldNames().forEachRemaining(field -> {
        if (METHODS.contains(field)) {
          operations.add(field.toUpperCase(Locale.ROOT) + " " + path.getKey());
        }
      });
    }
    return operations;
  }

  private static String concrete(String template) {
    return template.replace("{id}", "spec-job").replace("{host}", "a.example").replace("{file}", "index.html");
  }

  @Test
  void everyRouteIsInTheFileAndEveryOperationOfTheFileIsRouted() {
    Set<String> routed = Arrays.stream(AdminRoutes.Operation.values()).map(operation -> operation.method().name()
        + " " + operation.template()).collect(Collectors.toCollection(TreeSet::new));
    assertFalse(routed.isEmpty());
    assertEquals(routed, specified());
  }

  @Test
  void thePathsOfTheFileAnswerEveryMethodTheFileDoesNotListWith405() {
    Map<String, Set<String>> methods = new TreeMap<>();
    for (String operation : specified()) {
      methods.computeIfAbsent(operation.substring(operation.indexOf(' ') + 1), path -> new TreeSet<>())
          .add(operation.substring(0, operation.indexOf(' ')));
    }
    for (Map.Entry<String, Set<String>> path : methods.entrySet()) {
      for (HttpMethod method : List.of(HttpMethods.GET, HttpMethods.POST, HttpMethods.PUT, HttpMethods.PATCH,
          HttpMethods.DELETE)) {
        if (!path.getValue().contains(method.name())) {
          route.run(HttpRequest.create(concrete(path.getKey())).withMethod(method)
                  .withEntity(ContentTypes.APPLICATION_JSON, "{}"))
              .assertStatusCode(405)
              .assertHeaderExists("Allow", String.join(", ", path.getValue()));
        }
      }
    }
  }

  @Test
  void everyOperationOfTheFileAnswersSomethingOtherThan404Or405() {
    List<String> operations = List.copyOf(specified());
    assertTrue(operations.size() >= 18, "the file lists too few operations: " + operations);
    // the stop comes last, so that the job is running for the others
    for (String operation : operations.stream().sorted((a, b) -> Boolean.compare(a.endsWith("/stop"),
        b.endsWith("/stop"))).toList()) {
      String method = operation.substring(0, operation.indexOf(' '));
      String path = concrete(operation.substring(operation.indexOf(' ') + 1));
      HttpRequest request = switch (method) {
        case "GET" -> HttpRequest.GET(path);
        case "POST" -> path.equals("/api/jobs")
            ? AdminRoutesTest.post(path, AdminRoutesTest.job("spec-new"))
            : path.endsWith("/seeds") ? AdminRoutesTest.postJson(path, "{\"seeds\": [\"http://a.example/new\"]}")
            : HttpRequest.POST(path);
        case "PATCH" -> HttpRequest.create(path).withMethod(HttpMethods.PATCH)
            .withEntity(ContentTypes.APPLICATION_JSON, "{\"paused\": true}");
        default -> throw new AssertionError("no request for " + operation);
      };
      int status = route.run(request).statusCode();
      assertTrue(status != 404 && status != 405 && status < 500, operation + " answered " + status);
    }
  }
}
