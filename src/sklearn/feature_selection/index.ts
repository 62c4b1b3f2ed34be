import {
  EstimatorStateError,
  type Matrix,
  matrix,
  registerDataClass,
  type State,
  UnsupportedEstimatorError,
} from "../common/index.js";
import { memberEstimator } from "../common/meta.js";
import { registerTransformer } from "../preprocessing/transformer.js";
import { modelImportances } from "./importances.js";

/** X restricted to the columns where `mask` is set (scikit-learn's `_transform` of a SelectorMixin). */
function selectColumns(X: Matrix, mask: readonly boolean[]): Matrix {
  const keep = mask.flatMap((m, j) => (m ? [j] : []));
  const out = matrix(X.rows, keep.length);
  for (let i = 0; i < X.rows; i++) {
    keep.forEach((j, k) => {
      out.data[i * keep.length + k] = X.data[i * X.cols + j];
    });
  }
  return out;
}

/** Indices ordered by `key` ascending, ties by index (numpy's stable argsort, kind="mergesort"). */
function stableArgsort(key: ArrayLike<number>): number[] {
  return Array.from({ length: key.length }, (_, i) => i).sort((a, b) => key[a] - key[b] || a - b);
}

// Score functions are only referenced by SelectKBest/SelectPercentile (the fitted scores_ are what counts).
for (const f of [
  "f_classif",
  "f_regression",
  "chi2",
  "mutual_info_classif",
  "mutual_info_regression",
  "r_regression",
  "f_oneway",
]) {
  registerDataClass(f);
}

registerTransformer("SelectKBest", (s) => {
  const scores = s.f64("scores_").map((v) => (Number.isNaN(v) ? -Number.MAX_VALUE : v));
  const k = s.get("k");
  const n = scores.length;
  const mask = new Array<boolean>(n).fill(k === "all");
  if (typeof k === "number" && k > 0) for (const j of stableArgsort(scores).slice(-k)) mask[j] = true;
  return { allowNaN: true, transform: (X) => selectColumns(X, mask) };
});

registerTransformer("VarianceThreshold", (s) => {
  const threshold = s.numberOr("threshold", 0);
  const mask = Array.from(s.f64("variances_"), (v) => v > threshold);
  return { allowNaN: true, transform: (X) => selectColumns(X, mask) };
});

/** SelectFromModel's threshold: a number, "mean", "median", or "<scale>*mean|median". */
function threshold(s: State, importances: Float64Array, l1: boolean): number {
  const t = s.opt("threshold") ?? (l1 ? 1e-5 : "mean");
  if (typeof t === "number") return t;
  if (typeof t !== "string")
    throw new UnsupportedEstimatorError(`SelectFromModel.threshold ${String(t)} is not supported`);
  const sorted = Float64Array.from(importances).sort();
  const mid = sorted.length >> 1;
  const stat = (name: string) => {
    if (name === "mean") return importances.reduce((a, b) => a + b, 0) / importances.length;
    if (name === "median") return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    throw new UnsupportedEstimatorError(`SelectFromModel(threshold='${t}') is not understood`);
  };
  const parts = t.split("*");
  if (parts.length === 2) return Number(parts[0].trim()) * stat(parts[1].trim());
  return stat(t.trim());
}

registerTransformer("SelectFromModel", (s) => {
  const model = s.get("estimator_");
  const n = s.has("n_features_in_")
    ? s.number("n_features_in_")
    : memberEstimator(model, "SelectFromModel.estimator_").nFeaturesIn;
  if (n === undefined)
    throw new EstimatorStateError(
      "SelectFromModel: the wrapped model does not say how many features it takes",
    );
  const normOrder = s.numberOr("norm_order", 1);
  const getter = s.stringOr("importance_getter", "auto");
  if (getter !== "auto")
    throw new UnsupportedEstimatorError(`SelectFromModel(importance_getter='${getter}') is not supported`);
  const { values, l1 } = modelImportances(model, n, normOrder);
  const th = threshold(s, values, l1);
  const maxFeatures = s.has("max_features_")
    ? s.number("max_features_")
    : s.has("max_features")
      ? s.number("max_features")
      : undefined;
  let mask: boolean[];
  if (maxFeatures !== undefined) {
    mask = new Array<boolean>(n).fill(false);
    for (const j of stableArgsort(values.map((v) => -v)).slice(0, maxFeatures)) mask[j] = true;
    mask = mask.map((m, j) => m && !(values[j] < th));
  } else {
    mask = Array.from(values, (v) => v >= th);
  }
  return { allowNaN: true, transform: (X) => selectColumns(X, mask) };
});
