import type { NDArray } from "../../pickle/values.js";
import {
  ClassLabels,
  EstimatorStateError,
  float64Array,
  InvalidInputError,
  type Matrix,
  matrix,
  registerDataClass,
  State,
  UnsupportedEstimatorError,
} from "../common/index.js";
import { callFloat, LabelIndex, labelsOf, memberEstimator } from "../common/meta.js";
import { type Estimator, type Input, type Method, pickledFormOf } from "../estimator.js";
import { interp } from "../preprocessing/interp.js";
import { registerFitted, registerFittedNumeric } from "../preprocessing/transformer.js";

/** A fitted calibrator: maps one column of decision values (or probabilities) to calibrated probabilities. */
type Calibrator = (t: Float64Array) => Float64Array;

/** IsotonicRegression.predict: clip to the fitted range (out_of_bounds="clip"), then linear interpolation. */
function isotonic(s: State): Calibrator {
  const xs = s.f64("X_thresholds_");
  const ys = s.f64("y_thresholds_");
  const oob = s.stringOr("out_of_bounds", "nan");
  const lo = s.number("X_min_");
  const hi = s.number("X_max_");
  return (t) =>
    t.map((x) => {
      let v = x;
      if (oob === "clip") v = Math.min(Math.max(v, lo), hi);
      else if (v < lo || v > hi) {
        if (oob === "raise")
          throw new InvalidInputError(`IsotonicRegression: ${v} is outside the fitted range [${lo}, ${hi}]`);
        return Number.NaN;
      }
      return xs.length === 1 ? ys[0] : interp(v, xs, ys);
    });
}

registerFittedNumeric("IsotonicRegression", (s) => {
  const f = isotonic(s);
  const column = (X: Matrix) => {
    if (X.cols !== 1) throw new InvalidInputError(`IsotonicRegression takes one feature, got ${X.cols}`);
    return float64Array(f(X.data));
  };
  return { methods: { predict: column, transform: column } };
});

registerDataClass("_SigmoidCalibration");
registerDataClass("_CalibratedClassifier");

function calibratorOf(v: unknown, what: string): Calibrator {
  const form = pickledFormOf(v) ?? v;
  const s = new State(form as never);
  if (s.owner === "_SigmoidCalibration") {
    const a = s.number("a_");
    const b = s.number("b_");
    return (t) => t.map((x) => 1 / (1 + Math.exp(a * x + b)));
  }
  if (s.owner === "IsotonicRegression") return isotonic(s);
  throw new UnsupportedEstimatorError(`${what} is a ${s.owner}, expected a sigmoid or isotonic calibrator`);
}

/** `_CalibratedClassifier.predict_proba` */
function calibratedClassifier(v: unknown, classes: readonly unknown[], what: string): (X: Input) => Matrix {
  const s = new State(v as never);
  const est = memberEstimator(s.opt("estimator") ?? s.get("base_estimator"), `${what}.estimator`);
  const calibrators = s.get("calibrators");
  if (!Array.isArray(calibrators)) throw new EstimatorStateError(`${what}.calibrators must be a list`);
  const cals = calibrators.map((c, i) => calibratorOf(c, `${what}.calibrators[${i}]`));
  const k = classes.length;
  const estForm = pickledFormOf(est);
  const estClasses = estForm ? labelsOf(new State(estForm).array("classes_")) : classes;
  const index = new LabelIndex(classes);
  const positions = estClasses.map((c) => index.of(c));
  const method: Method = est.methods.has("decision_function") ? "decision_function" : "predict_proba";
  return (X) => {
    const raw = callFloat(est, method, X);
    const n = raw.shape[0];
    const w = raw.shape.length === 1 ? 1 : raw.shape[1];
    // binary predict_proba: only the positive class column is calibrated
    const skip = method === "predict_proba" && k === 2 ? 1 : 0;
    const proba = matrix(n, k);
    cals.forEach((cal, c) => {
      const col = new Float64Array(n);
      for (let i = 0; i < n; i++) col[i] = raw.data[i * w + c + skip];
      const p = cal(col);
      const at = k === 2 ? positions[c] + 1 : positions[c];
      for (let i = 0; i < n; i++) proba.data[i * k + at] = p[i];
    });
    for (let i = 0; i < n; i++) {
      const row = i * k;
      if (k === 2) proba.data[row] = 1 - proba.data[row + 1];
      else {
        let sum = 0;
        for (let j = 0; j < k; j++) sum += proba.data[row + j];
        for (let j = 0; j < k; j++) proba.data[row + j] = sum !== 0 ? proba.data[row + j] / sum : 1 / k;
      }
      for (let j = 0; j < k; j++) {
        const p = proba.data[row + j];
        if (p > 1 && p <= 1 + 1e-5) proba.data[row + j] = 1;
      }
    }
    return proba;
  };
}

registerFitted("CalibratedClassifierCV", (obj): Estimator => {
  const s = new State(obj);
  const classes = new ClassLabels(s.get("classes_"), "CalibratedClassifierCV");
  const labels = classes.values();
  const list = s.get("calibrated_classifiers_");
  if (!Array.isArray(list) || list.length === 0) {
    throw new EstimatorStateError("CalibratedClassifierCV.calibrated_classifiers_ must be a non-empty list");
  }
  const members = list.map((c, i) =>
    calibratedClassifier(c, labels, `CalibratedClassifierCV.calibrated_classifiers_[${i}]`),
  );
  const k = labels.length;
  const proba = (X: Input): Matrix => {
    const parts = members.map((m) => m(X));
    const out = matrix(parts[0].rows, k);
    for (const p of parts) for (let i = 0; i < out.data.length; i++) out.data[i] += p.data[i];
    for (let i = 0; i < out.data.length; i++) out.data[i] /= parts.length;
    return out;
  };
  const nFeaturesIn = s.has("n_features_in_") ? s.number("n_features_in_") : undefined;
  return {
    cls: obj.cls,
    methods: new Set<Method>(["predict", "predict_proba"]),
    nFeaturesIn,
    call(method: Method, X: Input): NDArray {
      if (method === "predict_proba") {
        const p = proba(X);
        return float64Array(p.data, [p.rows, p.cols]);
      }
      if (method === "predict") {
        const p = proba(X);
        const idx = new Int32Array(p.rows);
        for (let i = 0; i < p.rows; i++) {
          let best = 0;
          for (let j = 1; j < k; j++) if (p.data[i * k + j] > p.data[i * k + best]) best = j;
          idx[i] = best;
        }
        return classes.take(idx);
      }
      throw new InvalidInputError(
        `CalibratedClassifierCV has no method ${method}; it supports: predict, predict_proba`,
      );
    },
  };
});
