import {
  argminRows,
  ClassLabels,
  euclideanDistances,
  float64Array,
  type Matrix,
  matrix,
  type NumericEstimatorSpec,
  nearestEuclidean,
  pairwiseSum,
  registerNumericEstimator,
  rowArgmax,
  type State,
  squaredRowNorms,
  UnsupportedEstimatorError,
} from "../common/index.js";

/**
 * NearestCentroid: the class of the closest centroid; from scikit-learn 1.6 on, with non-uniform priors, the
 * class maximising the discriminant score −‖(x − μ)/σ‖² + 2 log(prior), which also gives
 * decision_function and probabilities (euclidean metric only).
 */

function closestCentroid(metric: string, centroids: Matrix): (X: Matrix) => Int32Array {
  if (metric === "euclidean") {
    const cc = squaredRowNorms(centroids);
    return (X) => nearestEuclidean(X, centroids, cc);
  }
  if (metric === "manhattan") {
    return (X) =>
      argminRows(X, centroids, (x, xi, c, ci, n) => {
        let d = 0;
        for (let k = 0; k < n; k++) d += Math.abs(x[xi + k] - c[ci + k]);
        return d;
      });
  }
  throw new UnsupportedEstimatorError(`NearestCentroid with metric '${metric}' is not supported`);
}

registerNumericEstimator("NearestCentroid", (state: State): NumericEstimatorSpec => {
  const classes = new ClassLabels(state.get("classes_"), state.owner);
  const centroids = state.matrix("centroids_");
  const metric = state.stringOr("metric", "euclidean");
  const closest = closestCentroid(metric, centroids);
  const nearest = (X: Matrix) => classes.take(closest(X));
  if (metric !== "euclidean" || !state.has("within_class_std_dev_") || !state.has("class_prior_")) {
    return { methods: { predict: nearest } };
  }

  const std = state.f64("within_class_std_dev_");
  const prior = state.f64("class_prior_");
  const nClass = prior.length;
  const uniform = prior.every((p) => Math.abs(p - 1 / nClass) <= 1e-8 + 1e-5 * (1 / nClass)); // np.isclose
  const normalize = (m: Matrix) =>
    matrix(
      m.rows,
      m.cols,
      m.data.map((v, i) => (std[i % m.cols] !== 0 ? v / std[i % m.cols] : v)),
    );
  const centroidsN = normalize(centroids);
  const scores = (X: Matrix): Matrix => {
    const d = euclideanDistances(normalize(X), centroidsN);
    return matrix(
      d.rows,
      d.cols,
      d.data.map((v, i) => -(v ** 2) + 2.0 * Math.log(prior[i % nClass])),
    );
  };
  const logProba = (X: Matrix): Matrix => {
    const s = scores(X);
    const out = matrix(s.rows, s.cols);
    const e = new Float64Array(s.cols);
    for (let i = 0; i < s.rows; i++) {
      let mx = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < s.cols; c++) mx = Math.max(mx, s.data[i * s.cols + c]);
      for (let c = 0; c < s.cols; c++) {
        out.data[i * s.cols + c] = s.data[i * s.cols + c] - mx;
        e[c] = Math.exp(out.data[i * s.cols + c]);
      }
      const lse = Math.log(pairwiseSum(e, 0, s.cols));
      for (let c = 0; c < s.cols; c++) out.data[i * s.cols + c] -= lse;
    }
    return out;
  };
  return {
    methods: {
      predict: uniform ? nearest : (X) => classes.take(rowArgmax(scores(X))),
      decision_function: (X) => {
        const s = scores(X);
        if (nClass === 2) {
          return float64Array(
            Float64Array.from({ length: s.rows }, (_, i) => s.data[2 * i + 1] - s.data[2 * i]),
          );
        }
        return float64Array(s.data, [s.rows, s.cols]);
      },
      predict_log_proba: (X) => {
        const m = logProba(X);
        return float64Array(m.data, [m.rows, m.cols]);
      },
      predict_proba: (X) => {
        const m = logProba(X);
        return float64Array(m.data.map(Math.exp), [m.rows, m.cols]);
      },
    },
  };
});
