package dev.topiary.engine.cli;

import dev.topiary.engine.data.DatasetCatalog;
import dev.topiary.engine.data.InputFit;
import dev.topiary.engine.workflow.DataSpec;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Selects and fits a dataset. */
final class DataOptions {
  @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "fashion-mnist, mnist, cifar10, cifar100, image-folder or idx (default ${DEFAULT-VALUE})")
  String kind;

  @Option(names = "--data-dir", description = "dataset folder (Fashion-MNIST defaults to Debian's /usr/share/datasets/fashion-mnist)")
  Path dir;

  @Option(names = "--train-limit", defaultValue = "0", description = "use only the first N training images (0: all)")
  int trainLimit;

  @Option(names = "--test-limit", defaultValue = "0", description = "use only the first N test images (0: all)")
  int testLimit;

  @Option(names = "--batch", defaultValue = "128", description = "batch size (default ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--resize", description = "resize images to the model input instead of zero-padding")
  boolean resize;

  @Option(names = "--augment", description = "random crop (padding 4; image-folder: random resized crop) and horizontal flip in training")
  boolean augment;

  @Option(names = "--mean", split = ",", description = "image-folder: per-channel mean in [0, 1] (default ImageNet's)")
  float[] mean;

  @Option(names = "--std", split = ",", description = "image-folder: per-channel std (with --mean)")
  float[] std;

  @Option(names = "--val-fraction", defaultValue = "0", description = "image-folder without train/: held-out fraction (default 0.1)")
  double valFraction;

  @Option(names = "--workers", defaultValue = "2", description = "image-folder: decoding threads (default ${DEFAULT-VALUE})")
  int workers;

  @Option(names = "--prefetch", defaultValue = "4", description = "image-folder: batches decoded ahead (default ${DEFAULT-VALUE})")
  int prefetch;

  private DataSpec.Loaders opened;

  DataSpec spec(long seed) {
    return new DataSpec(DatasetCatalog.Kind.of(kind), dir, trainLimit, testLimit, batch,
        resize ? InputFit.SizeMode.RESIZE : InputFit.SizeMode.PAD, augment, seed,
        new DataSpec.Streaming(mean, std, valFraction, workers, prefetch));
  }

  /** The dataset fitted to a model input, read on the first call only (a command may need it for scoring and fine-tuning). */
  DataSpec.Loaders loaders(int[] modelInput, long seed) {
    if (opened == null) {
      opened = spec(seed).open(modelInput);
    }
    return opened;
  }
}
