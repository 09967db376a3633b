package dev.topiary.pipeline.job;

import dev.topiary.engine.data.DatasetCatalog;
import dev.topiary.engine.data.InputFit;
import dev.topiary.engine.workflow.DataSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The dataset: its kind, where it lies, how much of it to use and how to fit it to the model.
 * Immutable.
 *
 * @param kind a {@link DatasetCatalog.Kind} id: fashion-mnist, mnist, cifar10, cifar100, image-folder, idx
 * @param uri an absolute path on the stage's machine or {@code s3://bucket/prefix} of an upload;
 *     null only for fashion-mnist (Debian's package)
 * @param trainLimit the first n training samples, 0 for all
 * @param testLimit the first n test samples, 0 for all
 * @param batchSize batch size of training, scoring and evaluation
 * @param fit {@code pad} (zero-pad smaller images, resize larger) or {@code resize}
 * @param augment random crop and flip during training (image-folder: random resized crop and flip)
 * @param mean image-folder only: per model input channel, in [0, 1] pixel units; null for ImageNet's
 * @param std image-folder only: as many values as {@code mean}, each > 0; null exactly when {@code mean} is
 * @param valFraction image-folder only: the held-out fraction of a single folder of class folders; null for 0.1
 * @param workers image-folder only: decoding threads; null for 2
 * @param prefetch image-folder only: batches decoded ahead; null for 4
 */
public record DatasetSpec(String kind, String uri, int trainLimit, int testLimit, int batchSize, String fit, boolean augment,
    List<Double> mean, List<Double> std, Double valFraction, Integer workers, Integer prefetch) {
  public static final int DEFAULT_BATCH_SIZE = 128;
  /** Upper bound of {@code workers} and {@code prefetch}. */
  public static final int MAX_THREADS = 64;

  /** A dataset without image-folder options. */
  public DatasetSpec(String kind, String uri, int trainLimit, int testLimit, int batchSize, String fit, boolean augment) {
    this(kind, uri, trainLimit, testLimit, batchSize, fit, augment, null, null, null, null, null);
  }

  public DatasetCatalog.Kind catalogKind() {
    return DatasetCatalog.Kind.of(kind);
  }

  /**
   * The engine's data spec once the dataset is on local disk.
   *
   * @param location the local folder ({@code uri} itself when it is a path); null for fashion-mnist from Debian
   */
  public DataSpec toDataSpec(Path location, long seed) {
    InputFit.SizeMode mode = InputFit.SizeMode.valueOf(fit.toUpperCase(Locale.ROOT));
    return new DataSpec(catalogKind(), location, trainLimit, testLimit, batchSize, mode, augment, seed, streaming());
  }

  private DataSpec.Streaming streaming() {
    DataSpec.Streaming d = DataSpec.Streaming.DEFAULT;
    return new DataSpec.Streaming(floats(mean), floats(std), valFraction == null ? d.valFraction() : valFraction,
        workers == null ? d.workers() : workers, prefetch == null ? d.prefetch() : prefetch);
  }

  private static float[] floats(List<Double> values) {
    if (values == null) {
      return null;
    }
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i).floatValue();
    }
    return out;
  }
}
