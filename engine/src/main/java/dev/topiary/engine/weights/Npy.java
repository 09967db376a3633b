package dev.topiary.engine.weights;

import dev.topiary.engine.InvalidWeightsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format for one float32 array in C order ({@code numpy.save} of a float32
 * array): the exchange format of {@code engine predict} and of the ONNX fixtures' reference
 * outputs. Float64 files are read too (converted); anything else is refused naming the file.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** Reads a float32 (or float64) array in C order. */
  public static Tensor read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
      throw new InvalidWeightsException(file + ": not a .npy file (no \\x93NUMPY magic)");
    }
    int major = bytes[6];
    int headerLen = major == 1 ? Short.toUnsignedInt(buf.getShort(8)) : buf.getInt(8);
    int start = major == 1 ? 10 : 12;
    if (start + (long) headerLen > bytes.length) {
      throw new InvalidWeightsException(file + ": truncated .npy header");
    }
    String header = new String(bytes, start, headerLen, StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, header, file, "descr");
    if (group(ORDER, header, file, "fortran_order").equals("True")) {
      throw new InvalidWeightsException(file + ": Fortran-ordered arrays are not supported (save a C-ordered array)");
    }
    int[] shape = parseShape(group(SHAPE, header, file, "shape"), file);
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    int elem = switch (descr) {
      case "<f4" -> 4;
      case "<f8" -> 8;
      default -> throw new InvalidWeightsException(file + ": dtype '" + descr + "' is not supported (float32 '<f4' or float64 '<f8')");
    };
    int dataStart = start + headerLen;
    if ((long) dataStart + n * elem != bytes.length) {
      throw new InvalidWeightsException(file + ": holds " + (bytes.length - dataStart) + " bytes of data for shape "
          + Arrays.toString(shape) + " (needs " + n * elem + ")");
    }
    float[] data = new float[(int) n];
    for (int i = 0; i < n; i++) {
      data[i] = elem == 4 ? buf.getFloat(dataStart + 4 * i) : (float) buf.getDouble(dataStart + 8 * i);
    }
    return new Tensor(shape, data);
  }

  /** Writes a float32 array in C order (format version 1.0). */
  public static void write(Path file, int[] shape, float[] data) throws IOException {
    StringBuilder dims = new StringBuilder();
    for (int d : shape) {
      dims.append(d).append(", ");
    }
    String shapeText = shape.length == 1 ? shape[0] + "," : dims.length() == 0 ? "" : dims.substring(0, dims.length() - 2);
    StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (" + shapeText + "), }");
    while ((10 + header.length() + 1) % 64 != 0) {
      header.append(' ');
    }
    header.append('\n');
    ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    buf.put(header.toString().getBytes(StandardCharsets.ISO_8859_1));
    buf.asFloatBuffer().put(data);
    Files.write(file, buf.array());
  }

  private static String group(Pattern p, String header, Path file, String key) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new InvalidWeightsException(file + ": .npy header has no '" + key + "'");
    }
    return m.group(1);
  }

  private static int[] parseShape(String text, Path file) {
    List<Integer> dims = new ArrayList<>();
    for (String part : text.split(",")) {
      String t = part.trim();
      if (!t.isEmpty()) {
        try {
          dims.add(Integer.parseInt(t));
        } catch (NumberFormatException e) {
          throw new InvalidWeightsException(file + ": bad shape (" + text + ")");
        }
      }
    }
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }
}
