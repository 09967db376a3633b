package dev.topiary.gateway.view;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.topiary.pipeline.event.Topics;
import dev.topiary.testsupport.KafkaBroker;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** A fresh broker gets every Topiary topic with the shared partition count; a second start creates nothing. */
class TopicSetupTest {
  @Test
  void createsTheMissingTopicsOnce() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start()) {
      broker.createTopic(Topics.JOB_SUBMITTED, 2);
      Set<String> expected = new HashSet<>(Topics.all());
      expected.remove(Topics.JOB_SUBMITTED);
      assertEquals(expected, TopicSetup.ensure(broker.bootstrapServers()));
      assertEquals(Set.of(), TopicSetup.ensure(broker.bootstrapServers()));
      try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        var described = admin.describeTopics(Topics.all()).allTopicNames().get();
        assertEquals(Topics.PARTITIONS, described.get(Topics.JOB_REJECTED).partitions().size());
        assertEquals(2, described.get(Topics.JOB_SUBMITTED).partitions().size(), "an existing topic is left alone");
      }
    }
  }
}
