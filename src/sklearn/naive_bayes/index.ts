import type { NDArray } from "../../pickle/values.js";
import {
  ClassLabels,
  float64Array,
  InvalidInputError,
  linearForward,
  type Matrix,
  matrix,
  type NumericEstimatorSpec,
  pairwiseSum,
  registerNumericEstimator,
  rowArgmax,
  rowLogSumExp,
  type State,
  toMatrix,
} from "../common/index.js";

/**
 * The naive Bayes classifiers: each computes a joint log-likelihood per class (`_joint_log_likelihood`),
 * and `_BaseNB` turns it into predictions and (log-)probabilities.
 */

type JointLogLikelihood = (X: Matrix) => Matrix;

function naiveBayes(state: State, jll: JointLogLikelihood): NumericEstimatorSpec {
  const classes = new ClassLabels(state.get("classes_"), state.owner);
  const logProba = (X: Matrix): Matrix => {
    const j = jll(X);
    const lse = rowLogSumExp(j);
    for (let i = 0; i < j.rows; i++) {
      for (let c = 0; c < j.cols; c++) j.data[i * j.cols + c] -= lse[i];
    }
    return j;
  };
  const asArray = (m: Matrix): NDArray => float64Array(m.data, [m.rows, m.cols]);
  return {
    methods: {
      predict: (X) => classes.take(rowArgmax(jll(X))),
      predict_log_proba: (X) => asArray(logProba(X)),
      predict_proba: (X) => {
        const m = logProba(X);
        m.data.forEach((v, i, a) => {
          a[i] = Math.exp(v);
        });
        return asArray(m);
      },
    },
  };
}

registerNumericEstimator("GaussianNB", (state) => {
  const theta = state.matrix("theta_");
  // `sigma_` was renamed `var_` in scikit-learn 1.0
  const variance = state.has("var_") ? state.matrix("var_") : state.matrix("sigma_");
  const prior = state.f64("class_prior_");
  const nClass = theta.rows;
  const nFeat = theta.cols;
  // -0.5 * Σ log(2π var) per class: a constant of the model
  const logNorm = new Float64Array(nClass);
  const tmp = new Float64Array(nFeat);
  for (let c = 0; c < nClass; c++) {
    for (let f = 0; f < nFeat; f++) tmp[f] = Math.log(2.0 * Math.PI * variance.data[c * nFeat + f]);
    logNorm[c] = -0.5 * pairwiseSum(tmp, 0, nFeat);
  }
  return naiveBayes(state, (X) => {
    const out = matrix(X.rows, nClass);
    const sq = new Float64Array(nFeat);
    for (let c = 0; c < nClass; c++) {
      const jointi = Math.log(prior[c]);
      for (let i = 0; i < X.rows; i++) {
        for (let f = 0; f < nFeat; f++) {
          const d = X.data[i * nFeat + f] - theta.data[c * nFeat + f];
          sq[f] = (d * d) / variance.data[c * nFeat + f];
        }
        out.data[i * nClass + c] = jointi + (logNorm[c] - 0.5 * pairwiseSum(sq, 0, nFeat));
      }
    }
    return out;
  });
});

registerNumericEstimator("MultinomialNB", (state) => {
  const flp = state.matrix("feature_log_prob_");
  const prior = state.f64("class_log_prior_");
  return naiveBayes(state, (X) => linearForward(X, flp, prior));
});

registerNumericEstimator("ComplementNB", (state) => {
  const flp = state.matrix("feature_log_prob_");
  // the prior only matters (and is only added) when there is a single class
  const prior = flp.rows === 1 ? state.f64("class_log_prior_") : undefined;
  return naiveBayes(state, (X) => linearForward(X, flp, prior));
});

registerNumericEstimator("BernoulliNB", (state) => {
  const flp = state.matrix("feature_log_prob_");
  const binarize = state.has("binarize") ? state.number("binarize") : undefined;
  const prior = state.f64("class_log_prior_");
  // X·(log p − log(1−p))ᵀ + (prior + Σ log(1−p)): the log-likelihood of binary features
  const negProb = flp.data.map((v) => Math.log(1 - Math.exp(v)));
  const W = matrix(
    flp.rows,
    flp.cols,
    flp.data.map((v, i) => v - negProb[i]),
  );
  const bias = prior.map((p, c) => p + pairwiseSum(negProb, c * flp.cols, flp.cols));
  return naiveBayes(state, (X) => {
    const Xb =
      binarize === undefined
        ? X
        : matrix(
            X.rows,
            X.cols,
            X.data.map((v) => (v > binarize ? 1 : 0)),
          );
    return linearForward(Xb, W, bias);
  });
});

registerNumericEstimator("CategoricalNB", (state) => {
  const raw = state.get("feature_log_prob_");
  if (!Array.isArray(raw)) throw state.typeError("feature_log_prob_", raw, "a list of arrays");
  const tables = raw.map((t, i) => toMatrix(t, `${state.owner}.feature_log_prob_[${i}]`));
  const prior = state.f64("class_log_prior_");
  const nClass = prior.length;
  return naiveBayes(state, (X) => {
    const out = matrix(X.rows, nClass);
    for (let i = 0; i < X.rows; i++) {
      for (let f = 0; f < X.cols; f++) {
        const v = X.data[i * X.cols + f];
        const cat = Math.trunc(v); // scikit-learn casts X to int
        const table = tables[f];
        if (cat < 0 || cat >= table.cols) {
          throw new InvalidInputError(
            `CategoricalNB: feature ${f} of row ${i} is category ${v}, but the model knows categories 0..${table.cols - 1}`,
          );
        }
        for (let c = 0; c < nClass; c++) out.data[i * nClass + c] += table.data[c * table.cols + cat];
      }
      for (let c = 0; c < nClass; c++) out.data[i * nClass + c] += prior[c];
    }
    return out;
  });
});
