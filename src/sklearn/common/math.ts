import { type Matrix, matrix } from "./ndarray.js";

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

/** Dot product of two length-n runs. */
export function dot(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += a[ai + k] * b[bi + k];
  return s;
}

/** Rows of X computed together by linearForward: independent sums the CPU overlaps, each still added in order. */
const ROW_BLOCK = 8;

/**
 * `X @ W.T + b` (scikit-learn's `safe_sparse_dot(X, coef_.T) + intercept_` for dense X): W is
 * (outputs × features), b has one value per output or is omitted. Every output is summed feature after
 * feature, as `dot` does; only the interleaving of rows differs.
 */
export function linearForward(X: Matrix, W: Matrix, b?: ArrayLike<number>): Matrix {
  if (W.cols !== X.cols) throw new RangeError(`weights have ${W.cols} features, X has ${X.cols}`);
  const { rows, cols: p, data: x } = X;
  const { rows: q, data: w } = W;
  const o = new Float64Array(rows * q);
  const bias =
    b === undefined ? undefined : Float64Array.from({ length: q }, (_, j) => b[b.length === 1 ? 0 : j]);
  let i = 0;
  for (; i + ROW_BLOCK <= rows; i += ROW_BLOCK) {
    const x0 = i * p;
    for (let j = 0; j < q; j++) {
      const wj = j * p;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let s4 = 0;
      let s5 = 0;
      let s6 = 0;
      let s7 = 0;
      for (let k = 0; k < p; k++) {
        const wk = w[wj + k];
        const at = x0 + k;
        s0 += x[at] * wk;
        s1 += x[at + p] * wk;
        s2 += x[at + 2 * p] * wk;
        s3 += x[at + 3 * p] * wk;
        s4 += x[at + 4 * p] * wk;
        s5 += x[at + 5 * p] * wk;
        s6 += x[at + 6 * p] * wk;
        s7 += x[at + 7 * p] * wk;
      }
      if (bias !== undefined) {
        const c = bias[j];
        s0 += c;
        s1 += c;
        s2 += c;
        s3 += c;
        s4 += c;
        s5 += c;
        s6 += c;
        s7 += c;
      }
      const at = i * q + j;
      o[at] = s0;
      o[at + q] = s1;
      o[at + 2 * q] = s2;
      o[at + 3 * q] = s3;
      o[at + 4 * q] = s4;
      o[at + 5 * q] = s5;
      o[at + 6 * q] = s6;
      o[at + 7 * q] = s7;
    }
  }
  for (; i < rows; i++) {
    for (let j = 0; j < q; j++) {
      const s = dot(x, i * p, w, j * p, p);
      o[i * q + j] = bias === undefined ? s : s + bias[j];
    }
  }
  return matrix(rows, q, o);
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
