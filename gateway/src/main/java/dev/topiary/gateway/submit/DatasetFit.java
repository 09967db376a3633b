package dev.topiary.gateway.submit;

import dev.topiary.engine.data.DatasetCatalog;
import dev.topiary.engine.graph.Graph;
import dev.topiary.gateway.upload.ModelSummary;
import dev.topiary.pipeline.job.DatasetSpec;
import dev.topiary.pipeline.job.JobSpec;
import dev.topiary.pipeline.job.SpecProblem;
import dev.topiary.pipeline.store.ArtifactStore;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Whether a stored or imported model can be trained and evaluated on the spec's dataset, found
 * without reading the data: the class count against the model's only output vector, and the
 * image channels against the model's input as the engine's {@code InputFit} can fit them (the same
 * channels, or 1-channel images replicated; height and width are always padded or resized).
 * What is known cheaply: Fashion-MNIST and MNIST are 10 classes of 1x28x28, CIFAR-10 and CIFAR-100
 * 10 and 100 classes of 3x32x32; an uploaded image folder fits any channel count (its pictures
 * are converted as they are decoded) and its classes are the sub-folders of its {@code train/}
 * split (or its top-level folders), found by listing keys. An IDX folder or a local image folder is
 * not checked here (the stage reports a mismatch). Stateless.
 */
final class DatasetFit {
  /** What the dataset holds, as far as the check needs. */
  private record Facts(String what, Integer channels, Integer classes) {}

  private DatasetFit() {}

  /**
   * @param field the spec field naming the model ({@code model.onnx} or {@code model.graph})
   * @return one problem per mismatch, each with both numbers; empty when the model fits or the dataset is not known cheaply
   */
  static List<SpecProblem> problems(JobSpec spec, Graph graph, String field, ArtifactStore store) {
    Facts data = facts(spec.dataset(), store);
    List<SpecProblem> out = new ArrayList<>();
    if (data == null) {
      return out;
    }
    ModelSummary model = ModelSummary.of(graph);
    List<Integer> input = model.inputShape();
    if (input.size() != 3) {
      out.add(new SpecProblem(field, "the model's input '" + model.inputName() + "' has shape " + input
          + ", not an image [C, H, W] that " + data.what() + " can feed"));
    } else if (data.channels() != null && data.channels() != input.get(0) && data.channels() != 1) {
      out.add(new SpecProblem(field, "the model's input '" + model.inputName() + "' takes " + input.get(0) + " channel"
          + (input.get(0) == 1 ? "" : "s") + " " + input + " but " + data.what() + " has " + data.channels()
          + "-channel images; only 1-channel images can be fitted to more channels"));
    }
    if (data.classes() != null && model.classes() != null && !data.classes().equals(model.classes())) {
      out.add(new SpecProblem(field, "the model has " + model.classes() + " classes (output '" + model.outputs().get(0).name()
          + "') but " + data.what() + " has " + data.classes() + " classes"));
    }
    return out;
  }

  private static Facts facts(DatasetSpec d, ArtifactStore store) {
    if (d.detectionKind()) {
      return null; // a detection dataset: DetectionFit
    }
    DatasetCatalog.Kind kind = DatasetCatalog.Kind.of(d.kind());
    String what = "dataset " + kind.id();
    return switch (kind) {
      case FASHION_MNIST, MNIST -> new Facts(what, 1, 10);
      case CIFAR10 -> new Facts(what, 3, 10);
      case CIFAR100 -> new Facts(what, 3, 100);
      // an image folder streams, each picture converted to the model's channels as it is decoded
      case IMAGE_FOLDER -> d.uri() != null && d.uri().startsWith("s3://") ? new Facts(what, null, folderClasses(d.uri(), store)) : null;
      case IDX -> null;
    };
  }

  /**
   * The classes of an uploaded image folder, by listing keys (no download): the sub-folders of its
   * {@code train/} split, or, for one folder of classes (split by {@code dataset.valFraction}), its
   * top-level folders; null when none is found.
   */
  private static Integer folderClasses(String uri, ArtifactStore store) {
    String root = uri.substring(("s3://" + store.bucket() + "/").length()).replaceAll("/+$", "") + "/";
    TreeSet<String> top = new TreeSet<>();
    TreeSet<String> train = new TreeSet<>();
    for (String key : store.list(root)) {
      String[] seg = key.substring(root.length()).split("/");
      if (seg.length >= 2) {
        top.add(seg[0]);
      }
      if (seg.length >= 3 && seg[0].equals("train")) {
        train.add(seg[1]);
      }
    }
    TreeSet<String> classes = top.contains("train") ? train : top;
    return classes.isEmpty() ? null : classes.size();
  }
}
