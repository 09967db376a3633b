package dev.topiary.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Malformed Kafka records for the fuzz tests of every consumer, made from one valid record of the
 * topic (a JSON event): garbage bytes, empty, null and invalid UTF-8 values, the JSON truncated,
 * nested past any parser's limit, of an unknown type, of schema version 99, without a type, as a
 * list or a number, with a number past 64 bits, a job id that is a path, a 900 KB value, a 100 KB
 * key, the valid record itself (whose job, for the caller, does not exist), and from the seed,
 * byte flips and truncations. The same seed and count give the same records.
 */
public final class BadRecords {
  /** The system property of the record count ({@link #DEFAULT_COUNT} by default) and of the seed ({@code topiary.fuzz.seed}). */
  public static final String COUNT = "topiary.fuzz.records";
  public static final String SEED = "topiary.fuzz.seed";
  public static final int DEFAULT_COUNT = 24;

  /** One record to publish: what is wrong with it, its key (may be null) and value (may be null). */
  public record BadRecord(String name, String key, byte[] value) {
    @Override
    public String toString() {
      return name;
    }
  }

  private BadRecords() {}

  /** The count and seed the system properties ask for. */
  public static List<BadRecord> fromProperties(String key, String validJson) {
    return of(Long.getLong(SEED, 16), Integer.getInteger(COUNT, DEFAULT_COUNT), key, validJson);
  }

  /**
   * {@code count} records: the systematic ones first, then random ones from {@code seed}.
   *
   * @param key the valid record's key (a job id); every record's key starts with it, to be told apart
   * @param validJson a valid record's value; it must hold {@code "schemaVersion":1} and {@code "type":"}
   */
  public static List<BadRecord> of(long seed, int count, String key, String validJson) {
    Random rnd = new Random(seed);
    List<BadRecord> systematic = systematic(key, validJson, rnd);
    List<BadRecord> out = new ArrayList<>(systematic.subList(0, Math.min(count, systematic.size())));
    while (out.size() < count) {
      byte[] b = validJson.getBytes(StandardCharsets.UTF_8);
      String k = key + "-" + out.size();
      if (rnd.nextBoolean()) {
        int cut = rnd.nextInt(b.length);
        out.add(new BadRecord("random: truncated to " + cut + " bytes", k, Arrays.copyOf(b, cut)));
      } else {
        StringBuilder where = new StringBuilder();
        for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
          int at = rnd.nextInt(b.length);
          b[at] ^= (byte) (1 << rnd.nextInt(8));
          where.append(where.length() == 0 ? "" : ",").append(at);
        }
        out.add(new BadRecord("random: bytes flipped at " + where, k, b));
      }
    }
    return out;
  }

  private static List<BadRecord> systematic(String key, String valid, Random rnd) {
    byte[] garbage = new byte[256];
    rnd.nextBytes(garbage);
    String withVersion = valid.replaceFirst("\"schemaVersion\"\\s*:\\s*1", "\"schemaVersion\":99");
    String withType = valid.replaceFirst("\"type\"\\s*:\\s*\"[A-Za-z]+\"", "\"type\":\"NoSuchEvent\"");
    String withoutType = valid.replaceFirst("\"type\"\\s*:\\s*\"[A-Za-z]+\"\\s*,", "");
    String padded = valid.replaceFirst("\\{", "{\"padding\":\"" + "x".repeat(900_000) + "\",");
    List<BadRecord> out = new ArrayList<>();
    add(out, "garbage bytes", key, garbage);
    add(out, "an empty value", key, new byte[0]);
    add(out, "a null value", key, (byte[]) null);
    add(out, "the JSON truncated", key, valid.substring(0, valid.length() / 2));
    add(out, "schema version 99", key, withVersion);
    add(out, "a type that does not exist", key, withType);
    add(out, "no type", key, withoutType);
    add(out, "a valid event of a job that does not exist", key, valid);
    add(out, "a 100 KB key", key + "-" + "k".repeat(100_000), valid);
    add(out, "invalid UTF-8", key, new byte[] {'{', (byte) 0xc3, (byte) 0x28, '}'});
    add(out, "10000 levels of nesting", key, "[".repeat(10_000) + "]".repeat(10_000));
    add(out, "a JSON list", key, "[" + valid + "]");
    add(out, "a JSON number", key, "42");
    add(out, "JSON null", key, "null");
    add(out, "a step index of 2^63", key, valid.replaceFirst("\"stepIndex\"\\s*:\\s*\\d+", "\"stepIndex\":9223372036854775808"));
    add(out, "a job id that is a path", key, valid.replaceFirst("\"jobId\"\\s*:\\s*\"[^\"]*\"", "\"jobId\":\"../../etc\""));
    add(out, "a 900 KB value", key, padded);
    add(out, "a null key", null, valid);
    return out;
  }

  private static void add(List<BadRecord> out, String name, String key, String value) {
    add(out, name, key, value.getBytes(StandardCharsets.UTF_8));
  }

  private static void add(List<BadRecord> out, String name, String key, byte[] value) {
    out.add(new BadRecord(name, key == null ? null : key.length() > 100 ? key : key + "-" + out.size(), value));
  }
}
