package dev.topiary.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metric names a Grafana dashboard queries: every PromQL string in its panels' targets
 * ({@code expr}, nested rows included) and in its Prometheus template variables ({@code
 * label_values(metric, label)}, {@code query_result(expr)}). Functions, aggregations, keywords,
 * label names (in braces, {@code by (...)}, {@code on (...)} and the like), strings, numbers,
 * durations and Grafana variables are not metric names.
 *
 * <p>Stateless; the parse is lexical (no PromQL grammar), which is enough for names: an identifier
 * followed by {@code (} is a function, one in a label list or matcher is a label.
 */
public final class DashboardQueries {
  /**
   * Metrics the dashboards may query that no Topiary service exports: NVIDIA's DCGM exporter
   * (GPU Operator), scraped beside the services where GPUs are.
   */
  public static final Set<String> EXTERNAL = Set.of("DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED");

  // Aggregations are here too: in "sum by (l) (x)" no parenthesis follows the operator's name.
  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
      "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan", "atan2", "sum", "min", "max",
      "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
      "limitk", "limit_ratio");
  private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring",
      "group_left", "group_right");
  private static final ObjectMapper JSON = new ObjectMapper();

  private DashboardQueries() {}

  /** Every metric name the dashboard at {@code dashboardJson} queries through Prometheus. */
  public static Set<String> metricNames(Path dashboardJson) {
    Set<String> names = new TreeSet<>();
    for (String query : promQueries(dashboardJson)) {
      names.addAll(metricNames(query));
    }
    return names;
  }

  /** The PromQL strings of a dashboard: target expressions and Prometheus variable queries. */
  public static List<String> promQueries(Path dashboardJson) {
    JsonNode root;
    try {
      root = JSON.readTree(dashboardJson.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dashboard " + dashboardJson, e);
    }
    List<String> queries = new ArrayList<>();
    collectExprs(root.path("panels"), queries);
    for (JsonNode variable : root.path("templating").path("list")) {
      if ("query".equals(variable.path("type").asText()) && isPrometheus(variable.path("datasource"))) {
        JsonNode query = variable.path("query");
        String text = query.isTextual() ? query.asText() : query.path("query").asText();
        queries.add(variableExpr(text));
      }
    }
    queries.removeIf(String::isBlank);
    return queries;
  }

  private static boolean isPrometheus(JsonNode datasource) {
    return datasource.isMissingNode() || "prometheus".equals(datasource.path("type").asText())
        || "prometheus".equals(datasource.asText());
  }

  private static void collectExprs(JsonNode node, List<String> out) {
    if (node.isObject()) {
      JsonNode expr = node.get("expr");
      if (expr != null && expr.isTextual()) {
        out.add(expr.asText());
      }
      node.fields().forEachRemaining(e -> {
        if (!e.getKey().equals("expr")) {
          collectExprs(e.getValue(), out);
        }
      });
    } else if (node.isArray()) {
      node.forEach(child -> collectExprs(child, out));
    }
  }

  /** The PromQL inside a variable query: {@code label_values(m, l)} is m, {@code label_values(l)} none. */
  static String variableExpr(String query) {
    String q = query.strip();
    if (q.startsWith("label_values(") && q.endsWith(")")) {
      String args = q.substring("label_values(".length(), q.length() - 1);
      int comma = args.lastIndexOf(',');
      return comma < 0 ? "" : args.substring(0, comma);
    }
    if (q.startsWith("query_result(") && q.endsWith(")")) {
      return q.substring("query_result(".length(), q.length() - 1);
    }
    return q;
  }

  /** The metric names of one PromQL expression. */
  public static Set<String> metricNames(String promql) {
    String s = stripBracketed(stripStrings(promql), '{', '}');
    s = stripBracketed(s, '[', ']');
    Set<String> names = new TreeSet<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '$') {
        i = skipVariable(s, i);
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
        i = skipWhile(s, i, ch -> Character.isLetterOrDigit(ch) || ch == '.' || ch == '_');
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        int end = skipWhile(s, i, ch -> Character.isLetterOrDigit(ch) || ch == '_' || ch == ':');
        String word = s.substring(i, end);
        int next = skipWhile(s, end, Character::isWhitespace);
        boolean call = next < s.length() && s.charAt(next) == '(';
        if (LABEL_LISTS.contains(word) && call) {
          end = s.indexOf(')', next) + 1;
        } else if (!call && !KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
          names.add(word);
        }
        i = end;
      } else {
        i++;
      }
    }
    return names;
  }

  private interface CharTest {
    boolean test(char c);
  }

  private static int skipWhile(String s, int from, CharTest test) {
    int i = from;
    while (i < s.length() && test.test(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int skipVariable(String s, int from) {
    int i = from + 1;
    if (i < s.length() && s.charAt(i) == '{') {
      int close = s.indexOf('}', i);
      return close < 0 ? s.length() : close + 1;
    }
    return skipWhile(s, i, ch -> Character.isLetterOrDigit(ch) || ch == '_');
  }

  private static String stripStrings(String s) {
    StringBuilder out = new StringBuilder(s.length());
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\' && quote != '`') {
          i++;
        } else if (c == quote) {
          quote = 0;
          out.append("\"\"");
        }
      } else if (c == '"' || c == '\'' || c == '`') {
        quote = c;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String stripBracketed(String s, char open, char close) {
    StringBuilder out = new StringBuilder(s.length());
    int depth = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      // ${var} is a Grafana variable, not a matcher: keep it for skipVariable.
      if (c == open && !(open == '{' && i > 0 && s.charAt(i - 1) == '$')) {
        depth++;
      } else if (c == close && depth > 0) {
        depth--;
      } else if (depth == 0) {
        out.append(c);
      }
    }
    return out.toString();
  }
}
