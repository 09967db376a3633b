package dev.topiary.pipeline.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one JSON form of every event: an object with {@code type} (the {@link EventType} name) and
 * {@code schemaVersion} first, then the record's fields in declaration order; null optional fields
 * are left out; instants are ISO-8601 UTC strings. Stateless and thread-safe.
 *
 * <p>Reading is strict about what it must understand and tolerant of what it may ignore: an
 * unknown type, a schema version newer than {@link EventType#version}, a missing required field or
 * a value the record refuses is an {@link EventFormatException} naming the field; an unknown field
 * is ignored, because additive changes keep the version and an older consumer must still read a
 * newer producer's events.
 */
public final class EventCodec {
  private static final Pattern FIELD_FIRST = Pattern.compile("^([A-Za-z][A-Za-z0-9_.\\[\\]]*): (.*)$", Pattern.DOTALL);
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new SimpleModule("instant").addSerializer(Instant.class, new InstantWriter()).addDeserializer(Instant.class, new InstantReader()))
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private EventCodec() {}

  /** The mapper's settings, for other versioned documents of this module (the job plan). */
  public static ObjectMapper mapper() {
    return MAPPER.copy();
  }

  public static String toJson(PipelineEvent event) {
    try {
      return MAPPER.writeValueAsString(toTree(event));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + event.type().jsonName() + ": " + e.getOriginalMessage(), e);
    }
  }

  public static byte[] toBytes(PipelineEvent event) {
    return toJson(event).getBytes(StandardCharsets.UTF_8);
  }

  /** The JSON tree of an event, envelope fields first. */
  public static ObjectNode toTree(PipelineEvent event) {
    EventType t = event.type();
    ObjectNode out = MAPPER.createObjectNode();
    out.put("type", t.jsonName());
    out.put("schemaVersion", t.version());
    out.setAll((ObjectNode) MAPPER.valueToTree(event));
    return out;
  }

  public static PipelineEvent fromBytes(byte[] json) {
    return fromJson(new String(json, StandardCharsets.UTF_8));
  }

  /**
   * Reads any event.
   *
   * @throws EventFormatException naming the field at fault
   */
  public static PipelineEvent fromJson(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new EventFormatException("", "not a JSON document: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new EventFormatException("", "an event is a JSON object, got " + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase()));
    }
    EventType type = type(root);
    version(root, type);
    ObjectNode body = ((ObjectNode) root).deepCopy();
    body.remove(List.of("type", "schemaVersion"));
    List<String> missing = RequiredFields.missing(body, type.recordClass());
    if (!missing.isEmpty()) {
      throw new EventFormatException(missing.get(0), "required field missing in " + type.jsonName()
          + (missing.size() > 1 ? " (also missing: " + String.join(", ", missing.subList(1, missing.size())) + ")" : ""));
    }
    try {
      return MAPPER.treeToValue(body, type.recordClass());
    } catch (ValueInstantiationException e) {
      throw refused(type, path(e), e.getCause() == null ? e.getOriginalMessage() : e.getCause().getMessage(), e);
    } catch (JsonMappingException e) {
      throw new EventFormatException(path(e), firstLine(e.getOriginalMessage()) + " in " + type.jsonName(), e);
    } catch (JsonProcessingException e) {
      throw new EventFormatException("", e.getOriginalMessage(), e);
    }
  }

  /**
   * Reads an event of an expected type, as a consumer of one topic does.
   *
   * @throws EventFormatException also when the JSON holds another type
   */
  public static <T extends PipelineEvent> T fromJson(String json, Class<T> expected) {
    PipelineEvent e = fromJson(json);
    if (!expected.isInstance(e)) {
      throw new EventFormatException("type", "expected " + EventType.of(expected).jsonName() + ", got " + e.type().jsonName());
    }
    return expected.cast(e);
  }

  private static EventType type(JsonNode root) {
    JsonNode t = root.get("type");
    if (t == null || !t.isTextual()) {
      throw new EventFormatException("type", "required: a string naming the event type, one of " + EventType.names());
    }
    return EventType.byName(t.asText()).orElseThrow(() ->
        new EventFormatException("type", "unknown event type '" + t.asText() + "'; known: " + EventType.names()));
  }

  private static void version(JsonNode root, EventType type) {
    JsonNode v = root.get("schemaVersion");
    if (v == null || !v.isInt()) {
      throw new EventFormatException("schemaVersion", "required: an integer, the " + type.jsonName() + " schema version");
    }
    if (v.asInt() > type.version()) {
      throw new EventFormatException("schemaVersion", type.jsonName() + " version " + v.asInt()
          + " is newer than this reader understands (" + type.version() + "); upgrade the consumer");
    }
    if (v.asInt() < 1) {
      throw new EventFormatException("schemaVersion", "must be >= 1, got " + v.asInt());
    }
  }

  /** A record constructor refused a value; its message starts with the field's name. */
  private static EventFormatException refused(EventType type, String at, String message, Throwable cause) {
    String msg = message == null ? "invalid value" : message;
    Matcher m = FIELD_FIRST.matcher(msg);
    String field = m.matches() ? (at.isEmpty() ? m.group(1) : at + "." + m.group(1)) : at;
    String reason = m.matches() ? m.group(2) : msg;
    return new EventFormatException(field, reason + " in " + type.jsonName(), cause);
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String firstLine(String s) {
    int nl = s == null ? -1 : s.indexOf('\n');
    return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
  }

  private static final class InstantWriter extends JsonSerializer<Instant> {
    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
      gen.writeString(value.toString());
    }
  }

  private static final class InstantReader extends JsonDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getValueAsString();
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException | NullPointerException e) {
        return (Instant) ctxt.handleWeirdStringValue(Instant.class, text, "expected an ISO-8601 UTC instant such as 2026-01-31T12:00:00Z");
      }
    }
  }
}
