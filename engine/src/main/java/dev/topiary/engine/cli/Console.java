package dev.topiary.engine.cli;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.train.EpochResult;
import java.util.Locale;

/** The lines the commands share: an epoch's figures, and a count before and after pruning. */
final class Console {
  private Console() {}

  /**
   * "convolutions ran channels-last (NHWC 41.2 ms, NCHW 55.0 ms a training step on the first batch)":
   * the memory order measured for a model, and why.
   */
  static String convOrder(dev.topiary.engine.exec.GraphBlock.ConvOrderChoice c) {
    String order = c.order() == dev.topiary.engine.exec.ConvOrder.CONTIGUOUS ? "contiguous (NCHW)" : "channels-last (NHWC)";
    String pass = c.gradients() ? "a training step on the first batch" : "an inference pass at batch " + c.shape().get(0);
    return String.format(java.util.Locale.ROOT, "convolutions ran %s: NHWC %.1f ms, NCHW %.1f ms %s%s", order,
        c.channelsLastMs(), c.contiguousMs(), pass, c.remembered() ? " (measured before on this machine; -Dtopiary.conv-order-cache=off measures anew)" : "");
  }

  /** "epoch 3  lr 0.0100  train loss ... acc ...  test loss ... acc ...  1234 img/s  2.1 s". */
  static String epoch(EpochResult r) {
    return String.format(Locale.ROOT, "epoch %d  lr %.4f  train loss %.4f acc %.4f  test loss %.4f acc %.4f  %.0f img/s  %.1f s",
        r.epoch() + 1, r.lr(), r.trainLoss(), r.trainAccuracy(), r.valLoss(), r.valAccuracy(), r.imagesPerSecond(), r.wallSeconds());
  }

  /** "params 61,706 -> 30,125 (-51.18%)". */
  static String change(String what, long before, long after) {
    return String.format(Locale.ROOT, "%s %,d -> %,d (%s)", what, before, after, reduction(before, after));
  }

  /** Learnable parameters and MACs of two graphs, on two lines. */
  static String sizes(Graph before, Graph after) {
    return change("params", before.parameterCount(), after.parameterCount()) + "\n" + change("MACs  ", before.macs(), after.macs());
  }

  /** "-51.18%" (a reduction), "+3.00%" (a growth), "0.00%". */
  static String reduction(long before, long after) {
    if (before == 0) {
      return "n/a";
    }
    double r = 1 - (double) after / before;
    return String.format(Locale.ROOT, "%s%.2f%%", r > 0 ? "-" : r < 0 ? "+" : "", Math.abs(100 * r));
  }
}
