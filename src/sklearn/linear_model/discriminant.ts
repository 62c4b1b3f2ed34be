import type { NDArray } from "../../pickle/values.js";
import {
  ClassLabels,
  float64Array,
  linearForward,
  type Matrix,
  matrix,
  type NumericEstimatorSpec,
  registerNumericEstimator,
  softmaxInPlace,
  transpose,
} from "../common/index.js";
import {
  decisionArray,
  decisionScores,
  linearWeights,
  ovrLogisticProba,
  predictFromScores,
} from "./linear.js";

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
