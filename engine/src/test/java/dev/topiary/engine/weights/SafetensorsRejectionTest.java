package dev.topiary.engine.weights;

import static dev.topiary.engine.weights.SafetensorsBytes.concat;
import static dev.topiary.engine.weights.SafetensorsBytes.f32;
import static dev.topiary.engine.weights.SafetensorsBytes.file;
import static dev.topiary.engine.weights.SafetensorsBytes.u64;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.topiary.engine.InvalidWeightsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed or lying file is an InvalidWeightsException naming the file and the reason. */
class SafetensorsRejectionTest {
  @TempDir Path dir;

  private static String entry(String name, String dtype, String shape, long begin, long end) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape
        + ",\"data_offsets\":[" + begin + "," + end + "]}";
  }

  /** Writes {@code content} as {@code fileName}, reads it, and checks the message. */
  private InvalidWeightsException assertRejected(String fileName, byte[] content,
      String... reasonWords) throws IOException {
    Path path = dir.resolve(fileName);
    Files.write(path, content);
    InvalidWeightsException e =
        assertThrows(InvalidWeightsException.class, () -> SafetensorsFile.read(path));
    String message = e.getMessage();
    assertTrue(message.contains(fileName), () -> "no file name in: " + message);
    for (String word : reasonWords) {
      assertTrue(message.contains(word), () -> "no '" + word + "' in: " + message);
    }
    return e;
  }

  @Test
  void rejectsFileShorterThanTheHeaderLength() throws IOException {
    assertRejected("tiny.safetensors", new byte[] {8, 0, 0, 0, 0}, "5 bytes", "shorter");
    assertRejected("empty.safetensors", new byte[0], "0 bytes", "shorter");
  }

  @Test
  void rejectsTruncatedHeader() throws IOException {
    byte[] whole = file("{" + entry("a", "F32", "[1]", 0, 4) + "}", f32(1));
    assertRejected("cut-header.safetensors", Arrays.copyOf(whole, 20), "header truncated");
  }

  @Test
  void rejectsTruncatedData() throws IOException {
    byte[] whole = file("{" + entry("w", "F32", "[2,3]", 0, 24) + "}", f32(1, 2, 3, 4, 5, 6));
    assertRejected("cut-data.safetensors", Arrays.copyOf(whole, whole.length - 3),
        "data truncated", "'w'");
  }

  @Test
  void rejectsHeaderLengthBeyondTheCap() throws IOException {
    assertRejected("cap.safetensors", concat(u64(200_000_000L), new byte[16]), "exceeds the cap");
    assertRejected("unsigned.safetensors", concat(u64(-1L), new byte[16]),
        "18446744073709551615", "exceeds the cap");
  }

  @Test
  void rejectsHeaderLengthBeyondTheFile() throws IOException {
    assertRejected("long-header.safetensors", concat(u64(99_999_999L), "{}".getBytes()),
        "header truncated", "99999999");
  }

  @Test
  void rejectsHeaderThatIsNotJson() throws IOException {
    assertRejected("garbage.safetensors", file("{\"a\": nope}", new byte[0]), "not valid JSON");
    assertRejected("trailing.safetensors", file("{} {}", new byte[0]), "not valid JSON");
    assertRejected("blank.safetensors", file("        ", new byte[0]), "empty");
    assertRejected("latin1.safetensors", file(new byte[] {'{', '"', (byte) 0xE9, '"', '}'},
        new byte[0]), "UTF-8");
  }

  @Test
  void rejectsHeaderThatIsNotAnObject() throws IOException {
    assertRejected("array.safetensors", file("[1, 2]", new byte[0]), "not a JSON object");
    assertRejected("entry.safetensors", file("{\"a\": 3}", new byte[0]), "'a'",
        "not a JSON object");
  }

  @Test
  void rejectsEntryMissingAField() throws IOException {
    assertRejected("no-dtype.safetensors",
        file("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1)), "'a'", "missing dtype");
    assertRejected("no-shape.safetensors",
        file("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", f32(1)), "missing shape");
    assertRejected("no-offsets.safetensors",
        file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", f32(1)), "missing data_offsets");
  }

  @Test
  void rejectsMalformedShapeAndOffsets() throws IOException {
    assertRejected("negative-dim.safetensors",
        file("{" + entry("a", "F32", "[2,-2]", 0, 0) + "}", new byte[0]), "'a'", "negative");
    assertRejected("fraction-dim.safetensors",
        file("{" + entry("a", "F32", "[1.5]", 0, 4) + "}", f32(1)), "shape", "not an integer");
    assertRejected("huge-dim.safetensors",
        file("{" + entry("a", "F32", "[4294967296]", 0, 4) + "}", f32(1)), "too large");
    assertRejected("overflow.safetensors",
        file("{" + entry("a", "F32", "[2147483647,2147483647,2147483647]", 0, 4) + "}", f32(1)),
        "too large");
    assertRejected("triple.safetensors",
        file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", f32(1)),
        "data_offsets", "pair");
    assertRejected("negative-offset.safetensors",
        file("{" + entry("a", "F32", "[1]", -4, 4) + "}", f32(1)), "begin", "negative");
  }

  @Test
  void rejectsOffsetsThatLie() throws IOException {
    assertRejected("backwards.safetensors",
        file("{" + entry("a", "F32", "[1]", 8, 4) + "}", f32(1, 2)), "'a'", "before begin");
    assertRejected("beyond.safetensors",
        file("{" + entry("a", "F32", "[4]", 0, 16) + "}", f32(1, 2)), "beyond the data section");
    assertRejected("size.safetensors",
        file("{" + entry("a", "F32", "[3]", 0, 8) + "}", f32(1, 2)), "'a'", "needs 12 bytes");
  }

  @Test
  void rejectsOverlappingTensors() throws IOException {
    String json = "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12)
        + "," + entry("c", "F32", "[1]", 12, 16) + "}";
    assertRejected("overlap.safetensors", file(json, f32(1, 2, 3, 4)), "'b'", "overlaps", "'a'");
  }

  @Test
  void rejectsGapsAndUncoveredTrailingBytes() throws IOException {
    String gap = "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}";
    assertRejected("gap.safetensors", file(gap, f32(1, 2, 3)), "gap of 4 bytes", "'b'");
    assertRejected("leading-gap.safetensors",
        file("{" + entry("a", "F32", "[1]", 4, 8) + "}", f32(1, 2)), "gap");
    assertRejected("trailing.safetensors",
        file("{" + entry("a", "F32", "[1]", 0, 4) + "}", f32(1, 2)), "4 trailing bytes",
        "not covered");
  }

  @Test
  void rejectsUnsupportedDtypesNamingTensorAndDtype() throws IOException {
    assertRejected("f64.safetensors",
        file("{" + entry("fc.weight", "F64", "[1]", 0, 8) + "}", new byte[8]),
        "'fc.weight'", "unsupported dtype F64");
    assertRejected("i64.safetensors",
        file("{" + entry("steps", "I64", "[]", 0, 8) + "}", new byte[8]), "'steps'", "I64");
    assertRejected("u8.safetensors",
        file("{" + entry("mask", "U8", "[4]", 0, 4) + "}", new byte[4]), "'mask'", "U8");
    assertRejected("numeric.safetensors",
        file("{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1)),
        "dtype is not a string");
  }

  @Test
  void rejectsDuplicateNamesAndNonStringMetadata() throws IOException {
    String dup = "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("a", "F32", "[1]", 4, 8) + "}";
    assertRejected("duplicate.safetensors", file(dup, f32(1, 2)), "not valid JSON", "Duplicate");
    assertRejected("meta.safetensors",
        file("{\"__metadata__\":{\"epoch\":3}}", new byte[0]), "__metadata__", "'epoch'");
    assertRejected("meta-array.safetensors",
        file("{\"__metadata__\":[]}", new byte[0]), "__metadata__", "not a JSON object");
  }

  @Test
  void bytesSourceIsNamedInMessages() {
    InvalidWeightsException e = assertThrows(InvalidWeightsException.class,
        () -> SafetensorsFile.read(new byte[3], "s3://bucket/job-7/weights.safetensors"));
    assertTrue(e.getMessage().startsWith("s3://bucket/job-7/weights.safetensors: "));
  }

  /** Truncations and random corruptions either read or fail as InvalidWeightsException. */
  @Test
  void corruptedFilesNeverFailWithAnythingElse() {
    Map<String, Tensor> tensors = Map.of(
        "conv1.weight", new Tensor(new int[] {2, 1, 2, 2}, new float[8]),
        "conv1.bias", new Tensor(new int[] {2}, new float[] {1, 2}));
    byte[] valid = new SafetensorsFile(tensors, Map.of("k", "v")).toBytes();
    for (int length = 0; length < valid.length; length++) {
      byte[] cut = Arrays.copyOf(valid, length);
      assertThrows(InvalidWeightsException.class, () -> SafetensorsFile.read(cut, "cut"));
    }
    Random random = new Random(20240611L);
    for (int trial = 0; trial < 5_000; trial++) {
      byte[] corrupt = valid.clone();
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        int at = random.nextInt(Math.min(corrupt.length, 8 + 160));
        corrupt[at] = (byte) random.nextInt(256);
      }
      try {
        SafetensorsFile.read(corrupt, "fuzz");
      } catch (InvalidWeightsException expected) {
        assertTrue(expected.getMessage().startsWith("fuzz: "));
      } catch (RuntimeException | Error other) {
        fail("trial " + trial + " threw " + other, other);
      }
    }
  }
}
