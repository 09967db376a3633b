package dev.topiary.deploy;

import java.util.List;
import java.util.Set;

/**
 * One Topiary container as a deployment file declares it.
 *
 * @param where the file and entry, for messages ({@code docker-compose.yml services.rank-service-gpu})
 * @param module the module it runs (from the build context or the image {@code topiary/<module>})
 * @param dockerfile the Dockerfile it is built from, null when the file does not say
 * @param env the names of its environment variables
 * @param ports the container ports it declares
 * @param checks its HTTP health checks and probes
 * @param unresolved references the file makes that it does not define (an envFrom ConfigMap)
 */
public record Container(String where, String module, String dockerfile, Set<String> env, Set<Integer> ports,
    List<HttpCheck> checks, List<String> unresolved) {

  /** An HTTP GET a health check or probe makes: port -1 when a named port did not resolve. */
  public record HttpCheck(int port, String path) {}
}
