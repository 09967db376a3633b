package dev.topiary.pipeline.job;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphInput;
import dev.topiary.engine.graph.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one job may ask of the services, checked before it is accepted, so that a job that cannot
 * fit is a 400 naming the field instead of a service that dies of it (and dies again on every
 * redelivery). Bounds: epochs of each fit, the batch size, the input's pixels; and the job's
 * memory in the fine-tune service (training) and the eval service (inference at the largest
 * evaluation batch), estimated from the graph ({@link Footprint}) against a budget per service.
 *
 * @param maxEpochs the most epochs one fit may ask for (baseline, fine-tune, per step or stage)
 * @param maxBatchSize the largest {@code dataset.batchSize}
 * @param maxInputPixels the most pixels (H x W) of the model's input
 * @param finetuneMemoryBytes what one job may use in the fine-tune service
 * @param evalMemoryBytes what one job may use in the eval service
 */
public record JobLimits(int maxEpochs, int maxBatchSize, long maxInputPixels, long finetuneMemoryBytes, long evalMemoryBytes) {
  /** Generous for the base deployment (fine-tune pods limited to 16 GiB, eval to 8 GiB). */
  public static final JobLimits DEFAULT = new JobLimits(1000, 4096, 4096L * 4096, 12L << 30, 6L << 30);

  private static final long FLOAT = Float.BYTES;
  /**
   * Training holds each activation of the forward pass for the backward pass, and the backward pass
   * a gradient of each as it goes: twice the forward values at the batch size.
   */
  private static final int TRAINING_COPIES = 2;
  /** Weights, their gradients, the momentum buffers and the kept best or EMA copy. */
  private static final int STATE_COPIES = 4;
  /** Decoded batches in flight besides the one in use (the streaming loader's default prefetch and workers). */
  private static final int BATCHES_IN_FLIGHT = 6;

  public JobLimits {
    if (maxEpochs < 1 || maxBatchSize < 1 || maxInputPixels < 1 || finetuneMemoryBytes < 1 || evalMemoryBytes < 1) {
      throw new IllegalArgumentException("limits: every limit must be positive, got " + this);
    }
  }

  /**
   * What a job needs, estimated from its graph, in bytes.
   *
   * @param valuesPerSample activation values of one sample through the whole graph (its input and every node's output)
   * @param state the weights and what training keeps beside them
   * @param training the activations of one training batch
   * @param inference the activations of the largest evaluation batch
   * @param data the dataset held in memory and the decoded batches in flight
   */
  public record Footprint(long valuesPerSample, long state, long training, long inference, long data) {
    public long finetune() {
      return state + training + data;
    }

    public long eval() {
      return state / STATE_COPIES + inference + data;
    }

    static Footprint of(JobSpec spec, Graph graph) {
      long perSample = 0;
      for (GraphInput in : graph.inputs()) {
        perSample = Math.addExact(perSample, graph.shape(in.name()).size());
      }
      for (Node n : graph.nodes()) {
        perSample = Math.addExact(perSample, graph.shape(n.name()).size());
      }
      int batch = spec.dataset().batchSize();
      int evalBatch = spec.eval().batchSizes().stream().mapToInt(Integer::intValue).max().orElse(1);
      long state = graph.parameterCount() * FLOAT * STATE_COPIES;
      long training = saturatingTimes(perSample, (long) batch * FLOAT * TRAINING_COPIES);
      long inference = saturatingTimes(perSample, (long) Math.max(evalBatch, batch) * FLOAT);
      long inputValues = graph.inputs().isEmpty() ? 0 : graph.shape(graph.inputs().get(0).name()).size();
      long batches = saturatingTimes(inputValues, (long) batch * FLOAT * (BATCHES_IN_FLIGHT + 1));
      return new Footprint(perSample, state, training, inference, batches + heldData(spec.dataset()));
    }
  }

  /** The raw pixels a catalog dataset keeps in memory (bytes, at its own size); 0 for streamed ones. */
  private static long heldData(DatasetSpec d) {
    if (d.detectionKind()) {
      return 0;
    }
    long[] trainTestPixels = switch (dev.topiary.engine.data.DatasetCatalog.Kind.of(d.kind())) {
      case FASHION_MNIST, MNIST -> new long[] {60_000, 10_000, 28 * 28};
      case CIFAR10, CIFAR100 -> new long[] {50_000, 10_000, 3 * 32 * 32};
      case IMAGE_FOLDER, IDX -> new long[] {0, 0, 0};
    };
    long train = d.trainLimit() > 0 ? Math.min(d.trainLimit(), trainTestPixels[0]) : trainTestPixels[0];
    long test = d.testLimit() > 0 ? Math.min(d.testLimit(), trainTestPixels[1]) : trainTestPixels[1];
    return (train + test) * trainTestPixels[2];
  }

  /** The estimate for a spec and its graph. */
  public static Footprint footprint(JobSpec spec, Graph graph) {
    return Footprint.of(spec, graph);
  }

  /**
   * The bounds that need no graph: epochs, batch size and a zoo model's input size. Check these
   * first: a graph built for a huge input is itself costly.
   */
  public List<SpecProblem> specProblems(JobSpec spec) {
    List<SpecProblem> out = new ArrayList<>();
    fits(spec).forEach((field, fit) -> {
      if (fit != null && fit.epochs() != null && fit.epochs() > maxEpochs) {
        out.add(new SpecProblem(field + ".epochs", fit.epochs() + " epochs is more than this gateway accepts (" + maxEpochs
            + ", topiary.gateway.limits.max-epochs)"));
      }
    });
    if (spec.dataset().batchSize() > maxBatchSize) {
      out.add(new SpecProblem("dataset.batchSize", spec.dataset().batchSize() + " is more than this gateway accepts ("
          + maxBatchSize + ", topiary.gateway.limits.max-batch-size)"));
    }
    List<Integer> shape = spec.model().inputShape();
    if (shape != null && shape.size() == 3) {
      out.addAll(pixelProblems("model.inputShape", shape.get(1), shape.get(2)));
    }
    return out;
  }

  /**
   * The bounds that need the graph: its input's pixels, and the estimated memory against each
   * service's budget, naming the field that sets it (the input shape when the spec gives one,
   * else the batch size; the evaluation batch sizes for the eval service).
   */
  public List<SpecProblem> graphProblems(JobSpec spec, Graph graph) {
    List<SpecProblem> out = new ArrayList<>();
    String modelField = spec.model().inputShape() != null ? "model.inputShape" : spec.model().onnx() != null ? "model.onnx"
        : spec.model().graph() != null ? "model.graph" : "model.zoo";
    if (spec.model().inputShape() == null && !graph.inputs().isEmpty()) {
      int[] in = graph.shape(graph.inputs().get(0).name()).toArray();
      if (in.length == 3) {
        out.addAll(pixelProblems(modelField, in[1], in[2]));
      }
    }
    if (!out.isEmpty()) {
      return out;
    }
    Footprint f;
    try {
      f = footprint(spec, graph);
    } catch (ArithmeticException e) {
      return List.of(new SpecProblem(modelField, "the model's activations per sample do not fit in a 64-bit count"));
    }
    if (f.finetune() > finetuneMemoryBytes) {
      String field = spec.model().inputShape() != null ? "model.inputShape" : "dataset.batchSize";
      out.add(new SpecProblem(field, String.format(Locale.ROOT, "training this job needs about %s in the fine-tune service "
          + "(%s of activations at batch %d: %,d values per sample; %s of weights and optimizer state; %s of data), more than its "
          + "budget of %s (topiary.gateway.limits.finetune-memory-mib); lower dataset.batchSize or the input size",
          size(f.finetune()), size(f.training()), spec.dataset().batchSize(), f.valuesPerSample(), size(f.state()), size(f.data()),
          size(finetuneMemoryBytes))));
    }
    if (f.eval() > evalMemoryBytes) {
      out.add(new SpecProblem("eval.batchSizes", String.format(Locale.ROOT, "evaluating this job needs about %s in the eval "
          + "service (%s of activations at batch %d: %,d values per sample), more than its budget of %s "
          + "(topiary.gateway.limits.eval-memory-mib); lower the largest batch size or the input size", size(f.eval()),
          size(f.inference()), Math.max(spec.dataset().batchSize(), spec.eval().batchSizes().stream().mapToInt(Integer::intValue)
              .max().orElse(1)), f.valuesPerSample(), size(evalMemoryBytes))));
    }
    return out;
  }

  private List<SpecProblem> pixelProblems(String field, long h, long w) {
    if (h * w <= maxInputPixels) {
      return List.of();
    }
    return List.of(new SpecProblem(field, String.format(Locale.ROOT, "an input of %d x %d is %,d pixels, more than this gateway "
        + "accepts (%,d, topiary.gateway.limits.max-input-pixels)", h, w, h * w, maxInputPixels)));
  }

  /** Every fit of the spec by its field path. */
  private static Map<String, FitSpec> fits(JobSpec spec) {
    Map<String, FitSpec> out = new LinkedHashMap<>();
    out.put("baseline", spec.baseline());
    ScheduleSpec schedule = spec.schedule();
    if (schedule instanceof ScheduleSpec.OneShot s) {
      out.put("schedule.finetune", s.finetune());
    } else if (schedule instanceof ScheduleSpec.Layerwise s) {
      out.put("schedule.perStep", s.perStep());
      out.put("schedule.finalTune", s.finalTune());
    } else if (schedule instanceof ScheduleSpec.Stages s) {
      out.put("schedule.perStage", s.perStage());
    } else if (schedule instanceof ScheduleSpec.Gradual s) {
      out.put("schedule.finetune", s.finetune());
    } else if (schedule instanceof ScheduleSpec.Slimming s) {
      out.put("schedule.sparsityTraining", s.sparsityTraining());
      out.put("schedule.finetune", s.finetune());
    } else if (schedule instanceof ScheduleSpec.Sensitivity s) {
      out.put("schedule.finetune", s.finetune());
    } else if (schedule instanceof ScheduleSpec.Finetune s) {
      out.put("schedule.finetune", s.finetune());
    }
    return out;
  }

  private static long saturatingTimes(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }

  /** Bytes for people: MiB under a GiB, else GiB. */
  static String size(long bytes) {
    return bytes >= (1L << 30) ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
        : String.format(Locale.ROOT, "%.0f MiB", Math.ceil(bytes / (double) (1L << 20)));
  }
}
