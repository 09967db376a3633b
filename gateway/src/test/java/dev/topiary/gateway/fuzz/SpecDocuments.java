package dev.topiary.gateway.fuzz;

import java.util.ArrayList;
import java.util.List;

/** Whole specs that must be refused (JSON and YAML), and {@code compressRate} expressions that must be. */
final class SpecDocuments {
  /** A document case whose errors may name any field: the parser reads it, and what it holds is refused field by field. */
  static final String ANY = "*";

  private SpecDocuments() {}

  /** {expression (a JSON value as text), YAML-only spelling or null}. */
  static List<String[]> compressRates(boolean yaml) {
    List<String[]> r = new ArrayList<>(List.of(
        new String[] {"\"[0.1]*99999999\"", null}, new String[] {"\"[0.5]*-3\"", null}, new String[] {"\"*\"", null},
        new String[] {"\"[0.5]*0\"", null}, new String[] {"\"[0.5]*2147483648\"", null}, new String[] {"\"\"", null},
        new String[] {"\"   \"", null}, new String[] {"\"[0.5]*2+\"", null}, new String[] {"\"[[0.5]]*2\"", null},
        new String[] {"\"[1e-5]*2\"", null}, new String[] {"\"[NaN]*2\"", null}, new String[] {"\"[0.5,]*2\"", null},
        new String[] {"\"[\\uff10.\\uff15]*2\"", null}, new String[] {"\"[\\u0660.\\u0665]*2\"", null},
        new String[] {"\"[0.5]*\\u0662\"", null}, new String[] {"\"[0.5]*2\\u0000\"", null},
        new String[] {"\"" + "[".repeat(200) + "0.5" + "]".repeat(200) + "\"", null},
        new String[] {"\"" + "[0.1]*99999+".repeat(1_500) + "[0.1]\"", null},
        new String[] {"\"[" + "0.1,".repeat(1_000) + "0.1]*100000\"", null},
        new String[] {"[]", null}, new String[] {"[0.5, \"x\"]", null}, new String[] {"[1e308, 0.5]", null},
        new String[] {"[0.5, 1.0]", null}, new String[] {"{\"rate\": 0.5}", null}, new String[] {"true", null}));
    if (yaml) {
      r.add(new String[] {"null", "[.nan, 0.5]"});
      r.add(new String[] {"null", "[.inf, 0.5]"});
    }
    return r;
  }

  /** {label, document} or {label, document, field}: whole specs that must not parse, or parse to nothing valid. */
  static List<String[]> json(String valid) {
    return List.of(
        new String[] {"empty", ""}, new String[] {"whitespace", " \n\t "}, new String[] {"null", "null"},
        new String[] {"a list", "[]"}, new String[] {"a number", "42"}, new String[] {"a string", "\"spec\""},
        new String[] {"unclosed object", "{"}, new String[] {"missing value", "{\"name\": }"},
        new String[] {"trailing garbage", valid + " x"}, new String[] {"two objects", valid + " " + valid},
        new String[] {"a comment", "// c\n" + valid},
        new String[] {"single quotes", valid.replace('"', '\'')}, new String[] {"a NaN token", valid.replace("0.5", "NaN")},
        new String[] {"a duplicate key", valid.replaceFirst("\\{", "{\"name\": \"twice\", ")},
        new String[] {"1001 levels of nesting", "{\"a\":".repeat(1_001) + "1" + "}".repeat(1_001)},
        new String[] {"a number of 5000 digits", valid.replace("0.5", "0." + "5".repeat(5_000))},
        new String[] {"NUL bytes", "\u0000".repeat(64)}, new String[] {"the truncated spec", valid.substring(0, valid.length() / 2)});
  }

  static List<String[]> yaml(String document) {
    String valid = document.replaceFirst("^---\\s*", "");
    StringBuilder laughs = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'i'; c++) {
      laughs.append(c).append(": &").append(c).append(" [").append(("*" + (char) (c - 1) + ",").repeat(8))
          .append('*').append((char) (c - 1)).append("]\n");
    }
    StringBuilder aliases = new StringBuilder("x: &x lol\nnotes:\n");
    aliases.append("  - *x\n".repeat(2_500));
    return List.of(
        new String[] {"empty", ""}, new String[] {"only a comment", "# nothing\n"}, new String[] {"null", "~\n"},
        new String[] {"a list", "- name: fuzz\n"}, new String[] {"a scalar", "fuzz\n"},
        new String[] {"billion laughs", laughs + valid, ANY},
        new String[] {"billion laughs as the name", laughs + valid.replaceFirst("(?m)^name: .*$", "name: *i"), ANY},
        new String[] {"an alias as the name", "x: &n fuzz\n" + valid.replaceFirst("(?m)^name: .*$", "name: *n"), "name"},
        new String[] {"2500 aliases", aliases + valid, ANY}, new String[] {"an undefined alias", valid + "seed: *nowhere\n", "seed"},
        new String[] {"a duplicate key", valid + "name: \"twice\"\n"},
        new String[] {"a python tag", valid + "seed: !!python/object/apply:os.system [\"id\"]\n", ANY},
        new String[] {"a binary tag", valid + "seed: !!binary aGVsbG8=\n", "seed"}, new String[] {"two documents", valid + "---\n" + valid},
        new String[] {"a merge key", "base: &b {kind: mnist}\n" + valid.replace("dataset:\n", "dataset:\n  <<: *b\n"), "dataset"},
        new String[] {"a tab indent", valid.replace("\n  ", "\n\t")}, new String[] {"an unclosed flow list", valid + "seed: [1, 2\n"},
        new String[] {"60 levels of nesting", "a: " + "[".repeat(60) + "]".repeat(60) + "\n" + valid, "a"},
        new String[] {"a YAML 9.9 directive", "%YAML 9.9\n---\n" + valid}, new String[] {"NUL bytes", "\u0000".repeat(64)},
        new String[] {"the spec cut before its schedule", valid.substring(0, valid.indexOf("schedule:")), "schedule"});
  }
}
