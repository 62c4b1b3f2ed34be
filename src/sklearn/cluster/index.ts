import {
  euclideanDistances,
  float64Array,
  int32Array,
  nearestEuclidean,
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
    return {
      methods: {
        predict: (X) => int32Array(nearestEuclidean(X, centers, cc)),
        transform: (X) => {
          const d = euclideanDistances(X, centers, false, cc);
          return float64Array(d.data, [d.rows, d.cols]);
        },
      },
    };
  });
}
