import type { NDArray } from "../../pickle/values.js";
import {
  ClassLabels,
  float64Array,
  linearForward,
  type Matrix,
  matrix,
  type NumericEstimatorSpec,
  pairwiseSum,
  registerNumericEstimator,
  rowArgmax,
  softmaxInPlace,
  toFloat64,
  toMatrix,
  transpose,
} from "../common/index.js";
import {
  decisionArray,
  decisionScores,
  linearWeights,
  ovrLogisticProba,
  predictFromScores,
} from "./linear.js";

/** scikit-learn's discriminant_analysis module. */

/**
 * LinearDiscriminantAnalysis: a linear classifier (logistic for two classes, softmax otherwise) that also
 * projects X on its discriminant directions (`transform`, solvers svd and eigen).
 */
registerNumericEstimator("LinearDiscriminantAnalysis", (state) => {
  const w = linearWeights(state);
  const classes = new ClassLabels(state.get("classes_"), state.owner);
  const proba = (X: Matrix): NDArray => {
    const scores = decisionScores(w, X);
    if (classes.length === 2) return ovrLogisticProba(scores);
    return float64Array(softmaxInPlace(scores).data, [scores.rows, scores.cols]);
  };
  const solver = state.stringOr("solver", "svd");
  const methods: NumericEstimatorSpec["methods"] = {
    predict: (X) => predictFromScores(classes, decisionScores(w, X)),
    decision_function: (X) => decisionArray(decisionScores(w, X)),
    predict_proba: proba,
    // zeros are lifted to the smallest normal double before the log, as scikit-learn does
    predict_log_proba: (X) => {
      const p = proba(X);
      return float64Array(
        (p.data as Float64Array).map((v) => Math.log(v === 0 ? 2.2250738585072014e-308 : v)),
        p.shape,
      );
    },
  };
  if (solver !== "lsqr") {
    const scalings = state.matrix("scalings_");
    const keep = Math.min(state.number("_max_components"), scalings.cols);
    // X_new[:, :_max_components]: the first rows of scalingsᵀ
    const W = transpose(scalings);
    const kept = matrix(keep, W.cols, W.data.subarray(0, keep * W.cols));
    const xbar = solver === "svd" ? state.f64("xbar_") : undefined;
    methods.transform = (X) => {
      const centred =
        xbar === undefined
          ? X
          : matrix(
              X.rows,
              X.cols,
              X.data.map((v, i) => v - xbar[i % X.cols]),
            );
      const out = linearForward(centred, kept);
      return float64Array(out.data, [out.rows, out.cols]);
    };
  }
  return {
    methods,
    unavailable: { transform: "scikit-learn has no transform for solver='lsqr'" },
  };
});

/**
 * QuadraticDiscriminantAnalysis: per-class Gaussian log-posteriors
 * −½(‖(x − μ)·R·S^−½‖² + Σ log S) + log prior. From scikit-learn 1.6 on, probabilities come from log-space
 * normalisation (no −inf for a vanishing class); before, from normalised likelihoods then their log.
 */
registerNumericEstimator("QuadraticDiscriminantAnalysis", (state) => {
  const classes = new ClassLabels(state.get("classes_"), state.owner);
  const means = state.matrix("means_");
  const priors = state.f64("priors_");
  const rotations = state.get("rotations_");
  const scalings = state.get("scalings_");
  if (!Array.isArray(rotations) || !Array.isArray(scalings)) {
    throw state.typeError("rotations_", rotations, "lists of per-class arrays (rotations_, scalings_)");
  }
  const nClass = classes.length;
  const perClass = rotations.map((r, c) => {
    const R = toMatrix(r, `${state.owner}.rotations_[${c}]`);
    const S = toFloat64(scalings[c], `${state.owner}.scalings_[${c}]`);
    const W = transpose(
      matrix(
        R.rows,
        R.cols,
        R.data.map((v, i) => v * S[i % R.cols] ** -0.5),
      ),
    );
    const logS = S.map(Math.log);
    return { W, u: pairwiseSum(logS, 0, logS.length) };
  });
  const scores = (X: Matrix): Matrix => {
    const out = matrix(X.rows, nClass);
    perClass.forEach(({ W, u }, c) => {
      const Xm = matrix(
        X.rows,
        X.cols,
        X.data.map((v, i) => v - means.data[c * X.cols + (i % X.cols)]),
      );
      const X2 = linearForward(Xm, W);
      const sq = X2.data.map((v) => v ** 2);
      for (let i = 0; i < X.rows; i++) {
        out.data[i * nClass + c] = -0.5 * (pairwiseSum(sq, i * X2.cols, X2.cols) + u) + Math.log(priors[c]);
      }
    });
    return out;
  };
  const logSpace = state.versionAtLeast(1, 6);
  const probabilities = (X: Matrix, log: boolean): NDArray => {
    const s = scores(X);
    const out = matrix(s.rows, nClass);
    const tmp = new Float64Array(nClass);
    for (let i = 0; i < s.rows; i++) {
      const row = s.data.subarray(i * nClass, (i + 1) * nClass);
      const mx = Math.max(...row);
      for (let c = 0; c < nClass; c++) tmp[c] = Math.exp(row[c] - mx);
      const total = pairwiseSum(tmp, 0, nClass);
      for (let c = 0; c < nClass; c++) {
        const v = logSpace ? row[c] - mx - Math.log(total) : tmp[c] / total;
        out.data[i * nClass + c] = logSpace === log ? v : log ? Math.log(v) : Math.exp(v);
      }
    }
    return float64Array(out.data, [out.rows, out.cols]);
  };
  return {
    methods: {
      predict: (X) => classes.take(rowArgmax(scores(X))),
      decision_function: (X) => {
        const s = scores(X);
        if (nClass !== 2) return float64Array(s.data, [s.rows, s.cols]);
        return float64Array(
          Float64Array.from({ length: s.rows }, (_, i) => s.data[2 * i + 1] - s.data[2 * i]),
        );
      },
      predict_proba: (X) => probabilities(X, false),
      predict_log_proba: (X) => probabilities(X, true),
    },
  };
});
