import type { NDArray, PyObject } from "../../pickle/values.js";
import {
  argmax,
  ClassLabels,
  EstimatorStateError,
  float64Array,
  type Matrix,
  type MatrixMethod,
  matrix,
  numericEstimator,
  pairwiseSum,
  State,
  softmaxInPlace,
} from "../common/index.js";
import {
  atLeast,
  callFloat,
  LabelIndex,
  labelsOf,
  matrixInput,
  memberEstimator,
  pickledVersion,
  unfittedEstimator,
} from "../common/meta.js";
import { type Estimator, registerClass } from "../estimator.js";

/**
 * AdaBoostClassifier (SAMME, and SAMME.R from scikit-learn < 1.6) and AdaBoostRegressor (weighted median
 * of the members' predictions).
 */

function members(state: State): Estimator[] {
  const list = state.get("estimators_");
  if (!Array.isArray(list) || list.length === 0)
    throw state.typeError("estimators_", list, "a list of estimators");
  return list.map((e, i) => memberEstimator(e, `${state.owner}.estimators_[${i}]`));
}

function buildClassifier(obj: PyObject): Estimator {
  const state = new State(obj);
  if (!state.has("estimators_")) return unfittedEstimator(obj);
  const ests = members(state);
  const weights = state.f64("estimator_weights_");
  const weightSum = pairwiseSum(weights, 0, weights.length);
  const classes = new ClassLabels(state.get("classes_"), state.owner);
  const index = new LabelIndex(classes.values());
  const K = classes.length;
  const sammeR = state.opt("algorithm") === "SAMME.R";
  // scikit-learn >= 1.3 gives the other classes -w/(K-1) instead of 0 (a symmetric weak learner)
  const symmetric = atLeast(pickledVersion(state.map), 1, 3);

  /** The summed member votes (rows × K), before the binary collapse. */
  const votes = (X: Matrix): Float64Array => {
    const pred = new Float64Array(X.rows * K);
    const Xin = matrixInput(X);
    ests.forEach((est, m) => {
      if (sammeR) {
        addSammeProba(callFloat(est, "predict_proba", Xin).data, X.rows, K, pred);
        return;
      }
      const w = weights[m];
      const other = symmetric ? (-1 / (K - 1)) * w : 0;
      const labels = labelsOf(est.call("predict", Xin));
      for (let i = 0; i < X.rows; i++) {
        const c = index.of(labels[i]);
        for (let k = 0; k < K; k++) pred[i * K + k] += k === c ? w : other;
      }
    });
    for (let i = 0; i < pred.length; i++) pred[i] /= weightSum;
    return pred;
  };
  const decision = (X: Matrix): Float64Array => {
    const pred = votes(X);
    if (K !== 2) return pred;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) out[i] = -pred[2 * i] + pred[2 * i + 1];
    return out;
  };
  const proba = (X: Matrix): Float64Array => {
    const d = decision(X);
    if (K === 2) {
      const m = matrix(X.rows, 2);
      for (let i = 0; i < X.rows; i++) {
        m.data[2 * i] = -d[i] / 2;
        m.data[2 * i + 1] = d[i] / 2;
      }
      return softmaxInPlace(m).data;
    }
    for (let i = 0; i < d.length; i++) d[i] /= K - 1;
    return softmaxInPlace(matrix(X.rows, K, d)).data;
  };
  const methods: Partial<Record<string, MatrixMethod>> = {
    decision_function: (X) => float64Array(decision(X), K === 2 ? [X.rows] : [X.rows, K]),
    predict: (X) => {
      const d = decision(X);
      const idx = new Int32Array(X.rows);
      for (let i = 0; i < X.rows; i++) idx[i] = K === 2 ? (d[i] > 0 ? 1 : 0) : argmax(d, i * K, K);
      return classes.take(idx);
    },
    predict_proba: (X) => float64Array(proba(X), [X.rows, K]),
    predict_log_proba: (X) => float64Array(proba(X).map(Math.log), [X.rows, K]),
  };
  return numericEstimator(obj, state, { methods });
}

/** SAMME.R's per-member term: (K−1)·(log p − mean log p), p clipped below at float64 eps. */
function addSammeProba(p: Float64Array, rows: number, K: number, out: Float64Array): void {
  const logs = new Float64Array(K);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < K; k++) logs[k] = Math.log(Math.max(p[i * K + k], 2 ** -52));
    const s = pairwiseSum(logs, 0, K);
    for (let k = 0; k < K; k++) out[i * K + k] += (K - 1) * (logs[k] - (1 / K) * s);
  }
}

function buildRegressor(obj: PyObject): Estimator {
  const state = new State(obj);
  if (!state.has("estimators_")) return unfittedEstimator(obj);
  const ests = members(state);
  const weights = state.f64("estimator_weights_").subarray(0, ests.length);
  if (weights.length !== ests.length)
    throw new EstimatorStateError(`${state.owner} has fewer weights than estimators`);
  const predict = (X: Matrix): NDArray => {
    const Xin = matrixInput(X);
    const preds = ests.map((e) => callFloat(e, "predict", Xin).data);
    const out = new Float64Array(X.rows);
    const order = Array.from(ests, (_, m) => m);
    const cdf = new Float64Array(ests.length);
    for (let i = 0; i < X.rows; i++) {
      order.sort((a, b) => preds[a][i] - preds[b][i]);
      let s = 0;
      for (let j = 0; j < order.length; j++) {
        s += weights[order[j]];
        cdf[j] = s;
      }
      const half = 0.5 * cdf[order.length - 1];
      let j = 0;
      while (j < order.length - 1 && !(cdf[j] >= half)) j++;
      out[i] = preds[order[j]][i];
    }
    return float64Array(out);
  };
  return numericEstimator(obj, state, { methods: { predict } });
}

registerClass("AdaBoostClassifier", buildClassifier);
registerClass("AdaBoostRegressor", buildRegressor);
