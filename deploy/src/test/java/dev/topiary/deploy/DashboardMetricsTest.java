package dev.topiary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every dashboard queries only metrics the services export (src/test/resources/exported-metrics.txt,
 * the list the services' runtime scrape confirms) or documented external ones; the Job detail
 * dashboard reads only the gateway fields documented in deploy/README.md, and no query filters on
 * a job id (a job id is never a Prometheus label).
 */
class DashboardMetricsTest {
  private static final List<String> DASHBOARDS = List.of("pipeline-overview.json", "workers.json", "job-detail.json");
  /** GET /api/v1/jobs/{id}: the fields deploy/README.md documents. */
  static final Set<String> JOB_FIELDS = Set.of("state", "epochs", "step", "epoch", "trainLoss", "trainAccuracy",
      "valLoss", "valAccuracy", "learningRate", "evaluations", "top1", "params", "macs", "sizeBytes", "latency",
      "device", "runtime", "batchSize", "medianMs", "p90Ms", "point", "map50", "map5095");

  static Set<String> exported() throws IOException {
    Set<String> names = new HashSet<>();
    for (String line : Files.readAllLines(Path.of("src/test/resources/exported-metrics.txt"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        names.add(line.strip());
      }
    }
    return names;
  }

  static List<String> unknown(Path dashboard) throws IOException {
    Set<String> known = exported();
    known.addAll(DashboardQueries.EXTERNAL);
    List<String> unknown = new ArrayList<>(DashboardQueries.metricNames(dashboard));
    unknown.removeAll(known);
    return unknown;
  }

  @Test
  void dashboardsQueryOnlyExportedOrExternalMetrics() throws IOException {
    for (String name : DASHBOARDS) {
      assertEquals(List.of(), unknown(Repo.root().resolve("deploy/grafana/" + name)), name);
    }
  }

  @Test
  void anUnknownMetricIsCaught() throws IOException {
    Path bad = Files.createTempFile(Path.of("target"), "bad", ".json");
    Files.writeString(bad, "{\"panels\": [{\"targets\": [{\"expr\": \"sum(rate(topiary_stage_durations_seconds_count[5m]))\"}]}]}");
    assertEquals(List.of("topiary_stage_durations_seconds_count"), unknown(bad));
  }

  @Test
  void noQueryFiltersOnAJobId() {
    for (String name : DASHBOARDS) {
      for (String query : DashboardQueries.promQueries(Repo.root().resolve("deploy/grafana/" + name))) {
        assertFalse(query.matches("(?s).*\\b(job_id|jobId)\\b.*"), name + ": " + query);
      }
    }
  }

  @Test
  void jobDetailReadsOnlyDocumentedGatewayFields() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(Repo.root().resolve("deploy/grafana/job-detail.json").toFile());
    Set<String> used = new TreeSet<>();
    int targets = 0;
    for (JsonNode panel : dashboard.path("panels")) {
      assertEquals("yesoreyeram-infinity-datasource", panel.path("datasource").path("type").asText(), panel.path("title").asText());
      for (JsonNode target : panel.path("targets")) {
        targets++;
        assertEquals("/api/v1/jobs/${job_id}", target.path("url").asText());
        used.addAll(fieldsOf(target.path("root_selector").asText()));
      }
    }
    assertTrue(targets >= 6, "targets: " + targets);
    used.removeAll(JOB_FIELDS);
    assertEquals(Set.of(), used, "fields the gateway does not document");
  }

  /** The input fields a JSONata root selector reads: bare words outside strings, not functions or outputs. */
  static Set<String> fieldsOf(String jsonata) {
    String code = jsonata.replaceAll("\"[^\"]*\"\\s*:", " ").replaceAll("\"[^\"]*\"", " ");
    Set<String> fields = new TreeSet<>();
    var m = java.util.regex.Pattern.compile("(?<![$\\w])([A-Za-z_]\\w*)(?!\\s*\\()").matcher(code);
    while (m.find()) {
      fields.add(m.group(1));
    }
    return fields;
  }

  @Test
  void aFieldTheGatewayDoesNotDocumentIsCaught() {
    Set<String> fields = fieldsOf("evaluations.{\"run\": $string(step), \"p99\": p99Ms}");
    fields.removeAll(JOB_FIELDS);
    assertEquals(Set.of("p99Ms"), fields);
  }
}
