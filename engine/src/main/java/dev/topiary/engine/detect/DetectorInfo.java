package dev.topiary.engine.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.model.Model;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a detector carries besides its layers, kept in the graph's metadata so that it travels with
 * the model through the store, surgery and ONNX ({@code metadata_props}), as YOLOv5 keeps anchors
 * and names in its checkpoint: the anchors and strides ({@value #ANCHORS}, {@value #STRIDES}) and
 * the class names ({@value #NAMES}, a JSON array). A graph without them has YOLOv5's default
 * anchors and classes named by number.
 */
public record DetectorInfo(Anchors anchors, List<String> classNames) {
  public static final String ANCHORS = "detect.anchors";
  public static final String STRIDES = "detect.strides";
  public static final String NAMES = "detect.names";
  private static final ObjectMapper JSON = new ObjectMapper();

  public DetectorInfo {
    classNames = List.copyOf(classNames);
  }

  /**
   * The detector info of a graph, with {@code numClasses} names when none are stored.
   *
   * @throws InvalidModelException naming the metadata key when a stored value is malformed
   */
  public static DetectorInfo of(Graph g, int numClasses) {
    Map<String, String> meta = g.metadata();
    Anchors anchors = Anchors.yolov5Default();
    if (meta.containsKey(ANCHORS)) {
      try {
        anchors = Anchors.parse(meta.get(ANCHORS), meta.getOrDefault(STRIDES, Anchors.yolov5Default().formatStrides()), ANCHORS);
      } catch (IllegalArgumentException e) {
        throw new InvalidModelException("graph '" + g.name() + "': metadata " + e.getMessage(), e);
      }
    }
    List<String> names;
    if (meta.containsKey(NAMES)) {
      try {
        names = JSON.readValue(meta.get(NAMES), new TypeReference<List<String>>() {});
      } catch (JsonProcessingException e) {
        throw new InvalidModelException("graph '" + g.name() + "': metadata " + NAMES + " is not a JSON array of strings: " + e.getOriginalMessage(), e);
      }
      if (names.size() != numClasses) {
        throw new InvalidModelException("graph '" + g.name() + "': metadata " + NAMES + " has " + names.size() + " names but the head predicts " + numClasses + " classes");
      }
    } else {
      names = java.util.stream.IntStream.range(0, numClasses).mapToObj(Integer::toString).toList();
    }
    return new DetectorInfo(anchors, names);
  }

  /** The model with this info written into its graph's metadata (other metadata kept). */
  public Model applyTo(Model model) {
    Map<String, String> meta = new TreeMap<>(model.graph().metadata());
    meta.put(ANCHORS, anchors.format());
    meta.put(STRIDES, anchors.formatStrides());
    try {
      meta.put(NAMES, JSON.writeValueAsString(classNames));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write class names", e);
    }
    return new Model(model.graph().withMetadata(meta), model.weights(), model.history());
  }
}
