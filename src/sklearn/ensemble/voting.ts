import type { PyObject } from "../../pickle/values.js";
import {
  argmax,
  ClassLabels,
  EstimatorStateError,
  float64Array,
  int64Array,
  type Matrix,
  type MatrixMethod,
  numericEstimator,
  pairwiseSum,
  registerDataClass,
  State,
  toFloat64,
} from "../common/index.js";
import { callFloat, matrixInput, memberEstimator, unfittedEstimator } from "../common/meta.js";
import { type Estimator, factoryFor, registerClass } from "../estimator.js";

/**
 * VotingClassifier (hard: weighted vote of the members' predicted classes; soft: weighted mean of their
 * probabilities) and VotingRegressor (weighted mean of predictions), with `transform`. Members were fitted
 * on label-encoded targets, so their predictions are class indices.
 */

/** The fitted members, and the weights of the members that were not dropped (`_weights_not_none`). */
function votingMembers(state: State): { members: Estimator[]; weights: Float64Array | undefined } {
  const list = state.get("estimators_");
  if (!Array.isArray(list) || list.length === 0)
    throw state.typeError("estimators_", list, "a list of estimators");
  const members = list.map((e, i) => memberEstimator(e, `${state.owner}.estimators_[${i}]`));
  const w = state.opt("weights");
  if (w === undefined) return { members, weights: undefined };
  const all = toFloat64(w, `${state.owner}.weights`);
  const params = state.get("estimators");
  if (!Array.isArray(params) || params.length !== all.length) {
    throw new EstimatorStateError(`${state.owner}.weights and estimators have different lengths`);
  }
  const kept = all.filter((_, i) => (params[i] as unknown[])[1] !== "drop");
  if (kept.length !== members.length)
    throw new EstimatorStateError(`${state.owner}.weights do not match estimators_`);
  return { members, weights: kept };
}

/** rows × members: each member's `predict` (class indices for classifiers) side by side. */
function memberPredictions(members: readonly Estimator[], X: Matrix): Float64Array {
  const n = members.length;
  const out = new Float64Array(X.rows * n);
  members.forEach((est, m) => {
    const p = callFloat(est, "predict", matrixInput(X)).data;
    for (let i = 0; i < X.rows; i++) out[i * n + m] = p[i];
  });
  return out;
}

/** np.average over the members' arrays (same shape), optionally weighted: summed member after member. */
function averageOf(arrays: readonly Float64Array[], weights: Float64Array | undefined): Float64Array {
  const out = new Float64Array(arrays[0].length);
  arrays.forEach((a, m) => {
    const w = weights?.[m];
    for (let i = 0; i < out.length; i++) out[i] += w === undefined ? a[i] : a[i] * w;
  });
  let scale = arrays.length;
  if (weights !== undefined) scale = weights.reduce((s, w) => s + w, 0);
  for (let i = 0; i < out.length; i++) out[i] /= scale;
  return out;
}

function buildVotingClassifier(obj: PyObject): Estimator {
  const state = new State(obj);
  if (!state.has("estimators_")) return unfittedEstimator(obj);
  const { members, weights } = votingMembers(state);
  const classes = new ClassLabels(state.get("classes_"), state.owner);
  const C = classes.length;
  const soft = state.string("voting") === "soft";
  const probas = (X: Matrix) => members.map((m) => callFloat(m, "predict_proba", matrixInput(X)).data);
  const votes = (X: Matrix) => memberPredictions(members, X);
  const proba = (X: Matrix) => averageOf(probas(X), weights);

  const predict: MatrixMethod = (X) => {
    const idx = new Int32Array(X.rows);
    if (soft) {
      const p = proba(X);
      for (let i = 0; i < X.rows; i++) idx[i] = argmax(p, i * C, C);
    } else {
      // argmax(bincount(votes, weights)): the (weighted) most voted class, the lowest index on ties
      const v = votes(X);
      const counts = new Float64Array(C);
      for (let i = 0; i < X.rows; i++) {
        counts.fill(0);
        for (let m = 0; m < members.length; m++) counts[v[i * members.length + m]] += weights?.[m] ?? 1;
        idx[i] = argmax(counts);
      }
    }
    return classes.take(idx);
  };
  const methods: Partial<Record<string, MatrixMethod>> = { predict };
  if (soft) {
    methods.predict_proba = (X) => float64Array(proba(X), [X.rows, C]);
    const flatten = state.opt("flatten_transform") !== false;
    methods.transform = (X) => {
      const ps = probas(X);
      const n = ps.length;
      const out = new Float64Array(X.rows * C * n);
      if (!flatten) {
        ps.forEach((p, m) => {
          out.set(p, m * X.rows * C);
        });
        return float64Array(out, [n, X.rows, C]);
      }
      for (let i = 0; i < X.rows; i++) {
        for (let m = 0; m < n; m++) out.set(ps[m].subarray(i * C, (i + 1) * C), i * C * n + m * C);
      }
      return float64Array(out, [X.rows, C * n]);
    };
  } else {
    methods.transform = (X) => int64Array(votes(X), [X.rows, members.length]);
  }
  return numericEstimator(obj, state, {
    methods,
    unavailable: soft ? {} : { predict_proba: "predict_proba is not available when voting='hard'" },
  });
}

function buildVotingRegressor(obj: PyObject): Estimator {
  const state = new State(obj);
  if (!state.has("estimators_")) return unfittedEstimator(obj);
  const { members, weights } = votingMembers(state);
  const n = members.length;
  const predictions = (X: Matrix) => memberPredictions(members, X);
  const wsum = weights === undefined ? n : pairwiseSum(weights, 0, n);
  return numericEstimator(obj, state, {
    methods: {
      predict: (X) => {
        const P = predictions(X);
        const out = new Float64Array(X.rows);
        const row = new Float64Array(n);
        for (let i = 0; i < X.rows; i++) {
          for (let m = 0; m < n; m++)
            row[m] = weights === undefined ? P[i * n + m] : P[i * n + m] * weights[m];
          out[i] = pairwiseSum(row, 0, n) / wsum;
        }
        return float64Array(out);
      },
      transform: (X) => float64Array(predictions(X), [X.rows, n]),
    },
  });
}

// `named_estimators_` is a sklearn.utils.Bunch (a dict): data only. Registered here unless a module did first.
if (factoryFor("sklearn.utils._bunch.Bunch") === undefined) registerDataClass("Bunch");
registerClass("VotingClassifier", buildVotingClassifier);
registerClass("VotingRegressor", buildVotingRegressor);
