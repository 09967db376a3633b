package dev.topiary.engine.prune.importance;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Uniform random scores in [0, 1), the baseline every criterion should beat. Seeded: the same
 * seed and dependency graph give the same scores; each group draws from its own stream, derived
 * from the seed and the group's id. Needs no data.
 */
public final class RandomImportance implements Importance {
  private final long seed;

  public RandomImportance(long seed) {
    this.seed = seed;
  }

  public long seed() {
    return seed;
  }

  @Override
  public String name() {
    return "random";
  }

  @Override
  public boolean needsData() {
    return false;
  }

  @Override
  public GroupScores score(Model model, DependencyGraph deps, ScoringData dataOrNull) {
    Checks.sameGraph(model, deps);
    Map<Integer, float[]> scores = new LinkedHashMap<>();
    SplittableRandom root = new SplittableRandom(seed);
    for (ChannelGroup g : deps.groups()) {
      SplittableRandom r = root.split(); // one stream per group, prunable or not, so ids line up
      if (g.prunable()) {
        float[] s = new float[g.units()];
        for (int u = 0; u < s.length; u++) {
          s[u] = (r.nextInt() >>> 8) * 0x1.0p-24f; // 24 random bits: exactly uniform on a float grid in [0, 1)
        }
        scores.put(g.id(), s);
      }
    }
    return new GroupScores(name(), scores, Map.of(), 0, 0);
  }
}
