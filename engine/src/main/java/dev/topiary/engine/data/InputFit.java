package dev.topiary.engine.data;

import dev.topiary.engine.InvalidDatasetException;

/**
 * Builds the transform pipeline that feeds a dataset to a model input: resize or zero-pad to the
 * model's height and width, optional training augmentation (random crop with 4-pixel padding and
 * horizontal flip), per-channel normalisation with the dataset's own mean and standard deviation,
 * and channel replication so that 1-channel images feed a 3-channel model.
 */
public final class InputFit {
  /** How to change the spatial size when it differs from the model's. */
  public enum SizeMode {
    /** Zero-pad around the image when it is smaller (28 to 32), resize when it is larger. */
    PAD,
    /** Bilinear resize in every case. */
    RESIZE
  }

  private InputFit() {}

  /**
   * @param data the dataset's sample shape
   * @param input the model input [C, H, W]
   * @param augment random crop and flip (for training)
   * @param mean per data channel, in [0, 1] pixel units
   * @param std per data channel
   */
  public static TransformPipeline pipeline(ImageShape data, int[] input, SizeMode mode, boolean augment, float[] mean, float[] std) {
    if (input.length != 3) {
      throw new InvalidDatasetException("model input " + java.util.Arrays.toString(input) + " is not an image [C, H, W]");
    }
    int c = input[0];
    int h = input[1];
    int w = input[2];
    if (data.channels() != c && data.channels() != 1) {
      throw new InvalidDatasetException("dataset images have " + data.channels() + " channels but the model takes " + c);
    }
    TransformPipeline p = TransformPipeline.identity();
    if (data.height() != h || data.width() != w) {
      boolean smaller = data.height() <= h && data.width() <= w;
      p = p.then(mode == SizeMode.PAD && smaller ? Pad.toSize(h, w) : new Resize(h, w));
    }
    if (augment) {
      p = p.then(new RandomCrop(h, w, 4)).then(new RandomHorizontalFlip());
    }
    p = p.then(new Normalize(mean, std));
    if (c != data.channels()) {
      p = p.then(new ReplicateChannels(c));
    }
    return p;
  }

  /** Per-channel mean and standard deviation of pixels scaled to [0, 1], over all samples. */
  public static float[][] meanStd(ImageDataset ds) {
    int ch = ds.channels();
    int plane = ds.height() * ds.width();
    double[] sum = new double[ch];
    double[] sq = new double[ch];
    byte[] buf = new byte[ch * plane];
    for (int i = 0; i < ds.size(); i++) {
      ds.copyPixels(i, buf, 0);
      for (int c = 0; c < ch; c++) {
        long s = 0;
        long q = 0;
        for (int k = c * plane; k < (c + 1) * plane; k++) {
          int v = buf[k] & 0xff;
          s += v;
          q += (long) v * v;
        }
        sum[c] += s;
        sq[c] += q;
      }
    }
    float[] mean = new float[ch];
    float[] std = new float[ch];
    double n = (double) ds.size() * plane;
    for (int c = 0; c < ch; c++) {
      double m = sum[c] / n / 255.0;
      double var = sq[c] / n / (255.0 * 255.0) - m * m;
      mean[c] = (float) m;
      std[c] = (float) Math.sqrt(Math.max(var, 1e-12));
    }
    return new float[][] {mean, std};
  }
}
