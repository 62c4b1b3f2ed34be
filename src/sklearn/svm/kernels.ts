import { type Matrix, type State, UnsupportedEstimatorError } from "../common/index.js";

/**
 * libsvm's kernel functions as its prediction path (`Kernel::k_function`) evaluates them for one sample
 * against one support vector.
 */

export interface KernelParams {
  readonly kind: "linear" | "poly" | "rbf" | "sigmoid" | "precomputed";
  readonly gamma: number;
  readonly coef0: number;
  readonly degree: number;
}

/** libsvm's `powi`: exponentiation by squaring, whose rounding differs from Math.pow. */
export function powi(base: number, times: number): number {
  let tmp = base;
  let ret = 1.0;
  for (let t = times; t > 0; t = Math.trunc(t / 2)) {
    if (t % 2 === 1) ret *= tmp;
    tmp = tmp * tmp;
  }
  return ret;
}

export function kernelParams(state: State): KernelParams {
  const kernel = state.get("kernel");
  if (typeof kernel !== "string" || !["linear", "poly", "rbf", "sigmoid", "precomputed"].includes(kernel)) {
    throw new UnsupportedEstimatorError(
      `${state.owner} uses a custom (callable) kernel, which cannot run outside Python; use linear, poly, rbf, sigmoid or precomputed`,
    );
  }
  return {
    kind: kernel as KernelParams["kind"],
    gamma: state.number("_gamma"),
    coef0: state.numberOr("coef0", 0),
    degree: state.numberOr("degree", 3),
  };
}

function dot(a: Float64Array, ai: number, b: Float64Array, bi: number, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += a[ai + k] * b[bi + k];
  return s;
}

/**
 * Kernel values of row `row` of X against every support vector. `support` holds the training indices of
 * the support vectors, which a precomputed kernel uses as column indices of X.
 */
export function kernelRow(
  p: KernelParams,
  X: Matrix,
  row: number,
  SV: Matrix,
  support: Int32Array,
  out: Float64Array,
): void {
  const x = X.data;
  const xi = row * X.cols;
  const sv = SV.data;
  const n = SV.cols;
  // out has one slot per support vector (support_vectors_ is empty for a precomputed kernel)
  for (let s = 0; s < out.length; s++) {
    const si = s * n;
    switch (p.kind) {
      case "linear":
        out[s] = dot(x, xi, sv, si, n);
        break;
      case "poly":
        out[s] = powi(p.gamma * dot(x, xi, sv, si, n) + p.coef0, p.degree);
        break;
      case "rbf": {
        let sum = 0;
        for (let k = 0; k < n; k++) {
          const d = x[xi + k] - sv[si + k];
          sum += d * d;
        }
        out[s] = Math.exp(-p.gamma * sum);
        break;
      }
      case "sigmoid":
        out[s] = Math.tanh(p.gamma * dot(x, xi, sv, si, n) + p.coef0);
        break;
      case "precomputed":
        out[s] = x[xi + support[s]];
        break;
    }
  }
}
