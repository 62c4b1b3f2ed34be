import type { NDArray, PyObject } from "../../pickle/values.js";
import { EstimatorStateError } from "./errors.js";
import { type Matrix, matrix } from "./ndarray.js";

/**
 * Conversions of decoded pickle values (NDArray, Python numbers and lists) into the typed forms the
 * estimators compute with. `what` names the value in errors, e.g. "LogisticRegression.coef_".
 */

export function isNDArray(v: unknown): v is NDArray {
  return typeof v === "object" && v !== null && "dtype" in v && "shape" in v && "data" in v;
}

export function isPyObject(v: unknown): v is PyObject {
  return typeof v === "object" && v !== null && "cls" in v && "args" in v && "state" in v;
}

/** The dotted name of a global the pickle references without calling it (`numpy.float32`), else undefined. */
export function globalName(v: unknown): string | undefined {
  return typeof v === "object" && v !== null && "global" in v
    ? String((v as { global: unknown }).global)
    : undefined;
}

function describe(v: unknown): string {
  if (v === null) return "None";
  if (isNDArray(v)) return `an array of dtype ${v.dtype.str} and shape [${v.shape}]`;
  if (isPyObject(v)) return `an instance of ${v.cls}`;
  if (Array.isArray(v)) return "a list";
  return `a ${typeof v}`;
}

function numericElement(x: unknown, what: string): number {
  if (typeof x === "number") return x;
  if (typeof x === "bigint") return Number(x);
  if (typeof x === "boolean") return x ? 1 : 0;
  throw new EstimatorStateError(`${what} holds ${describe(x)} where a number was expected`);
}

/** A numeric array, list or scalar as float64 values (the array's own buffer when it already is f8). */
export function toFloat64(v: unknown, what: string): Float64Array {
  if (isNDArray(v)) {
    if (v.data instanceof Float64Array) return v.data;
    if (v.dtype.kind === "O") return Float64Array.from(v.data as unknown[], (x) => numericElement(x, what));
    if (Array.isArray(v.data) || v.data === undefined) {
      throw new EstimatorStateError(`${what} is ${describe(v)}, expected a numeric array`);
    }
    if (v.data instanceof BigInt64Array || v.data instanceof BigUint64Array) return int64ToFloat64(v.data);
    const out = new Float64Array(v.data.length);
    for (let i = 0; i < out.length; i++) out[i] = Number(v.data[i]);
    return out;
  }
  if (Array.isArray(v)) return Float64Array.from(v, (x) => numericElement(x, what));
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") {
    return Float64Array.of(numericElement(v, what));
  }
  throw new EstimatorStateError(`${what} is ${describe(v)}, expected a numeric array`);
}

/**
 * 64-bit integers as float64, read as two 32-bit words (reading an element would allocate a BigInt):
 * `high * 2^32` and `low` are exact, so their sum is rounded once, to the value Number(bigint) gives.
 */
function int64ToFloat64(data: BigInt64Array | BigUint64Array): Float64Array {
  const words = new Int32Array(data.buffer, data.byteOffset, 2 * data.length);
  const signed = data instanceof BigInt64Array;
  const out = new Float64Array(data.length);
  for (let i = 0; i < out.length; i++) {
    const high = signed ? words[2 * i + 1] : words[2 * i + 1] >>> 0;
    out[i] = high * 4294967296 + (words[2 * i] >>> 0);
  }
  return out;
}

/** 64-bit integers as int32, each checked to fit: its high word is the sign of its low word. */
function int64ToInt32(data: BigInt64Array | BigUint64Array, what: string): Int32Array {
  const words = new Int32Array(data.buffer, data.byteOffset, 2 * data.length);
  const signed = data instanceof BigInt64Array;
  const out = new Int32Array(data.length);
  for (let i = 0; i < out.length; i++) {
    const low = words[2 * i];
    if (words[2 * i + 1] !== (signed ? low >> 31 : 0) || (!signed && low < 0)) {
      throw new EstimatorStateError(`${what}[${i}] = ${data[i]} is not a 32-bit integer`);
    }
    out[i] = low;
  }
  return out;
}

/** An integer array, list or scalar as int32 values (indices, counts, supports). */
export function toInt32(v: unknown, what: string): Int32Array {
  if (isNDArray(v) && (v.data instanceof BigInt64Array || v.data instanceof BigUint64Array)) {
    return int64ToInt32(v.data, what);
  }
  if (
    isNDArray(v) &&
    (v.data instanceof Int32Array ||
      v.data instanceof Int16Array ||
      v.data instanceof Uint16Array ||
      v.data instanceof Int8Array ||
      v.data instanceof Uint8Array)
  ) {
    return Int32Array.from(v.data);
  }
  const f = toFloat64(v, what);
  const out = new Int32Array(f.length);
  for (let i = 0; i < f.length; i++) {
    if (!Number.isInteger(f[i]) || Math.abs(f[i]) > 0x7fffffff) {
      throw new EstimatorStateError(`${what}[${i}] = ${f[i]} is not a 32-bit integer`);
    }
    out[i] = f[i];
  }
  return out;
}

/** A Python number or numpy scalar, or a one-element array (numpy 0-d arrays pickle that way). */
export function toNumber(v: unknown, what: string): number {
  if (isNDArray(v) || Array.isArray(v)) {
    const f = toFloat64(v, what);
    if (f.length !== 1) throw new EstimatorStateError(`${what} is ${describe(v)}, expected a single number`);
    return f[0];
  }
  return numericElement(v, what);
}

/** A 2-D numeric array as a Matrix; a 1-D array becomes a single row. */
export function toMatrix(v: unknown, what: string): Matrix {
  const data = toFloat64(v, what);
  const shape = isNDArray(v) ? v.shape : [data.length];
  if (shape.length === 1) return matrix(1, shape[0], data);
  if (shape.length === 2) return matrix(shape[0], shape[1], data);
  throw new EstimatorStateError(`${what} has shape [${shape}], expected a 1-D or 2-D array`);
}

/** The state dict of a pickled object (its `__dict__`), keys as strings. */
export function stateMap(obj: PyObject): ReadonlyMap<string, unknown> {
  const s = obj.state;
  if (s instanceof Map) return s as ReadonlyMap<string, unknown>;
  // Objects with __slots__ pickle (dict, slots); scikit-learn estimators do not, but be tolerant.
  if (Array.isArray(s) && s.length === 2 && (s[0] instanceof Map || s[0] === null)) {
    const merged = new Map<string, unknown>(s[0] instanceof Map ? s[0] : []);
    if (s[1] instanceof Map) for (const [k, val] of s[1]) merged.set(String(k), val);
    return merged;
  }
  if (s === null || s === undefined) return new Map();
  throw new EstimatorStateError(`${obj.cls} has a pickled state of unexpected form (${describe(s)})`);
}

export { describe as describeValue };
