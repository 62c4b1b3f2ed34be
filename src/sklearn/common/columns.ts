import type { DType, NDArray } from "../../pickle/values.js";
import type { Input, Table } from "../estimator.js";
import { InvalidInputError } from "./errors.js";
import type { Matrix } from "./ndarray.js";

/**
 * Column-wise access to a request input, for the estimators that look at raw values rather than a float
 * matrix: encoders (strings, numbers and missing values mixed), imputers of string columns, text vectorizers
 * and ColumnTransformer's column selection.
 */

/** numpy's object dtype as numpy writes it (`dtype('O').str == '|O'`), for outputs holding strings. */
export const OBJECT_DTYPE: DType = { kind: "O", itemsize: 8, byteorder: "|", str: "|O" };

export type Column = Float64Array | readonly unknown[];

export interface Columns {
  readonly rows: number;
  readonly names?: readonly string[];
  readonly columns: readonly Column[];
}

export function isTable(X: Input): X is Table {
  return "kind" in X && X.kind === "table";
}

/** pandas' and numpy's missing values: None, NaN (and undefined, which a JSON null may decode to). */
export function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));
}

function arrayColumns(X: NDArray, estimator: string): Columns {
  if (X.fields !== undefined || X.data === undefined) {
    throw new InvalidInputError(`${estimator} needs a 2-D array or a table, got a structured array`);
  }
  const shape = X.shape.length === 1 ? [X.shape[0], 1] : X.shape;
  if (shape.length !== 2) {
    throw new InvalidInputError(`${estimator} expects a 2-D input (rows × features), got shape [${X.shape}]`);
  }
  const [rows, cols] = shape;
  const data = X.data;
  const columns: Column[] = [];
  for (let j = 0; j < cols; j++) {
    if (data instanceof Float64Array) {
      const c = new Float64Array(rows);
      for (let i = 0; i < rows; i++) c[i] = data[i * cols + j];
      columns.push(c);
    } else {
      const c = new Array<unknown>(rows);
      const bool = X.dtype.kind === "b";
      for (let i = 0; i < rows; i++) {
        const v = (data as ArrayLike<unknown>)[i * cols + j];
        c[i] = typeof v === "bigint" ? Number(v) : bool ? v === 1 || v === true : v;
      }
      columns.push(c);
    }
  }
  return { rows, columns };
}

/**
 * The input's columns, matched to `featureNames` by name when the input is a table that has them (pandas'
 * behaviour), in order otherwise; refuses a wrong column count.
 */
export function inputColumns(
  X: Input,
  opts: { estimator: string; nFeatures?: number; featureNames?: readonly string[] },
): Columns {
  let cols: Columns;
  if (isTable(X)) {
    const byName = new Map(X.columns.map((c) => [c.name, c]));
    const names = opts.featureNames;
    let picked: Table["columns"] = X.columns;
    if (names?.some((n) => byName.has(n))) {
      const missing = names.filter((n) => !byName.has(n));
      if (missing.length > 0) {
        throw new InvalidInputError(
          `${opts.estimator} was fitted with columns [${names.join(", ")}]; missing from the input: [${missing.join(", ")}]`,
        );
      }
      picked = names.map((n) => byName.get(n)!);
    }
    for (const c of picked) {
      if (c.values.length !== X.rows) {
        throw new InvalidInputError(
          `column '${c.name}' has ${c.values.length} values, the table has ${X.rows} rows`,
        );
      }
    }
    cols = { rows: X.rows, names: picked.map((c) => c.name), columns: picked.map((c) => c.values) };
  } else {
    cols = arrayColumns(X, opts.estimator);
  }
  if (opts.nFeatures !== undefined && cols.columns.length !== opts.nFeatures) {
    throw new InvalidInputError(
      `X has ${cols.columns.length} features, but ${opts.estimator} is expecting ${opts.nFeatures} features as input`,
    );
  }
  return cols;
}

/** The columns as a dense float64 matrix; `allowNaN` lets missing values through as NaN. */
export function columnsMatrix(cols: Columns, estimator: string, allowNaN: boolean): Matrix {
  const n = cols.columns.length;
  const data = new Float64Array(cols.rows * n);
  cols.columns.forEach((c, j) => {
    for (let i = 0; i < cols.rows; i++) {
      const v = c[i];
      let x: number;
      if (typeof v === "number") x = v;
      else if (typeof v === "boolean") x = v ? 1 : 0;
      else if (typeof v === "bigint") x = Number(v);
      else if (v === null || v === undefined) x = Number.NaN;
      else {
        throw new InvalidInputError(
          `${estimator} needs numeric input, but ${cols.names ? `column '${cols.names[j]}'` : `column ${j}`} row ${i} is ${JSON.stringify(v)}`,
        );
      }
      if (Number.isNaN(x) && !allowNaN) {
        throw new InvalidInputError(
          `Input X contains NaN at [${i}, ${j}]; ${estimator} does not accept missing values`,
        );
      }
      data[i * n + j] = x;
    }
  });
  return { rows: cols.rows, cols: n, data };
}

/** The input's values as one flat list of documents or labels (a 1-D array, or a table of one column). */
export function singleColumn(X: Input, estimator: string, what: string): readonly unknown[] {
  if (isTable(X)) {
    if (X.columns.length !== 1) {
      throw new InvalidInputError(
        `${estimator} expects one column of ${what}, got a table of ${X.columns.length} columns`,
      );
    }
    return Array.from(X.columns[0].values as ArrayLike<unknown>);
  }
  const rows = X.shape[0];
  if (X.shape.length > 2 || (X.shape.length === 2 && X.shape[1] !== 1)) {
    throw new InvalidInputError(`${estimator} expects a 1-D input of ${what}, got shape [${X.shape}]`);
  }
  if (X.data === undefined)
    throw new InvalidInputError(`${estimator} expects ${what}, got a structured array`);
  const out = Array.from(X.data as ArrayLike<unknown>).slice(0, rows);
  return out.map((v) => (typeof v === "bigint" ? Number(v) : v));
}
