package spindle.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import spindle.core.HostKey;
import spindle.engine.ClusterMessage;
import spindle.engine.AdaptiveDelay;
import spindle.engine.HostControl;
import spindle.engine.HostMemory;
import spindle.engine.HostQueue;
import spindle.engine.HostRegion;
import spindle.engine.HostReport;

/**
 * Every message that crosses nodes in a cluster, and the saved state of a host entity, goes through Jackson CBOR
 * (never Java serialisation) and comes back equal, with the bindings and the Jackson module of the cluster's
 * configuration ({@code spindle-cluster.conf}, read here).
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterMessageSerializationTest {
  /** The serialisation part of the cluster's configuration, as the nodes load it. */
  private static Config serialisation() {
    Config cluster = ConfigFactory.parseResources(ClusterSettings.class.getClassLoader(), "spindle-cluster.conf");
    return cluster.withOnlyPath("pekko.actor.serialization-bindings")
        .withFallback(cluster.withOnlyPath("pekko.actor.allow-java-serialization"))
        .withFallback(cluster.withOnlyPath("pekko.serialization.jackson"));
  }

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder()
      .withCustomConfig(serialisation().withFallback(ConfigFactory.load()).resolve()).build();

  private List<Object> samples() {
    HostKey host = HostKey.of("127.0.1.7", 8080);
    HostControl control = new HostControl(Optional.of(Duration.ofMillis(1500)), Optional.of(2), Optional.of(true),
        Optional.empty());
    return List.of(
        HostQueue.WorkAvailable.INSTANCE,
        new HostQueue.Wake(testKit.<HostQueue.Awake>createTestProbe().ref()),
        new HostQueue.Awake(host),
        new HostQueue.GetStatus(testKit.<HostQueue.HostStatus>createTestProbe().ref()),
        new HostQueue.ControlsChanged(control),
        new HostQueue.ControlsChanged(HostControl.NONE),
        new HostQueue.HostStatus(host, 3, 1, "ready", Duration.ofSeconds(2), "errors", "5xx: grown after 1 error",
            Optional.of(Instant.parse("2026-11-25T10:00:00.250Z")), Optional.empty(), Optional.empty(),
            OptionalInt.of(200), false, true, 1, List.of(new HostReport.Lease("http://127.0.1.7:8080/a",
                Duration.ofMillis(42))), true, false),
        new HostMemory.HostState(control),
        new HostMemory.HostState(control, Optional.of(new AdaptiveDelay(Duration.ofMillis(1234), 2.5, 3,
            AdaptiveDelay.Answer.TOO_MANY_REQUESTS))),
        new NodeReporter.Report(testKit.<NodeReporter.NodeReport>createTestProbe().ref()),
        new NodeReporter.NodeReport("pekko://spindle@127.0.0.2:25520", "node1", 12, 3, List.of("a", "b")));
  }

  @Test
  void everyClusterMessageRoundTripsThroughJacksonCbor() {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    for (Object message : samples()) {
      Serializer serializer = serialization.findSerializerFor(message);
      assertTrue(serializer instanceof JacksonCborSerializer, message.getClass() + " uses " + serializer);
      byte[] bytes = serialization.serialize(message).get();
      String manifest = org.apache.pekko.serialization.Serializers.manifestFor(serializer, message);
      Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
      assertEquals(message, back, message.getClass().getName());
    }
  }

  @Test
  void aHostStateSavedBeforeAdaptiveDelaysIsReadWithoutOne() throws Exception {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    HostMemory.HostState current = new HostMemory.HostState(new HostControl(Optional.of(Duration.ofSeconds(2)),
        Optional.empty(), Optional.empty(), Optional.empty()));
    Serializer serializer = serialization.findSerializerFor(current);
    String manifest = org.apache.pekko.serialization.Serializers.manifestFor(serializer, current);
    com.fasterxml.jackson.databind.ObjectMapper cbor = org.apache.pekko.serialization.jackson
        .JacksonObjectMapperProvider.get(Adapter.toClassic(testKit.system())).getOrCreate("jackson-cbor",
            Optional.empty());
    com.fasterxml.jackson.databind.node.ObjectNode old = cbor.valueToTree(current);
    old.remove("pace"); // as written before the field existed
    Object back = serialization.deserialize(cbor.writeValueAsBytes(old), serializer.identifier(), manifest).get();
    assertEquals(current, back);
  }

  @Test
  void everyClusterMessageTypeHasASample() {
    Set<Class<?>> sampled = samples().stream().map(Object::getClass).collect(Collectors.toSet());
    List<Class<?>> missing = new ArrayList<>();
    Stream.of(HostQueue.class, HostMemory.class, HostReport.class, HostRegion.class, NodeReporter.class)
        .flatMap(owner -> Stream.of(owner.getDeclaredClasses()))
        .filter(ClusterMessage.class::isAssignableFrom)
        .filter(type -> !sampled.contains(type))
        .forEach(missing::add);
    assertEquals(List.of(), missing, "cluster messages without a serialisation sample");
  }
}
