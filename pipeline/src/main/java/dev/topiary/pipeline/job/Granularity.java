package dev.topiary.pipeline.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;

/** What a cut removes: whole channels (surgery), single weights (masks), or N of every M weights. */
public enum Granularity {
  CHANNEL("channel"),
  UNSTRUCTURED("unstructured"),
  NM("n:m");

  private final String id;

  Granularity(String id) {
    this.id = id;
  }

  @JsonValue
  public String id() {
    return id;
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(Granularity::id).toList();
  }

  /** @throws IllegalArgumentException listing the valid ids */
  @JsonCreator
  public static Granularity of(String id) {
    return Arrays.stream(values()).filter(g -> g.id.equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown granularity '" + id + "'; valid: " + String.join(", ", ids())));
  }
}
