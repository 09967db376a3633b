package dev.topiary.engine.onnx;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.weights.HalfFloats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Decodes ONNX tensors (initializers, Constant values) into {@link Const} values: float32, float16
 * and float64 as floats; integer types as numbers. The data may be in {@code raw_data}, in the
 * typed fields, or in an external file beside the model. Every size is checked against the shape
 * before anything is allocated, so a tensor that declares more than its bytes hold is refused.
 */
final class OnnxTensors {
  private OnnxTensors() {}

  static Const decode(TensorProto t, Path baseDir, String where) {
    long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    long count = 1;
    for (long d : dims) {
      if (d < 0) {
        throw new InvalidModelException(where + ": negative dimension in shape " + Arrays.toString(dims));
      }
      count = Math.multiplyExact(count, d);
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new InvalidModelException(where + ": shape " + Arrays.toString(dims) + " is too large");
    }
    int n = (int) count;
    TensorProto.DataType type = TensorProto.DataType.forNumber(t.getDataType());
    if (type == null) {
      throw new InvalidModelException(where + ": unknown data type " + t.getDataType());
    }
    int elem = elementBytes(type, where);
    ByteBuffer raw = rawBytes(t, baseDir, where);
    if (raw != null && raw.remaining() != (long) n * elem) {
      throw new InvalidModelException(where + ": " + raw.remaining() + " bytes of data for shape "
          + Arrays.toString(dims) + " of " + type + " (needs " + (long) n * elem + ")");
    }
    return switch (type) {
      case FLOAT -> Const.floats(dims, raw != null ? floats(raw, n) : typedFloats(t, n, where));
      case FLOAT16 -> Const.floats(dims, raw != null ? halves(raw, n) : halvesFromInts(t, n, where));
      case DOUBLE -> Const.floats(dims, raw != null ? doublesAsFloats(raw, n) : typedDoubles(t, n, where));
      default -> Const.numbers(dims, raw != null ? integers(raw, n, type) : typedIntegers(t, n, type, where));
    };
  }

  private static int elementBytes(TensorProto.DataType type, String where) {
    return switch (type) {
      case FLOAT, INT32, UINT32 -> 4;
      case FLOAT16, INT16, UINT16 -> 2;
      case DOUBLE, INT64, UINT64 -> 8;
      case INT8, UINT8, BOOL -> 1;
      default -> throw new InvalidModelException(where + ": data type " + type + " is not supported");
    };
  }

  /** The little-endian bytes of the data, from raw_data or the external file; null for typed fields. */
  private static ByteBuffer rawBytes(TensorProto t, Path baseDir, String where) {
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      return external(t, baseDir, where);
    }
    if (t.getRawData().isEmpty()) {
      return null;
    }
    return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ByteBuffer external(TensorProto t, Path baseDir, String where) {
    String location = null;
    long offset = 0;
    long length = -1;
    for (StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offset = parseLong(e.getValue(), "offset", where);
        case "length" -> length = parseLong(e.getValue(), "length", where);
        default -> { } // checksum and others: not needed to read the data
      }
    }
    if (location == null || location.isEmpty()) {
      throw new InvalidModelException(where + ": external data without a location");
    }
    if (baseDir == null) {
      throw new InvalidModelException(where + ": external data '" + location + "' needs the model's folder, but the model was not read from a file");
    }
    Path file = baseDir.resolve(location).normalize();
    if (Path.of(location).isAbsolute() || !file.startsWith(baseDir.normalize())) {
      throw new InvalidModelException(where + ": external data location '" + location + "' is outside the model's folder");
    }
    if (!Files.isRegularFile(file)) {
      throw new InvalidModelException(where + ": external data file " + file + " is missing");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      long len = length < 0 ? size - offset : length;
      if (offset < 0 || len < 0 || offset + len > size) {
        throw new InvalidModelException(where + ": external data " + file + " holds " + size
            + " bytes, but offset " + offset + " and length " + len + " were declared");
      }
      return ch.map(FileChannel.MapMode.READ_ONLY, offset, len).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new InvalidModelException(where + ": cannot read external data " + file + ": " + e.getMessage(), e);
    }
  }

  private static long parseLong(String v, String key, String where) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new InvalidModelException(where + ": external data " + key + " '" + v + "' is not a number");
    }
  }

  private static float[] floats(ByteBuffer raw, int n) {
    float[] out = new float[n];
    raw.asFloatBuffer().get(out);
    return out;
  }

  private static float[] halves(ByteBuffer raw, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = HalfFloats.f16ToFloat(raw.getShort(raw.position() + 2 * i));
    }
    return out;
  }

  private static float[] doublesAsFloats(ByteBuffer raw, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) raw.getDouble(raw.position() + 8 * i);
    }
    return out;
  }

  private static double[] integers(ByteBuffer raw, int n, TensorProto.DataType type) {
    double[] out = new double[n];
    int p = raw.position();
    for (int i = 0; i < n; i++) {
      out[i] = switch (type) {
        case INT64, UINT64 -> raw.getLong(p + 8 * i);
        case INT32 -> raw.getInt(p + 4 * i);
        case UINT32 -> Integer.toUnsignedLong(raw.getInt(p + 4 * i));
        case INT16 -> raw.getShort(p + 2 * i);
        case UINT16 -> Short.toUnsignedInt(raw.getShort(p + 2 * i));
        case INT8 -> raw.get(p + i);
        default -> Byte.toUnsignedInt(raw.get(p + i)); // UINT8, BOOL
      };
    }
    return out;
  }

  private static void requireCount(int got, int n, String field, String where) {
    if (got != n) {
      throw new InvalidModelException(where + ": " + got + " values in " + field + " for " + n + " elements of its shape");
    }
  }

  private static float[] typedFloats(TensorProto t, int n, String where) {
    requireCount(t.getFloatDataCount(), n, "float_data", where);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = t.getFloatData(i);
    }
    return out;
  }

  private static float[] halvesFromInts(TensorProto t, int n, String where) {
    requireCount(t.getInt32DataCount(), n, "int32_data", where);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = HalfFloats.f16ToFloat((short) t.getInt32Data(i));
    }
    return out;
  }

  private static float[] typedDoubles(TensorProto t, int n, String where) {
    requireCount(t.getDoubleDataCount(), n, "double_data", where);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) t.getDoubleData(i);
    }
    return out;
  }

  private static double[] typedIntegers(TensorProto t, int n, TensorProto.DataType type, String where) {
    double[] out = new double[n];
    if (type == TensorProto.DataType.INT64) {
      requireCount(t.getInt64DataCount(), n, "int64_data", where);
      for (int i = 0; i < n; i++) {
        out[i] = t.getInt64Data(i);
      }
    } else if (type == TensorProto.DataType.UINT64 || type == TensorProto.DataType.UINT32) {
      requireCount(t.getUint64DataCount(), n, "uint64_data", where);
      for (int i = 0; i < n; i++) {
        out[i] = t.getUint64Data(i);
      }
    } else {
      requireCount(t.getInt32DataCount(), n, "int32_data", where);
      for (int i = 0; i < n; i++) {
        out[i] = t.getInt32Data(i);
      }
    }
    return out;
  }
}
