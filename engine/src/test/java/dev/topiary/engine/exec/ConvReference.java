package dev.topiary.engine.exec;

import dev.topiary.engine.graph.Conv;

/**
 * torch.nn.functional.conv2d in plain Java, in double precision: the output and the gradients of
 * the input and the weight for an output gradient. Arrays are row-major NCHW, weights [O, C / groups,
 * kh, kw].
 */
final class ConvReference {
  private ConvReference() {}

  /** The output of {@code conv} on x of shape {@code xs}; bias null for none. */
  static float[] forward(float[] x, long[] xs, float[] w, float[] bias, Conv conv) {
    Geometry g = new Geometry(xs, conv);
    double[] out = new double[g.n * g.o * g.oh * g.ow];
    g.each((xi, wi, yi) -> out[yi] += (double) x[xi] * w[wi]);
    float[] y = new float[out.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) (out[i] + (bias == null ? 0 : bias[(i / (g.oh * g.ow)) % g.o]));
    }
    return y;
  }

  /** The gradient of the input for output gradient dy. */
  static float[] inputGradient(float[] dy, long[] xs, float[] w, Conv conv) {
    Geometry g = new Geometry(xs, conv);
    double[] dx = new double[g.n * g.c * g.h * g.w];
    g.each((xi, wi, yi) -> dx[xi] += (double) dy[yi] * w[wi]);
    return toFloat(dx);
  }

  /** The gradient of the weight for output gradient dy. */
  static float[] weightGradient(float[] dy, float[] x, long[] xs, Conv conv) {
    Geometry g = new Geometry(xs, conv);
    double[] dw = new double[g.o * (g.c / conv.groups()) * g.kh * g.kw];
    g.each((xi, wi, yi) -> dw[wi] += (double) dy[yi] * x[xi]);
    return toFloat(dw);
  }

  private static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  /** One term of the sum: input index, weight index, output index. */
  @FunctionalInterface
  private interface Term {
    void add(int xi, int wi, int yi);
  }

  private static final class Geometry {
    final int n;
    final int c;
    final int h;
    final int w;
    final int o;
    final int kh;
    final int kw;
    final int oh;
    final int ow;
    private final Conv conv;

    Geometry(long[] xs, Conv conv) {
      this.conv = conv;
      n = (int) xs[0];
      c = (int) xs[1];
      h = (int) xs[2];
      w = (int) xs[3];
      o = conv.outChannels();
      kh = conv.kernel().h();
      kw = conv.kernel().w();
      oh = (h + 2 * conv.padding().h() - conv.dilation().h() * (kh - 1) - 1) / conv.stride().h() + 1;
      ow = (w + 2 * conv.padding().w() - conv.dilation().w() * (kw - 1) - 1) / conv.stride().w() + 1;
    }

    void each(Term t) {
      int cg = c / conv.groups();
      int og = o / conv.groups();
      for (int b = 0; b < n; b++) {
        for (int oc = 0; oc < o; oc++) {
          int group = oc / og;
          for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
              int yi = ((b * o + oc) * oh + y) * ow + x;
              for (int ic = 0; ic < cg; ic++) {
                for (int u = 0; u < kh; u++) {
                  int iy = y * conv.stride().h() - conv.padding().h() + u * conv.dilation().h();
                  if (iy < 0 || iy >= h) {
                    continue;
                  }
                  for (int v = 0; v < kw; v++) {
                    int ix = x * conv.stride().w() - conv.padding().w() + v * conv.dilation().w();
                    if (ix < 0 || ix >= w) {
                      continue;
                    }
                    t.add(((b * c + group * cg + ic) * h + iy) * w + ix, ((oc * cg + ic) * kh + u) * kw + v, yi);
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
