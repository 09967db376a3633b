package dev.topiary.engine.weights;

import static dev.topiary.engine.weights.SafetensorsBytes.concat;
import static dev.topiary.engine.weights.SafetensorsBytes.f32;
import static dev.topiary.engine.weights.SafetensorsBytes.file;
import static dev.topiary.engine.weights.SafetensorsBytes.u16;
import static dev.topiary.engine.weights.SafetensorsBytes.u64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
  @TempDir Path dir;

  private static float bits(int raw) {
    return Float.intBitsToFloat(raw);
  }

  private static void assertSameBits(Tensor expected, Tensor actual) {
    assertArrayEquals(expected.shape(), actual.shape());
    assertEquals(expected.data().length, actual.data().length);
    for (int i = 0; i < expected.data().length; i++) {
      assertEquals(
          Float.floatToRawIntBits(expected.data()[i]),
          Float.floatToRawIntBits(actual.data()[i]),
          "value " + i);
    }
  }

  @Test
  void roundTripThroughFileIsBitExact() throws IOException {
    float[] awkward = {
      bits(0x7FC0_1234), // quiet NaN with payload
      bits(0xFFC0_0001), // negative quiet NaN with payload
      bits(0x7F80_0001), // signalling NaN
      -0.0f, 0.0f, Float.MIN_VALUE, bits(0x007F_FFFF), -Float.MIN_NORMAL, Float.MAX_VALUE,
      Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 1.0f / 3
    };
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("conv.weight", new Tensor(new int[] {2, 3, 2}, awkward));
    tensors.put("bn.running_var", new Tensor(new int[] {}, new float[] {bits(0x7FA0_0000)}));
    tensors.put("empty.bias", new Tensor(new int[] {0, 3}, new float[0]));
    float[] large = new float[70_000]; // spans several write and read chunks
    for (int i = 0; i < large.length; i++) {
      large[i] = bits(i * 61_357);
    }
    tensors.put("fc.weight", new Tensor(new int[] {700, 100}, large));
    Path path = dir.resolve("round.safetensors");

    new SafetensorsFile(tensors, Map.of("format", "pt", "note", "héllo")).write(path);
    SafetensorsFile back = SafetensorsFile.read(path);

    assertEquals(List.of("bn.running_var", "conv.weight", "empty.bias", "fc.weight"),
        List.copyOf(back.tensors().keySet()));
    for (String name : tensors.keySet()) {
      assertSameBits(tensors.get(name), back.tensors().get(name));
    }
    assertEquals(Map.of("format", "pt", "note", "héllo"), back.metadata());
  }

  @Test
  void readingBytesGivesTheSameAsReadingTheFile() throws IOException {
    SafetensorsFile original =
        new SafetensorsFile(Map.of("a.weight", new Tensor(new int[] {2}, new float[] {1, -2})));
    Path path = dir.resolve("same.safetensors");
    original.write(path);

    assertArrayEquals(Files.readAllBytes(path), original.toBytes());
    assertEquals(original, SafetensorsFile.read(original.toBytes(), "artifact"));
    assertEquals(original, SafetensorsFile.read(path));
  }

  /** The bytes of Python's own serialization test (test_serialization_forced_alignement). */
  @Test
  void writesTheExactBytesOfPythonSafetensors() {
    float[] values = {0, 1, 2, 3, 4, 5};
    String json = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}";
    assertEquals(65, json.length());
    byte[] expected =
        concat(u64(72), (json + "       ").getBytes(StandardCharsets.US_ASCII), f32(values));

    byte[] actual =
        new SafetensorsFile(Map.of("attn0", new Tensor(new int[] {1, 1, 2, 3}, values)))
            .toBytes();

    assertArrayEquals(expected, actual);
    assertArrayEquals(
        new byte[] {0, 0, 0, 0, 0, 0, (byte) 128, 63, 0, 0, 0, 64}, // 0.0f, 1.0f, 2.0f
        java.util.Arrays.copyOfRange(actual, 80, 92));
  }

  @Test
  void writesMetadataFirstThenTensorsSortedByNameWithDataInThatOrder() {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("fc.weight", new Tensor(new int[] {1, 2}, new float[] {3, 4}));
    tensors.put("conv.bias", new Tensor(new int[] {1}, new float[] {-1.5f}));
    String json =
        "{\"__metadata__\":{\"format\":\"pt\",\"stage\":\"pruned\"},"
            + "\"conv.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"fc.weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[4,12]}}";
    String padded = json + " ".repeat((8 - json.length() % 8) % 8);
    byte[] expected =
        concat(u64(padded.length()), padded.getBytes(StandardCharsets.US_ASCII), f32(-1.5f, 3, 4));

    byte[] actual =
        new SafetensorsFile(tensors, Map.of("stage", "pruned", "format", "pt")).toBytes();

    assertEquals(new String(expected, StandardCharsets.US_ASCII),
        new String(actual, StandardCharsets.US_ASCII));
  }

  /** Python's test_empty: no tensors, {"framework": "pt"} metadata. */
  @Test
  void writesMetadataOnlyFileAsPythonDoes() {
    byte[] expected =
        concat(u64(40), "{\"__metadata__\":{\"framework\":\"pt\"}}     ".getBytes(
            StandardCharsets.US_ASCII));
    assertArrayEquals(expected, new SafetensorsFile(Map.of(), Map.of("framework", "pt")).toBytes());
    assertArrayEquals(concat(u64(8), "{}      ".getBytes(StandardCharsets.US_ASCII)),
        new SafetensorsFile(Map.of()).toBytes());
  }

  @Test
  void padsHeaderWithSpacesSoDataStartsEightByteAligned() {
    for (int nameLength = 1; nameLength <= 9; nameLength++) {
      String name = "n".repeat(nameLength);
      byte[] bytes =
          new SafetensorsFile(Map.of(name, new Tensor(new int[] {1}, new float[] {7}))).toBytes();
      long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
      String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);

      assertEquals(0, headerLength % 8, header);
      assertEquals(header.strip() + " ".repeat(header.length() - header.strip().length()), header);
      assertEquals(8 + headerLength + 4, bytes.length);
    }
  }

  @Test
  void sortsNamesByUtf8BytesNotUtf16Units() {
    String bmpHigh = "\uFFFF"; // UTF-8 EF BF BF
    String astral = "\uD83D\uDE00"; // U+1F600, UTF-8 F0 9F 98 80; String.compareTo puts it first
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put(astral, new Tensor(new int[] {1}, new float[] {2}));
    tensors.put(bmpHigh, new Tensor(new int[] {1}, new float[] {1}));

    SafetensorsFile back = SafetensorsFile.read(new SafetensorsFile(tensors).toBytes(), "mem");

    assertEquals(List.of(bmpHigh, astral), List.copyOf(back.tensors().keySet()));
    assertEquals(1f, back.tensors().get(bmpHigh).data()[0]);
  }

  @Test
  void readsF16AndBf16TensorsWidenedToFloat32() throws IOException {
    String json =
        "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[8,14]}}";
    byte[] data = concat(u16(0x3C00, 0xC000, 0x7BFF, 0x0001), u16(0x3F80, 0xC000, 0x7F80));
    Path path = dir.resolve("half.safetensors");
    Files.write(path, file(json, data));

    SafetensorsFile read = SafetensorsFile.read(path);

    assertArrayEquals(new float[] {1, -2, 65504, 0x1p-24f}, read.tensors().get("h").data());
    assertArrayEquals(new int[] {2, 2}, read.tensors().get("h").shape());
    assertArrayEquals(
        new float[] {1, -2, Float.POSITIVE_INFINITY}, read.tensors().get("b").data());
  }

  @Test
  void readsTensorsInDataOrderWhateverTheHeaderOrder() {
    String json =
        "{\"z\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"a\":{\"shape\":[1],\"data_offsets\":[4,8],\"dtype\":\"F32\",\"extra\":1}}";

    SafetensorsFile read = SafetensorsFile.read(file(json, f32(1, 2)), "mem");

    assertEquals(List.of("z", "a"), List.copyOf(read.tensors().keySet()));
    assertEquals(2f, read.tensors().get("a").data()[0]);
  }

  @Test
  void rejectsTensorNamedLikeTheMetadataKey() {
    assertThrows(IllegalArgumentException.class,
        () -> new SafetensorsFile(Map.of("__metadata__", Tensor.zeros(1))));
  }
}
