import { EstimatorStateError } from "./errors.js";
import { type Matrix, matrix } from "./ndarray.js";

/**
 * Small dense linear algebra for fitted-model constants (PCA's precision matrix): LU with partial pivoting
 * as LAPACK's getrf does it (largest |pivot|, first on ties).
 */

interface LU {
  readonly lu: Float64Array;
  readonly n: number;
  readonly perm: Int32Array;
  /** number of row swaps, for the determinant's sign */
  readonly swaps: number;
}

function luDecompose(a: Matrix): LU {
  if (a.rows !== a.cols) throw new RangeError(`LU needs a square matrix, got ${a.rows}×${a.cols}`);
  const n = a.rows;
  const lu = Float64Array.from(a.data);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  let swaps = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i * n + k]) > Math.abs(lu[p * n + k])) p = i;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j];
        lu[k * n + j] = lu[p * n + j];
        lu[p * n + j] = t;
      }
      const t = perm[k];
      perm[k] = perm[p];
      perm[p] = t;
      swaps++;
    }
    const pivot = lu[k * n + k];
    if (pivot === 0) continue;
    for (let i = k + 1; i < n; i++) {
      lu[i * n + k] /= pivot;
      const f = lu[i * n + k];
      for (let j = k + 1; j < n; j++) lu[i * n + j] -= f * lu[k * n + j];
    }
  }
  return { lu, n, perm, swaps };
}

/** `np.linalg.inv`. */
export function inverse(a: Matrix): Matrix {
  const { lu, n, perm } = luDecompose(a);
  for (let k = 0; k < n; k++) {
    if (lu[k * n + k] === 0)
      throw new EstimatorStateError("a fitted matrix that must be inverted is singular");
  }
  const out = matrix(n, n);
  const col = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < n; i++) col[i] = perm[i] === c ? 1 : 0;
    for (let i = 0; i < n; i++) {
      let s = col[i];
      for (let j = 0; j < i; j++) s -= lu[i * n + j] * col[j];
      col[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = col[i];
      for (let j = i + 1; j < n; j++) s -= lu[i * n + j] * col[j];
      col[i] = s / lu[i * n + i];
    }
    for (let i = 0; i < n; i++) out.data[i * n + c] = col[i];
  }
  return out;
}

/** scikit-learn's `fast_logdet`: log|det A| when det A > 0, else −∞ (from `np.linalg.slogdet`). */
export function fastLogdet(a: Matrix): number {
  const { lu, n, swaps } = luDecompose(a);
  let sign = swaps % 2 === 0 ? 1 : -1;
  let logdet = 0;
  for (let i = 0; i < n; i++) {
    const d = lu[i * n + i];
    if (d === 0) return Number.NEGATIVE_INFINITY;
    if (d < 0) sign = -sign;
    logdet += Math.log(Math.abs(d));
  }
  return sign > 0 ? logdet : Number.NEGATIVE_INFINITY;
}
