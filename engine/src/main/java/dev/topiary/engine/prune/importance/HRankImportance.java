package dev.topiary.engine.prune.importance;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import dev.topiary.engine.exec.ScriptedOps;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * HRank (Lin et al. 2020): the average matrix rank of each channel's feature map after the conv's
 * activation ({@link CapturePoints}), as lmbxmu/HRank's rank_generation.py computes it: for every
 * image and channel, {@code torch.matrix_rank(output[i, j, :, :])}, averaged over all images of
 * the first {@code limit} batches (its running mean over {@code total} images). Maps of a Gemm
 * output count as 1x1 (rank 1 when non-zero).
 *
 * <p>DJL has no SVD. On libtorch the ranks come from libtorch's {@code linalg.matrix_rank} on each
 * map's float64 Gram matrix, through a bundled TorchScript module ({@link
 * ScriptedOps#matrixRankSums}); elsewhere, or when a map holds a NaN or an infinity, each captured
 * map goes to Java and {@link #rankOf} computes the ranks with EJML's SVD in double precision (same
 * tolerance), in parallel over maps, naming any map that holds a NaN or an infinity.
 */
public final class HRankImportance implements Importance {
  /** float32 machine epsilon, 2^-23: the precision of the maps torch ranked. */
  static final double EPS_F32 = Math.ulp(1.0f);
  private static final int MAPS_PER_TASK = 64;

  @Override
  public String name() {
    return "hrank";
  }

  @Override
  public boolean needsData() {
    return true;
  }

  @Override
  public GroupScores score(Model model, DependencyGraph deps, ScoringData dataOrNull) {
    return ActivationPass.score(this, model, deps, dataOrNull, HRankImportance::rankSums, false, (producer, at) -> {
      TensorShape s = model.graph().shape(at);
      return s.rank() == 1 || s.size() == s.channels()
          ? "capture point '" + at + "' of " + producer + " has 1x1 maps: rank 1 where non-zero, else 0" : null;
    });
  }

  private static double[] rankSums(NDArray activation, NDArray unused) {
    return rankSums(activation);
  }

  /**
   * Per channel, the sum over the batch's images of the rank of the channel's map; {@code
   * activation} is [B, C, H, W], or [B, C] for 1x1 maps.
   *
   * @throws IllegalArgumentException when a map holds a NaN or an infinity (naming the map)
   */
  public static double[] rankSums(NDArray activation) {
    if (ScriptedOps.canRankMaps(activation) && finiteSum(activation)) {
      try {
        long[] sums = ScriptedOps.matrixRankSums(activation);
        double[] out = new double[sums.length];
        for (int c = 0; c < sums.length; c++) {
          out[c] = sums[c];
        }
        return out;
      } catch (EngineException e) {
        // libtorch refused the batch: the Java kernel below ranks it, or names the map it cannot
      }
    }
    long[] bcs = ChannelStatistic.bcs(activation);
    long[] s = activation.getShape().getShape();
    int h = s.length == 4 ? (int) s[2] : 1;
    int w = s.length == 4 ? (int) s[3] : 1;
    int channels = (int) bcs[1];
    int[] ranks = rankOf(activation.toFloatArray(), (int) (bcs[0] * channels), h, w);
    double[] sums = new double[channels];
    for (int i = 0; i < ranks.length; i++) {
      sums[i % channels] += ranks[i];
    }
    return sums;
  }

  /**
   * Whether the activation's sum is finite: false when a map holds a NaN or an infinity, which
   * libtorch's SVD does not report (nor, rarely, when the sum overflows: then the Java kernel ranks).
   */
  private static boolean finiteSum(NDArray activation) {
    try (NDArray sum = activation.sum()) {
      return Float.isFinite(sum.getFloat());
    }
  }

  /**
   * The rank of each of {@code count} row-major {@code h x w} maps stored one after another in
   * {@code maps}, as {@code torch.matrix_rank} gives it for float32: the number of singular values
   * above {@code S.max() * max(h, w) * eps(float32)} (an all-zero map has rank 0). Singular values
   * are computed in double precision with EJML; maps are split over the common fork-join pool,
   * each task reusing one matrix and one decomposition.
   *
   * @throws IllegalArgumentException when {@code maps} does not hold exactly {@code count * h * w}
   *     values or a map holds a NaN or an infinity (naming the map)
   */
  public static int[] rankOf(float[] maps, int count, int h, int w) {
    if (count < 0 || h <= 0 || w <= 0 || (long) count * h * w != maps.length) {
      throw new IllegalArgumentException("maps: expected count * h * w = " + count + " * " + h + " * " + w
          + " values, got " + maps.length);
    }
    int[] ranks = new int[count];
    int tasks = (count + MAPS_PER_TASK - 1) / MAPS_PER_TASK;
    // the common pool plus the calling thread: two threads even where the pool has one worker
    IntStream range = tasks > 1 ? IntStream.range(0, tasks).parallel() : IntStream.range(0, tasks);
    range.forEach(t -> {
      RankKernel k = new RankKernel(h, w);
      int end = Math.min(count, (t + 1) * MAPS_PER_TASK);
      for (int i = t * MAPS_PER_TASK; i < end; i++) {
        ranks[i] = k.rank(maps, i);
      }
    });
    return ranks;
  }

  /** One matrix and one SVD, reused for many maps of the same size; not thread-safe. */
  static final class RankKernel {
    private final int size;
    private final double tolFactor;
    private final DMatrixRMaj matrix;
    private final SingularValueDecomposition_F64<DMatrixRMaj> svd;

    RankKernel(int h, int w) {
      size = h * w;
      tolFactor = Math.max(h, w) * EPS_F32;
      matrix = new DMatrixRMaj(h, w);
      svd = DecompositionFactory_DDRM.svd(h, w, false, false, true);
    }

    /** The rank of map {@code index} of {@code maps}. */
    int rank(float[] maps, int index) {
      int off = index * size;
      double[] m = matrix.data;
      double largest = 0;
      for (int k = 0; k < size; k++) {
        float v = maps[off + k];
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("map " + index + " holds " + v + " at (" + k / matrix.numCols + ", " + k % matrix.numCols + ")");
        }
        m[k] = v;
        largest = Math.max(largest, Math.abs(v));
      }
      if (largest == 0) {
        return 0; // S.max() = 0: no singular value exceeds the tolerance (dead ReLU channels)
      }
      if (!svd.decompose(matrix)) {
        throw new IllegalStateException("SVD of map " + index + " did not converge");
      }
      double[] sv = svd.getSingularValues();
      int n = svd.numberOfSingularValues();
      double smax = 0;
      for (int i = 0; i < n; i++) {
        smax = Math.max(smax, sv[i]);
      }
      double tol = smax * tolFactor;
      int rank = 0;
      for (int i = 0; i < n; i++) {
        if (sv[i] > tol) {
          rank++;
        }
      }
      return rank;
    }
  }
}
