import type { DType, NDArray, NumericStorage } from "../pickle/values.js";
import { numpyDtype } from "./signature.js";

/** Small NDArray helpers for MLflow inputs and outputs: dtypes by numpy name, casts, element access. */

export function dtypeOf(name: string): DType {
  const d = numpyDtype(name);
  if (d === undefined) throw new Error(`unknown numpy dtype ${name}`);
  const byteorder = d.itemsize <= 1 || d.kind === "O" || d.kind === "U" || d.kind === "S" ? "|" : "<";
  const str = d.kind === "O" ? "|O" : `${byteorder}${d.kind}${d.itemsize}`;
  return { kind: d.kind, itemsize: d.itemsize, byteorder, str };
}

export const OBJECT = dtypeOf("object");

/** Whether an array holds numbers (float, int, uint or bool), as opposed to strings or objects. */
export function isNumeric(a: NDArray): boolean {
  return a.dtype.kind === "f" || a.dtype.kind === "i" || a.dtype.kind === "u" || a.dtype.kind === "b";
}

/** The elements of an array as JavaScript values (numbers stay numbers, int64 stays bigint). */
export function elements(a: NDArray): readonly unknown[] {
  return Array.isArray(a.data) ? a.data : Array.from(a.data as ArrayLike<unknown>);
}

/** A zeroed typed array for `n` elements of a numeric or bool dtype (float16 held as float32). */
export function storageFor(dtype: DType, n: number): NumericStorage {
  switch (`${dtype.kind}${dtype.itemsize}`) {
    case "f8":
      return new Float64Array(n);
    case "f4":
    case "f2":
      return new Float32Array(n);
    case "i8":
      return new BigInt64Array(n);
    case "i4":
      return new Int32Array(n);
    case "i2":
      return new Int16Array(n);
    case "i1":
      return new Int8Array(n);
    case "u8":
      return new BigUint64Array(n);
    case "u4":
      return new Uint32Array(n);
    case "u2":
      return new Uint16Array(n);
    case "u1":
    case "b1":
      return new Uint8Array(n);
    default:
      throw new Error(`no numeric storage for dtype ${dtype.str}`);
  }
}

function toNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint" || typeof v === "boolean") return Number(v);
  if (v === null || v === undefined) return Number.NaN;
  throw new TypeError(`${JSON.stringify(v)} is not a number`);
}

/**
 * Casts the values of `a` into a new array of `dtype` as numpy's `astype` does for the casts MLflow
 * allows (widening, and float → int truncating toward zero for tensor columns). Throws TypeError for a
 * non-numeric value bound for a numeric dtype.
 */
export function cast(a: NDArray, dtype: DType, shape: readonly number[] = a.shape): NDArray {
  if (dtype.kind === "O" || dtype.kind === "U" || dtype.kind === "S") {
    return { dtype, shape, data: [...elements(a)] };
  }
  const src = elements(a);
  const out = storageFor(dtype, src.length);
  if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      out[i] = typeof v === "bigint" ? v : BigInt(Math.trunc(toNumber(v)));
    }
  } else if (dtype.kind === "f") {
    for (let i = 0; i < src.length; i++) out[i] = toNumber(src[i]);
  } else if (dtype.kind === "b") {
    for (let i = 0; i < src.length; i++) out[i] = toNumber(src[i]) !== 0 ? 1 : 0;
  } else {
    for (let i = 0; i < src.length; i++) out[i] = Math.trunc(toNumber(src[i]));
  }
  return { dtype, shape, data: out };
}
