import { OBJECT } from "../../../mlflow/arrays.js";
import type { FrameColumn } from "../../../mlflow/pyfunc.js";
import type { PyJson } from "../../../mlflow/python-json.js";
import { simpleDType } from "../../../pickle/numpy/dtype.js";
import type { DType, NDArray } from "../../../pickle/values.js";
import { BadRequestError } from "../../errors.js";
import { pythonFloatRepr } from "./python-float.js";

/**
 * The dtypes pandas and numpy give to values parsed from JSON, as mlflow's scoring server builds its
 * inputs: `pd.DataFrame(...)` for `dataframe_split` / `dataframe_records` (one dtype per column,
 * pandas 3 rules) and `np.array(...)` for `instances` / `inputs` (one dtype for the whole array).
 * Signature enforcement then decides what these dtypes may be cast to, so they must be the ones MLflow
 * sees: an int64 column is not a float64 one.
 */

const FLOAT64 = simpleDType("<f8");
const INT64 = simpleDType("<i8");
const UINT64 = simpleDType("<u8");
const BOOL = simpleDType("|b1");

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** What kinds of Python values a column or array holds. */
interface Census {
  ints: number;
  floats: number;
  bools: number;
  strings: number;
  nones: number;
  /** lists and dicts: only an object array holds them */
  nested: number;
  negativeInt: boolean;
  /** an int above int64's range (fits uint64 when no int is negative) */
  aboveInt64: boolean;
  /** an int outside both int64 and uint64: a Python int only an object array holds */
  outsideInt64AndUint64: boolean;
}

function census(values: readonly PyJson[]): Census {
  const c: Census = {
    ints: 0,
    floats: 0,
    bools: 0,
    strings: 0,
    nones: 0,
    nested: 0,
    negativeInt: false,
    aboveInt64: false,
    outsideInt64AndUint64: false,
  };
  for (const v of values) {
    switch (typeof v) {
      case "bigint":
        c.ints++;
        if (v < 0n) c.negativeInt = true;
        if (v > INT64_MAX) c.aboveInt64 = true;
        if (v < INT64_MIN || v > UINT64_MAX) c.outsideInt64AndUint64 = true;
        break;
      case "number":
        c.floats++;
        break;
      case "boolean":
        c.bools++;
        break;
      case "string":
        c.strings++;
        break;
      default:
        if (v === null) c.nones++;
        else c.nested++;
    }
  }
  return c;
}

/** The dtype Python ints take together: int64, uint64 when one is above int64, else object. */
function integerDType(c: Census): DType {
  if (c.outsideInt64AndUint64 || (c.aboveInt64 && c.negativeInt)) return OBJECT;
  return c.aboveInt64 ? UINT64 : INT64;
}

function float64Data(values: readonly PyJson[]): Float64Array {
  const data = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    data[i] =
      typeof v === "number"
        ? v
        : typeof v === "bigint"
          ? Number(v)
          : v === true
            ? 1
            : v === false
              ? 0
              : Number.NaN;
  }
  return data;
}

function storage(dtype: DType, values: readonly PyJson[]): NDArray["data"] {
  switch (dtype.str) {
    case FLOAT64.str:
      return float64Data(values);
    case INT64.str:
      return BigInt64Array.from(values, (v) => (typeof v === "boolean" ? BigInt(v) : (v as bigint)));
    case UINT64.str:
      return BigUint64Array.from(values as bigint[]);
    case BOOL.str:
      return Uint8Array.from(values, (v) => (v === true ? 1 : 0));
    default:
      return values.map(objectItem);
  }
}

/** A Python object as the project's values hold it: ints as numbers unless beyond ±2^53. */
function objectItem(value: PyJson): unknown {
  if (typeof value === "bigint") {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value;
  }
  return value;
}

/**
 * One frame column as `pd.DataFrame` infers it from Python values (pandas 3): ints → int64 (uint64 or
 * object beyond int64), ints and floats with None → float64, bools → bool, strings with None/NaN → a string
 * column (held as object, missing values NaN), anything mixed or nested → object.
 */
export function frameColumn(name: string, values: readonly PyJson[]): FrameColumn {
  const c = census(values);
  const n = values.length;
  let dtype = OBJECT;
  let data: NDArray["data"];
  if (c.nested > 0 || n === 0 || c.nones === n) {
    data = storage(OBJECT, values);
  } else if (c.strings > 0 && values.every(isStringOrMissing)) {
    data = values.map((v) => (typeof v === "string" ? v : Number.NaN));
  } else if (c.bools > 0) {
    if (c.bools === n) dtype = BOOL;
    data = storage(dtype, values);
  } else if (c.strings > 0) {
    data = storage(OBJECT, values);
  } else if (c.floats === 0 && c.nones === 0) {
    dtype = integerDType(c);
    data = storage(dtype, values);
  } else {
    dtype = FLOAT64;
    data = storage(dtype, values);
  }
  return { name, values: { dtype, shape: [n], data } };
}

function isStringOrMissing(v: PyJson): boolean {
  return typeof v === "string" || v === null || (typeof v === "number" && Number.isNaN(v));
}

/** numpy's NPY_MAXDIMS (numpy 2) */
const MAX_DIMENSIONS = 64;

/** The shape of nested lists, checking that every level is rectangular, and their leaves in C order. */
function shapeAndLeaves(value: PyJson, where: string): { shape: number[]; leaves: PyJson[] } {
  const shape: number[] = [];
  let probe: PyJson = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  if (shape.length > MAX_DIMENSIONS) {
    throw new BadRequestError(
      `Invalid input. setting an array element with a sequence. The requested array would exceed the maximum number of dimension of ${MAX_DIMENSIONS}. (${where} nests lists ${shape.length} deep)`,
    );
  }
  const leaves: PyJson[] = [];
  const walk = (item: PyJson, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(item)) throw inhomogeneous(where, path, shape, depth);
      leaves.push(item);
      return;
    }
    if (!Array.isArray(item) || item.length !== shape[depth]) throw inhomogeneous(where, path, shape, depth);
    for (let i = 0; i < item.length; i++) walk(item[i], depth + 1, `${path}[${i}]`);
  };
  walk(value, 0, "");
  return { shape, leaves };
}

/** numpy's refusal of ragged nested lists, with where the first misfit is. */
function inhomogeneous(
  where: string,
  path: string,
  shape: readonly number[],
  depth: number,
): BadRequestError {
  const detected = shape.slice(0, depth);
  return new BadRequestError(
    "Invalid input. setting an array element with a sequence. The requested array has an inhomogeneous " +
      `shape after ${depth} dimensions. The detected shape was (${detected.join(", ")}${detected.length === 1 ? "," : ""}) ` +
      `+ inhomogeneous part (${where}${path} differs from the first element at that depth).`,
  );
}

/** `str(value)` of a Python scalar, for numpy's conversion of numbers mixed with strings. */
function pythonStr(value: PyJson): string {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number")
    return pythonFloatRepr(value).replace("Infinity", "inf").replace("NaN", "nan");
  return String(value);
}

/**
 * `np.array(value)` for parsed JSON: nested lists give the shape; None or a dict makes an object array;
 * a string makes every element a string (`<U` sized as numpy sizes it: 21 characters for an int, 32 for a
 * float, 5 for a bool, else the longest string); bools with numbers become numbers; ints → int64 (uint64 or
 * object beyond int64); any float → float64.
 */
export function numpyArray(value: PyJson, where: string): NDArray {
  const { shape, leaves } = shapeAndLeaves(value, where);
  const c = census(leaves);
  if (leaves.length === 0) return { dtype: FLOAT64, shape, data: new Float64Array(0) };
  if (c.nones > 0 || c.nested > 0) return { dtype: OBJECT, shape, data: storage(OBJECT, leaves) };
  if (c.strings > 0) {
    let chars = 0;
    for (const v of leaves) if (typeof v === "string") chars = Math.max(chars, v.length);
    if (c.ints > 0) chars = Math.max(chars, 21);
    if (c.floats > 0) chars = Math.max(chars, 32);
    if (c.bools > 0) chars = Math.max(chars, 5);
    return { dtype: simpleDType(`<U${Math.max(chars, 1)}`), shape, data: leaves.map(pythonStr) };
  }
  let dtype: DType;
  if (c.floats > 0) dtype = FLOAT64;
  else if (c.ints > 0) dtype = integerDType(c);
  else dtype = BOOL;
  return { dtype, shape, data: storage(dtype, leaves) };
}
