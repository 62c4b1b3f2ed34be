import type { NDArray, PyObject } from "../../pickle/values.js";
import type { Estimator, Input, Method } from "../estimator.js";
import { isNDArray } from "./convert.js";
import { FLOAT64 } from "./dtypes.js";
import { EstimatorStateError, InvalidInputError } from "./errors.js";
import type { Matrix } from "./ndarray.js";

/**
 * Helpers for meta-estimators (ensembles, voting, stacking…) that hold other estimators: calling a
 * member on a matrix, recognising members, and the unfitted templates scikit-learn pickles beside them.
 */

export function isEstimator(v: unknown): v is Estimator {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as Estimator).call === "function" &&
    (v as Estimator).methods instanceof Set
  );
}

/** A fitted member estimator, or a load error naming where it was expected. */
export function memberEstimator(v: unknown, what: string): Estimator {
  if (isEstimator(v)) return v;
  const got = typeof v === "object" && v !== null && "cls" in v ? (v as PyObject).cls : typeof v;
  throw new EstimatorStateError(`${what} is ${got}, expected a supported scikit-learn estimator`);
}

/** A Matrix as the 2-D float64 NDArray a member estimator takes. */
export function matrixInput(m: Matrix): NDArray {
  return { dtype: FLOAT64, shape: [m.rows, m.cols], data: m.data };
}

/** `est.<method>(X)` for a member, as float64 values (labels of members fitted on encoded targets are ints). */
export function callFloat(
  est: Estimator,
  method: Method,
  X: Input,
): { data: Float64Array; shape: readonly number[] } {
  const out = est.call(method, X);
  const src = out.data;
  if (src instanceof Float64Array) return { data: src, shape: out.shape };
  if (Array.isArray(src) || src === undefined) {
    throw new EstimatorStateError(
      `${est.cls}.${method} returned ${out.dtype.str} values where numbers were expected`,
    );
  }
  const data = new Float64Array(src.length);
  for (let i = 0; i < data.length; i++) data[i] = Number(src[i]);
  return { data, shape: out.shape };
}

/**
 * An estimator object that was pickled but never fitted: the templates meta-estimators keep in their
 * parameters (`estimator`, `estimators`, `init`). It loads, and refuses to predict with a clear message.
 */
export function unfittedEstimator(obj: PyObject): Estimator {
  const name = obj.cls.slice(obj.cls.lastIndexOf(".") + 1);
  return {
    cls: obj.cls,
    methods: new Set<Method>(),
    call(): NDArray {
      throw new InvalidInputError(`this ${name} is not fitted: only fitted estimators predict`);
    },
  };
}

/** numpy's `logaddexp`, element by element. */
export function logaddexp(x: number, y: number): number {
  if (x === y) return x + Math.LN2;
  const d = x - y;
  if (d > 0) return x + Math.log1p(Math.exp(-d));
  if (d <= 0) return y + Math.log1p(Math.exp(d));
  return Number.NaN;
}

/** Maps class labels (numbers, bigints, strings, booleans) to their index in `classes_`. */
export class LabelIndex {
  private readonly index = new Map<string, number>();

  constructor(labels: readonly unknown[]) {
    for (let i = 0; i < labels.length; i++) this.index.set(LabelIndex.key(labels[i]), i);
  }

  private static key(l: unknown): string {
    return typeof l === "bigint" || typeof l === "number" ? `n${Number(l)}` : `${typeof l}:${String(l)}`;
  }

  /** The index of `label`, or -1 when it is not a known class. */
  of(label: unknown): number {
    return this.index.get(LabelIndex.key(label)) ?? -1;
  }
}

export function labelsOf(a: NDArray): unknown[] {
  if (!isNDArray(a)) return [];
  const vals = Array.from(a.data as ArrayLike<unknown>);
  return a.dtype.kind === "b" ? vals.map((v) => v === 1 || v === true) : vals;
}

/** The scikit-learn release that pickled the estimator (`_sklearn_version`), as [major, minor]; [0, 0] when absent. */
export function pickledVersion(state: ReadonlyMap<string, unknown>): [number, number] {
  const v = state.get("_sklearn_version");
  const m = typeof v === "string" ? /^(\d+)\.(\d+)/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

/** True when `version` is at least major.minor. */
export function atLeast(version: readonly [number, number], major: number, minor: number): boolean {
  return version[0] > major || (version[0] === major && version[1] >= minor);
}
