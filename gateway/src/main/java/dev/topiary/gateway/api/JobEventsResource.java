package dev.topiary.gateway.api;

import dev.topiary.gateway.auth.CallerTenant;
import dev.topiary.gateway.view.JobState;
import dev.topiary.gateway.view.JobView;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.function.Consumer;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * {@code GET /api/v1/jobs/{id}/events}: the job's events as server-sent events, live. Each SSE
 * event is named by the event type and carries its JSON; everything so far is replayed first,
 * then new events follow as the view receives them. The stream ends after the job ended.
 */
@SecurityRequirement(name = "bearer")
@Path("/api/v1/jobs/{id}/events")
public class JobEventsResource {
  @Inject
  JobView view;

  @Inject
  CallerTenant caller;

  @GET
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public Multi<OutboundSseEvent> events(@PathParam("id") String id, @Context Sse sse) {
    JobState job = view.find(caller.get(), id).orElseThrow(() -> ApiException.notFound("job " + id));
    return Multi.createFrom().emitter(em -> {
      Consumer<JobState.StreamEvent> listener = e -> {
        em.emit(toSse(sse, e));
        if (job.phase().ended()) {
          em.complete();
        }
      };
      for (JobState.StreamEvent e : job.subscribe(listener)) {
        em.emit(toSse(sse, e));
      }
      em.onTermination(() -> job.unsubscribe(listener));
      if (job.phase().ended()) {
        em.complete();
      }
    });
  }

  private static OutboundSseEvent toSse(Sse sse, JobState.StreamEvent e) {
    return sse.newEventBuilder().name(e.type()).mediaType(MediaType.APPLICATION_JSON_TYPE).data(e.json()).build();
  }
}
