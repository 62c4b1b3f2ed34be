import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ErrorCodes, type ModelserveError } from "../../src/errors.js";
import type { NDArray, PyObject } from "../../src/pickle/values.js";
import {
  ClassLabels,
  EstimatorStateError,
  FLOAT64,
  InvalidInputError,
  inputMatrix,
  matrix,
  pairwiseSum,
  State,
  softmaxInPlace,
} from "../../src/sklearn/common/index.js";
import type { Table } from "../../src/sklearn/estimator.js";
import { loadEstimator } from "../../src/sklearn/load.js";
import { multiclassProbability } from "../../src/sklearn/svm/probability.js";
import { FIXTURES } from "./harness.js";

function f64(rows: number[][]): NDArray {
  return { dtype: FLOAT64, shape: [rows.length, rows[0].length], data: Float64Array.from(rows.flat()) };
}

function caught(fn: () => unknown): ModelserveError {
  try {
    fn();
  } catch (e) {
    return e as ModelserveError;
  }
  throw new Error("expected an error");
}

describe("inputMatrix", () => {
  it("refuses a wrong feature count with scikit-learn's message", () => {
    const e = caught(() => inputMatrix(f64([[1, 2, 3]]), { estimator: "SVC", nFeatures: 4 }));
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.code).toBe(ErrorCodes.BAD_REQUEST);
    expect(e.message).toBe("X has 3 features, but SVC is expecting 4 features as input");
  });

  it("refuses 1-D input, strings, NaN and infinity, naming where", () => {
    const oneD: NDArray = { dtype: FLOAT64, shape: [3], data: Float64Array.of(1, 2, 3) };
    expect(caught(() => inputMatrix(oneD, { estimator: "Ridge" })).message).toMatch(/2-D input.*\[3\]/);
    const table: Table = { kind: "table", rows: 1, columns: [{ name: "a", values: ["x"] }] };
    expect(caught(() => inputMatrix(table, { estimator: "Ridge" })).message).toMatch(
      /column 'a' row 0 is "x"/,
    );
    expect(caught(() => inputMatrix(f64([[1, Number.NaN]]), { estimator: "Ridge" })).message).toMatch(
      /NaN at \[0, 1\]/,
    );
    expect(caught(() => inputMatrix(f64([[Number.POSITIVE_INFINITY]]), { estimator: "Ridge" })).code).toBe(
      ErrorCodes.BAD_REQUEST,
    );
    expect(inputMatrix(f64([[Number.NaN]]), { estimator: "HGB", allowNaN: true }).data[0]).toBeNaN();
  });

  it("reads numeric strings as numpy does (Python float syntax), and nothing else", () => {
    const table: Table = {
      kind: "table",
      rows: 4,
      columns: [{ name: "a", values: [" 1.5", "-2e3", "1_000", "-inf"] }],
    };
    expect(Array.from(inputMatrix(table, { estimator: "Ridge", allowInf: true }).data)).toEqual([
      1.5,
      -2000,
      1000,
      Number.NEGATIVE_INFINITY,
    ]);
    for (const bad of ["", "0x10", "1.5.2", "abc"]) {
      const t: Table = { kind: "table", rows: 1, columns: [{ name: "a", values: [bad] }] };
      expect(caught(() => inputMatrix(t, { estimator: "Ridge" })).code).toBe(ErrorCodes.BAD_REQUEST);
    }
  });

  it("orders named columns as fitted and names the missing ones", () => {
    const table: Table = {
      kind: "table",
      rows: 2,
      columns: [
        { name: "b", values: Float64Array.of(2, 20) },
        { name: "a", values: [1, 10] },
      ],
    };
    const m = inputMatrix(table, { estimator: "Lasso", featureNames: ["a", "b"] });
    expect(Array.from(m.data)).toEqual([1, 2, 10, 20]);
    expect(
      caught(() => inputMatrix(table, { estimator: "Lasso", featureNames: ["a", "c"] })).message,
    ).toMatch(/missing from the input: \[c\]/);
  });
});

describe("numeric kernels", () => {
  it("sums like numpy (pairwise), not sequentially", () => {
    // numpy 2.4: a.sum() = -19005213.896790292, a left-to-right loop gives ...296
    const a = [
      204.09191213851824, -255566.50313141817, 41809.884672577886, -5.677696061279298, -452.64929211044586,
      -215597.1630897659, -2019986.129147251, -23193.237764418947, -0.8652130762749417, 332299.9516644883,
      2.2578661322792177, -352630.7943415954, -2812874.1815135037, -668.04634610895, -10551505.512051214,
      -390800.9772346547, 48.19453885067858, -2385536.065733667, 957.758702959764, -0.19980212906658,
      242.59565076664623, 1545820.851212812, 54510.552268764455, -505.22873561401803, -1828389.745977349,
      540.5251317548021, 1935.0880340988529, -2.696203273419135, -2.435586790791046, 100231.36012756912,
      -886459.9431605871, -29.172023243986402, 88253.89674564838, 580350.0161908991, 0.9151670328235219,
      67.01043548284794, -28281.623068437628,
    ];
    expect(pairwiseSum(a, 0, a.length)).toBe(-19005213.896790292);
    expect(a.reduce((s, v) => s + v, 0)).toBe(-19005213.896790296);
  });

  it("softmax rows sum to one and survive large values", () => {
    const m = softmaxInPlace(matrix(1, 3, Float64Array.of(1000, 1001, 1002)));
    expect(m.data[2]).toBeGreaterThan(m.data[1]);
    expect(m.data[0] + m.data[1] + m.data[2]).toBeCloseTo(1, 15);
  });

  it("libsvm pairwise coupling gives a distribution consistent with the pairwise probabilities", () => {
    const r = [Float64Array.of(0, 0.9, 0.8), Float64Array.of(0.1, 0, 0.3), Float64Array.of(0.2, 0.7, 0)];
    const p = new Float64Array(3);
    multiclassProbability(3, r, p);
    expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 12);
    expect(p[0]).toBeGreaterThan(p[2]);
    expect(p[2]).toBeGreaterThan(p[1]);
  });
});

describe("class labels and state", () => {
  it("keeps the dtype of classes_", () => {
    const ints: NDArray = {
      dtype: { kind: "i", itemsize: 8, byteorder: "<", str: "<i8" },
      shape: [3],
      data: BigInt64Array.of(3n, 10n, 42n),
    };
    const out = new ClassLabels(ints, "X").take([2, 0]);
    expect(out.dtype.str).toBe("<i8");
    expect(Array.from(out.data as BigInt64Array)).toEqual([42n, 3n]);
    const strs: NDArray = {
      dtype: { kind: "U", itemsize: 24, byteorder: "<", str: "<U6" },
      shape: [2],
      data: ["setosa", "other"],
    };
    expect(new ClassLabels(strs, "X").take([1]).data).toEqual(["other"]);
  });

  it("reads the pickling scikit-learn version", () => {
    const at = (v?: string) =>
      new State({
        cls: "sklearn.decomposition._pca.PCA",
        args: [],
        state: new Map(v ? [["_sklearn_version", v]] : []),
      });
    expect(at("1.5.2").version()).toEqual([1, 5]);
    expect(at("1.5.2").versionAtLeast(1, 4)).toBe(true);
    expect(at("1.2.2").versionAtLeast(1, 4)).toBe(false);
    expect(at("1.10.0").versionAtLeast(1, 9)).toBe(true);
    expect(at().version()).toEqual([0, 0]);
  });

  it("names the estimator and the attribute a pickle lacks", () => {
    const obj: PyObject = { cls: "sklearn.svm._classes.SVC", args: [], state: new Map([["coef0", 0]]) };
    const e = caught(() => new State(obj).f64("support_"));
    expect(e).toBeInstanceOf(EstimatorStateError);
    expect(e.code).toBe(ErrorCodes.MODEL_LOAD_FAILED);
    expect(e.message).toMatch(/SVC has no attribute 'support_'/);
  });
});

describe("estimators refuse what they cannot do, clearly", () => {
  const load = (group: string, file: string) =>
    loadEstimator(readFileSync(join(FIXTURES, "1.5.2", group, file)));

  it("SVC without probability=True has no predict_proba", () => {
    const svc = load("svm", "svc_break_ties_wine.pkl");
    expect(svc.methods.has("predict_proba")).toBe(false);
    const e = caught(() => svc.call("predict_proba", f64([Array(13).fill(0)])));
    expect(e.code).toBe(ErrorCodes.BAD_REQUEST);
    expect(e.message).toMatch(/probability=False/);
  });

  it("a model fitted on a DataFrame matches columns by name, in any order", () => {
    const lr = load("linear", "logreg_dataframe.pkl");
    expect(lr.featureNamesIn).toEqual(["sepal length", "sepal width", "petal length", "petal width"]);
    const row = [5.9, 3.0, 5.1, 1.8];
    const ordered = lr.call("predict_proba", f64([row]));
    const reversed: Table = {
      kind: "table",
      rows: 1,
      columns: [...lr.featureNamesIn!].reverse().map((name) => ({
        name,
        values: [row[lr.featureNamesIn!.indexOf(name)]],
      })),
    };
    expect(Array.from(lr.call("predict_proba", reversed).data as Float64Array)).toEqual(
      Array.from(ordered.data as Float64Array),
    );
    expect(lr.call("predict", reversed).data).toEqual(["virginica"]);
  });

  it("a KNN model rejects rows of the wrong width", () => {
    const knn = load("neighbors", "knc_iris_kdtree_str.pkl");
    expect(knn.nFeaturesIn).toBe(4);
    expect(caught(() => knn.call("predict", f64([[1, 2, 3]]))).message).toMatch(/expecting 4 features/);
  });
});
