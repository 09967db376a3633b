package dev.topiary.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The job specs under the repository's {@code examples/}: what users submit first. */
class UserExamplesTest {
  static final Path EXAMPLES = Path.of("..", "examples");

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void isValidRunnableAndNamedAfterItsFile(Path file) throws IOException {
    JobSpec spec = JobSpecs.parseYaml(Files.readString(file));
    assertEquals(List.of(), JobSpecs.problems(spec));
    assertEquals(file.getFileName().toString().replace(".yaml", ""), spec.name());
    assertTrue(spec.trainsBaseline(), "runs on a fresh stack: no uploads needed");
    JobPlan plan = PlanCompiler.compile("example", spec, JobSpecs.zooGraph(spec));
    assertFalse(plan.steps().isEmpty());
    assertTrue(Files.readString(file).startsWith("#"), "says what it does");
  }

  /** The bring-your-own-model example: valid as it stands, once its upload refs are pasted in. */
  @Test
  void theOnnxExampleCitesAnUploadedModelAndImageFolder() throws IOException {
    Path file = EXAMPLES.resolve("onnx").resolve("mobilenetv2-own-images.yaml");
    JobSpec spec = JobSpecs.parseYaml(Files.readString(file));
    assertEquals(List.of(), JobSpecs.problems(spec));
    assertEquals("mobilenetv2-own-images", spec.name());
    assertTrue(spec.model().onnx().key().endsWith("/model.onnx"));
    assertFalse(spec.trainsBaseline(), "the ONNX file holds its weights");
    assertEquals("image-folder", spec.dataset().kind());
    assertTrue(spec.dataset().uri().startsWith("s3://topiary/uploads/local/datasets/"));
  }

  /** The replay example: a checkpoint and another job's pruned model, valid once their refs are pasted in. */
  @Test
  void theReplayExampleAppliesAnotherModelsHistoryAndOnlyFineTunes() throws IOException {
    Path file = EXAMPLES.resolve("replay").resolve("resnet20-replay.yaml");
    JobSpec spec = JobSpecs.parseYaml(Files.readString(file));
    assertEquals(List.of(), JobSpecs.problems(spec));
    assertEquals("resnet20-replay", spec.name());
    assertTrue(spec.model().replay().history().key().endsWith("/history.json"));
    assertEquals(ScheduleMode.FINETUNE, spec.schedule().mode());
    assertFalse(spec.trainsBaseline(), "the checkpoint comes with its weights");
  }

  @Test
  void coversTheMethodsUsersAskFor() throws IOException {
    List<JobSpec> specs = examples().map(p -> {
      try {
        return JobSpecs.parseYaml(Files.readString(p));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
    assertTrue(specs.stream().anyMatch(s -> s.schedule().mode() == ScheduleMode.LAYERWISE && "hrank".equals(s.prune().criterion())));
    assertTrue(specs.stream().anyMatch(s -> s.schedule().mode() == ScheduleMode.ONESHOT && "l1".equals(s.prune().criterion())
        && s.model().zoo().equals("mobilenetv2")));
    assertTrue(specs.stream().anyMatch(s -> s.schedule().mode() == ScheduleMode.SLIMMING));
    assertTrue(specs.stream().anyMatch(s -> s.schedule().mode() == ScheduleMode.GRADUAL));
    assertTrue(specs.stream().anyMatch(s -> s.schedule().mode() == ScheduleMode.SENSITIVITY));
    assertTrue(specs.stream().anyMatch(s -> s.prune().granularity() == Granularity.NM && "2:4".equals(s.prune().select().nm())));
    assertTrue(specs.stream().anyMatch(s -> s.schedule() instanceof ScheduleSpec.Stages st && st.sparsities() != null),
        "Paddle's static stages");
    assertTrue(specs.stream().anyMatch(s -> s.schedule().mode() == ScheduleMode.GRADUAL && s.prune().select().sparsityRules() != null
        && "log".equals(((ScheduleSpec.Gradual) s.schedule()).curve())), "Paddle's dynamic curve with per-layer rules");
  }
}
