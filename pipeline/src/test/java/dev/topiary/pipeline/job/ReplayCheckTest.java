package dev.topiary.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.model.PruningStep;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.Surgery;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.zoo.Zoo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A history fits a checkpoint only when every step's node and channels are there and the result is the history's own graph. */
class ReplayCheckTest {
  static final Graph LENET = Zoo.build("lenet5");

  static Model pruned() {
    Model m = Fitter.initialised(LENET, 1);
    DependencyGraph d = DependencyGraph.of(m.graph());
    return Surgery.prune(m, d, d.groupOf("conv2"), new int[] {0, 3}, "t");
  }

  @Test
  void aHistoryOnItsOwnArchitectureFitsAndListsItsCuts() {
    Model p = pruned();
    assertEquals(List.of(), ReplayCheck.problems(LENET, p.history(), p.graph()));
    assertEquals(List.of(new ReplayCheck.GroupCut("conv2", 16, 14)), ReplayCheck.cuts(LENET, p.history()));
  }

  @Test
  void aStepOnANodeTheCheckpointLacksIsNamed() {
    Model p = pruned();
    List<PruningStep> history = List.of(new PruningStep("conv9", new int[] {1}, "t"));
    SpecProblem problem = ReplayCheck.problems(LENET, history, p.graph()).get(0);
    assertEquals(ReplayCheck.FIELD, problem.path());
    assertEquals("step 1 of the history (node conv9): the checkpoint's graph 'lenet5' has no node 'conv9': it is not the architecture the"
        + " history was recorded on", problem.message());
  }

  @Test
  void aChannelTheNodeDoesNotHaveIsAChannelCountMismatch() {
    List<PruningStep> history = List.of(new PruningStep("conv1", new int[] {2, 7}, "t"));
    SpecProblem problem = ReplayCheck.problems(LENET, history, pruned().graph()).get(0);
    assertTrue(problem.message().startsWith("step 1 of the history (node conv1): removes channel 7 but the node has 6 output channels"),
        problem.message());
  }

  @Test
  void aHistoryThatFitsButGivesAnotherGraphIsRefusedAtTheFirstDifferentNode() {
    Model p = pruned();
    List<PruningStep> other = List.of(new PruningStep("conv2", new int[] {0, 3, 4}, "t"));
    SpecProblem problem = ReplayCheck.problems(LENET, other, p.graph()).get(0);
    assertTrue(problem.message().startsWith("node 'conv2' outputs [13, 10, 10] after the history on the checkpoint but [14, 10, 10]"),
        problem.message());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReplayCheck.replay(Fitter.initialised(LENET, 2), other, p.graph()));
    assertTrue(e.getMessage().startsWith("model.replay.history: node 'conv2'"), e.getMessage());
  }
}
