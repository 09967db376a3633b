package dev.topiary.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each bad spec is refused with exactly the problem it has: the field's path and a precise message. */
class InvalidSpecTest {
  private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  /** A valid one-shot spec that each case breaks in one place. */
  static final String BASE = """
      name: t
      model: {zoo: resnet20, weights: {bucket: b, key: k/w.safetensors, sha256: %s, size: 1}}
      dataset: {kind: cifar10, uri: /d}
      prune: {criterion: l1, select: {globalRatio: 0.5}}
      schedule: {mode: oneshot, finetune: {epochs: 1}}
      """.formatted(SHA);
  static final String LAYERWISE = BASE
      .replace("{globalRatio: 0.5}", "{compressRate: \"[0.5]*19\"}")
      .replace("{mode: oneshot, finetune: {epochs: 1}}", "{mode: layerwise, perStep: {epochs: 1}, finalTune: {epochs: 2}}");

  /** Valid gradual and unstructured-stages specs for the cases to break. */
  static final String GRADUAL = BASE.replace("{criterion: l1, select: {globalRatio: 0.5}}", "{granularity: unstructured}")
      .replace("{mode: oneshot, finetune: {epochs: 1}}", "{mode: gradual, targetSparsity: 0.8, endEpoch: 6, finetune: {epochs: 8}}");
  static final String SPARSE_STAGES = BASE.replace("{criterion: l1, select: {globalRatio: 0.5}}", "{granularity: unstructured}")
      .replace("{mode: oneshot, finetune: {epochs: 1}}", "{mode: stages, sparsities: [0.3, 0.5, 0.7], perStage: {epochs: 1}}");

  static Stream<Arguments> cases() {
    return Stream.of(
        bad("unknown field", BASE.replace("zoo: resnet20,", "zoo: resnet20, shortcutt: A,"),
            "model.shortcutt", "unknown field; did you mean 'shortcut'?"),
        bad("malformed YAML", "name: t\nmodel: {zoo: [resnet20\n", "", "malformed YAML at line"),
        bad("empty spec", "  \n", "", "the spec is empty"),
        bad("empty YAML document", "---\n", "", "the spec is empty"),
        bad("a list at the top", "- name: t\n", "", "expected an object with name"),
        bad("duplicate key", BASE + "name: u\n", "", "Duplicate field 'name'"),
        // found by the gateway's fuzz: the second document was ignored and the job accepted
        bad("a second YAML document", BASE + "---\n" + BASE.replace("name: t", "name: u"), "",
            "more than one YAML document: another starts at line 7, column 1; send one spec"),
        // found by the gateway's fuzz: Jackson reads an alias as its name, so name: *n named the job "n"
        bad("a YAML alias for a string", "x: &n u\n" + BASE.replace("name: t", "name: *n"), "name",
            "a YAML alias (*n) is not read in a spec: write the value out"),
        bad("a YAML alias for an object", LAYERWISE.replace("perStep: {epochs: 1}, finalTune: {epochs: 2}",
            "perStep: &fit {epochs: 1}, finalTune: *fit"), "schedule.finalTune", "a YAML alias (*fit) is not read in a spec"),
        bad("a compress rate in Arabic-Indic digits", LAYERWISE.replace("[0.5]*19", "[0.5]*\u0661\u0669"), "prune.select.compressRate",
            "bad compress rate expression at character 7: expected a repeat count after '*'"),
        bad("newer spec version", "version: 2\n" + BASE, "version", "spec version 2 is newer than this service understands (1)"),
        bad("path in name", BASE.replace("name: t", "name: ../x"), "name", "'../x' looks like a path"),
        bad("upper case name", BASE.replace("name: t", "name: My Job"), "name", "not a valid name"),
        bad("path in artifact key", BASE.replace("key: k/w.safetensors", "key: k/../../etc/passwd"),
            "model.weights.key", "must not contain empty, '.' or '..' segments"),
        bad("bad sha256", BASE.replace(SHA, "abc"), "model.weights.sha256", "expected 64 lower-case hex digits, got 'abc'"),
        bad("unknown architecture", BASE.replace("resnet20", "resnet57"),
            "model.zoo", "unknown architecture 'resnet57'; valid: lenet5, vgg16-bn, resnet20, resnet56"),
        bad("zoo and graph", BASE.replace("zoo: resnet20,", "zoo: resnet20, graph: {bucket: b, key: g.json, sha256: " + SHA + ", size: 1},"),
            "model", "give exactly one of zoo, graph, onnx; got zoo and graph"),
        bad("zoo and onnx", BASE.replace("zoo: resnet20, weights: {bucket: b, key: k/w.safetensors, sha256: " + SHA + ", size: 1}",
                "zoo: resnet20, onnx: {bucket: b, key: k/model.onnx, sha256: " + SHA + ", size: 1}"),
            "model", "give exactly one of zoo, graph, onnx; got zoo and onnx"),
        bad("onnx with separate weights", BASE.replace("zoo: resnet20,", "onnx: {bucket: b, key: k/model.onnx, sha256: " + SHA + ", size: 1},"),
            "model.weights", "not used with model.onnx: the ONNX file holds its weights"),
        bad("onnx with a zoo option", BASE.replace("zoo: resnet20, weights: {bucket: b, key: k/w.safetensors, sha256: " + SHA + ", size: 1}",
                "onnx: {bucket: b, key: k/model.onnx, sha256: " + SHA + ", size: 1}, numClasses: 10"),
            "model.numClasses", "a zoo option: applies only with model.zoo (a stored graph or ONNX file has its shapes)"),
        bad("onnx with a baseline", BASE.replace("zoo: resnet20, weights: {bucket: b, key: k/w.safetensors, sha256: " + SHA + ", size: 1}",
                "onnx: {bucket: b, key: k/model.onnx, sha256: " + SHA + ", size: 1}") + "baseline: {epochs: 1}\n",
            "baseline", "not used when model.onnx (which holds its weights) is given"),
        bad("onnx ref with a bad hash", BASE.replace("zoo: resnet20, weights: {bucket: b, key: k/w.safetensors, sha256: " + SHA + ", size: 1}",
                "onnx: {bucket: b, key: k/model.onnx, sha256: abc, size: 1}"),
            "model.onnx.sha256", "expected 64 lower-case hex digits, got 'abc'"),
        bad("option the architecture lacks", BASE.replace("zoo: resnet20,", "zoo: resnet20, widthMultiplier: 0.5,"),
            "model.widthMultiplier", "does not apply to architecture 'resnet20' (it accepts: numClasses, inputShape, shortcut)"),
        bad("baseline missing without weights", BASE.replace(", weights: {bucket: b, key: k/w.safetensors, sha256: " + SHA + ", size: 1}", ""),
            "baseline", "required when model.weights is not given"),
        bad("unknown dataset kind", BASE.replace("kind: cifar10", "kind: svhn"),
            "dataset.kind", "unknown kind 'svhn'; valid: fashion-mnist, mnist, cifar10, cifar100, image-folder, idx"),
        bad("dataset uri missing", BASE.replace(", uri: /d", ""), "dataset.uri", "required for kind cifar10"),
        bad("dataset uri escaping", BASE.replace("uri: /d", "uri: /d/../../root"), "dataset.uri", "must not contain '..' segments"),
        bad("wrong type", BASE.replace("uri: /d", "uri: /d, batchSize: big"), "dataset.batchSize", "expected an integer, got the string \"big\""),
        bad("unknown criterion", BASE.replace("criterion: l1", "criterion: hrnk"),
            "prune.criterion", "unknown criterion 'hrnk'; valid: l1, l2, bn-scale, hrank, taylor, apoz, random"),
        bad("two selection methods", BASE.replace("{globalRatio: 0.5}", "{globalRatio: 0.5, targetFlopsReduction: 0.5}"),
            "prune.select", "give exactly one of compressRate, configList, globalRatio, targetFlopsReduction; got globalRatio and targetFlopsReduction"),
        bad("no selection method", BASE.replace("{globalRatio: 0.5}", "{roundTo: 8}"),
            "prune.select", "give exactly one of compressRate, configList, globalRatio, targetFlopsReduction"),
        bad("ratio of 1", BASE.replace("globalRatio: 0.5", "globalRatio: 1.0"), "prune.select.globalRatio", "must be in (0, 1), got 1.0"),
        bad("compress rate of 1", LAYERWISE.replace("[0.5]*19", "[0.5]*18+[1.0]"),
            "prune.select.compressRate", "compress rate 1.0 at character 11 is outside [0, 1)"),
        bad("compress-rate list of wrong length", LAYERWISE.replace("resnet20", "resnet56").replace("[0.5]*19", "[0.5]*13"),
            "prune.select.compressRate", "expected 55 rates for resnet56 (one per Conv), got 13"),
        bad("compress rates that break minChannels", LAYERWISE.replace("\"[0.5]*19\"", "\"[0.9]*19\", minChannels: 4"),
            "prune.select.compressRate", "fewer than minChannels 4; the largest ratio allowed is 0.75"),
        bad("cap of 0", BASE.replace("globalRatio: 0.5", "globalRatio: 0.5, maxPruningRatio: 0"),
            "prune.select.maxPruningRatio", "must be in (0, 1] (the largest fraction of one group's channels removed), got 0.0"),
        bad("unknown normalization", BASE.replace("globalRatio: 0.5", "globalRatio: 0.5, normalization: median"),
            "prune.select.normalization", "expected one of max, mean, l2, none, got 'median'"),
        bad("compress rates above the cap", LAYERWISE.replace("\"[0.5]*19\"", "\"[0.9]*19\", maxPruningRatio: 0.5"),
            "prune.select.compressRate", "would remove more than maxPruningRatio 0.5 of it"),
        bad("roundTo negative", BASE.replace("globalRatio: 0.5", "globalRatio: 0.5, roundTo: -1"), "prune.select.roundTo", "must be >= 0, got -1"),
        bad("excluded node missing", BASE.replace("globalRatio: 0.5", "globalRatio: 0.5, exclude: [conv9]"),
            "prune.select.exclude[0]", "graph 'resnet20' has no node 'conv9'"),
        bad("config entry emptying layers", BASE.replace("{globalRatio: 0.5}", "{configList: [{opTypes: [Conv], sparsity: 1.0}]}"),
            "prune.select.configList[0].sparsity", "must be in [0, 1): 1 would remove every filter"),
        bad("method of another granularity", BASE.replace("{globalRatio: 0.5}", "{globalRatio: 0.5, nm: \"2:4\"}"),
            "prune.select.nm", "applies to granularity n:m, not channel"),
        bad("n:m not like 2:4", BASE.replace("prune: {criterion: l1, select: {globalRatio: 0.5}}", "prune: {granularity: \"n:m\", select: {nm: \"2-4\"}}"),
            "prune.select.nm", "expected N:M with 1 <= N < M, like \"2:4\"; got '2-4'"),
        bad("n:m with N >= M", BASE.replace("prune: {criterion: l1, select: {globalRatio: 0.5}}", "prune: {granularity: \"n:m\", select: {nm: \"4:4\"}}"),
            "prune.select.nm", "got '4:4'"),
        bad("criterion with unstructured", BASE.replace("{criterion: l1, select: {globalRatio: 0.5}}",
            "{granularity: unstructured, criterion: l1, select: {globalSparsity: 0.5}}"),
            "prune.criterion", "applies to channel pruning only; granularity unstructured prunes by weight magnitude"),
        bad("unknown granularity", BASE.replace("{criterion: l1,", "{granularity: filter, criterion: l1,"),
            "prune.granularity", "unknown granularity 'filter'; valid: channel, unstructured, n:m"),
        bad("unknown mode", BASE.replace("mode: oneshot", "mode: twoshot"), "schedule.mode", "unknown mode 'twoshot'; valid: oneshot, layerwise"),
        bad("negative epochs", BASE.replace("epochs: 1", "epochs: -1"), "schedule.finetune.epochs", "must be >= 0, got -1"),
        bad("fractional epochs", BASE.replace("epochs: 1", "epochs: 1.5"), "schedule.finetune.epochs", "expected an integer, got the number 1.5"),
        bad("setting of another mode", BASE.replace("finetune: {epochs: 1}", "finetune: {epochs: 1}, perStep: {epochs: 1}"),
            "schedule.perStep", "not a setting of mode oneshot; mode oneshot takes: finetune"),
        bad("layerwise without finalTune", LAYERWISE.replace(", finalTune: {epochs: 2}", ""), "schedule.finalTune", "required for this mode"),
        bad("layerwise with a global ratio", LAYERWISE.replace("compressRate: \"[0.5]*19\"", "globalRatio: 0.5"),
            "prune.select.globalRatio", "mode layerwise needs per-layer rates: compressRate or configList"),
        bad("layerwise on unstructured", LAYERWISE.replace("{criterion: l1, select: {compressRate: \"[0.5]*19\"}}", "{granularity: unstructured}"),
            "schedule.mode", "layerwise needs granularity channel; prune.granularity is unstructured"),
        bad("stages without reductions", BASE.replace("{globalRatio: 0.5}", "{}").replace("{mode: oneshot, finetune: {epochs: 1}}", "{mode: stages, perStage: {epochs: 1}}"),
            "schedule.flopsReductions", "required for mode stages"),
        bad("stages with a selection method", BASE.replace("{mode: oneshot, finetune: {epochs: 1}}", "{mode: stages, flopsReductions: [0.3], perStage: {epochs: 1}}"),
            "prune.select.globalRatio", "not used by mode stages: each stage's target is in schedule.flopsReductions"),
        bad("falling stage reductions", BASE.replace("{globalRatio: 0.5}", "{}")
            .replace("{mode: oneshot, finetune: {epochs: 1}}", "{mode: stages, flopsReductions: [0.3, 0.2], perStage: {epochs: 1}}"),
            "schedule.flopsReductions[1]", "must rise strictly within (0, 1): 0.2 after 0.3"),
        bad("gradual too short", GRADUAL.replace("epochs: 8", "epochs: 4"),
            "schedule.finetune.epochs", "must be more than endEpoch (6, counted from 0) to reach the target sparsity, got 4"),
        // the target applies before epoch endEpoch, which a run of endEpoch epochs never starts
        bad("gradual ending as its target would apply", GRADUAL.replace("epochs: 8", "epochs: 6"),
            "schedule.finetune.epochs", "must be more than endEpoch (6, counted from 0)"),
        bad("gradual with a global sparsity", GRADUAL.replace("{granularity: unstructured}", "{granularity: unstructured, select: {globalSparsity: 0.5}}"),
            "prune.select.globalSparsity", "not used by mode gradual: schedule.targetSparsity sets the sparsity, prune.select.sparsityRules per layer"),
        bad("gradual rule out of range", GRADUAL.replace("{granularity: unstructured}", "{granularity: unstructured, select: {sparsityRules: 'Conv=1.2'}}"),
            "prune.select.sparsityRules", "sparsity 1.2 is outside [0, 1)"),
        bad("gradual rule naming a missing node", GRADUAL.replace("{granularity: unstructured}",
            "{granularity: unstructured, select: {sparsityRules: 'node:conv9=0.5'}}"), "prune.select.sparsityRules", "conv9"),
        bad("gradual rules on a curve to 0", GRADUAL.replace("{granularity: unstructured}",
            "{granularity: unstructured, select: {sparsityRules: 'Gemm=0.9'}}").replace("targetSparsity: 0.8", "targetSparsity: 0"),
            "schedule.targetSparsity", "must be > 0 with prune.select.sparsityRules"),
        bad("unstructured stages without sparsities", SPARSE_STAGES.replace("sparsities: [0.3, 0.5, 0.7], ", ""),
            "schedule.sparsities", "required for mode stages with granularity unstructured: each stage's sparsity, rising in (0, 1)"),
        bad("stage sparsities falling", SPARSE_STAGES.replace("[0.3, 0.5, 0.7]", "[0.5, 0.3]"),
            "schedule.sparsities[1]", "must rise strictly within (0, 1): 0.3 after 0.5"),
        bad("a stage sparsity of 1", SPARSE_STAGES.replace("[0.3, 0.5, 0.7]", "[0.5, 1.0]"),
            "schedule.sparsities[1]", "must rise strictly within (0, 1): 1.0 after 0.5"),
        bad("a stage sparsity of 0", SPARSE_STAGES.replace("[0.3, 0.5, 0.7]", "[0.0, 0.5]"),
            "schedule.sparsities[0]", "must rise strictly within (0, 1): 0.0 after 0.0"),
        bad("unstructured stages with FLOPs reductions", SPARSE_STAGES.replace("sparsities:", "flopsReductions: [0.2], sparsities:"),
            "schedule.flopsReductions", "applies to granularity channel; unstructured stages take schedule.sparsities"),
        bad("channel stages with sparsities", BASE.replace("{globalRatio: 0.5}", "{}")
            .replace("{mode: oneshot, finetune: {epochs: 1}}", "{mode: stages, flopsReductions: [0.3], sparsities: [0.5], perStage: {epochs: 1}}"),
            "schedule.sparsities", "applies to granularity unstructured; channel stages take schedule.flopsReductions"),
        bad("unstructured stages with a selection method", SPARSE_STAGES.replace("{granularity: unstructured}",
            "{granularity: unstructured, select: {globalSparsity: 0.5}}"),
            "prune.select.globalSparsity", "not used by mode stages: each stage's target is in schedule.sparsities"),
        bad("n:m stages", SPARSE_STAGES.replace("{granularity: unstructured}", "{granularity: \"n:m\", select: {nm: \"2:4\"}}"),
            "schedule.mode", "stages needs granularity channel or unstructured; prune.granularity is n:m"),
        bad("slimming without percent", BASE.replace("{criterion: l1, select: {globalRatio: 0.5}}", "{}")
            .replace("{mode: oneshot, finetune: {epochs: 1}}", "{mode: slimming, sparsityTraining: {epochs: 1}, finetune: {epochs: 1}}"),
            "schedule.percent", "required for mode slimming"),
        bad("slimming without BatchNorm", BASE.replace("zoo: resnet20", "zoo: lenet5").replace("{criterion: l1, select: {globalRatio: 0.5}}", "{}")
            .replace("{mode: oneshot, finetune: {epochs: 1}}", "{mode: slimming, percent: 0.3, sparsityTraining: {epochs: 1}, finetune: {epochs: 1}}"),
            "schedule.mode", "slimming needs BatchNormalization after prunable layers; graph 'lenet5' has none"),
        bad("multistep without milestones", BASE.replace("finetune: {epochs: 1}", "finetune: {epochs: 4, lrSchedule: {type: multistep}}"),
            "schedule.finetune.lrSchedule.milestones", "required for multistep"),
        bad("only sgd", BASE.replace("finetune: {epochs: 1}", "finetune: {epochs: 1, optimizer: {type: adam}}"),
            "schedule.finetune.optimizer.type", "expected sgd (the only optimizer), got 'adam'"),
        bad("eval device", BASE + "eval: {devices: [tpu]}\n", "eval.devices[0]", "expected cpu or gpu, got 'tpu'"));
  }

  private static Arguments bad(String what, String yaml, String path, String message) {
    return Arguments.of(what, yaml, path, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusesWithTheFieldAndReason(String what, String yaml, String path, String message) {
    InvalidJobSpecException e = assertThrows(InvalidJobSpecException.class, () -> JobSpecs.parseYaml(yaml));
    List<SpecProblem> problems = e.problems();
    assertEquals(1, problems.size(), "exactly one problem expected, got " + problems);
    assertEquals(path, problems.get(0).path(), problems.toString());
    assertTrue(problems.get(0).message().contains(message), "message '" + problems.get(0).message() + "' lacks '" + message + "'");
    assertTrue(e.getMessage().contains(problems.get(0).toString()));
  }

  @Test
  void baseIsValid() {
    assertEquals("t", JobSpecs.parseYaml(BASE).name());
    assertEquals(List.of(), JobSpecs.problems(JobSpecs.parseYaml(LAYERWISE)));
    assertEquals(List.of(), JobSpecs.problems(JobSpecs.parseYaml(GRADUAL)));
    assertEquals(List.of(), JobSpecs.problems(JobSpecs.parseYaml(SPARSE_STAGES)));
    assertEquals(List.of(), JobSpecs.problems(JobSpecs.parseYaml(GRADUAL.replace("{granularity: unstructured}",
        "{granularity: unstructured, select: {sparsityRules: 'Conv[1]=0.3; Gemm=0.9'}}"))), "per-layer rules in a gradual job");
  }

  @Test
  void reportsEveryProblemTogether() {
    String yaml = BASE.replace("resnet20", "resnet57").replace("kind: cifar10", "kind: svhn").replace("epochs: 1", "epochs: -1")
        + "owner: me\n";
    InvalidJobSpecException e = assertThrows(InvalidJobSpecException.class, () -> JobSpecs.parseYaml(yaml));
    assertEquals(List.of("owner", "model.zoo", "dataset.kind", "schedule.finetune.epochs"), e.problems().stream().map(SpecProblem::path).toList());
    assertTrue(e.getMessage().startsWith("invalid job spec (4 problems):\n  owner: unknown field"), e.getMessage());
  }

  @Test
  void jsonIsAsStrictAsYaml() {
    String json = "{\"name\": \"t\", \"modle\": {}}";
    InvalidJobSpecException e = assertThrows(InvalidJobSpecException.class, () -> JobSpecs.parseJson(json));
    assertEquals(new SpecProblem("modle", "unknown field; did you mean 'model'? valid fields: version, name, seed, task, model, baseline, dataset, prune, schedule, eval"),
        e.problems().get(0));
    assertTrue(e.problems().stream().anyMatch(p -> p.path().equals("model") && p.message().startsWith("required")), e.problems().toString());
  }

  @Test
  void refusesASecondJsonValueAfterTheSpec() {
    InvalidJobSpecException e = assertThrows(InvalidJobSpecException.class, () -> JobSpecs.parseJson("{\"name\": \"t\"}\n{\"name\": \"u\"}"));
    assertEquals(List.of(new SpecProblem("", "more than one JSON document: another starts at line 2, column 1; send one spec")), e.problems());
  }

  @Test
  void malformedJsonNamesTheLine() {
    InvalidJobSpecException e = assertThrows(InvalidJobSpecException.class, () -> JobSpecs.parseJson("{\"name\": \"t\",\n \"model\": }"));
    assertEquals(1, e.problems().size());
    assertTrue(e.problems().get(0).message().startsWith("malformed JSON at line 2, column "), e.problems().toString());
  }
}
