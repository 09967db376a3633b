package dev.topiary.engine.cli;

import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.sparse.MagnitudePruner;
import dev.topiary.engine.prune.sparse.NmPruner;
import dev.topiary.engine.prune.sparse.SparsityMask;
import dev.topiary.engine.prune.sparse.SparsityRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Unstructured pruning: which weights to zero, as masks over the dense model. */
final class SparsityOptions {
  static final List<String> NAMES = List.of("--sparsity-rules", "--global-sparsity", "--nm");

  @Option(names = "--sparsity-rules", description = "per-layer magnitude pruning, e.g. \"Conv[1..2]=0.5; Conv[3..12]=0.8; Gemm=0.99\"")
  String rules;

  @Option(names = "--global-sparsity", description = "magnitude pruning over all Conv and Gemm weights together, e.g. 0.8")
  Double global;

  @Option(names = "--nm", description = "N:M sparsity along input channels, e.g. 2:4")
  String nm;

  /** The masks, and why some layers were left dense. */
  record Masking(SparsityMask mask, Map<ParamKey, String> notes) {}

  List<String> given() {
    List<String> g = new ArrayList<>();
    if (rules != null) {
      g.add("--sparsity-rules");
    }
    if (global != null) {
      g.add("--global-sparsity");
    }
    if (nm != null) {
      g.add("--nm");
    }
    return g;
  }

  /** The masks of the one option given. */
  Masking masks(Model model) {
    if (rules != null) {
      return new Masking(MagnitudePruner.layerwise(model, SparsityRules.parse(rules)), Map.of());
    }
    if (global != null) {
      return new Masking(MagnitudePruner.global(model, global), Map.of());
    }
    if (nm != null) {
      NmPruner.NmPruning p = nmPruner().prune(model);
      return new Masking(p.mask(), p.skipped());
    }
    throw new IllegalStateException("no sparsity option given");
  }

  private NmPruner nmPruner() {
    String[] parts = nm.split(":");
    if (parts.length != 2 || !parts[0].strip().matches("\\d{1,4}") || !parts[1].strip().matches("\\d{1,4}")) {
      throw new IllegalArgumentException("--nm '" + nm + "': expected N:M, e.g. 2:4");
    }
    return NmPruner.of(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
  }
}
