import type { NDArray } from "../../pickle/values.js";
import {
  allFinite,
  type ClassLabels,
  checkFinite,
  expit,
  float64Array,
  linearForward,
  type Matrix,
  matrix,
  pairwiseSum,
  rowArgmax,
  type State,
} from "../common/index.js";

/**
 * The parts shared by every estimator whose output is `X @ coef_.T + intercept_` (scikit-learn's
 * LinearModel and LinearClassifierMixin): regressors, linear classifiers, their probability estimates.
 */

export interface LinearWeights {
  /** coef_ as (outputs × features); a 1-D coef_ is one row */
  readonly W: Matrix;
  /** intercept_ per output (a scalar intercept_ repeats) */
  readonly b: Float64Array;
  /** coef_ was 1-D: scikit-learn returns 1-D predictions */
  readonly flat: boolean;
  /** the estimator, for messages */
  readonly owner: string;
}

export function linearWeights(state: State): LinearWeights {
  const W = state.matrix("coef_");
  const flat = state.array("coef_").shape.length === 1;
  // fit_intercept=False stores intercept_ = 0.0 (a Python float)
  const raw = state.f64("intercept_");
  const b = raw.length === W.rows ? raw : new Float64Array(W.rows).fill(raw[0]);
  return { W, b, flat, owner: state.owner };
}

/**
 * `X @ coef_.T + intercept_`, checking X through the result: a NaN or ±inf feature makes its row's scores
 * NaN or ±inf, so X is scanned only when a score is (estimators built with finiteCheckedByMethod).
 */
function forward(w: LinearWeights, X: Matrix): Matrix {
  const out = linearForward(X, w.W, w.b);
  if (!allFinite(out.data)) checkFinite(X, { estimator: w.owner });
  return out;
}

/** `X @ coef_.T + intercept_`, shaped as scikit-learn returns it (1-D for a 1-D coef_ or a single output). */
export function linearPredict(w: LinearWeights, X: Matrix): NDArray {
  const out = forward(w, X);
  return float64Array(out.data, w.flat || out.cols === 1 ? [out.rows] : [out.rows, out.cols]);
}

/** A linear classifier's raw scores: one column per class, or one column (the positive class) when binary. */
export function decisionScores(w: LinearWeights, X: Matrix): Matrix {
  return forward(w, X);
}

/** `decision_function`: 1-D when there is one score per sample. */
export function decisionArray(scores: Matrix): NDArray {
  return float64Array(scores.data, scores.cols === 1 ? [scores.rows] : [scores.rows, scores.cols]);
}

/** LinearClassifierMixin.predict: the positive class when the score is > 0, else the argmax. */
export function predictFromScores(classes: ClassLabels, scores: Matrix): NDArray {
  if (scores.cols === 1) return classes.takeAbove(scores.data, 0);
  return classes.take(rowArgmax(scores));
}

/** `[1 - p, p]` rows from positive-class probabilities. */
export function binaryProba(p: ArrayLike<number>): NDArray {
  const out = new Float64Array(p.length * 2);
  for (let i = 0; i < p.length; i++) {
    out[2 * i] = 1 - p[i];
    out[2 * i + 1] = p[i];
  }
  return float64Array(out, [p.length, 2]);
}

/** Divides each row by its sum; rows summing to 0 become uniform (scikit-learn >= 1.3 behaviour, harmless before). */
export function normalizeRows(m: Matrix): Matrix {
  const d = m.data;
  for (let i = 0; i < m.rows; i++) {
    const base = i * m.cols;
    let s = pairwiseSum(d, base, m.cols);
    if (s === 0) {
      d.fill(1, base, base + m.cols);
      s = m.cols;
    }
    for (let k = 0; k < m.cols; k++) d[base + k] /= s;
  }
  return m;
}

/** `_predict_proba_lr`: one-vs-rest logistic probabilities, normalised across classes. */
export function ovrLogisticProba(scores: Matrix): NDArray {
  // plain loops: TypedArray.map calls its callback per value, several times slower than an inlined expit
  const d = scores.data;
  const p = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) p[i] = expit(d[i]);
  if (scores.cols === 1) return binaryProba(p);
  return float64Array(normalizeRows(matrix(scores.rows, scores.cols, p)).data, [scores.rows, scores.cols]);
}

/** `np.log` of a probability array. */
export function logOf(a: NDArray): NDArray {
  const p = a.data as Float64Array;
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = Math.log(p[i]);
  return float64Array(out, a.shape);
}
