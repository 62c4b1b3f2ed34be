import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DType, NDArray, PyObject } from "../../src/pickle/values.js";
import { FLOAT64 } from "../../src/sklearn/common/dtypes.js";
import { loadEstimator } from "../../src/sklearn/load.js";
import { FlatTree } from "../../src/sklearn/tree/flat_tree.js";
import { describeFidelity, FIXTURES } from "./harness.js";

describeFidelity("trees");

const I8: DType = { kind: "i", itemsize: 8, byteorder: "<", str: "<i8" };

function int64(values: number[]): NDArray {
  return { dtype: I8, shape: [values.length], data: BigInt64Array.from(values.map(BigInt)) };
}

function float64(values: number[], shape = [values.length]): NDArray {
  return { dtype: FLOAT64, shape, data: Float64Array.from(values) };
}

/** A pickled `Tree` of one split (node 0 on `feature`, leaves 1 and 2), with the children given. */
function treeObject(children: [number, number], feature = 0): PyObject {
  const nodes: NDArray = {
    dtype: { kind: "V", itemsize: 56, byteorder: "|", str: "|V56" },
    shape: [3],
    data: [],
    fields: new Map([
      ["left_child", int64([children[0], -1, -1])],
      ["right_child", int64([children[1], -1, -1])],
      ["feature", int64([feature, -2, -2])],
      ["threshold", float64([0.5, -2, -2])],
      ["n_node_samples", int64([4, 2, 2])],
    ]),
  };
  return {
    cls: "sklearn.tree._tree.Tree",
    args: [2, int64([1]), 1],
    state: new Map<string, unknown>([
      ["max_depth", 1],
      ["node_count", 3],
      ["nodes", nodes],
      ["values", float64([2, 1, 1], [3, 1, 1])],
    ]),
  };
}

function rows(values: number[][]): NDArray {
  return float64(values.flat(), [values.length, values[0].length]);
}

describe("tree structure checks at load", () => {
  it("walks a well-formed tree, comparing float32 values with the float64 threshold", () => {
    const t = new FlatTree(treeObject([1, 2]));
    // 0.50000001 rounds to 0.5 in float32, so it goes left like in scikit-learn
    const x = Float32Array.from([0.50000001, 0, 0.6, 0]);
    expect(t.leaf(x, 0)).toBe(1);
    expect(t.leaf(x, 2)).toBe(2);
  });

  it("refuses children that point backwards or outside the tree (no endless or wild walks)", () => {
    expect(() => new FlatTree(treeObject([0, 2]))).toThrow(/children 0, 2 outside the tree/);
    expect(() => new FlatTree(treeObject([1, 7]))).toThrow(/outside the tree/);
  });

  it("refuses a split on a feature the tree does not have", () => {
    expect(() => new FlatTree(treeObject([1, 2], 5))).toThrow(/feature 5 of 2/);
  });
});

describe("tree estimators at predict time", () => {
  const load = (version: string, name: string) =>
    loadEstimator(readFileSync(join(FIXTURES, version, "trees", `${name}.pkl`)));

  it("refuses NaN for a scikit-learn 1.2 tree, which never learnt where missing values go", () => {
    const est = load("1.2.2", "dt_clf_iris_gini_d3");
    expect(() => est.call("predict", rows([[Number.NaN, 1, 1, 1]]))).toThrow(/NaN/);
  });

  it("sends NaN down the learnt side for a scikit-learn >= 1.3 tree", () => {
    const est = load("1.9.1", "dt_clf_iris_nan");
    expect(est.call("predict", rows([[Number.NaN, 3, Number.NaN, 1]])).shape).toEqual([1]);
  });

  it("says why a multi-output classifier has no predict_proba", () => {
    const est = load("1.9.1", "dt_clf_iris_multioutput");
    expect(() => est.call("predict_proba", rows([[5, 3, 1, 0.2]]))).toThrow(/multi-output/);
  });

  it("checks the number of features", () => {
    const est = load("1.5.2", "dt_reg_diabetes_d4");
    expect(() => est.call("predict", rows([[1, 2, 3]]))).toThrow(/10 features/);
  });
});

describe("batched tree walks", () => {
  const load = (file: string) => loadEstimator(readFileSync(join(FIXTURES, "1.9.1/ensemble", file)));
  /** `rows` rows of values spread over [-2, 10), from a fixed linear congruential sequence. */
  function rowsOf(rows: number, cols: number, nanEvery = 0): NDArray {
    let s = 12345;
    const data = Float64Array.from({ length: rows * cols }, (_, i) => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return nanEvery > 0 && i % nanEvery === 3 ? Number.NaN : (s / 2 ** 31) * 12 - 2;
    });
    return float64(Array.from(data), [rows, cols]);
  }
  const row = (X: NDArray, i: number): NDArray => {
    const cols = X.shape[1];
    return float64(Array.from((X.data as Float64Array).subarray(i * cols, (i + 1) * cols)), [1, cols]);
  };

  for (const [file, method, nanEvery] of [
    ["rf_clf_iris_nan.pkl", "predict_proba", 0],
    ["rf_clf_iris_nan.pkl", "predict_proba", 7],
    ["rf_reg_diabetes.pkl", "predict", 0],
    ["et_clf_bc.pkl", "predict", 0],
    ["hgb_clf_bc.pkl", "predict_proba", 0],
    ["hgb_clf_iris_multiclass.pkl", "decision_function", 0],
    ["hgb_reg_diabetes_nan.pkl", "predict", 5],
  ] as const) {
    it(`${file} ${method}${nanEvery ? " with NaN" : ""}: a 43-row batch answers as its rows one by one`, () => {
      const est = load(file);
      const X = rowsOf(43, est.nFeaturesIn!, nanEvery);
      const batch = est.call(method, X);
      const width = batch.data.length / 43;
      for (let i = 0; i < 43; i++) {
        const one = Array.from(est.call(method, row(X, i)).data as ArrayLike<unknown>);
        expect(Array.from(batch.data as ArrayLike<unknown>).slice(i * width, (i + 1) * width)).toEqual(one);
      }
    });
  }
});
