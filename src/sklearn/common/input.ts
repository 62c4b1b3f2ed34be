import type { NDArray } from "../../pickle/values.js";
import type { Input, Table } from "../estimator.js";
import { InvalidInputError } from "./errors.js";
import { type Matrix, matrix } from "./ndarray.js";

export interface InputOptions {
  /** estimator name for messages */
  readonly estimator: string;
  /** n_features_in_, when the model knows it */
  readonly nFeatures?: number;
  /** feature_names_in_: a Table is matched to them by column name */
  readonly featureNames?: readonly string[];
  /** NaN allowed (estimators with native missing-value support); scikit-learn rejects it otherwise */
  readonly allowNaN?: boolean;
  /** ±inf allowed; almost no estimator accepts it */
  readonly allowInf?: boolean;
  /**
   * the method calls checkFinite itself, only when its results show a non-finite value (a linear model's
   * scores: a NaN or ±inf feature makes every score of its row NaN or ±inf), sparing a pass over X
   */
  readonly finiteCheckedByMethod?: boolean;
}

/** What Python's float() accepts (numpy converts object arrays of numeric strings with it). */
const PY_FLOAT =
  /^[+-]?(?:(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*\.|nan|inf|infinity)$/i;

/** A cell as numpy's float conversion reads it (numbers, numeric strings, bools; None is NaN), or a 400. */
export function numericCell(v: unknown, where: () => string, estimator: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && PY_FLOAT.test(v.trim())) {
    const t = v.trim().replaceAll("_", "").toLowerCase();
    if (t.endsWith("nan")) return Number.NaN;
    if (t.endsWith("inf") || t.endsWith("infinity")) return t.startsWith("-") ? -Infinity : Infinity;
    return Number(t);
  }
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "bigint") return Number(v);
  if (v === null || v === undefined) return Number.NaN; // pandas' missing value in a numeric column
  const shown = typeof v === "string" ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : typeof v;
  throw new InvalidInputError(`${estimator} needs numeric input, but ${where()} is ${shown}`);
}

function fromArray(X: NDArray, estimator: string): Matrix {
  if (X.fields !== undefined || X.data === undefined) {
    throw new InvalidInputError(`${estimator} needs a numeric 2-D array, got a structured array`);
  }
  if (X.shape.length !== 2) {
    throw new InvalidInputError(
      `${estimator} expects a 2-D input (rows × features), got shape [${X.shape}]; reshape a single sample to [1, n_features]`,
    );
  }
  const [rows, cols] = X.shape;
  if (X.data instanceof Float64Array) return matrix(rows, cols, X.data);
  const out = new Float64Array(rows * cols);
  const data = X.data;
  for (let i = 0; i < out.length; i++) {
    out[i] = numericCell(data[i], () => `element [${Math.floor(i / cols)}, ${i % cols}]`, estimator);
  }
  return matrix(rows, cols, out);
}

function orderedColumns(X: Table, opts: InputOptions): Table["columns"] {
  const names = opts.featureNames;
  if (names === undefined) return X.columns;
  const byName = new Map(X.columns.map((c) => [c.name, c]));
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length === 0) return names.map((n) => byName.get(n)!);
  // Unnamed/positional columns (e.g. a plain tensor turned into a table) are used in order.
  if (X.columns.every((c) => !names.includes(c.name))) return X.columns;
  throw new InvalidInputError(
    `${opts.estimator} was fitted with columns [${names.join(", ")}]; missing from the input: [${missing.join(", ")}]`,
  );
}

function fromTable(X: Table, opts: InputOptions): Matrix {
  const columns = orderedColumns(X, opts);
  const rows = X.rows;
  const cols = columns.length;
  const out = new Float64Array(rows * cols);
  columns.forEach((c, j) => {
    if (c.values.length !== rows) {
      throw new InvalidInputError(
        `column '${c.name}' has ${c.values.length} values, the table has ${rows} rows`,
      );
    }
    const vals = c.values;
    for (let i = 0; i < rows; i++) {
      out[i * cols + j] = numericCell(vals[i], () => `column '${c.name}' row ${i}`, opts.estimator);
    }
  });
  return matrix(rows, cols, out);
}

/**
 * Whether every value is finite, without a branch per value: `v * 0` is 0 for a finite v and NaN for NaN
 * or ±inf, so the sums stay 0 unless one is not finite. Four sums let the additions overlap.
 */
export function allFinite(d: Float64Array): boolean {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const end = d.length - (d.length % 4);
  let i = 0;
  for (; i < end; i += 4) {
    s0 += d[i] * 0;
    s1 += d[i + 1] * 0;
    s2 += d[i + 2] * 0;
    s3 += d[i + 3] * 0;
  }
  for (; i < d.length; i++) s0 += d[i] * 0;
  return s0 + s1 + s2 + s3 === 0;
}

/**
 * scikit-learn's `check_array` + `_check_n_features` for numeric estimators: the request input as a dense
 * row-major float64 matrix, refusing wrong feature counts, non-numeric cells and non-finite values with a
 * BAD_REQUEST error that says what was expected.
 */
export function inputMatrix(X: Input, opts: InputOptions): Matrix {
  const m = "kind" in X && X.kind === "table" ? fromTable(X, opts) : fromArray(X as NDArray, opts.estimator);
  if (opts.nFeatures !== undefined && m.cols !== opts.nFeatures) {
    throw new InvalidInputError(
      `X has ${m.cols} features, but ${opts.estimator} is expecting ${opts.nFeatures} features as input`,
    );
  }
  if (m.rows === 0) {
    throw new InvalidInputError(`${opts.estimator} needs at least one sample, got 0 rows`);
  }
  if (!opts.finiteCheckedByMethod) checkFinite(m, opts);
  return m;
}

/** Refuses the NaN or ±inf values the estimator does not accept, naming the first one. */
export function checkFinite(m: Matrix, opts: InputOptions): void {
  if ((opts.allowNaN && opts.allowInf) || allFinite(m.data)) return;
  const d = m.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (Number.isFinite(v)) continue;
    if (Number.isNaN(v) ? !opts.allowNaN : !opts.allowInf) {
      throw new InvalidInputError(
        `Input X contains ${Number.isNaN(v) ? "NaN" : "infinity"} at [${Math.floor(i / m.cols)}, ${i % m.cols}]; ${opts.estimator} does not accept ${Number.isNaN(v) ? "missing values" : "infinite values"}`,
      );
    }
  }
}
