package dev.topiary.engine.workflow;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.train.EpochResult;
import dev.topiary.engine.train.Evaluation;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LeNet-5 trained briefly on a slice of the real Fashion-MNIST (Debian's dataset-fashion-mnist). */
class LeNetFashionMnistTest {
  @Test
  void twoEpochsOnTwelveThousandImagesClearSeventyFivePercentOnTheTestSlice() {
    Model init = Fitter.initialised(Zoo.build("lenet5"), 1);
    DataSpec.Loaders data = DataSpec.fashionMnist().withLimits(12_000, 2_000).withBatchSize(64).open(new int[] {1, 28, 28});
    assertEquals(10, data.numClasses());
    Evaluation before = Fitter.evaluate(init, data);
    assertTrue(before.top1() < 0.3, "an untrained net is near chance: " + before);
    List<EpochResult> seen = new ArrayList<>();
    Fitter.Outcome out = Fitter.fit(init, data, FitSettings.defaults(2), seen::add);
    assertEquals(2, seen.size());
    assertTrue(seen.get(1).trainLoss() < seen.get(0).trainLoss(), "loss falls: " + seen);
    Evaluation after = Fitter.evaluate(out.model(), data);
    assertEquals(2_000, after.samples());
    assertTrue(after.top1() >= 0.75, "top-1 after 2 epochs: " + after);
    assertTrue(after.top5() >= after.top1());
    assertEquals(after.top1(), seen.get(1).valAccuracy(), 1e-9, "the run's validation equals a fresh evaluation of the returned model");
  }

  @Test
  void aModelWithFewerOutputsThanTheDatasetHasClassesIsRefusedBeforeAnyStep() {
    Model fiveWay = Fitter.initialised(Zoo.build(ModelSpec.builder().setArch("lenet5").optNumClasses(5).build()), 1);
    DataSpec.Loaders data = DataSpec.fashionMnist().withLimits(64, 64).withBatchSize(64).open(new int[] {1, 28, 28});
    var fit = assertThrows(IllegalArgumentException.class, () -> Fitter.fit(fiveWay, data, FitSettings.defaults(1), e -> fail("no epoch may run")));
    assertTrue(fit.getMessage().contains("model 'lenet5' has 5 outputs (node 'fc3') but the dataset has 10 classes"), fit.getMessage());
    var eval = assertThrows(IllegalArgumentException.class, () -> Fitter.evaluate(fiveWay, data));
    assertEquals(fit.getMessage(), eval.getMessage());
  }
}
