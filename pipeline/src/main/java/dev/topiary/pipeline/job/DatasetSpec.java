package dev.topiary.pipeline.job;

import dev.topiary.engine.data.DatasetCatalog;
import dev.topiary.engine.data.InputFit;
import dev.topiary.engine.workflow.DataSpec;
import java.nio.file.Path;
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
 * @param augment random crop and flip during training
 */
public record DatasetSpec(String kind, String uri, int trainLimit, int testLimit, int batchSize, String fit, boolean augment) {
  public static final int DEFAULT_BATCH_SIZE = 128;

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
    return new DataSpec(catalogKind(), location, trainLimit, testLimit, batchSize, mode, augment, seed);
  }
}
