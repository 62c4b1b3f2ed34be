import type { DType, NDArray, NumericStorage } from "../../pickle/values.js";
import { globalName } from "./convert.js";
import { numpyDType } from "./dtypes.js";
import { UnsupportedEstimatorError } from "./errors.js";

/**
 * The `dtype=` constructor parameter of encoders, vectorizers and discretizers: the numpy dtype their
 * output is cast to. Pickled as a numpy scalar type (`numpy.int8`), a Python builtin (`int`, `float`,
 * `bool`, which numpy reads as int64, float64 and bool) or an `np.dtype(...)` instance.
 */

const BY_NAME: Readonly<Record<string, DType>> = {
  bool: numpyDType("b", 1),
  bool_: numpyDType("b", 1),
  int8: numpyDType("i", 1),
  int16: numpyDType("i", 2),
  int32: numpyDType("i", 4),
  int64: numpyDType("i", 8),
  int: numpyDType("i", 8),
  uint8: numpyDType("u", 1),
  uint16: numpyDType("u", 2),
  uint32: numpyDType("u", 4),
  uint64: numpyDType("u", 8),
  float32: numpyDType("f", 4),
  single: numpyDType("f", 4),
  float64: numpyDType("f", 8),
  double: numpyDType("f", 8),
  float: numpyDType("f", 8),
};

const SUPPORTED = new Set(Object.values(BY_NAME).map((d) => d.str));

function describe(v: unknown): string {
  const g = globalName(v);
  if (g !== undefined) return g;
  if (typeof v === "object" && v !== null && "str" in v) return `dtype('${String((v as DType).str)}')`;
  return JSON.stringify(v) ?? String(v);
}

/** numpy's name ("float32", "int"), type code ("f4", "<i8") or array-protocol string for a dtype. */
function fromString(name: string): DType | undefined {
  if (Object.hasOwn(BY_NAME, name)) return BY_NAME[name];
  const m = /^[<|=]?([biuf])(\d)$/.exec(name);
  return m === null ? undefined : numpyDType(m[1] as DType["kind"], Number(m[2]));
}

/** The dtype named by a pickled `dtype=` value; `fallback` when the parameter is absent. */
export function dtypeParam(value: unknown, owner: string, fallback: DType): DType {
  if (value === undefined) return fallback;
  let found: DType | undefined;
  const g = globalName(value);
  if (typeof value === "string") {
    found = fromString(value);
  } else if (g !== undefined) {
    const module = g.slice(0, g.lastIndexOf("."));
    if (module === "numpy" || module === "builtins") found = fromString(g.slice(g.lastIndexOf(".") + 1));
  } else if (typeof value === "object" && value !== null && "kind" in value && "itemsize" in value) {
    const d = value as DType;
    found = fromString(`${d.kind}${d.itemsize}`);
  }
  if (found === undefined || !SUPPORTED.has(found.str)) {
    throw new UnsupportedEstimatorError(
      `${owner}(dtype=${describe(value)}) is not supported: expected a bool, integer or float32/float64 dtype`,
    );
  }
  return found;
}

type NumberArrayCtor = { from(values: ArrayLike<number>): NumericStorage };

/** The typed array of each dtype whose values a plain `from` casts as numpy's `astype` does. */
const FROM_FLOAT64: Readonly<Record<string, NumberArrayCtor>> = {
  f4: Float32Array,
  i1: Int8Array,
  i2: Int16Array,
  i4: Int32Array,
  u1: Uint8Array,
  u2: Uint16Array,
  u4: Uint32Array,
};

/** Float64 results cast to `dtype` as numpy's `astype` does for the values these estimators make. */
export function castFloat64(values: Float64Array, dtype: DType, shape: readonly number[]): NDArray {
  const code = `${dtype.kind}${dtype.itemsize}`;
  let data: NumericStorage;
  if (code === "f8") data = values;
  else if (code === "b1") data = Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0));
  else if (code === "i8") data = BigInt64Array.from(values, (v) => BigInt(v));
  else if (code === "u8") data = BigUint64Array.from(values, (v) => BigInt(v));
  else if (Object.hasOwn(FROM_FLOAT64, code)) data = FROM_FLOAT64[code].from(values);
  else throw new UnsupportedEstimatorError(`casting to dtype ${dtype.str} is not supported`);
  return { dtype, shape: [...shape], data };
}
