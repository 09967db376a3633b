package dev.topiary.engine.cli;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.topiary.engine.data.ImageFolderIndex;
import dev.topiary.engine.data.ImageShape;
import dev.topiary.engine.data.StreamingLoader;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.train.EpochResult;
import dev.topiary.engine.workflow.DataSpec;
import dev.topiary.engine.workflow.FitSettings;
import dev.topiary.engine.workflow.Fitter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench-loader", mixinStandardHelpOptions = true,
    description = "Images/s of the streaming ImageFolder loader alone (training transforms: random resized crop, flip, "
        + "normalise), then, with --train-images, one training epoch fed by it with the time the step waited on the queue.")
final class BenchLoaderCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "an image folder with train/ (and val/)") Path data;
  @Option(names = "--size", defaultValue = "224") int size;
  @Option(names = "--batch", defaultValue = "64") int batch;
  @Option(names = "--workers", defaultValue = "2") int workers;
  @Option(names = "--prefetch", defaultValue = "4") int prefetch;
  @Option(names = "--images", defaultValue = "0", description = "images the loader-alone pass reads (0: all)") int images;
  @Option(names = "--train-images", defaultValue = "0", description = "images of the training pass (0: none)") int trainImages;
  @Mixin ModelOptions model;
  @Mixin RuntimeOptions runtime;

  @Override
  public Integer call() {
    runtime.apply();
    ImageFolderIndex all = ImageFolderIndex.scan(data.resolve("train"));
    ImageFolderIndex index = images == 0 || images >= all.size() ? all : all.splitByFraction((double) images / all.size(), 1)[1];
    StreamingLoader loader = loader(index);
    long start = System.nanoTime();
    long seen = 0;
    try (NDManager manager = NDManager.newBaseManager()) {
      for (NDList b : loader.epochAsLists(0, manager)) {
        seen += b.get(1).size();
        b.close();
      }
    }
    double s = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "loader: %d images in %.2f s = %.1f images/s (batch %d, %d workers, prefetch %d, peak ready %d); JVM peak RSS %s%n",
        seen, s, seen / s, batch, workers, loader.prefetch(), loader.stats().peakReady(), peakRss());
    if (trainImages > 0) {
      train(all);
    }
    return 0;
  }

  private void train(ImageFolderIndex all) {
    ImageFolderIndex subset = all.splitByFraction((double) trainImages / all.size(), 2)[1];
    StreamingLoader trainLoader = loader(subset);
    StreamingLoader test = loader(subset.head(batch));
    Model m = model.modelOrInit();
    DataSpec.Loaders loaders = new DataSpec.Loaders(trainLoader, test, all.numClasses());
    FitSettings fit = new FitSettings(1, 0.05, 0.9, false, 5e-4, "constant", model.seed);
    EpochResult r = Fitter.fit(m, loaders, fit, null).epochs().get(0);
    double trainSeconds = subset.size() / r.imagesPerSecond();
    double waited = trainLoader.stats().waitNanos() / 1e9;
    System.out.printf(Locale.ROOT, "train %s: %d images in %.2f s = %.1f images/s; step waited on the loader %.2f s (%.1f%% of training time)%n",
        m.graph().name(), subset.size(), trainSeconds, r.imagesPerSecond(), waited, 100 * waited / trainSeconds);
    System.out.println("JVM peak RSS after training: " + peakRss());
  }

  /** The process's peak resident set (VmHWM), or "n/a" off Linux. */
  private static String peakRss() {
    try {
      return java.nio.file.Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
          .map(l -> l.substring(6).trim()).findFirst().orElse("n/a");
    } catch (java.io.IOException e) {
      return "n/a";
    }
  }

  private StreamingLoader loader(ImageFolderIndex index) {
    return StreamingLoader.builder().setIndex(index).setInput(new ImageShape(3, size, size)).setBatchSize(batch)
        .optShuffle(true).optAugment(true).optSeed(0).optWorkers(workers).optPrefetch(prefetch).build();
  }
}
