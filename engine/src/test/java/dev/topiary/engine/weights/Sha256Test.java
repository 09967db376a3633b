package dev.topiary.engine.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sha256Test {
  @TempDir Path dir;

  @Test
  void hexOfAbcIsTheFips180TestVector() {
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void hexOfAWrittenFileEqualsHexOfItsBytes() throws IOException {
    byte[] bytes = new byte[200_000]; // larger than one read buffer
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31);
    }
    Path file = dir.resolve("blob.bin");
    Files.write(file, bytes);

    assertEquals(Sha256.hex(bytes), Sha256.hex(file));
  }
}
