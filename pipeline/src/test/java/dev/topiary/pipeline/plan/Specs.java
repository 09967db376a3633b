package dev.topiary.pipeline.plan;

import dev.topiary.pipeline.job.JobSpec;
import dev.topiary.pipeline.job.JobSpecs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The example specs of src/test/resources/specs. */
final class Specs {
  static final List<String> ALL = List.of("resnet56-hrank-layerwise.yaml", "resnet56-hrank-layerwise.json", "resnet20-l1-oneshot.yaml",
      "vgg16-taylor-stages.yaml", "resnet20-slimming.yaml", "vgg16-gradual-agp.yaml", "vgg16-unstructured-oneshot.yaml",
      "resnet20-nm-oneshot.yaml",
      "vgg16-unstructured-stages.yaml");

  private Specs() {}

  static String text(String name) {
    try (InputStream in = Specs.class.getResourceAsStream("/specs/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("spec " + name + " missing", e);
    }
  }

  static JobSpec spec(String name) {
    return JobSpecs.parse(text(name), JobSpecs.Format.ofFileName(name));
  }

  static JobPlan plan(String name) {
    return PlanCompiler.compile("job-1", spec(name));
  }
}
