import type { PyObject } from "../../pickle/values.js";
import {
  argmax,
  ClassLabels,
  EstimatorStateError,
  expit,
  float64Array,
  isPyObject,
  type Matrix,
  type MatrixMethod,
  matrix,
  numericEstimator,
  State,
  softmaxInPlace,
  UnsupportedEstimatorError,
} from "../common/index.js";
import { callFloat, isEstimator, matrixInput, unfittedEstimator } from "../common/meta.js";
import { type Estimator, registerClass } from "../estimator.js";
import { type LinkedTree, withKernelRows } from "../tree/walk_kernel.js";
import { HistTree, knownCategoryBitsets } from "./hist_predictor.js";
import { predictPack } from "./parallel.js";
import { buildPack, type PackedTree, type TreePack } from "./tree_pack.js";

/**
 * HistGradientBoosting{Classifier,Regressor}: baseline + the sum of every iteration's TreePredictor
 * values on the raw float64 features (missing values and categorical splits included), then the loss's
 * inverse link. scikit-learn >= 1.4 may keep a `_preprocessor` (a ColumnTransformer ordinal-encoding the
 * categorical columns) that runs first.
 */

/** The inverse link of a regression loss, from its pickled `link` object. */
function inverseLink(loss: PyObject): (raw: number) => number {
  const link = new State(loss).opt("link");
  const name = isPyObject(link) ? link.cls.slice(link.cls.lastIndexOf(".") + 1) : "IdentityLink";
  switch (name) {
    case "IdentityLink":
      return (r) => r;
    case "LogLink":
      return Math.exp;
    default:
      throw new UnsupportedEstimatorError(
        `HistGradientBoostingRegressor with the ${name} link is not supported`,
      );
  }
}

/**
 * The trees in one TreePack (made at the first predict), each leaf adding its value to its class's column
 * after the baseline; undefined when a tree has a categorical split (then each tree adds its values in turn,
 * HistTree.addValues).
 */
function histPack(trees: readonly HistTree[][], baseline: Float64Array): () => TreePack | undefined {
  let pack: TreePack | undefined;
  const numerical = trees.every((it) => it.every((t) => t.linked !== undefined));
  return () => {
    if (!numerical || pack !== undefined) return pack;
    const packed = trees.flatMap((it) =>
      it.map(
        (t, k): PackedTree => ({
          ...(t.linked as LinkedTree),
          column: k,
          leafValues: (n, into, at) => {
            into[at] = t.value[n];
          },
        }),
      ),
    );
    pack = buildPack(packed, { width: 1, stride: baseline.length, round32: false, init: baseline }, "shared");
    return pack;
  };
}

function splitsOutside(owner: string, feature: number, width: number): EstimatorStateError {
  return new EstimatorStateError(
    `${owner} has a tree that splits on feature ${feature}, of ${width} features`,
  );
}

function buildHistGradientBoosting(obj: PyObject): Estimator {
  const state = new State(obj);
  if (!state.has("_predictors")) return unfittedEstimator(obj);
  const iterations = state.get("_predictors");
  if (!Array.isArray(iterations)) throw state.typeError("_predictors", iterations, "a list");
  const K = state.number("n_trees_per_iteration_");
  const trees = iterations.map((it, i) => {
    if (!Array.isArray(it) || it.length !== K || !it.every((t) => t instanceof HistTree)) {
      throw new EstimatorStateError(`${state.owner}._predictors[${i}] is not a list of ${K} TreePredictors`);
    }
    return it as HistTree[];
  });
  const baseline = state.f64("_baseline_prediction");
  if (baseline.length !== K)
    throw new EstimatorStateError(
      `${state.owner}._baseline_prediction has ${baseline.length} values, expected ${K}`,
    );
  const { known, knownIdx } = knownCategoryBitsets(state.get("_bin_mapper"));
  const pre = state.opt("_preprocessor");
  if (pre !== undefined && !isEstimator(pre))
    throw state.typeError("_preprocessor", pre, "a fitted ColumnTransformer");

  const maxFeature = trees.reduce((m, it) => it.reduce((mk, t) => Math.max(mk, t.maxFeature), m), -1);
  const width = pre === undefined && state.has("n_features_in_") ? state.number("n_features_in_") : undefined;
  if (width !== undefined && maxFeature >= width) throw splitsOutside(state.owner, maxFeature, width);
  const pack = histPack(trees, baseline);
  const rawPredict = (X: Matrix): Float64Array => {
    const Xt = pre === undefined ? X : toMatrix(callFloat(pre, "transform", matrixInput(X)));
    // the preprocessor's output width is known only now
    if (maxFeature >= Xt.cols) throw splitsOutside(state.owner, maxFeature, Xt.cols);
    const numerical = pack();
    if (numerical !== undefined) return predictPack(numerical, Xt.data, Xt.rows, Xt.cols);
    const raw = new Float64Array(Xt.rows * K);
    for (let i = 0; i < Xt.rows; i++) raw.set(baseline, i * K);
    withKernelRows(Xt.data, Xt.rows, Xt.cols, false, (input) => {
      for (const it of trees) {
        for (let k = 0; k < K; k++)
          it[k].addValues(Xt.data, Xt.rows, Xt.cols, input, raw, K, k, known, knownIdx);
      }
    });
    return raw;
  };

  let methods: Partial<Record<string, MatrixMethod>>;
  if (!state.has("classes_")) {
    const inverse = inverseLink(state.object("_loss"));
    methods = { predict: (X) => float64Array(rawPredict(X).map(inverse)) };
  } else {
    const classes = new ClassLabels(state.get("classes_"), state.owner);
    const C = K === 1 ? 2 : K;
    const proba = (X: Matrix): Float64Array => {
      const raw = rawPredict(X);
      if (K !== 1) return softmaxInPlace(matrix(X.rows, K, raw)).data;
      const out = new Float64Array(X.rows * 2);
      for (let i = 0; i < X.rows; i++) {
        out[2 * i + 1] = expit(raw[i]);
        out[2 * i] = 1 - out[2 * i + 1];
      }
      return out;
    };
    methods = {
      decision_function: (X) => float64Array(rawPredict(X), K === 1 ? [X.rows] : [X.rows, K]),
      predict_proba: (X) => float64Array(proba(X), [X.rows, C]),
      predict: (X) => {
        const p = proba(X);
        return classes.take(Int32Array.from({ length: X.rows }, (_, i) => argmax(p, i * C, C)));
      },
    };
  }
  return numericEstimator(obj, state, { methods, allowNaN: true });
}

function toMatrix(a: { data: Float64Array; shape: readonly number[] }): Matrix {
  if (a.shape.length !== 2)
    throw new EstimatorStateError("HistGradientBoosting._preprocessor returned a non-2-D array");
  return matrix(a.shape[0], a.shape[1], a.data);
}

registerClass("HistGradientBoostingClassifier", buildHistGradientBoosting);
registerClass("HistGradientBoostingRegressor", buildHistGradientBoosting);
