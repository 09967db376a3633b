package dev.topiary.engine.onnx;

import dev.topiary.engine.graph.Resize;
import java.util.function.DoubleUnaryOperator;

/**
 * The new IR ops computed directly from their definitions on row-major [N, C, H, W] batches, as
 * references for ONNX Runtime while DJL has no kernels for them. Coordinates of Resize follow the
 * ONNX specification, in float32 as ONNX Runtime computes them.
 */
final class PlainJavaOps {
  private PlainJavaOps() {}

  /** A batch's dimensions. */
  record Dims(int n, int c, int h, int w) {
    int size() {
      return n * c * h * w;
    }

    int at(int b, int ch, int y, int x) {
      return ((b * c + ch) * h + y) * w + x;
    }
  }

  static float[] map(float[] x, DoubleUnaryOperator f) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (float) f.applyAsDouble(x[i]);
    }
    return y;
  }

  /** The mean of each sample's channel over H and W, one value per (n, c). */
  static double[] channelMeans(float[] x, Dims d) {
    double[] m = new double[d.n() * d.c()];
    for (int i = 0; i < x.length; i++) {
      m[i / (d.h() * d.w())] += x[i] / (double) (d.h() * d.w());
    }
    return m;
  }

  /** x (op) v where v has per-sample dims {@code vd}, each 1 or the full length (right-aligned broadcast). */
  static float[] withConstant(float[] x, Dims d, float[] v, int[] vd, java.util.function.DoubleBinaryOperator op) {
    float[] y = new float[x.length];
    for (int b = 0; b < d.n(); b++) {
      for (int c = 0; c < d.c(); c++) {
        for (int h = 0; h < d.h(); h++) {
          for (int w = 0; w < d.w(); w++) {
            int vi = ((vd[0] == 1 ? 0 : c) * vd[1] + (vd[1] == 1 ? 0 : h)) * vd[2] + (vd[2] == 1 ? 0 : w);
            y[d.at(b, c, h, w)] = (float) op.applyAsDouble(x[d.at(b, c, h, w)], v[vi]);
          }
        }
      }
    }
    return y;
  }

  static float[] instanceNorm(float[] x, Dims d, float[] gamma, float[] beta, double eps) {
    int hw = d.h() * d.w();
    double[] mean = channelMeans(x, d);
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i += hw) {
      int nc = i / hw;
      double var = 0;
      for (int j = i; j < i + hw; j++) {
        var += (x[j] - mean[nc]) * (x[j] - mean[nc]) / hw;
      }
      for (int j = i; j < i + hw; j++) {
        y[j] = (float) ((x[j] - mean[nc]) / Math.sqrt(var + eps) * gamma[nc % d.c()] + beta[nc % d.c()]);
      }
    }
    return y;
  }

  static float[] pad(float[] x, Dims d, int top, int left, int bottom, int right) {
    Dims o = new Dims(d.n(), d.c(), d.h() + top + bottom, d.w() + left + right);
    float[] y = new float[o.size()];
    for (int b = 0; b < d.n(); b++) {
      for (int c = 0; c < d.c(); c++) {
        for (int h = 0; h < d.h(); h++) {
          for (int w = 0; w < d.w(); w++) {
            y[o.at(b, c, h + top, w + left)] = x[d.at(b, c, h, w)];
          }
        }
      }
    }
    return y;
  }

  static float[] channels(float[] x, Dims d, int start, int end) {
    int hw = d.h() * d.w();
    float[] y = new float[d.n() * (end - start) * hw];
    for (int b = 0; b < d.n(); b++) {
      System.arraycopy(x, (b * d.c() + start) * hw, y, b * (end - start) * hw, (end - start) * hw);
    }
    return y;
  }

  /** Softmax (or its log) over the channels at each (n, h, w). */
  static float[] softmax(float[] x, Dims d, boolean log) {
    float[] y = new float[x.length];
    for (int b = 0; b < d.n(); b++) {
      for (int p = 0; p < d.h() * d.w(); p++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < d.c(); c++) {
          max = Math.max(max, x[(b * d.c() + c) * d.h() * d.w() + p]);
        }
        double sum = 0;
        for (int c = 0; c < d.c(); c++) {
          sum += Math.exp(x[(b * d.c() + c) * d.h() * d.w() + p] - max);
        }
        for (int c = 0; c < d.c(); c++) {
          int i = (b * d.c() + c) * d.h() * d.w() + p;
          y[i] = (float) (log ? x[i] - max - Math.log(sum) : Math.exp(x[i] - max) / sum);
        }
      }
    }
    return y;
  }

  /** ONNX Resize by scales on H and W: nearest (asymmetric, floor) or linear. */
  static float[] resize(float[] x, Dims d, Resize r) {
    int oh = (int) Math.floor(d.h() * r.scaleH());
    int ow = (int) Math.floor(d.w() * r.scaleW());
    Dims o = new Dims(d.n(), d.c(), oh, ow);
    float[] y = new float[o.size()];
    for (int b = 0; b < d.n(); b++) {
      for (int c = 0; c < d.c(); c++) {
        for (int i = 0; i < oh; i++) {
          float sy = source(i, (float) r.scaleH(), oh, d.h(), r.coordinates());
          for (int j = 0; j < ow; j++) {
            float sx = source(j, (float) r.scaleW(), ow, d.w(), r.coordinates());
            y[o.at(b, c, i, j)] = Resize.NEAREST.equals(r.mode())
                ? x[d.at(b, c, Math.min((int) Math.floor(sy), d.h() - 1), Math.min((int) Math.floor(sx), d.w() - 1))]
                : bilinear(x, d, b, c, sy, sx);
          }
        }
      }
    }
    return y;
  }

  /** ONNX's coordinate_transformation_mode: the input coordinate of output index {@code i}. */
  private static float source(int i, float scale, int outLength, int inLength, String mode) {
    return switch (mode) {
      case Resize.ASYMMETRIC -> i / scale;
      case Resize.HALF_PIXEL -> (i + 0.5f) / scale - 0.5f;
      case Resize.PYTORCH_HALF_PIXEL -> outLength > 1 ? (i + 0.5f) / scale - 0.5f : 0f;
      case Resize.ALIGN_CORNERS -> outLength == 1 ? 0f : i * (inLength - 1) / (float) (outLength - 1);
      default -> throw new IllegalArgumentException(mode);
    };
  }

  private static float bilinear(float[] x, Dims d, int b, int c, float sy, float sx) {
    float y = Math.max(0, Math.min(sy, d.h() - 1));
    float xx = Math.max(0, Math.min(sx, d.w() - 1));
    int y0 = (int) y;
    int x0 = (int) xx;
    int y1 = Math.min(y0 + 1, d.h() - 1);
    int x1 = Math.min(x0 + 1, d.w() - 1);
    double fy = y - y0;
    double fx = xx - x0;
    double top = x[d.at(b, c, y0, x0)] * (1 - fx) + x[d.at(b, c, y0, x1)] * fx;
    double bottom = x[d.at(b, c, y1, x0)] * (1 - fx) + x[d.at(b, c, y1, x1)] * fx;
    return (float) (top * (1 - fy) + bottom * fy);
  }
}
