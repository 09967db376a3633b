package dev.topiary.pipeline.plan;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.topiary.pipeline.event.EventCodec;
import java.nio.charset.StandardCharsets;

/**
 * The stored form of a plan, {@code plan.json}: indented JSON with {@code version}, {@code jobId},
 * the spec in its canonical form and the steps. Read with the events' rules: a newer version is
 * refused, unknown fields are ignored (additive changes keep the version), values are checked by
 * the records. Stateless and thread-safe.
 */
public final class PlanJson {
  private static final ObjectMapper MAPPER = EventCodec.mapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PlanJson() {}

  public static String toJson(JobPlan plan) {
    try {
      return MAPPER.writeValueAsString(plan);
    } catch (JacksonException e) {
      throw new IllegalStateException("cannot write the plan of job " + plan.jobId() + ": " + e.getOriginalMessage(), e);
    }
  }

  public static byte[] toBytes(JobPlan plan) {
    return toJson(plan).getBytes(StandardCharsets.UTF_8);
  }

  public static JobPlan fromBytes(byte[] json) {
    return fromJson(new String(json, StandardCharsets.UTF_8));
  }

  /**
   * @throws IllegalArgumentException naming what is wrong: not JSON, a newer version, a refused value
   */
  public static JobPlan fromJson(String json) {
    try {
      JsonNode root = MAPPER.readTree(json);
      JsonNode v = root == null ? null : root.get("version");
      if (v == null || !v.isInt()) {
        throw new IllegalArgumentException("version: required: the plan format version");
      }
      if (v.asInt() > JobPlan.VERSION) {
        throw new IllegalArgumentException("version: plan version " + v.asInt() + " is newer than this reader understands (" + JobPlan.VERSION + ")");
      }
      return MAPPER.treeToValue(root, JobPlan.class);
    } catch (ValueInstantiationException e) {
      throw new IllegalArgumentException("plan: " + (e.getCause() == null ? e.getOriginalMessage() : e.getCause().getMessage()), e);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("plan: " + e.getOriginalMessage(), e);
    }
  }
}
