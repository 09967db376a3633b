package dev.topiary.engine.data;

import static dev.topiary.engine.data.IdxReaderTest.assertFailsNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {
  private static final int PLANE = 32 * 32;

  @TempDir Path dir;

  /** A record whose image is one solid colour, with the given label byte(s) in front. */
  private static byte[] record(int r, int g, int b, int... labels) {
    byte[] rec = new byte[labels.length + 3 * PLANE];
    for (int i = 0; i < labels.length; i++) {
      rec[i] = (byte) labels[i];
    }
    int base = labels.length;
    for (int p = 0; p < PLANE; p++) {
      rec[base + p] = (byte) r;
      rec[base + PLANE + p] = (byte) g;
      rec[base + 2 * PLANE + p] = (byte) b;
    }
    return rec;
  }

  private Path write(String name, byte[]... records) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] r : records) {
      out.write(r);
    }
    return Files.write(dir.resolve(name), out.toByteArray());
  }

  @Test
  void cifar10KeepsPlaneOrderSoRedStaysRed() throws IOException {
    Path batch = write("data_batch_1.bin", record(255, 0, 0, 3), record(0, 0, 200, 9));
    ImageDataset ds = CifarReader.readCifar10(List.of(batch));
    assertEquals(2, ds.size());
    assertEquals(new ImageShape(3, 32, 32), ds.shape());
    assertEquals(3, ds.label(0));
    assertEquals(9, ds.label(1));
    assertEquals(255, ds.pixel(0, 0, 17, 5), "red channel of the red image");
    assertEquals(0, ds.pixel(0, 1, 17, 5));
    assertEquals(0, ds.pixel(0, 2, 17, 5));
    assertEquals(0, ds.pixel(1, 0, 31, 31));
    assertEquals(200, ds.pixel(1, 2, 31, 31), "blue channel of the blue image");
    assertEquals("cat", ds.classNames().get(3));
  }

  @Test
  void cifar10DirectoryConcatenatesTheFiveTrainingBatchesInOrder() throws IOException {
    for (int b = 1; b <= 5; b++) {
      write("data_batch_" + b + ".bin", record(b, 0, 0, b - 1));
    }
    write("test_batch.bin", record(9, 9, 9, 8));
    ImageDataset train = CifarReader.readCifar10(dir, Split.TRAIN);
    assertEquals(5, train.size());
    for (int i = 0; i < 5; i++) {
      assertEquals(i, train.label(i));
      assertEquals(i + 1, train.pixel(i, 0, 0, 0));
    }
    ImageDataset test = CifarReader.readCifar10(dir, Split.TEST);
    assertEquals(1, test.size());
    assertEquals(8, test.label(0));
  }

  @Test
  void cifar100UsesFineLabelsAndPlaneOrder() throws IOException {
    Path train = write("train.bin", record(0, 255, 0, 19, 99), record(255, 0, 0, 4, 42));
    ImageDataset ds = CifarReader.readCifar100(List.of(train));
    assertEquals(100, ds.numClasses());
    assertEquals(99, ds.label(0));
    assertEquals(42, ds.label(1));
    assertEquals(255, ds.pixel(0, 1, 0, 0), "green image");
    assertEquals(0, ds.pixel(0, 0, 0, 0));
    assertEquals(255, ds.pixel(1, 0, 3, 3), "red image");
  }

  @Test
  void cifar100DirectoryReadsFineLabelNamesWhenPresent() throws IOException {
    write("test.bin", record(1, 2, 3, 0, 7));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      names.add("class" + i);
    }
    Files.write(dir.resolve("fine_label_names.txt"), names);
    ImageDataset ds = CifarReader.readCifar100(dir, Split.TEST);
    assertEquals("class7", ds.classNames().get(ds.label(0)));
  }

  @Test
  void rejectsFileSizeNotMultipleOfRecordNamingTheFile() throws IOException {
    byte[] rec = record(1, 2, 3, 4);
    byte[] bad = java.util.Arrays.copyOf(rec, rec.length + 100);
    Path batch = write("odd_batch.bin", bad);
    assertFailsNaming("odd_batch.bin", "3073-byte record", () -> CifarReader.readCifar10(List.of(batch)));
    // a CIFAR-10 record is not a CIFAR-100 record
    Path ten = write("cifar10_record.bin", rec);
    assertFailsNaming("cifar10_record.bin", "3074-byte record", () -> CifarReader.readCifar100(List.of(ten)));
  }

  @Test
  void rejectsLabelOutOfRangeNamingTheFile() throws IOException {
    Path batch = write("bad_label.bin", record(1, 2, 3, 4), record(1, 2, 3, 10));
    assertFailsNaming("bad_label.bin", "label 10 of record 1", () -> CifarReader.readCifar10(List.of(batch)));
    Path coarse = write("bad_coarse.bin", record(1, 2, 3, 20, 5));
    assertFailsNaming("bad_coarse.bin", "coarse label 20", () -> CifarReader.readCifar100(List.of(coarse)));
  }

  @Test
  void rejectsMissingBatchNamingIt() throws IOException {
    write("data_batch_1.bin", record(1, 2, 3, 4));
    assertFailsNaming("data_batch_2.bin", "not found", () -> CifarReader.readCifar10(dir, Split.TRAIN));
  }
}
