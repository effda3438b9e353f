package spindle.cluster;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import spindle.core.HostKey;

/**
 * Teaches Pekko's Jackson serialiser our domain types that are not records: a {@link HostKey} travels as its
 * name. Registered in {@code spindle-cluster.conf} ({@code pekko.serialization.jackson.jackson-modules}).
 */
public final class SpindleJacksonModule extends SimpleModule {
  private static final long serialVersionUID = 1L;

  public SpindleJacksonModule() {
    super("spindle");
    addSerializer(HostKey.class, new JsonSerializer<>() {
      @Override
      public void serialize(HostKey key, JsonGenerator out, SerializerProvider provider) throws IOException {
        out.writeString(key.name());
      }
    });
    addDeserializer(HostKey.class, new JsonDeserializer<>() {
      @Override
      public HostKey deserialize(JsonParser in, DeserializationContext context) throws IOException {
        return HostKey.parse(in.getValueAsString());
      }
    });
  }
}
