package dev.topiary.gateway.submit;

import dev.topiary.engine.TopiaryException;
import dev.topiary.engine.detect.CocoDataset;
import dev.topiary.engine.detect.DetectHead;
import dev.topiary.engine.detect.YoloDataset;
import dev.topiary.engine.graph.Graph;
import dev.topiary.pipeline.job.DatasetSpec;
import dev.topiary.pipeline.job.JobSpec;
import dev.topiary.pipeline.job.SpecProblem;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A detection job's classes against its dataset's, at submission: the detector's head against the
 * names of a {@code yolo} dataset's {@code data.yaml}, or the categories of a {@code coco}
 * dataset's {@code annotations/instances_train.json} (streamed, only the categories kept), read
 * from the tenant's upload, or from a local folder where local datasets are allowed. A {@code
 * generated} dataset's ten classes are checked by the spec reader. A file that is missing or does
 * not read is left to the stage, which reports it. Stateless.
 */
final class DetectionFit {
  private static final String YOLO_FILE = "data.yaml";
  /** The split whose categories a COCO dataset's classes are read from: the one trained on. */
  private static final String COCO_FILE = "annotations/instances_train.json";

  private DetectionFit() {}

  /** One problem naming both counts, or none. */
  static List<SpecProblem> problems(JobSpec spec, Graph graph, ArtifactStore store, boolean allowLocal) {
    DatasetSpec d = spec.dataset();
    if (!spec.detects() || d == null || DatasetSpec.GENERATED.equals(d.kind()) || d.uri() == null) {
      return List.of();
    }
    int predicted;
    try {
      predicted = DetectHead.of(graph).numClasses();
    } catch (TopiaryException e) {
      return List.of(); // the spec's own checks say the model is no detector
    }
    String file = DatasetSpec.COCO.equals(d.kind()) ? COCO_FILE : YOLO_FILE;
    Optional<List<String>> names;
    try {
      names = d.uri().startsWith("s3://") ? uploadedNames(d.uri(), file, store)
          : allowLocal ? localNames(Path.of(d.uri()).resolve(file)) : Optional.empty();
    } catch (InvalidPathException e) {
      return List.of(new SpecProblem("dataset.uri", "not a usable folder path: " + e.getReason()));
    }
    if (names.isEmpty() || names.get().size() == predicted) {
      return List.of();
    }
    String field = spec.model().zoo() != null ? "model.numClasses" : spec.model().onnx() != null ? "model.onnx" : "model.graph";
    return List.of(new SpecProblem(field, "the model's head predicts " + predicted + " classes but dataset " + d.uri() + " names "
        + names.get().size() + " (" + String.join(", ", names.get()) + ")"));
  }

  private static Optional<List<String>> uploadedNames(String uri, String file, ArtifactStore store) {
    String prefix = uri.substring(("s3://" + store.bucket() + "/").length()).replaceAll("/+$", "");
    Optional<ArtifactRef> ref = store.find(prefix + "/" + file);
    if (ref.isEmpty()) {
      return Optional.empty();
    }
    Path tmp = null;
    try {
      tmp = Files.createTempFile("topiary-classes", file.substring(file.lastIndexOf('.')));
      store.get(ref.get(), tmp);
      return localNames(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + prefix + "/" + file, e);
    } finally {
      if (tmp != null) {
        tmp.toFile().delete();
      }
    }
  }

  private static Optional<List<String>> localNames(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(file.toString().endsWith(".json") ? CocoDataset.classNames(file) : YoloDataset.classNames(file));
    } catch (TopiaryException e) {
      return Optional.empty(); // checked at upload; a stage reports anything else
    }
  }
}
