package dev.topiary.engine.weights;

import dev.topiary.engine.InvalidWeightsException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The contents of one safetensors file: named float32 tensors and the optional {@code
 * __metadata__} string map.
 *
 * <p>Invariants: both maps are unmodifiable snapshots (the tensors themselves are shared, see
 * {@link Tensor}); no tensor is named {@code __metadata__}. Tensors iterate in the order given,
 * which after {@link #read} is the order of their data in the file. {@link #write} always
 * produces F32 with tensors sorted by name, byte for byte what Python's {@code
 * safetensors.numpy.save_file} writes for the same tensors (metadata keys sorted).
 *
 * <p>{@link #read} accepts F32, F16 and BF16 and widens the latter two exactly; it rejects any
 * other dtype and any file whose header lies (see {@link SafetensorsHeader}) with an {@link
 * InvalidWeightsException} naming the file and the reason.
 */
public record SafetensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata) {

  public SafetensorsFile {
    Objects.requireNonNull(tensors, "tensors");
    metadata =
        metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    metadata.forEach((k, v) -> Objects.requireNonNull(v, () -> "metadata value for " + k));
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    tensors.forEach((name, t) -> Objects.requireNonNull(t, () -> "tensor " + name));
    if (tensors.containsKey(SafetensorsHeader.METADATA_KEY)) {
      throw new IllegalArgumentException(
          "a tensor may not be named " + SafetensorsHeader.METADATA_KEY);
    }
  }

  /** Tensors without metadata. */
  public SafetensorsFile(Map<String, Tensor> tensors) {
    this(tensors, Map.of());
  }

  /**
   * Reads a file through bounded reads; messages name the file by its path.
   *
   * @throws InvalidWeightsException when the file is not a valid safetensors file of F32, F16 or
   *     BF16 tensors
   * @throws IOException when the file cannot be opened or read
   */
  public static SafetensorsFile read(Path file) throws IOException {
    return SafetensorsReader.read(file);
  }

  /**
   * Reads safetensors bytes held in memory, for instance an artifact just downloaded.
   *
   * @param source names the bytes in error messages, e.g. the artifact key
   * @throws InvalidWeightsException as {@link #read(Path)}
   */
  public static SafetensorsFile read(byte[] bytes, String source) {
    return SafetensorsReader.read(Objects.requireNonNull(bytes, "bytes"), source);
  }

  /** Writes the file, replacing any existing one. */
  public void write(Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      SafetensorsWriter.write(this, out);
    }
  }

  /** Writes to a stream, which stays open. */
  public void write(OutputStream out) throws IOException {
    SafetensorsWriter.write(this, out);
  }

  /** The encoded file; for files that fit in memory (under 2 GiB). */
  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      SafetensorsWriter.write(this, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    return out.toByteArray();
  }
}
