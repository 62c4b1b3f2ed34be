import { describe, expect, it } from "vitest";
import { linearForward, type Matrix, matrix } from "../../src/sklearn/common/index.js";

/** A deterministic stream of values spanning signs and magnitudes (xorshift32). */
function values(n: number, seed: number): Float64Array {
  let s = seed >>> 0 || 1;
  return Float64Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const u = (s >>> 0) / 2 ** 32;
    return (u - 0.5) * 10 ** (((s >>> 3) % 7) - 3);
  });
}

/** `X @ W.T + b` as the plain loop: each output summed feature after feature, then its bias added. */
function reference(X: Matrix, W: Matrix, b?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(X.rows * W.rows);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < W.rows; j++) {
      let s = 0;
      for (let k = 0; k < X.cols; k++) s += X.data[i * X.cols + k] * W.data[j * W.cols + k];
      out[i * W.rows + j] = b === undefined ? s : s + b[b.length === 1 ? 0 : j];
    }
  }
  return out;
}

/** Indices where the two differ in any bit pattern a float64 can show (-0, NaN included). */
function mismatches(a: Float64Array, b: Float64Array): number[] {
  expect(a.length).toBe(b.length);
  return Array.from(a.keys()).filter((i) => !Object.is(a[i], b[i]));
}

describe("linearForward (the WebAssembly kernel)", () => {
  // rows around the 8-row blocks and across several 16 KB chunks; odd and even feature counts
  const shapes: [rows: number, p: number, q: number][] = [];
  for (const rows of [1, 7, 8, 9, 23, 1000]) {
    for (const p of [0, 1, 2, 3, 30, 31]) for (const q of [1, 2, 5]) shapes.push([rows, p, q]);
  }
  it.each(shapes)("equals the plain loop bit for bit: %i rows × %i features, %i outputs", (rows, p, q) => {
    const X = matrix(rows, p, values(rows * p, rows * 131 + p));
    const W = matrix(q, p, values(q * p, q * 7 + p));
    const b = values(q, 99);
    expect(mismatches(linearForward(X, W, b).data, reference(X, W, b))).toEqual([]);
    expect(mismatches(linearForward(X, W).data, reference(X, W))).toEqual([]);
    expect(mismatches(linearForward(X, W, [0.25]).data, reference(X, W, [0.25]))).toEqual([]);
  });

  it("takes X as a view into a larger buffer", () => {
    const all = values(40 * 6, 5);
    const X = matrix(30, 6, all.subarray(60, 60 + 180));
    const W = matrix(2, 6, values(12, 6));
    expect(mismatches(linearForward(X, W, [1, 2]).data, reference(X, W, [1, 2]))).toEqual([]);
  });

  it("computes many outputs in groups of weights that fit its memory", () => {
    // 520 × 2100 weights are 8.7 MB: two groups of outputs
    const X = matrix(11, 2100, values(11 * 2100, 11));
    const W = matrix(520, 2100, values(520 * 2100, 12));
    const b = values(520, 13);
    expect(mismatches(linearForward(X, W, b).data, reference(X, W, b))).toEqual([]);
  });

  it("carries NaN and ±inf to the outputs of their rows only", () => {
    const X = matrix(10, 3, values(30, 3));
    X.data[4] = Number.NaN; // row 1
    X.data[27] = Number.POSITIVE_INFINITY; // row 9, a row after the 8-row block
    X.data[12] = Number.NEGATIVE_INFINITY; // row 4
    const W = matrix(2, 3, Float64Array.of(1, 2, 3, -1, -2, -3));
    const out = linearForward(X, W, [0, 0]);
    expect(mismatches(out.data, reference(X, W, [0, 0]))).toEqual([]);
    const nonFinite = Array.from(out.data.keys()).filter((i) => !Number.isFinite(out.data[i]));
    expect(nonFinite).toEqual([2, 3, 8, 9, 18, 19]);
  });

  it("refuses weights of another feature count", () => {
    expect(() => linearForward(matrix(2, 3), matrix(1, 4))).toThrow("weights have 4 features, X has 3");
  });
});
