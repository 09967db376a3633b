package dev.topiary.gateway.fuzz;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * The seeded generator of malformed HTTP inputs: job specs (JSON, YAML), model uploads ({@code
 * graph.json} with {@code weights.safetensors}), ONNX uploads and dataset uploads. The same seed
 * and count give the same cases, named {@code #<index> <category>: <what is malformed>}.
 *
 * <p>Cases are dealt round-robin over the categories, so that a short run covers each: within a
 * category, its systematic cases in an order shuffled by the seed, then random ones drawn from the
 * seed once they are spent. A count of five times the largest {@link #systematicCount} runs every
 * systematic case.
 */
public final class FuzzCases {
  /** The system properties that choose a run: how many cases, from which seed, and optionally only those whose name contains a text. */
  public static final String CASES = "topiary.fuzz.cases";
  public static final String SEED = "topiary.fuzz.seed";
  public static final String ONLY = "topiary.fuzz.only";

  /** The short run's size: what {@code ./mvnw verify} runs. */
  public static final int DEFAULT_CASES = 50;
  public static final long DEFAULT_SEED = 16;

  private record Category(List<FuzzCase> systematic, Function<Random, FuzzCase> random) {}

  private FuzzCases() {}

  /** The cases of the run the system properties ask for. */
  public static List<FuzzCase> fromProperties() {
    List<FuzzCase> all = generate(seed(), Integer.getInteger(CASES, DEFAULT_CASES));
    String only = System.getProperty(ONLY, "");
    return only.isEmpty() ? all : all.stream().filter(c -> c.name().contains(only)).toList();
  }

  public static long seed() {
    return Long.getLong(SEED, DEFAULT_SEED);
  }

  /** {@code count} cases from {@code seed}. */
  public static List<FuzzCase> generate(long seed, int count) {
    Random rnd = new Random(seed);
    Map<String, Category> categories = categories();
    Map<String, List<FuzzCase>> decks = new LinkedHashMap<>();
    categories.forEach((name, c) -> {
      List<FuzzCase> deck = new ArrayList<>(c.systematic());
      Collections.shuffle(deck, rnd);
      decks.put(name, deck);
    });
    List<FuzzCase> out = new ArrayList<>();
    Map<String, Integer> dealt = new LinkedHashMap<>();
    while (out.size() < count) {
      for (Map.Entry<String, Category> e : categories.entrySet()) {
        if (out.size() == count) {
          break;
        }
        int i = dealt.merge(e.getKey(), 1, Integer::sum) - 1;
        List<FuzzCase> deck = decks.get(e.getKey());
        FuzzCase c = i < deck.size() ? deck.get(i) : e.getValue().random().apply(rnd);
        out.add(new FuzzCase(c.category(), "#" + out.size() + " " + c.name(), c.request(), c.fields()));
      }
    }
    return out;
  }

  /** How many systematic cases a category has: a run of five times the largest covers them all. */
  public static int systematicCount(String category) {
    return categories().get(category).systematic().size();
  }

  private static Map<String, Category> categories() {
    return Systematic.CATEGORIES;
  }

  /** The systematic cases, built once (they depend on no seed). */
  private static final class Systematic {
    static final Map<String, Category> CATEGORIES = build();

    private static Map<String, Category> build() {
      Map<String, Category> m = new LinkedHashMap<>();
      m.put(SpecCases.JSON, new Category(SpecCases.systematic(SpecCases.JSON), r -> SpecCases.random(SpecCases.JSON, r)));
      m.put(SpecCases.YAML, new Category(SpecCases.systematic(SpecCases.YAML), r -> SpecCases.random(SpecCases.YAML, r)));
      m.put(ModelCases.CATEGORY, new Category(ModelCases.systematic(), ModelCases::random));
      m.put(OnnxCases.CATEGORY, new Category(OnnxCases.systematic(), OnnxCases::random));
      m.put(DatasetCases.CATEGORY, new Category(DatasetCases.systematic(), DatasetCases::random));
      return Collections.unmodifiableMap(m);
    }
  }
}
