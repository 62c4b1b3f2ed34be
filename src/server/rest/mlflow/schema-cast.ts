import { dtypeOf, OBJECT, storageFor } from "../../../mlflow/arrays.js";
import type { FrameColumn, PyfuncInput } from "../../../mlflow/pyfunc.js";
import {
  type ColSpec,
  NUMPY_OF,
  numpyDtype,
  type Schema,
  type TensorSpec,
} from "../../../mlflow/signature.js";
import type { DType, NDArray } from "../../../pickle/values.js";
import { BadRequestError } from "../../errors.js";
import { pythonFloatRepr } from "./python-float.js";

/**
 * The casts mlflow's scoring server makes while it parses a request of a model with a signature, before
 * pyfunc enforces that signature (which then casts only what is safe): frame columns go through
 * `Series.astype(<the column's type>)` (`cast_df_types_according_to_schema`), `instances` / `inputs`
 * through `np.array(data, dtype=<the spec's type>)` (`_cast_schema_type`). So `{"inputs": [[5.1, ...]]}`
 * feeds a float32 tensor and `5` a double column, as with `mlflow models serve`. Casts to numbers, bools
 * and (frame columns) datetimes are made here; string, bytes and binary targets are left to the enforcement.
 */

const NUMERIC_TARGETS = new Set(["b", "i", "u", "f"]);

type Spec = ColSpec | TensorSpec;

function targetName(spec: Spec): string {
  return "type" in spec ? NUMPY_OF[spec.type] : spec.dtype;
}

/** The numeric or bool dtype a spec casts to, undefined for the targets left to the enforcement. */
function numericTarget(spec: Spec): DType | undefined {
  const name = targetName(spec);
  const d = numpyDtype(name);
  if (d === undefined || !NUMERIC_TARGETS.has(d.kind) || (d.kind === "f" && d.itemsize === 2))
    return undefined;
  return dtypeOf(name);
}

function show(value: unknown): string {
  return typeof value === "string"
    ? `'${value}'`
    : typeof value === "number"
      ? pythonFloatRepr(value)
      : String(value);
}

/** Python's float(str): surrounding spaces, inf/infinity/nan in any case, digits with `_` refused here. */
function floatOfString(text: string): number | undefined {
  const s = text.trim();
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) return Number(s);
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (special === null) return undefined;
  if (special[2].toLowerCase() === "nan") return Number.NaN;
  return special[1] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

function toFloat(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value === null) return Number.NaN;
  if (typeof value === "string") {
    const parsed = floatOfString(value);
    if (parsed !== undefined) return parsed;
    throw new Error(`could not convert string to float: ${show(value)}`);
  }
  throw new Error(
    `float() argument must be a string or a real number, not ${Array.isArray(value) ? "'list'" : "'dict'"}`,
  );
}

function toInteger(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "boolean") return value ? 1n : 0n;
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      throw new Error(
        `cannot convert float ${pythonFloatRepr(value).replace("Infinity", "infinity")} to integer`,
      );
    return BigInt(Math.trunc(value));
  }
  if (typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value)) return BigInt(value.trim());
  if (typeof value === "string") throw new Error(`invalid literal for int() with base 10: ${show(value)}`);
  throw new Error(
    `int() argument must be a string, a bytes-like object or a real number, not '${value === null ? "NoneType" : "list"}'`,
  );
}

function toBool(value: unknown): boolean {
  if (typeof value === "number") return value !== 0;
  if (typeof value === "bigint") return value !== 0n;
  if (typeof value === "string") return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

function integerRange(dtype: DType): [bigint, bigint] {
  const bits = BigInt(dtype.itemsize * 8);
  return dtype.kind === "u" ? [0n, 2n ** bits - 1n] : [-(2n ** (bits - 1n)), 2n ** (bits - 1n) - 1n];
}

/** `array.astype(dtype)` for a numeric or bool target; throws Error with numpy's reason. */
function astype(array: NDArray, dtype: DType): NDArray {
  if (array.dtype.str === dtype.str) return array;
  const source =
    array.dtype.kind === "b"
      ? Array.from(array.data as Uint8Array, (v) => v === 1)
      : Array.from(array.data as ArrayLike<unknown>);
  const n = source.length;
  const data = storageFor(dtype, n);
  if (dtype.kind === "f") {
    const out = data as Float64Array | Float32Array;
    for (let i = 0; i < n; i++) out[i] = toFloat(source[i]);
  } else if (dtype.kind === "b") {
    const out = data as Uint8Array;
    for (let i = 0; i < n; i++) out[i] = toBool(source[i]) ? 1 : 0;
  } else {
    const [min, max] = integerRange(dtype);
    const wide = dtype.itemsize === 8;
    for (let i = 0; i < n; i++) {
      const v = toInteger(source[i]);
      if (v < min || v > max)
        throw new Error(
          `Python integer ${v} out of bounds for ${dtype.kind === "u" ? "uint" : "int"}${dtype.itemsize * 8}`,
        );
      (data as unknown as { [k: number]: number | bigint })[i] = wide ? v : Number(v);
    }
  }
  return { dtype, shape: [...array.shape], data };
}

/** mlflow's MlflowFailedTypeConversion: a frame column the schema's type does not take. */
export class ColumnCastError extends BadRequestError {
  constructor(
    readonly column: string,
    readonly type: string,
    readonly reason: string,
  ) {
    super(
      `Invalid input. Data is not compatible with model signature. Failed to convert column ${column} to type '${type}'. Error: '${reason}'`,
    );
  }
}

/** ISO 8601 dates and times, as `pd.to_datetime` reads them; a time without a zone is UTC. */
const ISO_DATETIME =
  /^(\d{4}-\d{2}-\d{2})(?:([T ])(\d{2}:\d{2})(:\d{2})?(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** The strftime format pandas infers from a first value, e.g. "%Y-%m-%dT%H:%M:%S". */
function formatOf(m: RegExpExecArray): string {
  let format = "%Y-%m-%d";
  if (m[2] !== undefined)
    format += `${m[2]}%H:%M${m[4] !== undefined ? ":%S" : ""}${m[5] !== undefined ? ".%f" : ""}`;
  return m[6] === undefined ? format : `${format}%z`;
}

function dateOf(m: RegExpExecArray): Date {
  const fraction = (m[5] ?? "").slice(0, 4); // JavaScript dates hold milliseconds
  return new Date(`${m[1]}T${m[3] ?? "00:00"}${m[4] ?? ":00"}${fraction}${m[6] ?? "Z"}`);
}

/**
 * `pd.to_datetime(column)`: an object column of Dates (null for NaT), as the enforcement takes them. As
 * pandas, the first value fixes the format the others must have.
 */
function toDatetimeColumn(column: FrameColumn): FrameColumn {
  const items = Array.from(column.values.data as ArrayLike<unknown>);
  let format: string | undefined;
  const dates = items.map((value): Date | null => {
    if (value === null || (typeof value === "number" && Number.isNaN(value))) return null;
    if (value instanceof Date) return value;
    const m = typeof value === "string" ? ISO_DATETIME.exec(value.trim()) : null;
    if (m === null || Number.isNaN(dateOf(m).getTime())) {
      throw new Error(`Unknown datetime string format, unable to parse: ${String(value)}`);
    }
    const own = formatOf(m);
    format ??= own;
    if (own !== format) throw new Error(`time data "${String(value)}" doesn't match format "${format}"`);
    return dateOf(m);
  });
  return {
    name: column.name,
    values: { dtype: OBJECT, shape: [...column.values.shape], data: dates },
  };
}

/** `Series.astype` of a frame column to its spec's type. */
function castColumn(column: FrameColumn, spec: Spec): FrameColumn {
  if ("type" in spec && spec.type === "datetime") {
    try {
      return toDatetimeColumn(column);
    } catch (e) {
      throw new ColumnCastError(column.name, "datetime64[ns]", (e as Error).message);
    }
  }
  const dtype = numericTarget(spec);
  // a column of lists feeds a tensor whole: mlflow leaves it to the enforcement
  if (
    dtype === undefined ||
    (column.values.dtype.kind === "O" && Array.isArray((column.values.data as unknown[])[0]))
  ) {
    return column;
  }
  try {
    return { name: column.name, values: astype(column.values, dtype) };
  } catch (e) {
    throw new ColumnCastError(column.name, targetName(spec), (e as Error).message);
  }
}

function castArray(array: NDArray, spec: Spec | undefined, where: string): NDArray {
  if (spec !== undefined && "type" in spec && spec.type === "datetime") {
    try {
      return toDatetimeColumn({ name: where, values: array }).values;
    } catch (e) {
      throw new BadRequestError(
        `Invalid input. ${(e as Error).message} (${where}, a datetime in the model signature)`,
      );
    }
  }
  const dtype = spec === undefined ? undefined : numericTarget(spec);
  if (dtype === undefined) return array;
  try {
    return astype(array, dtype);
  } catch (e) {
    throw new BadRequestError(
      `Invalid input. ${(e as Error).message} (${where}, cast to ${targetName(spec!)} as the model signature says)`,
    );
  }
}

function specs(schema: Schema): readonly Spec[] {
  return schema.kind === "columns" ? schema.columns : schema.tensors;
}

function named(schema: Schema): Map<string, Spec> | undefined {
  const all = specs(schema);
  if (all.length === 0 || all.some((s) => s.name === undefined)) return undefined;
  return new Map(all.map((s) => [s.name as string, s]));
}

/** Casts a decoded request to the model's input schema as mlflow's scoring server does while parsing. */
export function castToSchema(input: PyfuncInput, schema: Schema | undefined): PyfuncInput {
  if (schema === undefined || specs(schema).length === 0) return input;
  const byName = named(schema);
  const all = specs(schema);
  if (input.kind === "frame") {
    const columns = input.columns.map((column, j) => {
      let spec: Spec | undefined;
      if (byName !== undefined) spec = byName.get(column.name);
      else if (schema.kind === "tensors" && all.length === 1) spec = all[0];
      else spec = all[j];
      return spec === undefined ? column : castColumn(column, spec);
    });
    return { ...input, columns };
  }
  if (input.kind === "dict") {
    if (byName === undefined) {
      throw new BadRequestError(
        "Invalid input. Failed to parse input data. This model contains an un-named  model signature which expects a single n-dimensional array or a single value as input, however, an input of type <class 'dict'> was found.",
      );
    }
    const arrays: Record<string, NDArray> = {};
    for (const [name, array] of Object.entries(input.arrays))
      arrays[name] = castArray(array, byName.get(name), `input '${name}'`);
    return { kind: "dict", arrays };
  }
  // one array: a schema of one named input takes it as that input, any other casts it to the first spec
  if (byName?.size === 1 && input.array.shape.length > 0) {
    const [name, spec] = [...byName][0];
    return { kind: "dict", arrays: { [name]: castArray(input.array, spec, `input '${name}'`) } };
  }
  return { kind: "array", array: castArray(input.array, all[0], "the input array") };
}
