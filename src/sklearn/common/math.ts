import { type Matrix, matrix } from "./ndarray.js";

export { linearForward } from "./linear_forward.js";

/**
 * The numeric kernels scikit-learn's predict paths rely on, written to follow numpy's order of operations
 * where that order changes the last bits (sums), so results stay within 1e-9 of scikit-learn's.
 */

const PW_BLOCKSIZE = 128;

/**
 * numpy's pairwise summation of `n` values starting at `offset` with `stride`: what `np.sum` does along a
 * contiguous axis (e.g. `X.sum(axis=1)` of a C-ordered matrix).
 */
export function pairwiseSum(a: ArrayLike<number>, offset: number, n: number, stride = 1): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[offset + i * stride];
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) r[j] = a[offset + j * stride];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += a[offset + (i + j) * stride];
    }
    let res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) res += a[offset + i * stride];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, offset, n2, stride) + pairwiseSum(a, offset + n2 * stride, n - n2, stride);
}

/**
 * pairwiseSum for a float32 array: numpy sums float32 in float32, so every addition is rounded to float32
 * (`np.mean` of float32 targets, e.g. a KNeighborsRegressor fitted on float32 y).
 */
function pairwiseSumFloat32(a: ArrayLike<number>, offset: number, n: number, stride = 1): number {
  const f = Math.fround;
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res = f(res + a[offset + i * stride]);
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    // a Float32Array rounds each stored sum to float32
    const r = new Float32Array(8);
    for (let j = 0; j < 8; j++) r[j] = a[offset + j * stride];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += a[offset + (i + j) * stride];
    }
    let res = f(f(f(r[0] + r[1]) + f(r[2] + r[3])) + f(f(r[4] + r[5]) + f(r[6] + r[7])));
    for (; i < n; i++) res = f(res + a[offset + i * stride]);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return f(
    pairwiseSumFloat32(a, offset, n2, stride) + pairwiseSumFloat32(a, offset + n2 * stride, n - n2, stride),
  );
}

/**
 * `np.mean` of float32 values, in float32 as numpy computes it: pairwise when the values are a contiguous
 * run of the reduced array, added one after another otherwise (numpy then loops over the other axis inside).
 */
export function meanFloat32(values: ArrayLike<number>, contiguous: boolean): number {
  const n = values.length;
  let sum = 0;
  if (contiguous) sum = pairwiseSumFloat32(values, 0, n);
  else for (let i = 0; i < n; i++) sum = Math.fround(sum + values[i]);
  return Math.fround(sum / n);
}

/** `A @ B` for A (n × k) and B (k × m). */
export function matmul(A: Matrix, B: Matrix): Matrix {
  if (A.cols !== B.rows) throw new RangeError(`cannot multiply ${A.rows}×${A.cols} by ${B.rows}×${B.cols}`);
  const out = matrix(A.rows, B.cols);
  const o = out.data;
  for (let i = 0; i < A.rows; i++) {
    for (let j = 0; j < B.cols; j++) {
      let s = 0;
      for (let k = 0; k < A.cols; k++) s += A.data[i * A.cols + k] * B.data[k * B.cols + j];
      o[i * B.cols + j] = s;
    }
  }
  return out;
}

/** numpy's argmax of a run: the first maximum; a NaN wins at its first position, as in numpy. */
export function argmax(a: ArrayLike<number>, offset = 0, n = a.length - offset): number {
  let best = 0;
  let bestVal = a[offset];
  if (Number.isNaN(bestVal)) return 0;
  for (let k = 1; k < n; k++) {
    const v = a[offset + k];
    if (v > bestVal) {
      best = k;
      bestVal = v;
    } else if (Number.isNaN(v)) {
      return k;
    }
  }
  return best;
}

/** `m.argmax(axis=1)`. */
export function rowArgmax(m: Matrix): Int32Array {
  const out = new Int32Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = argmax(m.data, i * m.cols, m.cols);
  return out;
}

/** Row maxima (`np.max(m, axis=1)`). */
function rowMax(d: Float64Array, base: number, n: number): number {
  let mx = d[base];
  for (let k = 1; k < n; k++) if (d[base + k] > mx || Number.isNaN(d[base + k])) mx = d[base + k];
  return mx;
}

/** scikit-learn's `utils.extmath.softmax`, in place, row by row: subtract the max, exp, divide by the sum. */
export function softmaxInPlace(m: Matrix): Matrix {
  const d = m.data;
  for (let i = 0; i < m.rows; i++) {
    const base = i * m.cols;
    const mx = rowMax(d, base, m.cols);
    for (let k = 0; k < m.cols; k++) d[base + k] = Math.exp(d[base + k] - mx);
    const s = pairwiseSum(d, base, m.cols);
    for (let k = 0; k < m.cols; k++) d[base + k] /= s;
  }
  return m;
}

/** scipy's `logsumexp(m, axis=1)`: shift by the finite row max, sum the exps, log, shift back. */
export function rowLogSumExp(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows);
  const d = m.data;
  const tmp = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) {
    const base = i * m.cols;
    let mx = rowMax(d, base, m.cols);
    if (!Number.isFinite(mx)) mx = 0;
    for (let k = 0; k < m.cols; k++) tmp[k] = Math.exp(d[base + k] - mx);
    out[i] = Math.log(pairwiseSum(tmp, 0, m.cols)) + mx;
  }
  return out;
}

/** The logistic sigmoid, scipy's `expit`. */
export function expit(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** `m.T` as a new row-major matrix. */
export function transpose(m: Matrix): Matrix {
  const t = matrix(m.cols, m.rows);
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < m.cols; j++) t.data[j * m.rows + i] = m.data[i * m.cols + j];
  return t;
}
