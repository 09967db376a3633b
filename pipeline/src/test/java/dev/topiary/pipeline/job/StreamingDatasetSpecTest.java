package dev.topiary.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.data.DatasetCatalog;
import dev.topiary.engine.workflow.DataSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The image-folder options of {@code dataset}: mean, std, valFraction, workers, prefetch. */
class StreamingDatasetSpecTest {
  private static final String FOLDER = InvalidSpecTest.BASE.replace("kind: cifar10", "kind: image-folder");

  private static String with(String fields) {
    return FOLDER.replace("uri: /d", "uri: /d, " + fields);
  }

  @Test
  void readsTheOptionsIntoTheEnginesDataSpec() {
    JobSpec spec = JobSpecs.parseYaml(with("mean: [0.5, 0.4, 0.3], std: [0.2, 0.2, 0.25], valFraction: 0.2, workers: 3, prefetch: 6"));
    DatasetSpec d = spec.dataset();
    assertEquals(List.of(0.5, 0.4, 0.3), d.mean());
    assertEquals(0.2, d.valFraction());
    DataSpec engine = d.toDataSpec(Path.of("/d"), 7);
    assertEquals(DatasetCatalog.Kind.IMAGE_FOLDER, engine.kind());
    assertArrayEquals(new float[] {0.2f, 0.2f, 0.25f}, engine.streaming().std());
    assertEquals(0.2, engine.streaming().valFraction());
    assertEquals(3, engine.streaming().workers());
    assertEquals(6, engine.streaming().prefetch());
    assertEquals(spec, JobSpecs.parseJson(JobSpecs.toJson(spec)), "the canonical JSON keeps the options");
  }

  @Test
  void absentOptionsTakeTheDefaultsAndStayOutOfTheCanonicalJson() {
    JobSpec spec = JobSpecs.parseYaml(FOLDER);
    assertNull(spec.dataset().mean());
    DataSpec engine = spec.dataset().toDataSpec(Path.of("/d"), 0);
    assertEquals(DataSpec.Streaming.DEFAULT.workers(), engine.streaming().workers());
    assertNull(engine.streaming().mean(), "ImageNet's statistics are the engine's default");
    assertTrue(!JobSpecs.toJson(spec).contains("valFraction"), JobSpecs.toJson(spec));
  }

  static Stream<Arguments> bad() {
    return Stream.of(
        Arguments.of(with("mean: [0.5, 0.5, 0.5]"), "dataset.std", "required with dataset.mean"),
        Arguments.of(with("mean: [0.5, 0.5], std: [0.2, 0.2]"), "dataset.mean", "expected 1 or 3 values"),
        Arguments.of(with("mean: [0.5, 0.5, 0.5], std: [0.2]"), "dataset.std", "expected 3 values (one per mean), got 1"),
        Arguments.of(with("mean: [0.5, 1.5, 0.5], std: [0.2, 0.2, 0.2]"), "dataset.mean[1]", "must be in [0, 1]"),
        Arguments.of(with("mean: [0.5, 0.5, 0.5], std: [0.2, 0, 0.2]"), "dataset.std[1]", "must be in (0, 1], got 0.0"),
        Arguments.of(with("mean: [0.5], std: [0.2]"), "dataset.mean", "1 values but model 'resnet20' takes 3 input channels"),
        Arguments.of(with("mean: 0.5, std: [0.2]"), "dataset.mean", "expected a list"),
        Arguments.of(with("valFraction: 1.0"), "dataset.valFraction", "must be in (0, 1), got 1.0"),
        Arguments.of(with("valFraction: 0"), "dataset.valFraction", "must be in (0, 1), got 0.0"),
        Arguments.of(with("workers: 0"), "dataset.workers", "must be in [1, 64], got 0"),
        Arguments.of(with("prefetch: 65"), "dataset.prefetch", "must be in [1, 64], got 65"),
        Arguments.of(with("valFractoin: 0.2"), "dataset.valFractoin", "did you mean 'valFraction'?"),
        Arguments.of(InvalidSpecTest.BASE.replace("uri: /d", "uri: /d, valFraction: 0.2"), "dataset.valFraction",
            "applies to kind image-folder only, not cifar10"));
  }

  @ParameterizedTest
  @MethodSource("bad")
  void refusesBadValuesNamingTheField(String yaml, String path, String message) {
    InvalidJobSpecException e = assertThrows(InvalidJobSpecException.class, () -> JobSpecs.parseYaml(yaml));
    assertEquals(1, e.problems().size(), e.problems().toString());
    assertEquals(path, e.problems().get(0).path(), e.problems().toString());
    assertTrue(e.problems().get(0).message().contains(message), e.problems().get(0).message());
  }
}
