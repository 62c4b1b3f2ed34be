import { type Matrix, matrix } from "./ndarray.js";

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
  const out = matrix(X.rows, Y.rows);
  const o = out.data;
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < Y.rows; j++) {
      let dot = 0;
      for (let k = 0; k < X.cols; k++) dot += X.data[i * X.cols + k] * Y.data[j * Y.cols + k];
      const d = Math.max(-2 * dot + XX[i] + YY[j], 0);
      o[i * Y.rows + j] = squared ? d : Math.sqrt(d);
    }
  }
  return out;
}
