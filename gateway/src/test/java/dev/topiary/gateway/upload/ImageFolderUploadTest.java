package dev.topiary.gateway.upload;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.Fixtures;
import dev.topiary.gateway.TestServers;
import dev.topiary.pipeline.store.ArtifactStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Image-folder zips are checked entry by entry as they unpack: both layouts are accepted and
 * described; each bad entry is a 400 naming the zip and the entry, with nothing stored.
 */
@QuarkusTest
class ImageFolderUploadTest {
  @Inject
  ArtifactStore store;

  @Test
  void acceptsTrainAndValFoldersOfPngAndJpegAndDescribesThem() {
    Map<String, byte[]> entries = splitLayout("val");
    entries.put("train/cat/c.jpg", jpeg(16, 12, 3));
    entries.put(".DS_Store", new byte[] {0});
    entries.put("__MACOSX/train/cat/._a.png", new byte[] {0});
    JsonPath r = upload(entries).then().log().ifValidationFails().statusCode(201)
        .body("trainSamples", equalTo(5)).body("testSamples", equalTo(4)).body("numClasses", equalTo(2))
        .body("classNames", equalTo(List.of("cat", "dog"))).body("shape[0]", equalTo(List.of(3, 8, 8)))
        .body("shape[1]", equalTo(List.of(3, 12, 16))).extract().jsonPath();
    String prefix = r.getString("uri").substring("s3://topiary/".length()) + "/";
    assertEquals(9, store.list(prefix).size(), "the archiver's extras are not stored: " + store.list(prefix));
  }

  @Test
  void acceptsOneFolderOfClassesToBeSplitByFraction() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (String cls : List.of("a", "b", "c")) {
      entries.put(cls + "/", new byte[0]);
      entries.put(cls + "/1.png", png(0x112233));
      entries.put(cls + "/2.jpeg", jpeg(8, 8, 1));
    }
    upload(entries).then().statusCode(201).body("trainSamples", equalTo(6)).body("testSamples", equalTo(0))
        .body("numClasses", equalTo(3));
  }

  static Stream<Arguments> badZips() {
    return Stream.of(
        bad("a cut-off JPEG", e -> e.put("train/dog/b.jpg", half(jpeg(64, 64, 5))), "entry 'train/dog/b.jpg' is cut off"),
        bad("garbage named .png", e -> e.put("train/dog/b.png", "not an image".getBytes()), "entry 'train/dog/b.png' is not a PNG or JPEG"),
        bad("a cut-off PNG", e -> e.put("val/cat/a.png", half(encode(noise(64, 64, 7), "png"))), "entry 'val/cat/a.png' does not decode"),
        bad("a 0-byte image", e -> e.put("train/cat/a.png", new byte[0]), "entry 'train/cat/a.png' is empty (0 bytes)"),
        bad("a text file among the images", e -> e.put("train/cat/notes.txt", "x".getBytes()), "is not a .png, .jpg or .jpeg image"),
        bad("an empty class folder", e -> e.put("train/bird/", new byte[0]), "class folder 'train/bird/' holds no"),
        bad("a class missing from val", e -> e.keySet().removeIf(k -> k.startsWith("val/dog/")), "val/ has other classes than train/: missing [dog]"),
        bad("no evaluation split", e -> e.keySet().removeIf(k -> k.startsWith("val/")), "has train/ but no val/ or test/"),
        bad("both val and test", e -> e.put("test/cat/a.png", png(1)), "has both val/ and test/"),
        bad("an image too deep", e -> e.put("train/cat/x/a.png", png(1)), "entry 'train/cat/x/a.png' is not <split>/<class>/<image>"),
        bad("the two layouts mixed", e -> e.put("cow/a.png", png(1)), "entry 'cow/a.png' mixes the two layouts"),
        bad("a path that climbs out", e -> e.put("train/../../x.png", png(1)), "entry 'train/../../x.png'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badZips")
  void refusesABadEntryNamingItAndStoresNothing(String name, Map<String, byte[]> entries, String message) {
    List<String> before = store.list("uploads/");
    Response r = upload(entries);
    assertEquals(400, r.statusCode(), r.asString());
    List<Map<String, String>> errors = r.jsonPath().getList("errors");
    assertFalse(errors.isEmpty(), r.asString());
    assertTrue(errors.stream().anyMatch(e -> e.get("field").equals("file") && e.get("message").contains("pets.zip")
        && e.get("message").contains(message)), "expected an error on 'file' naming pets.zip and containing '" + message + "', got " + errors);
    assertEquals(before, store.list("uploads/"), "something was stored");
  }

  @Test
  void refusesAnEmptyFilePartAndLooseImages() {
    List<String> before = store.list("uploads/");
    given().auth().oauth2(TestServers.ACME).multiPart("kind", "image-folder").multiPart("file", "pets.zip", new byte[0])
        .post("/api/v1/datasets").then().statusCode(400).body("errors[0].field", equalTo("file"))
        .body("errors[0].message", equalTo("'pets.zip' is empty (0 bytes)"));
    given().auth().oauth2(TestServers.ACME).multiPart("kind", "image-folder").multiPart("file", "a.png", png(1))
        .post("/api/v1/datasets").then().statusCode(400).body("errors[0].message",
            equalTo("an image-folder dataset is uploaded as one zip of its folders, got [a.png]"));
    assertEquals(before, store.list("uploads/"));
  }

  private static Arguments bad(String name, Consumer<Map<String, byte[]>> change, String message) {
    Map<String, byte[]> entries = splitLayout("val");
    change.accept(entries);
    return Arguments.of(name, entries, message);
  }

  /** train/ and the given evaluation split, classes cat and dog, two PNGs each. */
  private static Map<String, byte[]> splitLayout(String eval) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (String split : List.of("train", eval)) {
      for (String cls : List.of("cat", "dog")) {
        entries.put(split + "/" + cls + "/a.png", png(cls.equals("cat") ? 0x00ff00 : 0xff0000));
        entries.put(split + "/" + cls + "/b.png", png(0x0000ff));
      }
    }
    return entries;
  }

  private static Response upload(Map<String, byte[]> entries) {
    return given().auth().oauth2(TestServers.ACME).multiPart("kind", "image-folder").multiPart("file", "pets.zip", Fixtures.zip(entries))
        .post("/api/v1/datasets");
  }

  private static byte[] png(int rgb) {
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    return encode(img, "png");
  }

  private static byte[] jpeg(int w, int h, long seed) {
    return encode(noise(w, h, seed), "jpg");
  }

  private static BufferedImage noise(int w, int h, long seed) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Random r = new Random(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, r.nextInt());
      }
    }
    return img;
  }

  /** The first two thirds of a file: cut off inside the image data. */
  private static byte[] half(byte[] file) {
    return Arrays.copyOf(file, file.length * 2 / 3);
  }

  private static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
