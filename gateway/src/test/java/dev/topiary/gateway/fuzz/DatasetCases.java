package dev.topiary.gateway.fuzz;

import dev.topiary.gateway.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Malformed {@code POST /api/v1/datasets} uploads: a zip bomb past the unpacked limit, entries
 * with {@code ../}, absolute and backslash paths, a symlink entry, an encrypted entry, an unknown
 * compression method, a stored entry whose declared size lies, 0-byte, empty and truncated zips,
 * IDX files whose header lies about the count or dimensions, a CIFAR batch cut mid-record; and
 * from the seed, a valid image-folder zip cut inside its last entry or with bytes flipped in its
 * headers.
 */
final class DatasetCases {
  static final String CATEGORY = "dataset";
  static final String FILE = "file";

  private DatasetCases() {}

  static List<FuzzCase> systematic() {
    List<FuzzCase> out = new ArrayList<>();
    byte[] zeros = new byte[8 << 20];
    out.add(folder("a zip bomb: 8 MiB of zeros in one entry (limit 400000 unpacked)", zip(Map.of("train/cat/bomb.png", zeros))));
    Map<String, byte[]> many = new LinkedHashMap<>();
    for (int i = 0; i < 40; i++) {
      many.put("train/c" + i + "/x.png", new byte[1 << 20]);
    }
    out.add(folder("a zip bomb: 40 entries of 1 MiB of zeros", zip(many)));
    for (String path : List.of("../escape.png", "../../../../etc/passwd", "/etc/passwd", "train/../../x.png", "train\\..\\..\\x.png",
        "C:/windows/x.png", "train//cat/x.png", "train/./cat/x.png", "train/c\u0430t/x.png", "train/" + "a".repeat(300) + "/x.png")) {
      out.add(folder("an entry named " + SpecCases.abbreviate(path), zip(withValid(path, Fixtures.png(0xff0000)))));
    }
    out.add(folder("a symlink entry to /etc/passwd", symlink(zip(withValid("train/cat/link.png", "/etc/passwd".getBytes(
        StandardCharsets.UTF_8))), "train/cat/link.png")));
    out.add(folder("an encrypted entry", encrypted(validFolder())));
    out.add(folder("an unknown compression method", method(validFolder(), 99)));
    out.add(folder("a stored entry declaring more bytes than it holds", storedLying(validFolder())));
    out.add(folder("a zip inside the zip", zip(withValid("train/cat/inner.zip", validFolder()))));
    out.add(folder("empty (0 bytes)", new byte[0]));
    out.add(folder("a zip of no entries", zip(Map.of())));
    out.add(folder("random bytes", randomBytes(2048)));
    byte[] valid = validFolder();
    for (int cut : new int[] {10, valid.length / 2, lastEntry(valid) + 40}) {
      out.add(folder("truncated to " + cut + " of " + valid.length + " bytes", Arrays.copyOf(valid, cut)));
    }
    out.add(folder("a PNG cut in half", zip(withValid("train/cat/cut.png", Arrays.copyOf(Fixtures.png(0xff), 40)))));
    out.add(folder("a 0-byte image", zip(withValid("train/cat/empty.png", new byte[0]))));
    out.add(mnist("an IDX file whose header says 10^9 images", idx(1_000_000_000, 28, 28, 2)));
    out.add(mnist("an IDX file of 2^31 - 1 x 2^31 - 1 images", idx(2, Integer.MAX_VALUE, Integer.MAX_VALUE, 2)));
    out.add(mnist("an IDX file of a negative count", idx(-5, 28, 28, 2)));
    out.add(mnist("an IDX file of a wrong magic", withMagic(Fixtures.idxImages(2), 0x0803ff)));
    out.add(mnist("an IDX file truncated inside its header", Arrays.copyOf(Fixtures.idxImages(2), 9)));
    out.add(files("cifar10", "a CIFAR batch cut mid-record", Map.of("data_batch_1.bin",
        Arrays.copyOf(Fixtures.cifarBatch(3), 3073 * 2 + 100),
        "test_batch.bin", Fixtures.cifarBatch(2))));
    out.add(files("cifar10", "a CIFAR batch of label 200", Map.of("data_batch_1.bin", label(Fixtures.cifarBatch(2), 200),
        "test_batch.bin", Fixtures.cifarBatch(2))));
    out.add(new FuzzCase(CATEGORY, "a file part without a file name", new FuzzCase.Upload("/api/v1/datasets", List.of(
        new FuzzCase.Part("kind", null, "mnist".getBytes(StandardCharsets.UTF_8)), new FuzzCase.Part(FILE, "", Fixtures.idxImages(2)))),
        List.of(FILE)));
    out.add(new FuzzCase(CATEGORY, "a kind of 10000 characters", new FuzzCase.Upload("/api/v1/datasets", List.of(
        new FuzzCase.Part("kind", null, "x".repeat(10_000).getBytes(StandardCharsets.UTF_8)),
        new FuzzCase.Part(FILE, "a.zip", validFolder()))),
        List.of("kind", ""))); // past the HTTP layer's form-field limit, the request as a whole
    out.add(files("yolo", "a yolo zip without data.yaml", Map.of("data.zip", zip(Map.of("images/train/a.png", Fixtures.png(0))))));
    out.add(files("yolo", "a yolo data.yaml of billion laughs", Map.of("data.zip", zip(Map.of("data.yaml", laughs(),
        "images/train/a.png", Fixtures.png(0))))));
    out.add(files("yolo", "a yolo data.yaml pointing outside the upload", Map.of("data.zip", zip(Map.of("data.yaml",
        "path: /etc\ntrain: ../../etc\nval: ../../etc\nnames: [a]\n".getBytes(StandardCharsets.UTF_8), "images/train/a.png",
        Fixtures.png(0))))));
    out.add(files("coco", "a coco instances file nested 100000 arrays deep", Map.of("data.zip", zip(Map.of("annotations/instances_train.json",
        ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(StandardCharsets.UTF_8), "images/train/a.png", Fixtures.png(0))))));
    out.add(files("coco", "a coco file_name pointing outside the upload", Map.of("data.zip", zip(Map.of("annotations/instances_train.json",
        ("{\"images\": [{\"id\": 1, \"file_name\": \"/etc/hostname\"}], \"categories\": [{\"id\": 1, \"name\": \"a\"}],"
            + " \"annotations\": []}").getBytes(StandardCharsets.UTF_8), "images/train/a.png", Fixtures.png(0))))));
    return out;
  }

  /**
   * A random case from the seed: the valid image-folder zip cut inside its last entry ({@code
   * val/dog/b.png}), or with bits flipped where any change breaks it: that entry's compression
   * method, its class folder's name (then the splits' classes differ), and the CRC and sizes of its
   * data descriptor. (Flips elsewhere in a local header can leave a valid zip: with a data
   * descriptor, ZipInputStream ignores the header's CRC and sizes.)
   */
  static FuzzCase random(Random rnd) {
    byte[] valid = validFolder();
    int last = lastEntry(valid);
    int directory = centralDirectory(valid);
    if (rnd.nextBoolean()) {
      int cut = last + 1 + rnd.nextInt(directory - last - 1);
      return folder("random: truncated to " + cut + " bytes", Arrays.copyOf(valid, cut));
    }
    int[] spots = {last + 8, last + 9, last + 34, last + 35, last + 36};
    java.util.TreeSet<Integer> at = new java.util.TreeSet<>(); // distinct bytes, so that no flip undoes another
    for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
      at.add(rnd.nextInt(2) == 0 ? spots[rnd.nextInt(spots.length)] : directory - 12 + rnd.nextInt(12));
    }
    at.forEach(i -> valid[i] ^= (byte) (1 << rnd.nextInt(8)));
    return folder("random: bits flipped at " + at, valid);
  }

  /** An MNIST upload whose training images are {@code trainImages}, its other three files valid. */
  private static FuzzCase mnist(String name, byte[] trainImages) {
    return files("mnist", name, Map.of("train-images-idx3-ubyte", trainImages, "train-labels-idx1-ubyte", Fixtures.idxLabels(2),
        "t10k-images-idx3-ubyte", Fixtures.idxImages(2), "t10k-labels-idx1-ubyte", Fixtures.idxLabels(2)));
  }

  private static FuzzCase folder(String name, byte[] zip) {
    return files("image-folder", name, Map.of("flowers.zip", zip));
  }

  private static FuzzCase files(String kind, String name, Map<String, byte[]> files) {
    List<FuzzCase.Part> parts = new ArrayList<>();
    parts.add(new FuzzCase.Part("kind", null, kind.getBytes(StandardCharsets.UTF_8)));
    files.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> parts.add(new FuzzCase.Part(FILE, e.getKey(), e.getValue())));
    return new FuzzCase(CATEGORY, kind + ": " + name, new FuzzCase.Upload("/api/v1/datasets", parts), List.of(FILE));
  }

  /** A valid two-class image folder (train and val) plus one more entry. */
  private static Map<String, byte[]> withValid(String path, byte[] content) {
    Map<String, byte[]> m = validEntries();
    m.put(path, content);
    return m;
  }

  private static Map<String, byte[]> validEntries() {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (String split : List.of("train", "val")) {
      m.put(split + "/cat/a.png", Fixtures.png(0x101010));
      m.put(split + "/dog/b.png", Fixtures.png(0xf0f0f0));
    }
    return m;
  }

  /** The valid image folder as a zip: what an upload of it would store. */
  static byte[] validFolder() {
    return zip(validEntries());
  }

  static byte[] zip(Map<String, byte[]> entries) {
    return Fixtures.zip(entries);
  }

  /** A zip whose one STORED entry declares 1 MiB in its local header but holds a PNG. */
  private static byte[] storedLying(byte[] ignored) {
    byte[] png = Fixtures.png(0xff);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : validEntries().entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(e.getValue().length);
        entry.setCompressedSize(e.getValue().length);
        CRC32 crc = new CRC32();
        crc.update(e.getValue());
        entry.setCrc(crc.getValue());
        z.putNextEntry(entry);
        z.write(e.getValue());
        z.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] out = bytes.toByteArray();
    int last = lastEntry(out);
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(last + 18, 1 << 20).putInt(last + 22, 1 << 20); // compressed and uncompressed size
    return out;
  }

  /** Marks every entry encrypted (general purpose bit 0), in the local and central headers. */
  private static byte[] encrypted(byte[] zip) {
    return patchHeaders(zip, (b, at, central) -> b.putShort(at + (central ? 8 : 6), (short) (b.getShort(at + (central ? 8 : 6)) | 1)));
  }

  private static byte[] method(byte[] zip, int method) {
    return patchHeaders(zip, (b, at, central) -> b.putShort(at + (central ? 10 : 8), (short) method));
  }

  /** The entry's central header made a Unix symlink (mode 0120777), as {@code zip -y} writes one. */
  private static byte[] symlink(byte[] zip, String name) {
    return patchHeaders(zip, (b, at, central) -> {
      if (central && nameAt(b, at + 46, b.getShort(at + 28)).equals(name)) {
        b.putShort(at + 4, (short) (3 << 8 | 20)); // made by: Unix
        b.putInt(at + 38, 0120777 << 16);
      }
    });
  }

  private interface HeaderPatch {
    void apply(ByteBuffer b, int at, boolean central);
  }

  private static byte[] patchHeaders(byte[] zip, HeaderPatch patch) {
    byte[] out = zip.clone();
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i + 4 <= out.length; i++) {
      int sig = b.getInt(i);
      if (sig == 0x04034b50) {
        patch.apply(b, i, false);
      } else if (sig == 0x02014b50) {
        patch.apply(b, i, true);
      }
    }
    return out;
  }

  private static String nameAt(ByteBuffer b, int at, int length) {
    byte[] name = new byte[length];
    b.get(at, name);
    return new String(name, StandardCharsets.UTF_8);
  }

  /** Where the last local file header starts. */
  static int lastEntry(byte[] zip) {
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    int last = -1;
    for (int i = 0; i + 4 <= centralDirectory(zip); i++) {
      if (b.getInt(i) == 0x04034b50) {
        last = i;
      }
    }
    return last;
  }

  private static int centralDirectory(byte[] zip) {
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i + 4 <= zip.length; i++) {
      if (b.getInt(i) == 0x02014b50) {
        return i;
      }
    }
    return zip.length;
  }

  private static byte[] idx(int count, int rows, int cols, int actual) {
    ByteBuffer b = ByteBuffer.allocate(16 + actual * 28 * 28);
    b.putInt(0x00000803).putInt(count).putInt(rows).putInt(cols);
    return b.array();
  }

  private static byte[] withMagic(byte[] idx, int magic) {
    byte[] out = idx.clone();
    ByteBuffer.wrap(out).putInt(0, magic);
    return out;
  }

  private static byte[] label(byte[] cifar, int label) {
    byte[] out = cifar.clone();
    out[0] = (byte) label;
    return out;
  }

  private static byte[] laughs() {
    StringBuilder s = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'i'; c++) {
      s.append(c).append(": &").append(c).append(" [").append(("*" + (char) (c - 1) + ",").repeat(8)).append('*').append((char) (c - 1))
          .append("]\n");
    }
    return s.append("names: *i\ntrain: images/train\nval: images/train\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }
}
