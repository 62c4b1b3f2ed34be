import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FLOAT64 } from "../../src/sklearn/common/dtypes.js";
import { averagePathLength } from "../../src/sklearn/ensemble/iforest.js";
import { loadEstimator } from "../../src/sklearn/load.js";
import { describeFidelity, FIXTURES } from "./harness.js";

describeFidelity("ensemble");
describeFidelity("ensemble_categorical");

describe("IsolationForest path lengths", () => {
  it("matches scikit-learn's _average_path_length", () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // scikit-learn 1.9: _average_path_length([3, 256])
    expect(averagePathLength(3)).toBeCloseTo(1.207392357589623, 14);
    expect(averagePathLength(256)).toBeCloseTo(10.244770920119917, 13);
  });
});

describe("ensembles refuse what they cannot serve", () => {
  it("a multi-output forest classifier has no predict_proba, with the reason", () => {
    const est = loadEstimator(
      readFileSync(join(FIXTURES, "1.9.1", "ensemble", "rf_clf_iris_multioutput.pkl")),
    );
    const X = { dtype: FLOAT64, shape: [1, 4], data: Float64Array.of(5, 3, 1, 0.2) };
    expect(est.call("predict", X).shape).toEqual([1, 2]);
    expect(() => est.call("predict_proba", X)).toThrow(/multi-output/);
  });

  it("hard voting has no predict_proba", () => {
    const est = loadEstimator(readFileSync(join(FIXTURES, "1.5.2", "ensemble", "vote_clf_hard_iris.pkl")));
    const X = { dtype: FLOAT64, shape: [1, 4], data: Float64Array.of(5, 3, 1, 0.2) };
    expect(() => est.call("predict_proba", X)).toThrow(/voting='hard'/);
  });
});
