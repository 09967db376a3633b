package dev.topiary.engine.cli;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.onnx.OnnxImporter;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Shortcut;
import dev.topiary.engine.zoo.Zoo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Selects a model: a zoo architecture with its options, or a saved model folder. */
final class ModelOptions {
  @Option(names = "--arch", description = "zoo architecture: ${COMPLETION-CANDIDATES}", completionCandidates = ArchNames.class)
  String arch;

  @Option(names = "--model", description = "a model folder (graph.json + weights.safetensors), or an .onnx file (imported on the fly)")
  Path model;

  @Option(names = "--input", split = ",", description = "input shape C,H,W (zoo models; ONNX files with dynamic height and width)")
  int[] input;

  @Option(names = "--classes", description = "number of classes (zoo models)")
  Integer classes;

  @Option(names = "--width", description = "width multiplier (mobilenetv2)")
  Double width;

  @Option(names = "--shortcut", description = "A or B (CIFAR ResNets)")
  Shortcut shortcut;

  @Option(names = "--cifar", description = "CIFAR variant (mobilenetv2)")
  Boolean cifar;

  @Option(names = "--seed", defaultValue = "0", description = "initialisation and shuffling seed")
  long seed;

  Graph graph() {
    if (model != null) {
      return load().graph();
    }
    if (arch == null) {
      throw new IllegalArgumentException("give --arch (one of " + Zoo.names() + ") or --model <folder>");
    }
    ModelSpec.Builder b = ModelSpec.builder().setArch(arch);
    if (input != null) {
      b.optInputShape(input);
    }
    if (classes != null) {
      b.optNumClasses(classes);
    }
    if (width != null) {
      b.optWidthMultiplier(width);
    }
    if (shortcut != null) {
      b.optShortcut(shortcut);
    }
    if (cifar != null) {
      b.optCifar(cifar);
    }
    return Zoo.build(b.build());
  }

  /** The saved model, or a freshly initialised zoo model. */
  Model modelOrInit() {
    return model != null ? load() : Fitter.initialised(graph(), seed);
  }

  private Model load() {
    return load(model, input);
  }

  /** A model folder, or an ONNX file imported with an optional per-sample input shape. */
  static Model load(Path path, int[] inputShape) {
    if (isOnnx(path)) {
      return OnnxImporter.builder().optInputShape(inputShape).build().importFile(path);
    }
    try {
      return Model.load(path);
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": " + e.getMessage(), e);
    }
  }

  /** Whether a --model path is an ONNX file rather than a model folder. */
  static boolean isOnnx(Path path) {
    return path.getFileName() != null && path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")
        && !java.nio.file.Files.isDirectory(path);
  }

  static final class ArchNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Zoo.names().iterator();
    }
  }
}
