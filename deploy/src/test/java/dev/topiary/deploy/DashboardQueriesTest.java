package dev.topiary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardQueriesTest {
  @Test
  void extractsMetricsNotFunctionsLabelsOrVariables() {
    assertEquals(Set.of("topiary_stage_duration_seconds_bucket"), DashboardQueries.metricNames(
        "histogram_quantile(0.95, sum by (le, stage) (rate(topiary_stage_duration_seconds_bucket{outcome=\"completed\", stage=~\"$stage\"}[$__rate_interval])))"));
    assertEquals(Set.of("a_total", "b_bytes"), DashboardQueries.metricNames(
        "sum without (instance) (increase(a_total[1h] offset 5m)) / on (job) group_left (area) max(b_bytes{x='y'}) * 1e6 > bool 0.5"));
    assertEquals(Set.of("jvm_memory_used_bytes"), DashboardQueries.metricNames(
        "topk(3, jvm_memory_used_bytes{job=~\"${service}\"}) and ignoring(area) count(jvm_memory_used_bytes)"));
  }

  @Test
  void readsTargetsOfNestedRowsAndVariableQueries(@TempDir Path dir) throws Exception {
    Path dashboard = dir.resolve("d.json");
    Files.writeString(dashboard, """
        {"panels": [{"type": "row", "panels": [{"targets": [{"expr": "rate(x_total[5m])"}]}]},
                    {"targets": [{"expr": "up_gauge"}]}],
         "templating": {"list": [
           {"type": "query", "datasource": {"type": "prometheus"}, "query": "label_values(var_metric, job)"},
           {"type": "query", "datasource": {"type": "prometheus"}, "query": {"query": "label_values(job)"}},
           {"type": "textbox", "query": "not_promql"}]}}
        """);
    assertEquals(Set.of("x_total", "up_gauge", "var_metric"), DashboardQueries.metricNames(dashboard));
  }

  @Test
  void realDashboardsQueryMetrics() {
    Set<String> overview = DashboardQueries.metricNames(Repo.root().resolve("deploy/grafana/pipeline-overview.json"));
    assertTrue(overview.contains("topiary_stage_duration_seconds_bucket"), overview::toString);
    assertTrue(DashboardQueries.metricNames(Repo.root().resolve("deploy/grafana/workers.json"))
        .containsAll(DashboardQueries.EXTERNAL));
  }
}
