import type { NDArray } from "../../pickle/values.js";
import { castFloat64 } from "../common/dtype_param.js";
import {
  ClassLabels,
  FLOAT32,
  FLOAT64,
  float64Array,
  type Matrix,
  matrix,
  meanFloat32,
  type NumericEstimatorSpec,
  pairwiseSum,
  registerDataClass,
  registerNumericEstimator,
  type State,
  UnsupportedEstimatorError,
} from "../common/index.js";
import { effectiveMetric } from "./metrics.js";
import { type Neighbors, searcherFor } from "./search.js";

/** KNeighborsClassifier and KNeighborsRegressor: predictions from the k nearest training samples. */

/**
 * scikit-learn's `_get_weights`: none for "uniform", 1/d for "distance" where a row with an exact match
 * (d = 0) gives weight 1 to the matches and 0 to the others.
 */
function neighborWeights(state: State, nb: Neighbors): Float64Array | undefined {
  const weights = state.get("weights");
  if (weights === "uniform" || weights === null) return undefined;
  if (weights !== "distance") {
    throw new UnsupportedEstimatorError(
      `${state.owner} uses a callable weights function, which cannot run outside Python`,
    );
  }
  const w = nb.dist.map((d) => 1.0 / d);
  for (let r = 0; r < w.length / nb.k; r++) {
    const row = w.subarray(r * nb.k, (r + 1) * nb.k);
    if (!row.includes(Number.POSITIVE_INFINITY)) continue;
    for (let i = 0; i < row.length; i++) row[i] = row[i] === Number.POSITIVE_INFINITY ? 1 : 0;
  }
  return w;
}

function classifier(state: State): NumericEstimatorSpec {
  if (state.has("outputs_2d_") && state.boolean("outputs_2d_")) {
    throw new UnsupportedEstimatorError(`${state.owner} fitted on multi-output targets is not supported`);
  }
  const classes = new ClassLabels(state.get("classes_"), state.owner);
  const nClass = classes.length;
  const y = state.i32("_y");
  const k = state.number("n_neighbors");
  const search = searcherFor(state, effectiveMetric(state));

  const proba = (X: Matrix): Matrix => {
    const nb = search.kneighbors(X, k);
    const w = neighborWeights(state, nb);
    const out = matrix(X.rows, nClass);
    for (let r = 0; r < X.rows; r++) {
      const base = r * nClass;
      for (let i = 0; i < k; i++) out.data[base + y[nb.ind[r * k + i]]] += w === undefined ? 1 : w[r * k + i];
      let norm = pairwiseSum(out.data, base, nClass);
      if (norm === 0) norm = 1;
      for (let c = 0; c < nClass; c++) out.data[base + c] /= norm;
    }
    return out;
  };

  // `stats.mode` / `weighted_mode`: the class with the largest (weighted) count, the smallest on ties
  const predict = (X: Matrix): NDArray => {
    const nb = search.kneighbors(X, k);
    const w = neighborWeights(state, nb);
    const template = new Float64Array(k);
    const winners = new Int32Array(X.rows);
    for (let r = 0; r < X.rows; r++) {
      let best = 0;
      let bestCount = 0;
      for (let c = 0; c < nClass; c++) {
        for (let i = 0; i < k; i++) {
          template[i] = y[nb.ind[r * k + i]] === c ? (w === undefined ? 1 : w[r * k + i]) : 0;
        }
        const count = pairwiseSum(template, 0, k);
        if (count > bestCount) {
          best = c;
          bestCount = count;
        }
      }
      winners[r] = best;
    }
    return classes.take(winners);
  };

  return {
    methods: {
      predict,
      predict_proba: (X) => {
        const m = proba(X);
        return float64Array(m.data, [m.rows, m.cols]);
      },
    },
  };
}

function regressor(state: State): NumericEstimatorSpec {
  const yArr = state.array("_y");
  const Y = state.matrix("_y");
  // a 1-D _y is one target: Y is then 1 × n, read it as n × 1
  const nOut = yArr.shape.length === 1 ? 1 : Y.cols;
  const yData = Y.data;
  const k = state.number("n_neighbors");
  const search = searcherFor(state, effectiveMetric(state));
  return {
    methods: {
      predict: (X) => {
        const nb = search.kneighbors(X, k);
        const w = neighborWeights(state, nb);
        // np.mean of float32 targets stays float32 (summed in float32); distance weights give float64
        const float32 = w === undefined && yArr.dtype.kind === "f" && yArr.dtype.itemsize === 4;
        const out = new Float64Array(X.rows * nOut);
        const terms = new Float64Array(k);
        for (let r = 0; r < X.rows; r++) {
          const denom = w === undefined ? k : pairwiseSum(w, r * k, k);
          for (let o = 0; o < nOut; o++) {
            for (let i = 0; i < k; i++) {
              const yi = yData[nb.ind[r * k + i] * nOut + o];
              terms[i] = w === undefined ? yi : yi * w[r * k + i];
            }
            // with one target the neighbours' values are a contiguous run of _y[neigh_ind]
            out[r * nOut + o] = float32 ? meanFloat32(terms, nOut === 1) : pairwiseSum(terms, 0, k) / denom;
          }
        }
        const shape = nOut === 1 && yArr.shape.length === 1 ? [X.rows] : [X.rows, nOut];
        return castFloat64(out, float32 ? FLOAT32 : FLOAT64, shape);
      },
    },
  };
}

registerNumericEstimator("KNeighborsClassifier", classifier);
registerNumericEstimator("KNeighborsRegressor", regressor);

// The search structures and metric objects pickled inside fitted models: data only. Cython pickles them
// through a module-level `newObj(cls)` that only allocates an instance of an (allow-listed) class.
for (const name of [
  "KDTree",
  "KDTree64",
  "BallTree",
  "BallTree64",
  "newObj",
  "EuclideanDistance",
  "EuclideanDistance64",
  "ManhattanDistance",
  "ManhattanDistance64",
  "ChebyshevDistance",
  "ChebyshevDistance64",
  "MinkowskiDistance",
  "MinkowskiDistance64",
]) {
  registerDataClass(name);
}
