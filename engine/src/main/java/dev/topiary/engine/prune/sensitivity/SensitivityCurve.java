package dev.topiary.engine.prune.sensitivity;

import java.util.List;

/**
 * How one group's accuracy responds to pruning it alone, without fine-tuning.
 *
 * @param groupId the group in the analysed model's dependency graph
 * @param groupName its name (first producer)
 * @param units its size
 * @param points one per ratio tried, ascending
 */
public record SensitivityCurve(int groupId, String groupName, int units, List<Point> points) {
  /**
   * One measurement.
   *
   * @param ratio the fraction asked for
   * @param removed units actually removed (floor of ratio times units, at most units - 1)
   * @param accuracy top-1 after pruning
   * @param drop baseline accuracy minus {@code accuracy}
   * @param macsReduction fraction of the whole model's MACs removed by this cut alone
   */
  public record Point(double ratio, int removed, double accuracy, double drop, double macsReduction) {}

  public SensitivityCurve {
    points = List.copyOf(points);
  }

  /**
   * The largest ratio whose drop stays within {@code maxDrop}, interpolating linearly between the
   * measured points, scanning up from ratio 0 (drop 0) and stopping at the first point over it.
   */
  public double ratioWithin(double maxDrop) {
    double prevRatio = 0;
    double prevDrop = 0;
    for (Point p : points) {
      if (p.drop() > maxDrop) {
        if (p.drop() <= prevDrop) {
          return prevRatio;
        }
        return prevRatio + (maxDrop - prevDrop) / (p.drop() - prevDrop) * (p.ratio() - prevRatio);
      }
      prevRatio = p.ratio();
      prevDrop = Math.max(prevDrop, p.drop());
    }
    return prevRatio;
  }
}
