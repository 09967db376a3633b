package dev.topiary.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.event.Topics;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.plan.Submission;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.service.testing.EventBus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * Two instances of the fine-tune service form one consumer group and share the partitions: jobs
 * whose ids land on every partition are trained by both instances, and every job completes.
 */
class ScaleOutTest {
  private static final String SPEC = "name: %s\nmodel: {zoo: lenet5}\nbaseline: {epochs: 1, optimizer: {lr: 0.05}}\n"
      + "dataset: {kind: fashion-mnist, trainLimit: 256, testLimit: 64, batchSize: 64}\n"
      + "prune: {criterion: l1, select: {targetFlopsReduction: 0.5}}\nschedule: {mode: oneshot, finetune: {epochs: 0}}\n"
      + "eval: {batchSizes: [1]}\n";

  @Test
  void twoFinetuneInstancesShareTheJobsOfOneConsumerGroup() throws Exception {
    ServiceSpec second = new ServiceSpec("finetune-service-2", "finetune-service", ServiceSpec.FINETUNE.port());
    List<ServiceSpec> services = new ArrayList<>(ServiceSpec.STAGES);
    services.add(second);
    try (LocalStack stack = EndToEndContract.stackBuilder("scale-out-run").optServices(services).start();
        ArtifactStore store = stack.store(); EventBus bus = new EventBus(stack.bootstrapServers())) {
      List<String> jobs = jobIdsCoveringEveryPartition();
      for (String id : jobs) {
        JobSubmitted s = Submission.prepare(store, id, JobSpecs.parseYaml(SPEC.formatted(id)), Instant.now());
        bus.publish(s);
      }
      for (String id : jobs) {
        List<ModelEvaluated> done = bus.awaitEvents(id, ModelEvaluated.class, 2, Duration.ofMinutes(6));
        assertEquals(2, done.size(), "baseline and final evaluations of " + id);
      }
      double first = epochsCompleted(stack.service(ServiceSpec.FINETUNE.name()));
      double other = epochsCompleted(stack.service(second.name()));
      assertEquals(jobs.size(), first + other, 0.0, "one baseline epoch per job, each trained once");
      assertTrue(first > 0 && other > 0, "both instances trained: " + first + " and " + other);
    }
  }

  /** One job id per partition of the event topics, by Kafka's default partitioner (murmur2 of the key). */
  private static List<String> jobIdsCoveringEveryPartition() {
    List<String> ids = new ArrayList<>();
    Set<Integer> covered = new TreeSet<>();
    for (int i = 0; covered.size() < Topics.PARTITIONS; i++) {
      String id = "scale-" + i;
      int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % Topics.PARTITIONS;
      if (covered.add(partition)) {
        ids.add(id);
      }
    }
    return ids;
  }

  private static double epochsCompleted(ServiceProcess p) throws Exception {
    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(p.url() + "/q/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return body.lines().filter(l -> l.startsWith("topiary_epochs_completed_total{")).mapToDouble(l -> Double.parseDouble(
        l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
