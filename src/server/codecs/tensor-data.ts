import { BadRequestError } from "../errors.js";
import type { Datatype, TensorData } from "../protocol/tensor.js";
import { allocate, DATATYPES, elementCount } from "./datatypes.js";
import { HALF_MAX, roundToHalf } from "./fp16.js";

/**
 * JSON (or any JS array) tensor contents → typed Tensor storage, checking every element against its
 * datatype. Used by the REST codec and by gRPC's typed contents, so both give the same errors.
 */

const FP32_MAX = 3.4028234663852886e38;
const encoder = new TextEncoder();

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return String(value);
}

function bad(where: string, datatype: Datatype, index: number, value: unknown, expected: string): never {
  throw new BadRequestError(
    `${where} (${datatype}): element ${index} is ${describe(value)}, expected ${expected}`,
  );
}

function expectedInteger(datatype: Datatype): string {
  const info = DATATYPES[datatype];
  return `an integer in [${info.min}, ${info.max}]`;
}

/**
 * A 64-bit integer element that arrived as a double beyond 2^53, where doubles skip integers: the value
 * the client wrote may be lost. The JSON codec catches it and parses the body again, losslessly; anyone
 * else who passes such a double gets a 400.
 */
export class InexactIntegerError extends BadRequestError {}

function toBigInt(value: unknown, where: string, datatype: Datatype, index: number): bigint | undefined {
  switch (typeof value) {
    case "bigint":
      return value;
    case "number":
      if (Number.isSafeInteger(value)) return BigInt(value);
      if (!Number.isInteger(value)) return undefined;
      throw new InexactIntegerError(
        `${where} (${datatype}): element ${index} is ${value} as a double, which cannot hold every integer beyond 2^53; send it as an exact integer`,
      );
    case "string":
      // 64-bit values beyond 2^53 also come as decimal strings (gRPC's int64 fields, JSON writers without big integers)
      return /^-?\d{1,20}$/.test(value) ? BigInt(value) : undefined;
    default:
      return undefined;
  }
}

function fillSmallIntegers(
  out: Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | Int32Array,
  values: readonly unknown[],
  datatype: Datatype,
  where: string,
): void {
  const info = DATATYPES[datatype];
  const min = info.min as number;
  const max = info.max as number;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      bad(where, datatype, i, v, expectedInteger(datatype));
    }
    out[i] = v;
  }
}

function fillBigIntegers(
  out: BigInt64Array | BigUint64Array,
  values: readonly unknown[],
  datatype: Datatype,
  where: string,
): void {
  const info = DATATYPES[datatype];
  const min = info.min as bigint;
  const max = info.max as bigint;
  for (let i = 0; i < values.length; i++) {
    const v = toBigInt(values[i], where, datatype, i);
    if (v === undefined || v < min || v > max) {
      bad(where, datatype, i, values[i], `${expectedInteger(datatype)} (a number, or a string beyond 2^53)`);
    }
    out[i] = v;
  }
}

function fillFloats(
  out: Float32Array | Float64Array,
  values: readonly unknown[],
  datatype: Datatype,
  where: string,
): void {
  const limit = datatype === "FP64" ? Number.MAX_VALUE : datatype === "FP32" ? FP32_MAX : HALF_MAX;
  const half = datatype === "FP16";
  for (let i = 0; i < values.length; i++) {
    const v = typeof values[i] === "bigint" ? Number(values[i]) : values[i];
    if (typeof v === "number") {
      if (v > limit || v < -limit) bad(where, datatype, i, v, `a number within ±${limit}`);
      out[i] = half ? roundToHalf(v) : v;
    } else if (v === null) {
      // MLServer's numpy/pandas codecs read JSON null as NaN (JSON has no NaN literal)
      out[i] = Number.NaN;
    } else {
      bad(where, datatype, i, v, "a number (or null for NaN)");
    }
  }
}

function fillBools(out: Uint8Array, values: readonly unknown[], where: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === true || v === 1) out[i] = 1;
    else if (v === false || v === 0) out[i] = 0;
    else bad(where, "BOOL", i, v, "true or false");
  }
}

function fillBytes(out: Uint8Array[], values: readonly unknown[], where: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "string") bad(where, "BYTES", i, v, "a string");
    out[i] = encoder.encode(v);
  }
}

function fill(datatype: Datatype, values: readonly unknown[], where: string): TensorData {
  const out = allocate(datatype, values.length);
  switch (datatype) {
    case "BOOL":
      fillBools(out as Uint8Array, values, where);
      break;
    case "UINT64":
    case "INT64":
      fillBigIntegers(out as BigInt64Array | BigUint64Array, values, datatype, where);
      break;
    case "FP16":
    case "FP32":
    case "FP64":
      fillFloats(out as Float32Array | Float64Array, values, datatype, where);
      break;
    case "BYTES":
      fillBytes(out as Uint8Array[], values, where);
      break;
    default:
      fillSmallIntegers(out as Int32Array, values, datatype, where);
  }
  return out;
}

function isNested(values: readonly unknown[]): boolean {
  for (let i = 0; i < values.length; i++) if (Array.isArray(values[i])) return true;
  return false;
}

function flatten(where: string, data: unknown[]): readonly unknown[] {
  try {
    return data.flat(Number.POSITIVE_INFINITY);
  } catch {
    // a pathologically deep nesting overflows the stack
    throw new BadRequestError(`${where}: 'data' is nested too deeply`);
  }
}

/**
 * Converts `data` (flat or nested row-major) to the storage of `datatype`, checking its element count
 * against `shape`. `where` names the tensor in errors, e.g. "input 'x'".
 */
export function tensorDataFromValues(
  where: string,
  datatype: Datatype,
  shape: readonly number[],
  data: unknown,
): TensorData {
  if (!Array.isArray(data)) {
    throw new BadRequestError(
      `${where}: 'data' must be a JSON array (flat or nested), got ${describe(data)}`,
    );
  }
  const flat = isNested(data) ? flatten(where, data) : data;
  const expected = elementCount(shape);
  if (flat.length !== expected) {
    throw new BadRequestError(
      `${where}: shape [${shape.join(", ")}] holds ${expected} elements but 'data' has ${flat.length}`,
    );
  }
  return fill(datatype, flat, where);
}
