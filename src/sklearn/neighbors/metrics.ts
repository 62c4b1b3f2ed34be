import { type State, toFloat64, UnsupportedEstimatorError } from "../common/index.js";

/**
 * The distance metrics nearest-neighbour models use, as scikit-learn's `DistanceMetric` classes compute
 * them: `rdist` is the cheap rank-preserving surrogate (squared euclidean, Σ|d|^p) that searches compare,
 * converted to the true distance only for the neighbours found.
 */
export interface Metric {
  readonly name: string;
  /** the Minkowski exponent the KD-tree bounds use (Infinity for chebyshev) */
  readonly p: number;
  rdist(a: Float64Array, ai: number, b: Float64Array, bi: number, n: number): number;
  rdistToDist(r: number): number;
  distToRdist(d: number): number;
}

const euclidean: Metric = {
  name: "euclidean",
  p: 2,
  rdist(a, ai, b, bi, n) {
    let s = 0;
    for (let j = 0; j < n; j++) {
      const d = a[ai + j] - b[bi + j];
      s += d * d;
    }
    return s;
  },
  rdistToDist: Math.sqrt,
  distToRdist: (d) => d * d,
};

const manhattan: Metric = {
  name: "manhattan",
  p: 1,
  rdist(a, ai, b, bi, n) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(a[ai + j] - b[bi + j]);
    return s;
  },
  rdistToDist: (r) => r,
  distToRdist: (d) => d,
};

const chebyshev: Metric = {
  name: "chebyshev",
  p: Number.POSITIVE_INFINITY,
  rdist(a, ai, b, bi, n) {
    let s = 0;
    for (let j = 0; j < n; j++) s = Math.max(s, Math.abs(a[ai + j] - b[bi + j]));
    return s;
  },
  rdistToDist: (r) => r,
  distToRdist: (d) => d,
};

function minkowski(p: number, w: Float64Array | undefined): Metric {
  return {
    name: "minkowski",
    p,
    rdist(a, ai, b, bi, n) {
      let s = 0;
      if (w === undefined) for (let j = 0; j < n; j++) s += Math.abs(a[ai + j] - b[bi + j]) ** p;
      else for (let j = 0; j < n; j++) s += w[j] * Math.abs(a[ai + j] - b[bi + j]) ** p;
      return s;
    },
    rdistToDist: (r) => r ** (1 / p),
    distToRdist: (d) => d ** p,
  };
}

const ALIASES: Record<string, Metric> = {
  euclidean,
  l2: euclidean,
  manhattan,
  cityblock: manhattan,
  l1: manhattan,
  chebyshev,
  infinity: chebyshev,
};

function param(params: unknown, key: string): unknown {
  return params instanceof Map ? params.get(key) : undefined;
}

/** The metric a fitted neighbours model searches with (`effective_metric_` and its params). */
export function effectiveMetric(state: State): Metric {
  const name = state.get("effective_metric_");
  if (typeof name !== "string") {
    throw new UnsupportedEstimatorError(
      `${state.owner} uses a callable metric, which cannot run outside Python`,
    );
  }
  const params = state.opt("effective_metric_params_");
  if (name === "minkowski") {
    const p = Number(param(params, "p") ?? state.numberOr("p", 2));
    const w = param(params, "w");
    const weights = w === undefined || w === null ? undefined : toFloat64(w, `${state.owner} metric weights`);
    if (weights === undefined && p === 2) return euclidean;
    if (weights === undefined && p === 1) return manhattan;
    if (weights === undefined && p === Number.POSITIVE_INFINITY) return chebyshev;
    return minkowski(p, weights);
  }
  const metric = ALIASES[name];
  if (metric === undefined) {
    throw new UnsupportedEstimatorError(
      `${state.owner} uses metric '${name}'; supported: euclidean, manhattan, chebyshev, minkowski`,
    );
  }
  return metric;
}
