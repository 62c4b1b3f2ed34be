import type { NDArray, PyObject, PySlice } from "../../pickle/values.js";
import { isTable } from "../common/columns.js";
import {
  EstimatorStateError,
  globalName,
  InvalidInputError,
  isNDArray,
  UnsupportedEstimatorError,
} from "../common/index.js";
import type { Input, Table } from "../estimator.js";

/**
 * ColumnTransformer's column selections, resolved once at load time against the fitted column names
 * (`feature_names_in_`) into positions; `scalar` selections (one name or index) hand a 1-D column on.
 */
export interface Selection {
  readonly indices: readonly number[];
  readonly names?: readonly string[];
  readonly scalar: boolean;
}

function isSlice(v: unknown): v is PySlice {
  return typeof v === "object" && v !== null && (v as PySlice).slice === true;
}

export function resolveSelection(
  spec: unknown,
  nFeatures: number,
  featureNames: readonly string[] | undefined,
  what: string,
): Selection {
  const byName = (name: string): number => {
    const j = featureNames?.indexOf(name) ?? -1;
    if (j < 0) throw new EstimatorStateError(`${what} selects column '${name}', which was not seen at fit`);
    return j;
  };
  const one = (v: unknown): number => {
    if (typeof v === "string") return byName(v);
    if (typeof v === "number" || typeof v === "bigint") {
      const j = Number(v);
      return j < 0 ? nFeatures + j : j;
    }
    throw new UnsupportedEstimatorError(`${what} has a column selection of type ${typeof v}`);
  };
  if (typeof spec === "string" || typeof spec === "number" || typeof spec === "bigint") {
    const j = one(spec);
    return { indices: [j], names: featureNames ? [featureNames[j]] : undefined, scalar: true };
  }
  let items: unknown[];
  if (isRemainderList(spec)) {
    return resolveSelection(remainderItems(spec), nFeatures, featureNames, what);
  } else if (isSlice(spec)) {
    const start = spec.start === null ? 0 : spec.start;
    const stop = spec.stop === null ? nFeatures : spec.stop;
    const from = typeof start === "string" ? byName(start) : start;
    // slices by name include their end, like pandas' .loc
    const to = typeof stop === "string" ? byName(stop) + 1 : stop;
    items = [];
    for (let j = from; j < to; j += spec.step ?? 1) items.push(j);
  } else if (isNDArray(spec)) {
    items = Array.from(spec.data as ArrayLike<unknown>);
    if (spec.dtype.kind === "b") items = items.flatMap((b, j) => (b === 1 || b === true ? [j] : []));
  } else if (Array.isArray(spec)) {
    items = spec.every((b) => typeof b === "boolean") ? spec.flatMap((b, j) => (b ? [j] : [])) : spec;
  } else if (globalName(spec) !== undefined) {
    throw new UnsupportedEstimatorError(
      `${what} selects columns with a callable (${globalName(spec)}); only names, indices, masks and slices are supported`,
    );
  } else {
    throw new UnsupportedEstimatorError(
      `${what} has a column selection we cannot read; use names, indices, a boolean mask or a slice`,
    );
  }
  const indices = items.map(one);
  return { indices, names: featureNames ? indices.map((j) => featureNames[j]) : undefined, scalar: false };
}

/** scikit-learn 1.5–1.6 keep the remainder's columns in a `_RemainderColsList` (a UserList). */
function isRemainderList(v: unknown): v is PyObject {
  return (
    typeof v === "object" &&
    v !== null &&
    "cls" in v &&
    String((v as PyObject).cls).endsWith("._RemainderColsList")
  );
}

function remainderItems(v: PyObject): unknown[] {
  const data = v.state instanceof Map ? v.state.get("data") : undefined;
  if (Array.isArray(data)) return data;
  if (v.items !== undefined) return v.items;
  throw new EstimatorStateError("ColumnTransformer remainder columns (_RemainderColsList) hold no list");
}

/** The selected columns of X: a sub-table (by name when X has names) or a sub-array. */
export function selectInput(X: Input, sel: Selection, owner: string): Input {
  if (isTable(X)) {
    const byName = new Map(X.columns.map((c) => [c.name, c]));
    const cols: Table["columns"][number][] = sel.indices.map((j, k) => {
      const name = sel.names?.[k];
      const c = name !== undefined ? byName.get(name) : X.columns[j];
      if (c === undefined) {
        throw new InvalidInputError(
          `${owner} needs column ${name !== undefined ? `'${name}'` : j}, which the input lacks`,
        );
      }
      return c;
    });
    return { kind: "table", rows: X.rows, columns: cols };
  }
  return selectArray(X, sel.indices, owner);
}

function selectArray(X: NDArray, indices: readonly number[], owner: string): NDArray {
  if (X.shape.length !== 2 || X.data === undefined) {
    throw new InvalidInputError(`${owner} expects a 2-D input (rows × features), got shape [${X.shape}]`);
  }
  const [rows, cols] = X.shape;
  for (const j of indices) {
    if (j >= cols) throw new InvalidInputError(`${owner} selects column ${j}, but X has ${cols} columns`);
  }
  const src = X.data as ArrayLike<unknown>;
  const w = indices.length;
  const out =
    X.data instanceof Float64Array
      ? new Float64Array(rows * w)
      : Array.isArray(X.data)
        ? new Array<unknown>(rows * w)
        : new (X.data.constructor as new (n: number) => typeof X.data)(rows * w);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < w; k++) (out as unknown as unknown[])[i * w + k] = src[i * cols + indices[k]];
  }
  return { dtype: X.dtype, shape: [rows, w], data: out as NDArray["data"] };
}

/** The number of rows of an input. */
export function rowsOf(X: Input): number {
  return isTable(X) ? X.rows : X.shape[0];
}
