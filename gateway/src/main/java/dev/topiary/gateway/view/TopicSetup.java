package dev.topiary.gateway.view;

import dev.topiary.pipeline.event.Topics;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.jboss.logging.Logger;

/**
 * Creates the Topiary topics that do not exist yet ({@link Topics#all}, {@link Topics#PARTITIONS}
 * each, the broker's default replication), so that a fresh broker serves a fresh stack and the
 * view's readiness can be reached. Existing topics are left alone; a broker that refuses (no
 * permission: topics provisioned elsewhere) is logged, not fatal.
 */
final class TopicSetup {
  private static final Logger LOG = Logger.getLogger(TopicSetup.class);

  private TopicSetup() {}

  /** @return the topics created */
  static Set<String> ensure(String bootstrapServers) {
    try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000))) {
      Set<String> missing = new HashSet<>(Topics.all());
      missing.removeAll(admin.listTopics().names().get(15, TimeUnit.SECONDS));
      if (!missing.isEmpty()) {
        List<NewTopic> topics = missing.stream().map(t -> new NewTopic(t, Optional.of(Topics.PARTITIONS), Optional.empty())).toList();
        admin.createTopics(topics).all().get(15, TimeUnit.SECONDS);
        LOG.infof("created topics %s", missing);
      }
      return missing;
    } catch (ExecutionException | TimeoutException e) {
      LOG.warnf("could not check or create the topics (%s); the job view waits for them", e.getMessage());
      return Set.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Set.of();
    }
  }
}
