import { linearForward } from "./math.js";
import type { Matrix } from "./ndarray.js";

/** ‖row‖² of every row (scikit-learn's `row_norms(X, squared=True)`). */
export function squaredRowNorms(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let j = 0; j < m.cols; j++) s += m.data[i * m.cols + j] * m.data[i * m.cols + j];
    out[i] = s;
  }
  return out;
}

/**
 * scikit-learn's `euclidean_distances(X, Y)`: ‖x‖² − 2x·y + ‖y‖² clipped at 0 (then square-rooted unless
 * `squared`). This expansion, not Σ(x−y)², is what scikit-learn computes, and its rounding near zero
 * differs from the direct form, so it is reproduced as is.
 */
export function euclideanDistances(X: Matrix, Y: Matrix, squared = false, YY = squaredRowNorms(Y)): Matrix {
  const XX = squaredRowNorms(X);
  const out = linearForward(X, Y);
  const o = out.data;
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < Y.rows; j++) {
      const d = Math.max(-2 * o[i * Y.rows + j] + XX[i] + YY[j], 0);
      o[i * Y.rows + j] = squared ? d : Math.sqrt(d);
    }
  }
  return out;
}

type RowScore = (x: Float64Array, xi: number, y: Float64Array, yi: number, n: number) => number;

/** For each row of X, the index of the row of Y with the smallest score, the first one on ties. */
export function argminRows(X: Matrix, Y: Matrix, score: RowScore): Int32Array {
  const out = new Int32Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let best = Number.POSITIVE_INFINITY;
    for (let j = 0; j < Y.rows; j++) {
      const s = score(X.data, i * X.cols, Y.data, j * Y.cols, X.cols);
      if (j === 0 || s < best) {
        best = s;
        out[i] = j;
      }
    }
  }
  return out;
}

/**
 * The closest row of Y in euclidean distance as scikit-learn's KMeans and ArgKmin rank them:
 * by ‖y‖² − 2x·y (the ‖x‖² term is the same for every y).
 */
export function nearestEuclidean(X: Matrix, Y: Matrix, YY = squaredRowNorms(Y)): Int32Array {
  return argminRows(X, Y, (x, xi, y, yi, n) => {
    let dot = 0;
    for (let k = 0; k < n; k++) dot += x[xi + k] * y[yi + k];
    return YY[yi / n] + -2 * dot;
  });
}
