package dev.topiary.gateway.report;

import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.ModelRef;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The pruned model as a zip of its folder ({@code graph.json}, {@code weights.safetensors}, {@code
 * history.json}), each file fetched and hash-verified from the store before it is written.
 */
public final class ModelZip {
  private ModelZip() {}

  public static void write(ArtifactStore store, ModelRef model, OutputStream out) throws IOException {
    Path dir = Files.createTempDirectory("topiary-download");
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (ArtifactRef ref : model.files()) {
        String name = ref.key().substring(ref.key().lastIndexOf('/') + 1);
        Path local = store.get(ref, dir.resolve(name));
        zip.putNextEntry(new ZipEntry(name));
        Files.copy(local, zip);
        zip.closeEntry();
        Files.delete(local);
      }
    } finally {
      Files.deleteIfExists(dir);
    }
  }
}
