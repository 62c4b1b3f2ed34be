import { describe, expect, it } from "vitest";
import { State } from "../../src/sklearn/common/index.js";
import { buildAnalyzer } from "../../src/sklearn/feature_extraction/analyzer.js";
import { murmurhash3Signed } from "../../src/sklearn/feature_extraction/murmurhash.js";
import { pythonRegex } from "../../src/sklearn/feature_extraction/python_regex.js";
import { describeFidelity } from "./harness.js";

describeFidelity("text");

const utf8 = new TextEncoder();

describe("text building blocks", () => {
  it("hashes like scikit-learn's murmurhash3_32 (values printed by scikit-learn 1.9)", () => {
    const cases: [string, number, number][] = [
      ["foo", 0, -156908512],
      ["foo", 42, -1322301282],
      ["", 0, 0],
      ["abc", 0, -1277324294],
      ["abcd", 0, 1139631978],
      ["abcde", 123, 1233409349],
      ["héllo wörld", 7, -1762990516],
    ];
    for (const [s, seed, expected] of cases) expect(murmurhash3Signed(utf8.encode(s), seed)).toBe(expected);
  });

  it("tokenizes with Python re's Unicode \\w and \\b (the default token_pattern)", () => {
    const re = pythonRegex("(?u)\\b\\w\\w+\\b");
    const text = "e\u0301tude x²y³ ½ don't a_b 日本語 ٣٤ naïve";
    // re.findall's answer in Python 3.11
    expect(text.match(re)).toEqual(["tude", "x²y³", "don", "a_b", "日本語", "٣٤", "naïve"]);
  });

  it("refuses scikit-learn's built-in English stop-word list by name, and callables", () => {
    const state = (extra: [string, unknown][]) =>
      new State({
        cls: "sklearn.feature_extraction.text.CountVectorizer",
        args: [],
        state: new Map<string, unknown>([
          ["analyzer", "word"],
          ["lowercase", true],
          ["ngram_range", [1, 1]],
          ["token_pattern", "(?u)\\b\\w\\w+\\b"],
          ...extra,
        ]),
      });
    expect(() => buildAnalyzer(state([["stop_words", "english"]]))).toThrow(
      /stop_words='english'.*explicit list/,
    );
    expect(() => buildAnalyzer(state([["tokenizer", { global: "mymodule.tok" }]]))).toThrow(
      /custom tokenizer/,
    );
    const analyze = buildAnalyzer(
      state([
        ["stop_words", ["the"]],
        ["ngram_range", [1, 2]],
      ]),
    );
    expect(analyze("The cat THE dog")).toEqual(["cat", "dog", "cat dog"]);
  });
});
