package dev.topiary.pipeline.job;

import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Shortcut;
import dev.topiary.pipeline.store.ArtifactRef;
import java.util.List;

/**
 * Where the model comes from: a zoo architecture with its options, or a graph already in the store,
 * in both cases with optional weights (none: the plan trains a baseline first); or an uploaded ONNX
 * file, which holds its weights and which the accepting gateway imports to a graph and weights
 * (the stages then see only those). Immutable.
 *
 * @param zoo architecture name ({@code dev.topiary.engine.zoo.Zoo#names}); null when {@code graph} is given
 * @param numClasses zoo option; null for the architecture's default
 * @param inputShape zoo option {@code [C, H, W]}; null for the default
 * @param widthMultiplier zoo option (MobileNetV2); null for the default
 * @param shortcut zoo option {@code A} or {@code B} (CIFAR ResNets); null for the default
 * @param cifar zoo option (MobileNetV2's CIFAR stem); null for the default
 * @param graph a stored {@code graph.json}; null for a zoo model
 * @param weights stored {@code weights.safetensors} for the graph; null to train from scratch
 * @param onnx a stored {@code model.onnx}; null unless the model is an uploaded ONNX file
 * @param replay a pruned model whose recorded pruning steps are applied to this model (the
 *     checkpoint) before the schedule; null for none
 */
public record ModelSource(
    String zoo, Integer numClasses, List<Integer> inputShape, Double widthMultiplier, String shortcut, Boolean cifar,
    ArtifactRef graph, ArtifactRef weights, ArtifactRef onnx, Replay replay) {

  /**
   * A pruned model's history to replay onto the job's model ({@code Surgery.replay}): the model
   * must have the architecture the history was recorded on, which the history's own graph (the
   * pruned result) lets every check confirm.
   *
   * @param graph the pruned model's {@code graph.json}
   * @param history its {@code history.json}
   */
  public record Replay(ArtifactRef graph, ArtifactRef history) {}

  public ModelSource {
    inputShape = Lists.copy(inputShape);
  }

  /** Any source without a replayed history. */
  public ModelSource(
      String zoo, Integer numClasses, List<Integer> inputShape, Double widthMultiplier, String shortcut, Boolean cifar,
      ArtifactRef graph, ArtifactRef weights, ArtifactRef onnx) {
    this(zoo, numClasses, inputShape, widthMultiplier, shortcut, cifar, graph, weights, onnx, null);
  }

  /** A zoo model or a stored graph, with its options and optional weights; no ONNX file. */
  public ModelSource(
      String zoo, Integer numClasses, List<Integer> inputShape, Double widthMultiplier, String shortcut, Boolean cifar,
      ArtifactRef graph, ArtifactRef weights) {
    this(zoo, numClasses, inputShape, widthMultiplier, shortcut, cifar, graph, weights, null);
  }

  /** Whether the model comes with trained weights: given beside a graph, or inside an ONNX file. */
  public boolean hasWeights() {
    return weights != null || onnx != null;
  }

  /**
   * The zoo request as the engine takes it.
   *
   * @throws IllegalArgumentException naming the option when it does not suit the architecture
   */
  public ModelSpec modelSpec() {
    ModelSpec.Builder b = ModelSpec.builder().setArch(zoo);
    if (numClasses != null) {
      b.optNumClasses(numClasses);
    }
    if (inputShape != null) {
      b.optInputShape(inputShape.stream().mapToInt(Integer::intValue).toArray());
    }
    if (widthMultiplier != null) {
      b.optWidthMultiplier(widthMultiplier);
    }
    if (shortcut != null) {
      b.optShortcut(Shortcut.valueOf(shortcut));
    }
    if (cifar != null) {
      b.optCifar(cifar);
    }
    return b.build();
  }
}
