package dev.topiary.gateway.api;

import dev.topiary.gateway.auth.CallerTenant;
import dev.topiary.gateway.view.EventPosition;
import dev.topiary.gateway.view.JobState;
import dev.topiary.gateway.view.JobView;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * {@code GET /api/v1/jobs/{id}/events}: the job's events as server-sent events, live. Each SSE
 * event is named by the event type, carries its JSON, and has as id the event's {@link
 * EventPosition} ({@code 5.1.2.EpochTuned}), which a restarted gateway gives the same event again.
 * What happened so far is sent first, in the job's canonical order (by step, attempt, epoch; the
 * ending last); then new events as the view receives them. The stream ends after the job ended.
 *
 * <p>A client that lost the stream asks again with {@code Last-Event-ID}: the id of the last event
 * it processed. It gets the events after that one in the canonical order, then the live ones. A
 * job's events arrive in that order (each step starts from the end of the one before), so the
 * events after the last one processed are the ones it has not seen. Before the view caught up with
 * the topics after a start (the events of one job still coming back topic by topic) the answer is
 * 503, so a resumed stream never skips an event that had not come back yet.
 */
@SecurityRequirement(name = "bearer")
@Path("/api/v1/jobs/{id}/events")
public class JobEventsResource {
  /** The request header that resumes a stream (the SSE standard's). */
  public static final String LAST_EVENT_ID = "Last-Event-ID";

  @Inject
  JobView view;

  @Inject
  CallerTenant caller;

  @GET
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public Multi<OutboundSseEvent> events(@PathParam("id") String id, @HeaderParam(LAST_EVENT_ID) String lastEventId, @Context Sse sse) {
    if (!view.caughtUp()) {
      throw new ApiException(503, List.of(new ErrorBody.FieldError("",
          "the gateway is reading the event topics after its start; try again in a few seconds")));
    }
    EventPosition after = lastEventId == null || lastEventId.isBlank() ? null : parse(lastEventId);
    JobState job = OwnJobs.find(view, caller.get(), id);
    return Multi.createFrom().emitter(em -> new Feed(job, sse, em).start(after));
  }

  private static EventPosition parse(String lastEventId) {
    try {
      return EventPosition.parse(lastEventId);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(LAST_EVENT_ID, e.getMessage());
    }
  }

  /**
   * One request's stream: the events so far, then the live ones, in that order. Live events that
   * come while the ones so far are being sent wait in {@code pending}; the tail's thread (holding
   * the job's lock) only ever waits on this feed's lock, never the other way round.
   */
  private static final class Feed {
    private final JobState job;
    private final Sse sse;
    private final MultiEmitter<? super OutboundSseEvent> em;
    private final List<JobState.StreamEvent> pending = new ArrayList<>();
    private boolean caughtUp;

    Feed(JobState job, Sse sse, MultiEmitter<? super OutboundSseEvent> em) {
      this.job = job;
      this.sse = sse;
      this.em = em;
    }

    void start(EventPosition after) {
      Consumer<JobState.StreamEvent> listener = this::live;
      List<JobState.StreamEvent> sofar = job.subscribe(after, listener);
      em.onTermination(() -> job.unsubscribe(listener));
      synchronized (this) {
        sofar.forEach(this::emit);
        pending.forEach(this::emit);
        pending.clear();
        caughtUp = true;
      }
      if (job.phase().ended()) {
        em.complete();
      }
    }

    private void live(JobState.StreamEvent e) {
      synchronized (this) {
        if (!caughtUp) {
          pending.add(e);
          return;
        }
        emit(e);
      }
      if (job.phase().ended()) {
        em.complete();
      }
    }

    private void emit(JobState.StreamEvent e) {
      em.emit(sse.newEventBuilder().id(e.id()).name(e.type()).mediaType(MediaType.APPLICATION_JSON_TYPE).data(e.json()).build());
    }
  }
}
