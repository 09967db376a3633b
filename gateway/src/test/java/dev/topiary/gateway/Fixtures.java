package dev.topiary.gateway;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import dev.topiary.engine.zoo.Zoo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Tiny real inputs: LeNet-5's graph and weights, IDX and CIFAR files, zips, specs. */
public final class Fixtures {
  private Fixtures() {}

  public static Graph lenet() {
    return Zoo.build("lenet5");
  }

  public static byte[] lenetGraphJson() {
    return GraphJson.write(lenet()).getBytes(StandardCharsets.UTF_8);
  }

  /** Weights of exactly LeNet-5's shapes (values 0.01: content does not matter to the gateway). */
  public static byte[] lenetWeights() {
    Weights w = new Weights();
    for (Map.Entry<ParamKey, int[]> e : lenet().paramShapes().entrySet()) {
      Tensor t = Tensor.zeros(e.getValue());
      w.put(e.getKey(), t);
    }
    return w.toBytes();
  }

  /** Weights of LeNet-5 with one tensor left out. */
  public static byte[] lenetWeightsMissing(String tensor) {
    Weights w = new Weights();
    for (Map.Entry<ParamKey, int[]> e : lenet().paramShapes().entrySet()) {
      if (!e.getKey().tensorName().equals(tensor)) {
        w.put(e.getKey(), Tensor.zeros(e.getValue()));
      }
    }
    return w.toBytes();
  }

  /** An IDX images file of n images of 28x28. */
  public static byte[] idxImages(int n) {
    ByteBuffer b = ByteBuffer.allocate(16 + n * 28 * 28);
    b.putInt(0x00000803).putInt(n).putInt(28).putInt(28);
    for (int i = 0; i < n * 28 * 28; i++) {
      b.put((byte) (i * 7));
    }
    return b.array();
  }

  /** An IDX labels file of n labels 0..9. */
  public static byte[] idxLabels(int n) {
    ByteBuffer b = ByteBuffer.allocate(8 + n);
    b.putInt(0x00000801).putInt(n);
    for (int i = 0; i < n; i++) {
      b.put((byte) (i % 10));
    }
    return b.array();
  }

  /** A CIFAR-10 batch of n records (label byte + 3072 pixels). */
  public static byte[] cifarBatch(int n) {
    byte[] out = new byte[n * 3073];
    for (int i = 0; i < n; i++) {
      out[i * 3073] = (byte) (i % 10);
    }
    return out;
  }

  /** An 8x8 PNG of one colour. */
  public static byte[] png(int rgb) {
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      javax.imageio.ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * A client of {@code s3}'s bucket {@code topiary} (created if missing) that counts every HTTP
   * request it sends in {@code requests}: tests assert that a path reads nothing from the store.
   */
  public static dev.topiary.pipeline.store.ArtifactStore countingStore(dev.topiary.testsupport.S3Server s3,
      java.util.concurrent.atomic.AtomicInteger requests) {
    okhttp3.OkHttpClient counting = new okhttp3.OkHttpClient.Builder().addInterceptor(chain -> {
      requests.incrementAndGet();
      return chain.proceed(chain.request());
    }).build();
    dev.topiary.pipeline.store.ArtifactStore store = dev.topiary.pipeline.store.ArtifactStore.builder().setEndpoint(s3.endpoint())
        .setAccessKey(s3.accessKey()).setSecretKey(s3.secretKey()).setBucket("topiary").optHttpClient(counting).build();
    store.ensureBucket();
    return store;
  }

  /** A zip of name to content. */
  public static byte[] zip(Map<String, byte[]> entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue());
        z.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A zoo LeNet-5 job without weights: baseline training, one-shot L1 to 50% of the channels, one epoch of fine-tuning. */
  public static String lenetSpecYaml(String name) {
    return """
        name: %s
        model:
          zoo: lenet5
        baseline: {epochs: 1}
        dataset:
          kind: fashion-mnist
          trainLimit: 512
          testLimit: 128
        prune:
          criterion: l1
          select: {globalRatio: 0.5}
        schedule:
          mode: oneshot
          finetune: {epochs: 2}
        eval:
          batchSizes: [1, 32]
        """.formatted(name);
  }

  /** The same spec as JSON. */
  public static String lenetSpecJson(String name) {
    return """
        {"name": "%s", "model": {"zoo": "lenet5"}, "baseline": {"epochs": 1},
         "dataset": {"kind": "fashion-mnist", "trainLimit": 512, "testLimit": 128},
         "prune": {"criterion": "l1", "select": {"globalRatio": 0.5}},
         "schedule": {"mode": "oneshot", "finetune": {"epochs": 2}}}
        """.formatted(name);
  }
}
