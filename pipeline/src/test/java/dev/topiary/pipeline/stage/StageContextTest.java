package dev.topiary.pipeline.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StageContextTest {
  @Test
  void aDatasetUriNamesOneFolderWithOrWithoutTrailingSlashes() {
    assertEquals("datasets/fmnist/", StageContext.folderPrefix("datasets/fmnist"));
    assertEquals("datasets/fmnist/", StageContext.folderPrefix("datasets/fmnist/"));
    assertEquals("datasets/fmnist/", StageContext.folderPrefix("datasets/fmnist//"));
  }
}
