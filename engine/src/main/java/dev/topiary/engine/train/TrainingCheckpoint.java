package dev.topiary.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.topiary.engine.InvalidWeightsException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state of a {@link TrainingRun} at an epoch boundary: every parameter (running statistics
 * included), the optimizer's momentum buffers, the number of completed epochs and the seed from
 * which each epoch's random state is derived. Together with data whose order depends only on the
 * epoch, this is all a resumed run needs to end bit-identical to an uninterrupted one.
 *
 * <p>A run with more state than parameters and momentum (a detector's: an average of the weights,
 * the gradients accumulated towards a step not yet taken, and the iteration counters its warm-up
 * and gradient accumulation follow) keeps it in {@code average} and {@code gradients} (tensors by
 * parameter name) and {@code counters} (named integers); all are empty for a classification run.
 *
 * <p>File format (big-endian, self-describing): magic {@code TOPIARY-CKPT}, int version (2; version
 * 1, without counters and average, is still read), int epochsCompleted, long seed, int counters,
 * then per counter: UTF name, long value; int count, then per tensor: UTF section ({@code param},
 * {@code momentum}, {@code average} or {@code gradient}), UTF name, UTF DJL data type, int rank, long[rank] dims,
 * long byte length, raw bytes in native (little-endian) order. Writes go to a temporary file
 * renamed over the target, so a crash leaves either the old or the new checkpoint. Arrays belong to
 * the caller's manager.
 */
public record TrainingCheckpoint(int epochsCompleted, long seed, Map<String, NDArray> parameters, Map<String, NDArray> momentum,
    Map<String, NDArray> average, Map<String, NDArray> gradients, Map<String, Long> counters) {
  /** The checkpoint's file name inside a run's checkpoint directory. */
  public static final String FILE_NAME = "training-checkpoint.bin";

  private static final byte[] MAGIC = "TOPIARY-CKPT".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 2;
  private static final String PARAM = "param";
  private static final String MOMENTUM = "momentum";
  private static final String AVERAGE = "average";
  private static final String GRADIENT = "gradient";

  public TrainingCheckpoint {
    if (epochsCompleted < 0) {
      throw new IllegalArgumentException("epochsCompleted: must be >= 0, got " + epochsCompleted);
    }
    parameters = Map.copyOf(parameters);
    momentum = Map.copyOf(momentum);
    average = Map.copyOf(average);
    gradients = Map.copyOf(gradients);
    counters = Map.copyOf(counters);
  }

  /** A classification run's checkpoint: parameters and momentum only. */
  public TrainingCheckpoint(int epochsCompleted, long seed, Map<String, NDArray> parameters, Map<String, NDArray> momentum) {
    this(epochsCompleted, seed, parameters, momentum, Map.of(), Map.of(), Map.of());
  }

  /**
   * Refuses a checkpoint of another run: written with another seed, or with more epochs done than
   * this run has.
   */
  public void checkFits(long seed, int epochs, Path file) {
    if (this.seed != seed) {
      throw new IllegalArgumentException("seed: checkpoint " + file + " was written with seed " + this.seed + ", this run has " + seed);
    }
    if (epochsCompleted > epochs) {
      throw new IllegalArgumentException("epochs: checkpoint " + file + " has " + epochsCompleted + " epochs done, this run has only " + epochs);
    }
  }

  /**
   * A counter written with the checkpoint.
   *
   * @throws InvalidWeightsException when the checkpoint has no such counter
   */
  public long counter(String name, Path file) {
    Long v = counters.get(name);
    if (v == null) {
      throw new InvalidWeightsException("checkpoint " + file + ": counter '" + name + "' is missing (written by another kind of run?)");
    }
    return v;
  }

  /** Writes atomically to {@code file} (temporary sibling, then rename). */
  public void write(Path file) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (OutputStream os = Files.newOutputStream(tmp); DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16))) {
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(epochsCompleted);
        out.writeLong(seed);
        out.writeInt(counters.size());
        for (Map.Entry<String, Long> c : new TreeMap<>(counters).entrySet()) {
          out.writeUTF(c.getKey());
          out.writeLong(c.getValue());
        }
        out.writeInt(parameters.size() + momentum.size() + average.size() + gradients.size());
        writeSection(out, PARAM, parameters);
        writeSection(out, MOMENTUM, momentum);
        writeSection(out, AVERAGE, average);
        writeSection(out, GRADIENT, gradients);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new InvalidWeightsException("checkpoint " + file + ": cannot write: " + e.getMessage(), e);
    }
  }

  private static void writeSection(DataOutputStream out, String section, Map<String, NDArray> arrays) throws IOException {
    for (Map.Entry<String, NDArray> e : new TreeMap<>(arrays).entrySet()) {
      NDArray a = e.getValue();
      out.writeUTF(section);
      out.writeUTF(e.getKey());
      out.writeUTF(a.getDataType().name());
      long[] dims = a.getShape().getShape();
      out.writeInt(dims.length);
      for (long d : dims) {
        out.writeLong(d);
      }
      ByteBuffer bytes = a.toByteBuffer();
      byte[] raw = new byte[bytes.remaining()];
      bytes.get(raw);
      out.writeLong(raw.length);
      out.write(raw);
    }
  }

  /** Reads a checkpoint, creating its arrays in {@code manager}. */
  public static TrainingCheckpoint read(Path file, NDManager manager) {
    try (InputStream is = Files.newInputStream(file); DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16))) {
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new InvalidWeightsException("checkpoint " + file + ": not a Topiary training checkpoint (bad magic)");
      }
      int version = in.readInt();
      if (version != 1 && version != VERSION) {
        throw new InvalidWeightsException("checkpoint " + file + ": unsupported version " + version + " (expected 1 or " + VERSION + ")");
      }
      int epochs = in.readInt();
      long seed = in.readLong();
      Map<String, Long> counters = new LinkedHashMap<>();
      for (int i = 0, n = version == 1 ? 0 : in.readInt(); i < n; i++) {
        counters.put(in.readUTF(), in.readLong());
      }
      int count = in.readInt();
      Map<String, Map<String, NDArray>> sections = Map.of(PARAM, new LinkedHashMap<>(), MOMENTUM, new LinkedHashMap<>(), AVERAGE, new LinkedHashMap<>(),
          GRADIENT, new LinkedHashMap<>());
      for (int i = 0; i < count; i++) {
        String section = in.readUTF();
        String name = in.readUTF();
        Map<String, NDArray> into = sections.get(section);
        if (into == null) {
          throw new InvalidWeightsException("checkpoint " + file + ": tensor '" + name + "' is in unknown section '" + section + "'");
        }
        into.put(name, readArray(in, manager, file, name));
      }
      return new TrainingCheckpoint(epochs, seed, sections.get(PARAM), sections.get(MOMENTUM), sections.get(AVERAGE), sections.get(GRADIENT),
          counters);
    } catch (EOFException e) {
      throw new InvalidWeightsException("checkpoint " + file + ": truncated", e);
    } catch (IOException e) {
      throw new InvalidWeightsException("checkpoint " + file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static NDArray readArray(DataInputStream in, NDManager manager, Path file, String name) throws IOException {
    DataType type;
    String typeName = in.readUTF();
    try {
      type = DataType.valueOf(typeName);
    } catch (IllegalArgumentException e) {
      throw new InvalidWeightsException("checkpoint " + file + ": tensor '" + name + "' has unknown data type " + typeName, e);
    }
    long[] dims = new long[in.readInt()];
    for (int d = 0; d < dims.length; d++) {
      dims[d] = in.readLong();
    }
    Shape shape = new Shape(dims);
    long length = in.readLong();
    if (length != shape.size() * type.getNumOfBytes()) {
      throw new InvalidWeightsException("checkpoint " + file + ": tensor '" + name + "' has " + length + " bytes, its shape " + shape + " of " + type + " needs " + shape.size() * type.getNumOfBytes());
    }
    byte[] raw = new byte[Math.toIntExact(length)];
    in.readFully(raw);
    ByteBuffer buffer = ByteBuffer.allocateDirect(raw.length).order(ByteOrder.nativeOrder());
    buffer.put(raw).rewind();
    return manager.create(buffer, shape, type);
  }

  /** The current state of a run: live views of the parameters and momentum buffers, not copies. */
  static TrainingCheckpoint capture(int epochsCompleted, long seed, Map<String, Parameter> parameters, Sgd sgd) {
    return capture(epochsCompleted, seed, parameters, sgd, Map.of(), Map.of(), Map.of());
  }

  /**
   * The current state of a run with more state than parameters and momentum: live views, not
   * copies, so write it before the next step changes them.
   */
  public static TrainingCheckpoint capture(int epochsCompleted, long seed, Map<String, Parameter> parameters, Sgd sgd,
      Map<String, NDArray> average, Map<String, NDArray> gradients, Map<String, Long> counters) {
    Map<String, NDArray> values = new LinkedHashMap<>();
    parameters.forEach((name, p) -> values.put(name, p.getArray()));
    return new TrainingCheckpoint(epochsCompleted, seed, values, sgd.momentumBuffers(), average, gradients, counters);
  }

  /**
   * Copies the saved values into {@code parameters} in place and the momentum into {@code sgd}.
   *
   * @throws InvalidWeightsException when a parameter is missing or extra, or differs in shape or type
   */
  public void restoreInto(Map<String, Parameter> parameters, Sgd sgd, NDManager modelManager, Path file) {
    for (String name : this.parameters.keySet()) {
      if (!parameters.containsKey(name)) {
        throw new InvalidWeightsException("checkpoint " + file + ": parameter '" + name + "' is not in the block");
      }
    }
    for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
      NDArray saved = this.parameters.get(e.getKey());
      NDArray target = e.getValue().getArray();
      if (saved == null) {
        throw new InvalidWeightsException("checkpoint " + file + ": parameter '" + e.getKey() + "' is missing");
      }
      if (!saved.getShape().equals(target.getShape()) || saved.getDataType() != target.getDataType()) {
        throw new InvalidWeightsException("checkpoint " + file + ": parameter '" + e.getKey() + "' is " + saved.getDataType() + " " + saved.getShape() + " but the block's is " + target.getDataType() + " " + target.getShape());
      }
      target.set(saved.toByteBuffer());
    }
    sgd.restoreMomentumBuffers(momentum, modelManager);
  }

  /** The checkpoint file of a run's checkpoint directory. */
  public static Path fileIn(Path directory) {
    return directory.resolve(FILE_NAME);
  }
}
