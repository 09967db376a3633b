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

  @Option(names = "--augment", description = "random crop (padding 4) and horizontal flip in training")
  boolean augment;

  private DataSpec.Loaders opened;

  DataSpec spec(long seed) {
    return new DataSpec(DatasetCatalog.Kind.of(kind), dir, trainLimit, testLimit, batch,
        resize ? InputFit.SizeMode.RESIZE : InputFit.SizeMode.PAD, augment, seed);
  }

  /** The dataset fitted to a model input, read on the first call only (a command may need it for scoring and fine-tuning). */
  DataSpec.Loaders loaders(int[] modelInput, long seed) {
    if (opened == null) {
      opened = spec(seed).open(modelInput);
    }
    return opened;
  }
}
