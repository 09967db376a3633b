package dev.topiary.service;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Stops the service when the process that launched it ends, so that a local stack killed without
 * a chance to clean up ({@code kill -9}, a crashed terminal) leaves no orphan services. Active only
 * when {@value #PARENT_PID} is set, as {@code ./topiary local} does; containers never set it.
 */
@ApplicationScoped
public class ParentWatchdog {
  /** The launcher's process id. */
  public static final String PARENT_PID = "topiary.parent-pid";

  private static final Logger LOG = Logger.getLogger(ParentWatchdog.class);

  void watch(@Observes StartupEvent start, @ConfigProperty(name = PARENT_PID) Optional<Long> parentPid) {
    parentPid.ifPresent(pid -> {
      Optional<ProcessHandle> parent = ProcessHandle.of(pid);
      if (parent.isEmpty()) {
        LOG.errorf("%s=%d is not running: stopping", PARENT_PID, pid);
        Quarkus.asyncExit(1);
        return;
      }
      parent.get().onExit().thenRun(() -> {
        LOG.warnf("launcher %d ended: stopping", pid);
        Quarkus.asyncExit(0);
      });
    });
  }
}
