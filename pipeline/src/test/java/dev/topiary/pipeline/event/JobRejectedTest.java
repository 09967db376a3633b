package dev.topiary.pipeline.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobRejectedTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void goldenReadsToTheRejectionAndTheRejectionWritesTheGolden() throws Exception {
    String text = EventCodecTest.golden("job-rejected.json");
    JobRejected read = JobRejected.fromJson(text);
    assertEquals(Fixtures.jobRejected(), read);
    assertEquals(JSON.readTree(text), JSON.readTree(read.toJson()));
    assertTrue(read.toJson().startsWith("{\"type\":\"JobRejected\",\"schemaVersion\":1,\"requestId\":"), read.toJson());
  }

  @Test
  void leavesOutAnUnknownTenantAndIgnoresUnknownFields() {
    JobRejected r = new JobRejected("r1", Instant.parse("2026-03-01T09:00:00Z"), null,
        List.of(new JobRejected.FieldError("authorization", "no token")));
    String json = r.toJson();
    assertTrue(!json.contains("tenant"), json);
    assertEquals(r, JobRejected.fromJson(json.replace("\"errors\"", "\"future\":1,\"errors\"")));
  }

  @Test
  void refusesARejectionWithoutErrorsOrOfAnotherType() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new JobRejected("r1", Instant.EPOCH, "acme", List.of()));
    assertTrue(e.getMessage().startsWith("errors:"), e.getMessage());
    EventFormatException missing = assertThrows(EventFormatException.class, () -> JobRejected.fromJson(
        "{\"type\":\"JobRejected\",\"schemaVersion\":1,\"occurredAt\":\"2026-03-01T09:00:00Z\",\"errors\":[]}"));
    assertEquals("requestId", missing.field());
    assertThrows(EventFormatException.class, () -> JobRejected.fromJson(EventCodecTest.golden("job-failed.json")));
  }
}
