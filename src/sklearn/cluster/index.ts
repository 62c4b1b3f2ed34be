import {
  euclideanDistances,
  float64Array,
  int32Array,
  registerNumericEstimator,
  squaredRowNorms,
} from "../common/index.js";

/**
 * KMeans and MiniBatchKMeans: the closest centre by scikit-learn's ranking ‖c‖² − 2x·c (ties to the first
 * centre), labels as int32 as its Cython code returns them; transform is `euclidean_distances` to the centres.
 */
for (const name of ["KMeans", "MiniBatchKMeans"]) {
  registerNumericEstimator(name, (state) => {
    const centers = state.matrix("cluster_centers_");
    const cc = squaredRowNorms(centers);
    const k = centers.rows;
    return {
      methods: {
        predict: (X) => {
          const labels = new Int32Array(X.rows);
          for (let i = 0; i < X.rows; i++) {
            let best = Number.POSITIVE_INFINITY;
            for (let c = 0; c < k; c++) {
              let dot = 0;
              for (let j = 0; j < X.cols; j++) dot += X.data[i * X.cols + j] * centers.data[c * X.cols + j];
              const d = cc[c] + -2 * dot;
              if (c === 0 || d < best) {
                best = d;
                labels[i] = c;
              }
            }
          }
          return int32Array(labels);
        },
        transform: (X) => {
          const d = euclideanDistances(X, centers, false, cc);
          return float64Array(d.data, [d.rows, d.cols]);
        },
      },
    };
  });
}
