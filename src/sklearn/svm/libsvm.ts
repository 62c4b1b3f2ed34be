import type { NDArray } from "../../pickle/values.js";
import {
  ClassLabels,
  EstimatorStateError,
  float64Array,
  int64Array,
  type Matrix,
  matrix,
  type NumericEstimatorSpec,
  registerNumericEstimator,
  rowArgmax,
  type State,
} from "../common/index.js";
import { type KernelParams, kernelParams, kernelRow } from "./kernels.js";
import { multiclassProbability, sigmoidPredict } from "./probability.js";

/**
 * SVC, NuSVC, SVR, NuSVR and OneClassSVM: libsvm's `svm_predict_values` and `svm_predict_probability` on the
 * internal model scikit-learn pickles (`_dual_coef_`, `_intercept_`, `_n_support`, `_probA`, `_probB`, which
 * keep libsvm's signs where the public attributes are flipped for binary problems).
 */

interface SvmModel {
  readonly kernel: KernelParams;
  readonly SV: Matrix;
  readonly support: Int32Array;
  /** (n_class - 1) × n_SV, libsvm's sv_coef */
  readonly coef: Matrix;
  /** libsvm's -rho per pairwise classifier */
  readonly intercept: Float64Array;
}

function readModel(state: State): SvmModel {
  if (state.has("_sparse") && state.boolean("_sparse")) {
    throw new EstimatorStateError(
      `${state.owner} was fitted on sparse data; only dense-fitted models are supported`,
    );
  }
  const support = state.i32("support_");
  const SV = state.matrix("support_vectors_");
  const coef = state.matrix("_dual_coef_");
  if (coef.cols !== support.length) {
    throw new EstimatorStateError(
      `${state.owner}._dual_coef_ has ${coef.cols} columns for ${support.length} support vectors`,
    );
  }
  return { kernel: kernelParams(state), SV, support, coef, intercept: state.f64("_intercept_") };
}

/** libsvm's one-vs-one decision values: one column per class pair (i, j), i < j, in that order. */
function ovoDecision(m: SvmModel, nSupport: Int32Array, X: Matrix): Matrix {
  const nClass = nSupport.length;
  const nPairs = (nClass * (nClass - 1)) / 2;
  const start = new Int32Array(nClass);
  for (let i = 1; i < nClass; i++) start[i] = start[i - 1] + nSupport[i - 1];
  const out = matrix(X.rows, nPairs);
  const k = new Float64Array(m.support.length);
  const c = m.coef.data;
  const l = m.coef.cols;
  for (let r = 0; r < X.rows; r++) {
    kernelRow(m.kernel, X, r, m.SV, m.support, k);
    let p = 0;
    for (let i = 0; i < nClass; i++) {
      for (let j = i + 1; j < nClass; j++) {
        let sum = 0;
        const coef1 = (j - 1) * l;
        const coef2 = i * l;
        for (let q = start[i]; q < start[i] + nSupport[i]; q++) sum += c[coef1 + q] * k[q];
        for (let q = start[j]; q < start[j] + nSupport[j]; q++) sum += c[coef2 + q] * k[q];
        out.data[r * nPairs + p] = sum + m.intercept[p];
        p++;
      }
    }
  }
  return out;
}

/** One-class and regression decision value: Σ coef·K(x, sv) − rho. */
function singleDecision(m: SvmModel, X: Matrix): Float64Array {
  const out = new Float64Array(X.rows);
  const k = new Float64Array(m.support.length);
  for (let r = 0; r < X.rows; r++) {
    kernelRow(m.kernel, X, r, m.SV, m.support, k);
    let sum = 0;
    for (let q = 0; q < k.length; q++) sum += m.coef.data[q] * k[q];
    out[r] = sum + m.intercept[0];
  }
  return out;
}

/** libsvm's vote: class i wins pair (i, j) when its value is > 0; the first class with most votes wins. */
function ovoVotes(dec: Matrix, nClass: number): Int32Array {
  const out = new Int32Array(dec.rows);
  const vote = new Int32Array(nClass);
  for (let r = 0; r < dec.rows; r++) {
    vote.fill(0);
    let p = 0;
    for (let i = 0; i < nClass; i++) {
      for (let j = i + 1; j < nClass; j++) {
        if (dec.data[r * dec.cols + p] > 0) vote[i]++;
        else vote[j]++;
        p++;
      }
    }
    let best = 0;
    for (let i = 1; i < nClass; i++) if (vote[i] > vote[best]) best = i;
    out[r] = best;
  }
  return out;
}

/** scikit-learn's `_ovr_decision_function(dec < 0, -dec, n_classes)`: votes plus scaled confidences. */
function ovrDecision(dec: Matrix, nClass: number): Matrix {
  const out = matrix(dec.rows, nClass);
  const votes = new Float64Array(nClass);
  const conf = new Float64Array(nClass);
  for (let r = 0; r < dec.rows; r++) {
    votes.fill(0);
    conf.fill(0);
    let p = 0;
    for (let i = 0; i < nClass; i++) {
      for (let j = i + 1; j < nClass; j++) {
        const d = dec.data[r * dec.cols + p];
        conf[i] -= -d;
        conf[j] += -d;
        if (d < 0) votes[j] += 1;
        else votes[i] += 1;
        p++;
      }
    }
    for (let i = 0; i < nClass; i++) {
      out.data[r * nClass + i] = votes[i] + conf[i] / (3 * (Math.abs(conf[i]) + 1));
    }
  }
  return out;
}

function classifier(state: State): NumericEstimatorSpec {
  const m = readModel(state);
  const classes = new ClassLabels(state.get("classes_"), state.owner);
  const nClass = classes.length;
  const nSupport = state.i32("_n_support");
  const shape = state.stringOr("decision_function_shape", "ovr");
  const breakTies = state.has("break_ties") && state.boolean("break_ties");
  const decide = (X: Matrix) => ovoDecision(m, nSupport, X);

  const decisionFunction = (X: Matrix): NDArray => {
    const dec = decide(X);
    // scikit-learn reports the binary decision for classes_[1], libsvm's value is for classes_[0]
    if (nClass === 2)
      return float64Array(
        dec.data.map((d) => -d),
        [dec.rows],
      );
    const out = shape === "ovr" ? ovrDecision(dec, nClass) : dec;
    return float64Array(out.data, [out.rows, out.cols]);
  };

  const spec: NumericEstimatorSpec = {
    methods: {
      predict: (X) => {
        const dec = decide(X);
        if (breakTies && shape === "ovr" && nClass > 2)
          return classes.take(rowArgmax(ovrDecision(dec, nClass)));
        return classes.take(ovoVotes(dec, nClass));
      },
      decision_function: decisionFunction,
    },
  };

  const probA = state.has("_probA") ? state.f64("_probA") : new Float64Array(0);
  const probB = state.has("_probB") ? state.f64("_probB") : new Float64Array(0);
  if (probA.length > 0 && probB.length > 0) {
    const proba = (X: Matrix): NDArray => {
      const dec = decide(X);
      const out = new Float64Array(X.rows * nClass);
      const r = Array.from({ length: nClass }, () => new Float64Array(nClass));
      const p = new Float64Array(nClass);
      for (let row = 0; row < X.rows; row++) {
        let k = 0;
        for (let i = 0; i < nClass; i++) {
          for (let j = i + 1; j < nClass; j++) {
            const s = sigmoidPredict(dec.data[row * dec.cols + k], probA[k], probB[k]);
            r[i][j] = Math.min(Math.max(s, 1e-7), 1 - 1e-7);
            r[j][i] = 1 - r[i][j];
            k++;
          }
        }
        multiclassProbability(nClass, r, p);
        out.set(p, row * nClass);
      }
      return float64Array(out, [X.rows, nClass]);
    };
    spec.methods.predict_proba = proba;
    spec.methods.predict_log_proba = (X) => {
      const a = proba(X);
      return float64Array((a.data as Float64Array).map(Math.log), a.shape);
    };
  }
  return {
    ...spec,
    unavailable: {
      predict_proba: "the model was fitted with probability=False",
      predict_log_proba: "the model was fitted with probability=False",
    },
  };
}

for (const name of ["SVC", "NuSVC"]) registerNumericEstimator(name, classifier);

for (const name of ["SVR", "NuSVR"]) {
  registerNumericEstimator(name, (state) => {
    const m = readModel(state);
    return { methods: { predict: (X) => float64Array(singleDecision(m, X)) } };
  });
}

registerNumericEstimator("OneClassSVM", (state) => {
  const m = readModel(state);
  const offset = state.f64("offset_")[0];
  return {
    methods: {
      decision_function: (X) => float64Array(singleDecision(m, X)),
      score_samples: (X) => float64Array(singleDecision(m, X).map((d) => d + offset)),
      // libsvm labels inliers +1 and outliers -1 (value > 0); scikit-learn returns them as intp
      predict: (X) => int64Array(Array.from(singleDecision(m, X), (d) => (d > 0 ? 1 : -1))),
    },
  };
});
