package dev.topiary.pipeline.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageContextTest {
  @TempDir
  Path dir;

  @Test
  void aDatasetUriNamesOneFolderWithOrWithoutTrailingSlashes() {
    assertEquals("datasets/fmnist/", StageContext.folderPrefix("datasets/fmnist"));
    assertEquals("datasets/fmnist/", StageContext.folderPrefix("datasets/fmnist/"));
    assertEquals("datasets/fmnist/", StageContext.folderPrefix("datasets/fmnist//"));
  }

  @Test
  void anUploadedDatasetIsCopiedOnceAndNotListedAgainWhileAnyOtherPrefixIsCheckedEveryTime() throws Exception {
    try (StageFixture f = new StageFixture(dir)) {
      put(f, "uploads/acme/datasets/d-1/train/a/1.png", "one");
      put(f, "uploads/acme/datasets/d-1/train/b/2.png", "two");
      Path copy = f.ctx.localCopy("s3://" + StageFixture.BUCKET + "/uploads/acme/datasets/d-1");
      assertEquals("two", Files.readString(copy.resolve("train/b/2.png")));
      assertTrue(Files.isRegularFile(copy.resolveSibling("d-1.complete")), "a complete copy is marked");

      // the gateway never rewrites an upload: a marked copy is used as it is, without a listing
      // (rewritten here behind the gateway's back only to see that nothing is fetched again)
      put(f, "uploads/acme/datasets/d-1/train/a/1.png", "rewritten");
      assertEquals(copy, f.ctx.localCopy("s3://" + StageFixture.BUCKET + "/uploads/acme/datasets/d-1/"));
      assertEquals("one", Files.readString(copy.resolve("train/a/1.png")));

      put(f, "datasets/shared/x.bin", "old");
      Path shared = f.ctx.localCopy("s3://" + StageFixture.BUCKET + "/datasets/shared");
      put(f, "datasets/shared/x.bin", "new");
      assertEquals("new", Files.readString(f.ctx.localCopy("s3://" + StageFixture.BUCKET + "/datasets/shared").resolve("x.bin")),
          "a prefix that may change is checked against the store every time");
      assertFalse(Files.exists(shared.resolveSibling("shared.complete")));
    }
  }

  private static void put(StageFixture f, String key, String text) throws Exception {
    Path file = Files.createTempFile(f.dir, "obj", ".bin");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    f.store.put(key, file);
  }
}
