import type { DType, NDArray } from "../../pickle/values.js";
import { isTable, OBJECT_DTYPE } from "../common/columns.js";
import { dtypeParam } from "../common/dtype_param.js";
import {
  FLOAT32,
  FLOAT64,
  globalName,
  InvalidInputError,
  isPyObject,
  UnsupportedEstimatorError,
} from "../common/index.js";
import { numericCell } from "../common/input.js";
import type { Input } from "../estimator.js";

/**
 * `functools.partial(sklearn.utils.validation.check_array, **kwargs)` as a FunctionTransformer's `func`
 * (what HistGradientBoosting >= 1.4 keeps for its numerical columns). check_array only validates and
 * converts, so it is modelled, never run: the data comes out unchanged except for the dtype conversion
 * the keywords ask for, and inputs check_array would refuse are refused.
 */

const CHECK_ARRAY = "sklearn.utils.validation.check_array";
const OWNER = "FunctionTransformer(check_array)";

/** Keywords that change nothing for a dense 2-D input (sparse formats, memory order, copies, messages). */
const NO_EFFECT = new Set([
  "accept_sparse",
  "accept_large_sparse",
  "order",
  "copy",
  "force_writeable",
  "ensure_2d",
  "allow_nd",
  "estimator",
  "input_name",
]);

/** A dtype keyword: numpy's names for the dtypes it may mean ("<f8"), or the "numeric" / None modes. */
type DTypeRequest = { mode: "numeric" } | { mode: "keep" } | { mode: "list"; accepted: string[] };

interface CheckArrayOptions {
  readonly dtype: DTypeRequest;
  readonly allowNaN: boolean;
  readonly allowInf: boolean;
  readonly nonNegative: boolean;
  readonly minSamples: number;
  readonly minFeatures: number;
}

/** True for a pickled `functools.partial` whose function is scikit-learn's check_array. */
export function isCheckArrayPartial(v: unknown): boolean {
  return isPyObject(v) && v.cls === "functools.partial" && globalName(partialParts(v).func) === CHECK_ARRAY;
}

/** functools.partial pickles as `partial(func)` + BUILD `(func, args, keywords, __dict__)`. */
function partialParts(v: { args: readonly unknown[]; state: unknown }): {
  func: unknown;
  args: readonly unknown[];
  keywords: ReadonlyMap<unknown, unknown>;
} {
  const state = Array.isArray(v.state) ? v.state : [];
  const func = state[0] ?? v.args[0];
  const args = Array.isArray(state[1]) ? state[1] : [];
  const keywords = state[2] instanceof Map ? state[2] : new Map();
  return { func, args, keywords };
}

function parseDType(v: unknown): DTypeRequest {
  if (v === undefined || v === "numeric") return { mode: "numeric" };
  if (v === null) return { mode: "keep" };
  const accepted = (Array.isArray(v) ? v : [v]).map((d) => dtypeParam(d, "check_array", FLOAT64).str);
  // Converting is only modelled towards floats; keeping any dtype already listed needs no conversion.
  if (accepted.length === 0 || (accepted[0] !== FLOAT64.str && accepted[0] !== FLOAT32.str)) {
    throw new UnsupportedEstimatorError(
      `${OWNER}: dtype=${accepted.join(", ")} is not supported: the first dtype must be float64 or float32`,
    );
  }
  return { mode: "list", accepted };
}

function parseFinite(key: string, v: unknown): { allowNaN: boolean; allowInf: boolean } {
  if (v === undefined || v === true) return { allowNaN: false, allowInf: false };
  if (v === false) return { allowNaN: true, allowInf: true };
  if (v === "allow-nan") return { allowNaN: true, allowInf: false };
  throw new UnsupportedEstimatorError(
    `${OWNER}: ${key}=${v === null ? "None" : JSON.stringify(v)} is not supported: expected True, False or "allow-nan"`,
  );
}

function count(v: unknown, key: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  throw new UnsupportedEstimatorError(`${OWNER}: ${key}=${String(v)} is not supported: expected an integer`);
}

function parseOptions(keywords: ReadonlyMap<unknown, unknown>): CheckArrayOptions {
  const kw = new Map<string, unknown>();
  for (const [k, v] of keywords) {
    const key = String(k);
    const known =
      NO_EFFECT.has(key) ||
      [
        "dtype",
        "ensure_all_finite",
        "force_all_finite",
        "ensure_non_negative",
        "ensure_min_samples",
        "ensure_min_features",
      ].includes(key);
    if (!known) {
      throw new UnsupportedEstimatorError(`${OWNER}: keyword ${key} is not supported`);
    }
    kw.set(key, v);
  }
  return {
    dtype: parseDType(kw.get("dtype")),
    // force_all_finite is the keyword's name before scikit-learn 1.6
    ...(kw.has("ensure_all_finite")
      ? parseFinite("ensure_all_finite", kw.get("ensure_all_finite"))
      : parseFinite("force_all_finite", kw.get("force_all_finite"))),
    nonNegative: kw.get("ensure_non_negative") === true,
    minSamples: count(kw.get("ensure_min_samples"), "ensure_min_samples", 1),
    minFeatures: count(kw.get("ensure_min_features"), "ensure_min_features", 1),
  };
}

/** X as a row-major 2-D list of cells with the dtype numpy would give it (`np.asarray`, pandas' result_type). */
function asArray(X: Input): { dtype: DType; rows: number; cols: number; cells: NDArray["data"] } {
  if (isTable(X)) {
    const cols = X.columns.length;
    const numeric = X.columns.every((c) => c.values instanceof Float64Array);
    const cells = numeric ? new Float64Array(X.rows * cols) : new Array<unknown>(X.rows * cols);
    X.columns.forEach((c, j) => {
      for (let i = 0; i < X.rows; i++) cells[i * cols + j] = c.values[i];
    });
    return { dtype: numeric ? FLOAT64 : OBJECT_DTYPE, rows: X.rows, cols, cells };
  }
  if (X.fields !== undefined || X.data === undefined) {
    throw new InvalidInputError(`${OWNER} needs a 2-D array, got a structured array`);
  }
  if (X.shape.length !== 2) {
    throw new InvalidInputError(
      `${OWNER} expects a 2-D input, got shape [${X.shape}]; reshape a single sample to [1, n_features]`,
    );
  }
  return { dtype: X.dtype, rows: X.shape[0], cols: X.shape[1], cells: X.data };
}

/** The dtype check_array converts to, or undefined when the input keeps its own. */
function targetDType(request: DTypeRequest, src: DType): DType | undefined {
  switch (request.mode) {
    case "keep":
      return undefined;
    case "numeric":
      if (src.kind === "U" || src.kind === "S") {
        throw new InvalidInputError(
          `${OWNER}: dtype="numeric" is not compatible with arrays of bytes/strings; send numbers`,
        );
      }
      return src.kind === "O" ? FLOAT64 : undefined;
    case "list": {
      const code = `${src.kind}${src.itemsize}`;
      if (request.accepted.some((a) => a.slice(1) === code)) return undefined;
      return request.accepted[0] === FLOAT32.str ? FLOAT32 : FLOAT64;
    }
  }
}

function checkValues(opts: CheckArrayOptions, a: NDArray, cols: number): void {
  const data = a.data as ArrayLike<unknown>;
  // scikit-learn looks for NaN only in an object array: an infinite object cell goes through
  const checkInf = !opts.allowInf && a.dtype.kind !== "O";
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== "number") continue; // strings and None are not missing values to check_array
    const at = `[${Math.floor(i / cols)}, ${i % cols}]`;
    if (Number.isNaN(v) && !opts.allowNaN) {
      throw new InvalidInputError(`${OWNER}: Input X contains NaN at ${at}`);
    }
    if (checkInf && Math.abs(v) === Infinity) {
      throw new InvalidInputError(`${OWNER}: Input X contains infinity at ${at}`);
    }
    if (opts.nonNegative && v < 0) {
      throw new InvalidInputError(`${OWNER}: negative value ${v} at ${at}`);
    }
  }
}

/** The transform for a pickled `partial(check_array, …)` FunctionTransformer func. */
export function checkArrayTransform(partial: {
  args: readonly unknown[];
  state: unknown;
}): (X: Input) => NDArray {
  const { args, keywords } = partialParts(partial);
  if (args.length > 0) {
    throw new UnsupportedEstimatorError(
      "FunctionTransformer(partial(check_array, <positional arguments>)) is not supported",
    );
  }
  const opts = parseOptions(keywords);
  return (X) => {
    const src = asArray(X);
    if (src.rows < opts.minSamples) {
      throw new InvalidInputError(
        `${OWNER}: found array with ${src.rows} sample(s) while a minimum of ${opts.minSamples} is required`,
      );
    }
    if (src.cols < opts.minFeatures) {
      throw new InvalidInputError(
        `${OWNER}: found array with ${src.cols} feature(s) while a minimum of ${opts.minFeatures} is required`,
      );
    }
    const target = targetDType(opts.dtype, src.dtype);
    const shape = [src.rows, src.cols];
    let out: NDArray;
    if (target === undefined) {
      out = { dtype: src.dtype, shape, data: src.cells };
    } else {
      const data =
        target.itemsize === 4 ? new Float32Array(src.cells.length) : new Float64Array(src.cells.length);
      for (let i = 0; i < data.length; i++) {
        data[i] = numericCell(
          (src.cells as ArrayLike<unknown>)[i],
          () => `element [${Math.floor(i / src.cols)}, ${i % src.cols}]`,
          OWNER,
        );
      }
      out = { dtype: target, shape, data };
    }
    checkValues(opts, out, src.cols);
    return out;
  };
}
