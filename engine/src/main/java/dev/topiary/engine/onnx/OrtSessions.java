package dev.topiary.engine.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import dev.topiary.engine.exec.EngineSettings;
import dev.topiary.engine.measure.LatencyBench;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * ONNX Runtime sessions as Topiary runs them: on the CPU, every graph optimisation on, one operator
 * at a time (sequential execution, one inter-op thread) with {@code intraOpThreads} threads inside
 * each, by default as many as libtorch uses ({@link EngineSettings#intraOpThreadsInUse()}), so the
 * two runtimes compare on equal terms. ONNX Runtime's own log shows warnings and errors only, so
 * users' terminals show Topiary's messages.
 *
 * <p>The caller owns each session and closes it (try-with-resources); the tensors and results of a
 * run are closed here. Stateless; a session may be run from one thread at a time here.
 *
 * <pre>{@code
 * try (OrtSession s = OrtSessions.open(OnnxExporter.builder().build().toBytes(model))) {
 *   Map<String, OrtSessions.Output> out = OrtSessions.run(s, pixels, new long[] {1, 3, 32, 32});
 * }
 * }</pre>
 */
public final class OrtSessions {
  private static final String LOGGER_ID = "topiary";

  private OrtSessions() {}

  /** One output of a run: its values in row-major order and its shape, batch first. */
  public record Output(float[] data, long[] shape) {
    @Override
    public String toString() {
      return "Output" + Arrays.toString(shape);
    }
  }

  /** A session over ONNX bytes with libtorch's intra-op thread count. */
  public static OrtSession open(byte[] model) throws OrtException {
    return open(model, EngineSettings.intraOpThreadsInUse());
  }

  /** A session over ONNX bytes; {@code intraOpThreads} 0 keeps ONNX Runtime's default. */
  public static OrtSession open(byte[] model, int intraOpThreads) throws OrtException {
    try (SessionOptions options = options(intraOpThreads)) {
      return env().createSession(model, options);
    }
  }

  /** A session over an ONNX file with libtorch's intra-op thread count. */
  public static OrtSession open(Path model) throws OrtException {
    return open(model, EngineSettings.intraOpThreadsInUse());
  }

  /** A session over an ONNX file; {@code intraOpThreads} 0 keeps ONNX Runtime's default. */
  public static OrtSession open(Path model, int intraOpThreads) throws OrtException {
    try (SessionOptions options = options(intraOpThreads)) {
      return env().createSession(model.toString(), options);
    }
  }

  /**
   * Runs the session's only input on a float32 batch of {@code shape} ([N, ...]) and returns every
   * output by name, in the model's output order.
   *
   * @throws IllegalArgumentException when the model has several inputs, the values do not fill the
   *     shape, or an output is not a float32 tensor
   */
  public static Map<String, Output> run(OrtSession session, float[] input, long[] shape) throws OrtException {
    long size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    if (size != input.length) {
      throw new IllegalArgumentException("input has " + input.length + " values but shape " + Arrays.toString(shape) + " holds " + size);
    }
    String name = onlyInput(session);
    try (OnnxTensor x = OnnxTensor.createTensor(env(), FloatBuffer.wrap(input), shape);
        OrtSession.Result result = session.run(Map.of(name, x))) {
      Map<String, Output> out = new LinkedHashMap<>();
      for (Map.Entry<String, OnnxValue> e : result) {
        out.put(e.getKey(), floats(e.getKey(), e.getValue()));
      }
      return out;
    }
  }

  /**
   * Latency per batch size by {@link LatencyBench}'s protocol and statistics: for each batch, one
   * standard-normal input of {@code sampleShape} (no batch dimension), {@code bench}'s warm-up
   * runs, then its timed runs, each a complete {@code run} of the session.
   */
  public static List<LatencyBench.Result> latency(OrtSession session, LatencyBench bench, int[] sampleShape,
      int[] batchSizes) throws OrtException {
    String name = onlyInput(session);
    List<LatencyBench.Result> results = new ArrayList<>();
    for (int b : batchSizes) {
      if (b < 1) {
        throw new IllegalArgumentException("batch size must be >= 1, got " + b);
      }
      long[] shape = new long[sampleShape.length + 1];
      shape[0] = b;
      for (int i = 0; i < sampleShape.length; i++) {
        shape[i + 1] = sampleShape[i];
      }
      try (OnnxTensor x = OnnxTensor.createTensor(env(), FloatBuffer.wrap(normal(shape, b)), shape)) {
        Map<String, OnnxTensor> feed = Map.of(name, x);
        results.add(bench.time(b, () -> session.run(feed).close())); // run returns once the outputs are computed
      }
    }
    return results;
  }

  /** The process's ONNX Runtime environment, logging warnings and worse. */
  private static OrtEnvironment env() {
    return OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, LOGGER_ID);
  }

  private static SessionOptions options(int intraOpThreads) throws OrtException {
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads must be >= 0 (0: ONNX Runtime's default), got " + intraOpThreads);
    }
    SessionOptions o = new SessionOptions();
    o.setOptimizationLevel(OptLevel.ALL_OPT);
    o.setExecutionMode(ExecutionMode.SEQUENTIAL);
    o.setInterOpNumThreads(1);
    o.setIntraOpNumThreads(intraOpThreads);
    o.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING);
    o.setLoggerId(LOGGER_ID);
    return o;
  }

  private static String onlyInput(OrtSession session) throws OrtException {
    Map<String, NodeInfo> inputs = session.getInputInfo();
    if (inputs.size() != 1) {
      throw new IllegalArgumentException("the model has " + inputs.size() + " inputs " + inputs.keySet() + "; one is supported");
    }
    return inputs.keySet().iterator().next();
  }

  private static Output floats(String name, OnnxValue value) throws OrtException {
    if (!(value instanceof OnnxTensor t) || t.getInfo().type != OnnxJavaType.FLOAT) {
      throw new IllegalArgumentException("output '" + name + "' is " + value.getInfo() + ", not a float32 tensor");
    }
    FloatBuffer b = t.getFloatBuffer(); // a copy, valid after the result closes
    float[] data = new float[b.remaining()];
    b.get(data);
    return new Output(data, t.getInfo().getShape());
  }

  private static float[] normal(long[] shape, long seed) {
    float[] x = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
    Random r = new Random(seed);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }
}
