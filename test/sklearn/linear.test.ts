import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { NDArray } from "../../src/pickle/values.js";
import { FLOAT64 } from "../../src/sklearn/common/index.js";
import { loadEstimator } from "../../src/sklearn/load.js";
import { describeFidelity, FIXTURES } from "./harness.js";

describeFidelity("linear");

describe("linear models check X's finiteness through their scores", () => {
  const load = (file: string) => loadEstimator(readFileSync(join(FIXTURES, "1.9.1/linear", file)));
  const rows = (n: number, cols: number, at: number, v: number): NDArray => {
    const data = new Float64Array(n * cols).fill(0.5);
    data[at] = v;
    return { dtype: FLOAT64, shape: [n, cols], data };
  };

  it("refuses NaN and ±inf naming the first bad cell, in every method", () => {
    for (const [file, method] of [
      ["logreg_multinomial_str.pkl", "predict_proba"],
      ["logreg_binary.pkl", "predict"],
      ["ridge_diabetes.pkl", "predict"],
    ] as const) {
      const est = load(file);
      const cols = est.nFeaturesIn!;
      expect(() => est.call(method, rows(3, cols, cols + 1, Number.NaN))).toThrow(
        /NaN at \[1, 1\]; .* does not accept missing values/,
      );
      expect(() => est.call(method, rows(3, cols, 2 * cols, Number.NEGATIVE_INFINITY))).toThrow(
        /infinity at \[2, 0\]/,
      );
    }
  });

  it("accepts finite X whose scores overflow, as scikit-learn does", () => {
    const est = load("ridge_diabetes.pkl");
    const X = rows(2, est.nFeaturesIn!, 0, 0.5);
    (X.data as Float64Array).fill(1e308);
    expect(() => est.call("predict", X)).not.toThrow();
  });
});
