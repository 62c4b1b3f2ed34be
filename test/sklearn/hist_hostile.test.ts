import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type RecordFields, readJoblib } from "../../src/pickle/index.js";
import type { NDArray, PyObject } from "../../src/pickle/values.js";
import { EstimatorStateError } from "../../src/sklearn/common/index.js";
import "../../src/sklearn/index.js";
import { FLOAT64 } from "../../src/sklearn/common/dtypes.js";
import { loadEstimator } from "../../src/sklearn/load.js";
import { FIXTURES } from "./harness.js";

/**
 * A HistGradientBoosting file whose tree splits on a feature its input does not have is refused with an error
 * naming it, before any walk reads outside a row: at load when the width is known (n_features_in_), at predict
 * when it comes from the categorical preprocessor. A corrupt tree of a forest fails its load with the
 * tree's own message (not as an unfitted template).
 */

const anySklearn = { isAllowed: (cls: string) => cls.startsWith("sklearn."), supported: "" };

/**
 * The file's bytes with the first split node (`isLeaf` says which are not) of the first object of class
 * `…cls` edited: `field` (an int64 of the node records) set to `value`.
 */
function withNodeField(
  file: string,
  cls: string,
  isSplit: (node: DataView, at: (name: string) => number) => boolean,
  field: string,
  value: bigint,
): Uint8Array {
  const bytes = new Uint8Array(readFileSync(join(FIXTURES, file)));
  let found: PyObject | undefined;
  const seen = new Set<unknown>();
  const visit = (v: unknown): void => {
    if (found !== undefined || typeof v !== "object" || v === null || seen.has(v)) return;
    seen.add(v);
    if ("cls" in v && (v as PyObject).cls.endsWith(`.${cls}`)) found = v as PyObject;
    else if (v instanceof Map) for (const x of v.values()) visit(x);
    else if (Array.isArray(v)) for (const x of v) visit(x);
    else if ("state" in v) visit((v as PyObject).state);
    else if ("data" in v && Array.isArray((v as NDArray).data)) visit((v as NDArray).data);
  };
  visit(readJoblib(bytes, { classes: anySklearn }));
  const nodes = (found!.state as Map<string, unknown>).get("nodes") as NDArray;
  const { view, stride, count } = (nodes.fields as RecordFields).layout()!;
  expect(view.buffer).toBe(bytes.buffer);
  const offset = (name: string) => nodes.dtype.fields!.find((f) => f.name === name)!;
  expect(offset(field).dtype.str).toBe("<i8");
  for (let n = 0; n < count; n++) {
    const node = new DataView(view.buffer, view.byteOffset + n * stride, stride);
    if (isSplit(node, (name) => offset(name).offset)) {
      node.setBigInt64(offset(field).offset, value, true);
      return bytes;
    }
  }
  throw new Error(`${file} has no split node`);
}

const withSplitFeature = (file: string, feature: bigint) =>
  withNodeField(
    file,
    "TreePredictor",
    (node, at) => node.getUint8(at("is_leaf")) === 0,
    "feature_idx",
    feature,
  );

describe("HistGradientBoosting refuses splits on features outside its input", () => {
  it("at load, a feature beyond n_features_in_", () => {
    const bytes = withSplitFeature("1.9.1/ensemble/hgb_reg_diabetes.pkl", 10_000n);
    expect(() => loadEstimator(bytes)).toThrow(EstimatorStateError);
    expect(() => loadEstimator(bytes)).toThrow(/splits on feature 10000, of 10 features/);
  });

  it("at load, a negative feature", () => {
    const bytes = withSplitFeature("1.9.1/ensemble/hgb_clf_bc.pkl", -3n);
    expect(() => loadEstimator(bytes)).toThrow(/splits on feature -3/);
  });

  it("at predict, a feature beyond the categorical preprocessor's output", () => {
    const file = "1.9.1/ensemble_categorical/hgb_reg_diabetes_categorical.pkl";
    const honest = loadEstimator(readFileSync(join(FIXTURES, file)));
    const est = loadEstimator(withSplitFeature(file, 500n));
    const X = { dtype: FLOAT64, shape: [1, 10], data: new Float64Array(10).fill(0.01) };
    expect(() => honest.call("predict", X)).not.toThrow();
    expect(() => est.call("predict", X)).toThrow(/splits on feature 500, of \d+ features/);
  });
});

describe("a forest whose tree is corrupt fails to load with the tree's own message", () => {
  it("a child outside the tree", () => {
    const bytes = withNodeField(
      "1.9.1/ensemble/rf_clf_iris.pkl",
      "Tree",
      (node, at) => node.getInt32(at("left_child"), true) !== -1,
      "right_child",
      1_000_000n,
    );
    expect(() => loadEstimator(bytes)).toThrow(/Tree node 0 has children 1, 1000000 outside the tree/);
  });
});
