package dev.topiary.engine.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.data.DatasetCatalog;
import dev.topiary.engine.data.InputFit;
import dev.topiary.engine.data.StreamingLoader;
import dev.topiary.engine.data.SyntheticImageFolder;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.train.EpochResult;
import dev.topiary.engine.train.Evaluation;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training through {@link Fitter} on an image folder that streams from disk. */
class StreamedImageFolderTest {
  @TempDir Path root;

  @Test
  void lenetLearnsFromAStreamedFolderOfColouredJpegs() {
    SyntheticImageFolder.write(DatasetCatalog.FASHION_MNIST_DEBIAN, root, 1_000, 200, 28, SyntheticImageFolder.Format.JPEG, 3);
    DataSpec spec = new DataSpec(DatasetCatalog.Kind.IMAGE_FOLDER, root, 0, 0, 50, InputFit.SizeMode.RESIZE, false, 1);
    int[] input = {3, 28, 28};
    DataSpec.Loaders data = spec.open(input);
    assertTrue(data.train() instanceof StreamingLoader, "image-folder streams");
    assertEquals(1_000, data.train().size());
    assertEquals(200, data.test().size());
    Model init = Fitter.initialised(Zoo.build(ModelSpec.builder().setArch("lenet5").optInputShape(input).build()), 1);
    List<EpochResult> seen = new ArrayList<>();
    Fitter.Outcome out = Fitter.fit(init, data, FitSettings.defaults(3), seen::add);
    Evaluation after = Fitter.evaluate(out.model(), data);
    assertEquals(200, after.samples());
    assertTrue(seen.get(2).trainLoss() < seen.get(0).trainLoss(), "loss falls: " + seen);
    assertTrue(after.top1() > 0.4, "well above chance (0.1): " + after);
  }

  @Test
  void aSingleFolderIsSplitByValFraction() throws IOException {
    SyntheticImageFolder.write(DatasetCatalog.FASHION_MNIST_DEBIAN, root, 200, 0, 16, SyntheticImageFolder.Format.PNG, 3);
    Path single = root.resolve("train");
    DataSpec spec = new DataSpec(DatasetCatalog.Kind.IMAGE_FOLDER, single, 0, 0, 32, InputFit.SizeMode.PAD, false, 1)
        .withStreaming(new DataSpec.Streaming(new float[] {0.5f}, new float[] {0.25f}, 0.25, 1, 2));
    DataSpec.Loaders data = spec.open(new int[] {1, 16, 16});
    assertEquals(200, data.train().size() + data.test().size());
    assertTrue(Math.abs(data.test().size() - 50) <= 5, "a quarter held out per class: " + data.test().size());
    assertEquals(10, data.numClasses());
    assertTrue(Files.isDirectory(single.resolve("0-t-shirt-top")));
  }
}
