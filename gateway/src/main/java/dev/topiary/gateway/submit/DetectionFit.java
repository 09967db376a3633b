package dev.topiary.gateway.submit;

import dev.topiary.engine.TopiaryException;
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
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A detection job's classes against its {@code yolo} dataset's, at submission: the detector's head
 * against the names of the dataset's {@code data.yaml}, read alone (from the tenant's upload, or
 * from a local folder where local datasets are allowed). A {@code generated} dataset's ten classes
 * are checked by the spec reader; a {@code coco} folder is not checked here (the stage reports a
 * mismatch). Stateless.
 */
final class DetectionFit {
  private DetectionFit() {}

  /** One problem naming both counts, or none. */
  static List<SpecProblem> problems(JobSpec spec, Graph graph, ArtifactStore store, boolean allowLocal) {
    DatasetSpec d = spec.dataset();
    if (!spec.detects() || d == null || !DatasetSpec.YOLO.equals(d.kind()) || d.uri() == null) {
      return List.of();
    }
    int predicted;
    try {
      predicted = DetectHead.of(graph).numClasses();
    } catch (TopiaryException e) {
      return List.of(); // the spec's own checks say the model is no detector
    }
    Optional<List<String>> names = d.uri().startsWith("s3://") ? uploadedNames(d.uri(), store) : allowLocal ? localNames(d.uri()) : Optional.empty();
    if (names.isEmpty() || names.get().size() == predicted) {
      return List.of();
    }
    String field = spec.model().zoo() != null ? "model.numClasses" : spec.model().onnx() != null ? "model.onnx" : "model.graph";
    return List.of(new SpecProblem(field, "the model's head predicts " + predicted + " classes but dataset " + d.uri() + " names "
        + names.get().size() + " (" + String.join(", ", names.get()) + ")"));
  }

  private static Optional<List<String>> uploadedNames(String uri, ArtifactStore store) {
    String prefix = uri.substring(("s3://" + store.bucket() + "/").length()).replaceAll("/+$", "");
    Optional<ArtifactRef> yaml = store.find(prefix + "/data.yaml");
    if (yaml.isEmpty()) {
      return Optional.empty();
    }
    Path tmp = null;
    try {
      tmp = Files.createTempFile("topiary-data", ".yaml");
      Files.write(tmp, store.getBytes(yaml.get()));
      return Optional.of(YoloDataset.classNames(tmp));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + prefix + "/data.yaml", e);
    } catch (TopiaryException e) {
      return Optional.empty(); // checked at upload; a stage reports anything else
    } finally {
      if (tmp != null) {
        tmp.toFile().delete();
      }
    }
  }

  private static Optional<List<String>> localNames(String uri) {
    Path yaml = Path.of(uri).resolve("data.yaml");
    if (!Files.isRegularFile(yaml)) {
      return Optional.empty();
    }
    try {
      return Optional.of(YoloDataset.classNames(yaml));
    } catch (TopiaryException e) {
      return Optional.empty();
    }
  }
}
