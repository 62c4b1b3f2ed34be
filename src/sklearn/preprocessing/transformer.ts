import type { PyObject } from "../../pickle/values.js";
import {
  type Matrix,
  matrixToArray,
  type NumericEstimatorSpec,
  numericEstimator,
  State,
} from "../common/index.js";
import { unfittedEstimator } from "../common/meta.js";
import { type EstimatorFactory, registerClass } from "../estimator.js";

/** A fitted numeric transformer: its `transform` on a validated float64 matrix. */
export interface MatrixTransformer {
  transform(X: Matrix): Matrix;
  /** scikit-learn lets NaN through (scalers, imputers, quantile and power transforms ignore it) */
  readonly allowNaN?: boolean;
}

/** Register a transformer whose only served method is `transform` over numeric input. */
export function registerTransformer(
  name: string,
  build: (state: State, obj: PyObject, hydrate: (value: unknown) => unknown) => MatrixTransformer,
): void {
  registerFittedNumeric(name, (state, obj, hydrate) => {
    const t = build(state, obj, hydrate);
    return { methods: { transform: (X) => matrixToArray(t.transform(X)) }, allowNaN: t.allowNaN };
  });
}

/** common's registerNumericEstimator, for classes whose unfitted templates must load too. */
export function registerFittedNumeric(
  name: string,
  build: (state: State, obj: PyObject, hydrate: (value: unknown) => unknown) => NumericEstimatorSpec,
): void {
  registerFitted(name, (obj, hydrate) => {
    const state = new State(obj);
    return numericEstimator(obj, state, build(state, obj, hydrate));
  });
}

/**
 * scikit-learn's `check_is_fitted` test: a fitted estimator has an attribute ending in "_". Meta-estimators
 * pickle unfitted templates of their members (ColumnTransformer.transformers, SelectFromModel.estimator).
 */
export function isFitted(obj: PyObject): boolean {
  const s = obj.state;
  if (!(s instanceof Map)) return false;
  for (const k of s.keys()) if (typeof k === "string" && k.endsWith("_") && !k.startsWith("__")) return true;
  return false;
}

/** Register a class whose unfitted instances (templates) load as estimators that refuse to run. */
export function registerFitted(name: string, factory: EstimatorFactory): void {
  registerClass(name, (obj, hydrate) => (isFitted(obj) ? factory(obj, hydrate) : unfittedEstimator(obj)));
}

/** A new matrix of X's shape whose cell (i, j) is `f(X[i, j], j)`. */
export function mapCells(X: Matrix, f: (x: number, j: number) => number): Matrix {
  const out = new Float64Array(X.data.length);
  const { cols } = X;
  for (let i = 0; i < X.rows; i++) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) out[base + j] = f(X.data[base + j], j);
  }
  return { rows: X.rows, cols, data: out };
}

/** scikit-learn's `_handle_zeros_in_scale`: a zero (or near-zero) scale divides by 1 instead. */
export function safeScale(s: number): number {
  return s < 10 * Number.EPSILON ? 1 : s;
}
