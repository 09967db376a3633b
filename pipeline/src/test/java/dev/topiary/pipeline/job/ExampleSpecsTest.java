package dev.topiary.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ExampleSpecsTest {
  static Path specsDir() throws URISyntaxException {
    return Path.of(ExampleSpecsTest.class.getResource("/specs").toURI());
  }

  static Stream<Path> exampleSpecs() throws IOException, URISyntaxException {
    try (Stream<Path> s = Files.list(specsDir())) {
      return s.sorted().toList().stream();
    }
  }

  static JobSpec read(String name) throws IOException, URISyntaxException {
    Path p = specsDir().resolve(name);
    return JobSpecs.parse(Files.readString(p), JobSpecs.Format.ofFileName(name));
  }

  @ParameterizedTest
  @MethodSource("exampleSpecs")
  void exampleSpecIsValidAndSurvivesCanonicalJson(Path file) throws IOException {
    JobSpec spec = JobSpecs.parse(Files.readString(file), JobSpecs.Format.ofFileName(file.getFileName().toString()));
    assertEquals(List.of(), JobSpecs.problems(spec));
    assertEquals(spec, JobSpecs.parseJson(JobSpecs.toJson(spec)), "canonical JSON reads back equal");
    assertTrue(file.getFileName().toString().startsWith(spec.name()), "file named after the spec");
  }

  @Test
  void everyScheduleHasAnExample() throws IOException, URISyntaxException {
    List<ScheduleMode> modes = exampleSpecs().map(p -> {
      try {
        return read(p.getFileName().toString()).schedule().mode();
      } catch (IOException | URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }).distinct().toList();
    assertEquals(List.of(ScheduleMode.values()).size(), modes.size(), "modes covered: " + modes);
  }

  @Test
  void aGlobalChannelTargetRoundsKeptCountsToTheMeasuredDefaultUnlessTheSpecSays() throws IOException, URISyntaxException {
    String yaml = Files.readString(specsDir().resolve("resnet20-l1-oneshot.yaml"));
    assertEquals(8, JobSpecs.parseYaml(yaml).prune().select().roundTo(), "as written");
    String unsaid = yaml.replace("    roundTo: 8\n", "");
    assertEquals(16, SelectSpec.GLOBAL_ROUND_TO);
    SelectSpec byDefault = JobSpecs.parseYaml(unsaid).prune().select();
    assertTrue(byDefault.roundsByDefault(), "a FLOPs target: the engine picks the counts");
    assertEquals(16, byDefault.constraints().roundTo());
    assertEquals(0, byDefault.roundTo(), "written as the default, so that the canonical JSON keeps it the default");
    assertEquals(16, JobSpecs.parseYaml(unsaid.replace("targetFlopsReduction: 0.5", "globalRatio: 0.4")).prune().select().constraints().roundTo());
    assertFalse(JobSpecs.parseYaml(yaml).prune().select().roundsByDefault());
    assertEquals(1, JobSpecs.parseYaml(unsaid.replace("targetFlopsReduction: 0.5", "compressRate: \"[0.0]+[0.1]*18\"")).prune().select().roundTo(),
        "per-layer rates are the user's, reproduced as written");
  }

  @Test
  void jsonAndYamlOfTheSameSpecGiveEqualObjects() throws IOException, URISyntaxException {
    JobSpec yaml = read("resnet56-hrank-layerwise.yaml");
    JobSpec json = read("resnet56-hrank-layerwise.json");
    assertEquals(yaml, json);
    assertEquals(JobSpecs.toJson(yaml), JobSpecs.toJson(json));
  }

  @Test
  void fillsDefaults() throws IOException, URISyntaxException {
    JobSpec s = read("resnet20-l1-oneshot.yaml");
    assertEquals(JobSpecs.VERSION, s.version());
    assertEquals(0L, s.seed());
    assertEquals(Granularity.CHANNEL, s.prune().granularity());
    assertEquals(5, s.prune().rankBatches());
    assertEquals(1, s.prune().select().minChannels());
    assertEquals("first-producer", s.prune().select().coupledRate());
    assertEquals(128, s.dataset().batchSize());
    assertEquals("pad", s.dataset().fit());
    assertNull(s.dataset().uri());
    assertEquals(EvalSpec.DEFAULT, s.eval());
    FitSpec f = ((ScheduleSpec.OneShot) s.schedule()).finetune();
    assertEquals(OptimizerSpec.DEFAULT, f.optimizer());
    assertEquals(LrScheduleSpec.DEFAULT, f.lrSchedule());
    assertEquals("cosine", f.toFitSettings(0).schedule());
  }

  @Test
  void convertsToEngineSettings() throws IOException, URISyntaxException {
    JobSpec s = read("resnet56-hrank-layerwise.yaml");
    ScheduleSpec.Layerwise l = (ScheduleSpec.Layerwise) s.schedule();
    assertEquals("multistep:5,8:0.1", l.finalTune().toFitSettings(s.seed()).schedule());
    assertEquals(0.01, l.finalTune().toFitSettings(s.seed()).lr());
    assertEquals(0.9, l.perStep().toFitSettings(s.seed()).momentum(), "unset optimizer fields take the defaults");
    assertEquals(dev.topiary.engine.zoo.Shortcut.A, s.model().modelSpec().shortcut());
    assertEquals(55, dev.topiary.engine.prune.select.CompressRates.parse(s.prune().select().compressRate()).size());
    assertTrue(s.trainsBaseline());
  }

  @Test
  void gradualCurveGivesOneSparsityPerEpoch() throws IOException, URISyntaxException {
    ScheduleSpec.Gradual g = (ScheduleSpec.Gradual) read("vgg16-gradual-agp.yaml").schedule();
    List<Double> s = g.sparsityPerEpoch();
    assertEquals(8, s.size());
    // AGP: s = 0.8 + (0.5 - 0.8)(1 - f)^3 at updates 0, 2, 4 (f = 0, 1/3, 2/3), target from epoch 6
    assertEquals(0.5, s.get(0), 1e-12);
    assertEquals(0.5, s.get(1), 1e-12);
    assertEquals(0.8 - 0.3 * Math.pow(2.0 / 3, 3), s.get(2), 1e-12);
    assertEquals(0.8 - 0.3 * Math.pow(1.0 / 3, 3), s.get(4), 1e-12);
    assertEquals(0.8, s.get(6), 1e-12);
    assertEquals(0.8, s.get(7), 1e-12);
  }
}
