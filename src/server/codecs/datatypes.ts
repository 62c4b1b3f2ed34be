import type { Datatype, TensorData } from "../protocol/tensor.js";

/** Facts about each V2 datatype the codecs need: byte size and the typed storage of a Tensor. */
export interface DatatypeInfo {
  /** bytes per element in binary forms; 0 for BYTES (variable) */
  readonly size: number;
  /** integer range for integer types; undefined otherwise */
  readonly min?: number | bigint;
  readonly max?: number | bigint;
}

export const DATATYPES: Readonly<Record<Datatype, DatatypeInfo>> = {
  BOOL: { size: 1 },
  UINT8: { size: 1, min: 0, max: 0xff },
  UINT16: { size: 2, min: 0, max: 0xffff },
  UINT32: { size: 4, min: 0, max: 0xffffffff },
  UINT64: { size: 8, min: 0n, max: 0xffffffffffffffffn },
  INT8: { size: 1, min: -0x80, max: 0x7f },
  INT16: { size: 2, min: -0x8000, max: 0x7fff },
  INT32: { size: 4, min: -0x80000000, max: 0x7fffffff },
  INT64: { size: 8, min: -0x8000000000000000n, max: 0x7fffffffffffffffn },
  FP16: { size: 2 },
  FP32: { size: 4 },
  FP64: { size: 8 },
  BYTES: { size: 0 },
};

export const DATATYPE_NAMES = Object.keys(DATATYPES) as Datatype[];

export function isDatatype(value: unknown): value is Datatype {
  return typeof value === "string" && Object.hasOwn(DATATYPES, value);
}

/** A zeroed Tensor storage of `count` elements for a datatype. */
export function allocate(datatype: Datatype, count: number): TensorData {
  switch (datatype) {
    case "BOOL":
    case "UINT8":
      return new Uint8Array(count);
    case "UINT16":
      return new Uint16Array(count);
    case "UINT32":
      return new Uint32Array(count);
    case "UINT64":
      return new BigUint64Array(count);
    case "INT8":
      return new Int8Array(count);
    case "INT16":
      return new Int16Array(count);
    case "INT32":
      return new Int32Array(count);
    case "INT64":
      return new BigInt64Array(count);
    case "FP16":
    case "FP32":
      return new Float32Array(count);
    case "FP64":
      return new Float64Array(count);
    case "BYTES":
      return new Array<Uint8Array>(count);
  }
}

/** Number of elements a shape holds. */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** True when `data` is the storage a Tensor of `datatype` must have. */
export function storageMatches(datatype: Datatype, data: TensorData): boolean {
  switch (datatype) {
    case "BOOL":
    case "UINT8":
      return data instanceof Uint8Array;
    case "UINT16":
      return data instanceof Uint16Array;
    case "UINT32":
      return data instanceof Uint32Array;
    case "UINT64":
      return data instanceof BigUint64Array;
    case "INT8":
      return data instanceof Int8Array;
    case "INT16":
      return data instanceof Int16Array;
    case "INT32":
      return data instanceof Int32Array;
    case "INT64":
      return data instanceof BigInt64Array;
    case "FP16":
    case "FP32":
      return data instanceof Float32Array;
    case "FP64":
      return data instanceof Float64Array;
    case "BYTES":
      return Array.isArray(data);
  }
}
