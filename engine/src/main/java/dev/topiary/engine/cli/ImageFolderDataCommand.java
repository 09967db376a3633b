package dev.topiary.engine.cli;

import dev.topiary.engine.data.DatasetCatalog;
import dev.topiary.engine.data.SyntheticImageFolder;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "image-folder-data", mixinStandardHelpOptions = true,
    description = "Writes a deterministic ImageFolder (train/ and val/, 10 classes) of coloured, noised, upscaled "
        + "Fashion-MNIST pictures, for benchmarks and tests; the same arguments write the same bytes.")
final class ImageFolderDataCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, description = "folder to write (train/ and val/ inside)") Path out;
  @Option(names = "--train", required = true, description = "training pictures") int train;
  @Option(names = "--val", defaultValue = "0", description = "validation pictures (default ${DEFAULT-VALUE})") int val;
  @Option(names = "--size", defaultValue = "224", description = "height and width in pixels (default ${DEFAULT-VALUE})") int size;
  @Option(names = "--format", defaultValue = "jpeg", description = "jpeg or png (default ${DEFAULT-VALUE})") String format;
  @Option(names = "--seed", defaultValue = "0") long seed;
  @Option(names = "--data-dir", description = "Fashion-MNIST folder (default Debian's /usr/share/datasets/fashion-mnist)")
  Path source;

  @Override
  public Integer call() {
    SyntheticImageFolder.Format f = switch (format.toLowerCase(Locale.ROOT)) {
      case "jpeg", "jpg" -> SyntheticImageFolder.Format.JPEG;
      case "png" -> SyntheticImageFolder.Format.PNG;
      default -> throw new IllegalArgumentException("--format: expected jpeg or png, got " + format);
    };
    long start = System.nanoTime();
    SyntheticImageFolder.write(source != null ? source : DatasetCatalog.FASHION_MNIST_DEBIAN, out, train, val, size, f, seed);
    System.out.printf(Locale.ROOT, "wrote %d train + %d val %dx%d %s pictures to %s in %.1f s%n",
        train, val, size, size, f.name().toLowerCase(Locale.ROOT), out, (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
