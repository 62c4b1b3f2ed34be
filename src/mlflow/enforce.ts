import type { DType, NDArray } from "../pickle/values.js";
import { cast, dtypeOf, elements, OBJECT } from "./arrays.js";
import { SchemaEnforcementError } from "./errors.js";
import type { ArrayInput, DictInput, Frame, FrameColumn, PyfuncInput } from "./pyfunc.js";
import {
  type ColSpec,
  type DataType,
  inputNames,
  NUMPY_OF,
  numpyDtype,
  numpyName,
  type Schema,
  type TensorSpec,
} from "./signature.js";

/**
 * Signature enforcement as `mlflow.models.utils._enforce_schema` (mlflow 3.x) does it, so a model answers
 * or refuses the same inputs here as under `mlflow.pyfunc.load_model(...).predict(...)`:
 * - column-based: the input becomes a frame; missing required columns are refused, extra ones dropped,
 *   columns reordered as the signature; each column is cast only where MLflow deems it safe (int → long,
 *   float32 → double, ints up to 32 bits → double, int64 of only 0/1 → double/float, strings kept as
 *   objects, dates for datetime) and refused otherwise;
 * - tensor-based: shapes (-1 matches any size) and dtypes must match exactly; frame columns are reshaped
 *   and cast to the spec's dtype as MLflow does for them.
 * Messages name the column or tensor and say what the signature expects.
 */

function frameOf(columns: FrameColumn[], rows: number): Frame {
  return { kind: "frame", rows, columns };
}

function dtypeText(a: NDArray): string {
  if (a.dtype.kind === "O") {
    const kinds = new Set(elements(a).map((v) => (v instanceof Date ? "datetime" : typeof v)));
    return kinds.size === 1 ? `object (${[...kinds][0]} values)` : "object";
  }
  return numpyName(a.dtype);
}

function isIntegral(v: unknown): boolean {
  return typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v));
}

/** pandas `infer_objects`: an object column of only numbers, bools or dates gets their dtype. */
function inferObjects(a: NDArray): NDArray {
  const values = elements(a);
  if (values.length === 0) return a;
  if (values.every((v) => typeof v === "boolean")) return cast(a, dtypeOf("bool"));
  if (values.every(isIntegral)) return cast(a, dtypeOf("int64"));
  const numeric = values.every((v) => typeof v === "number" || typeof v === "bigint" || v === null);
  if (numeric && values.some((v) => v !== null)) return cast(a, dtypeOf("float64"));
  return a;
}

function isUpcast(from: DType, to: DType): boolean {
  if (from.kind === to.kind) return from.itemsize <= to.itemsize;
  if (from.kind === "u" && to.kind === "i") return from.itemsize < to.itemsize;
  // MLflow allows (u)int → double up to 6 bytes (integers a double holds exactly)
  if ((from.kind === "i" || from.kind === "u") && to.kind === "f" && to.itemsize === 8)
    return from.itemsize <= 6;
  return false;
}

/** MLflow's hint for integer columns that became floats because a value is missing. */
function missingValueHint(column: NDArray, type: DataType): string {
  if (column.dtype.kind !== "f" || (type !== "integer" && type !== "long")) return "";
  const values = elements(column) as number[];
  if (!values.some(Number.isNaN) || !values.every((v) => Number.isNaN(v) || Number.isInteger(v))) return "";
  return "; a missing value (NaN) makes an integer column float: declare the column double in the signature if values may be missing";
}

/** `_enforce_mlflow_datatype`: one column against its declared type. */
export function enforceColumnType(name: string, column: NDArray, type: DataType): NDArray {
  const refuse = (): never => {
    throw new SchemaEnforcementError(
      `input column '${name}' has type ${dtypeText(column)}, which cannot be safely converted to ${type} (${NUMPY_OF[type]}) as the model signature requires${missingValueHint(column, type)}`,
      name,
    );
  };
  let values = column;
  if (values.dtype.kind === "O" && type !== "string" && type !== "binary") values = inferObjects(values);
  const kind = values.dtype.kind;
  if (type === "string") return kind === "O" || kind === "U" ? values : refuse();
  if (type === "binary") return kind === "O" || kind === "S" ? values : refuse();
  // with pandas 3 only real dates qualify: text columns are strings, which MLflow refuses to convert
  if (type === "datetime")
    return kind === "O" && elements(values).every((v) => v instanceof Date) ? values : refuse();
  if (type === "boolean" && kind === "O") return values; // MLflow keeps them, so None does not become False
  const target = dtypeOf(NUMPY_OF[type]);
  if (kind === target.kind && values.dtype.itemsize === target.itemsize) return values;
  if (isUpcast(values.dtype, target)) return cast(values, target);
  const zeroOrOne = (v: unknown) => v === 0n || v === 1n || v === 0 || v === 1;
  if (
    kind === "i" &&
    values.dtype.itemsize === 8 &&
    target.kind === "f" &&
    elements(values).every(zeroOrOne)
  ) {
    return cast(values, target);
  }
  return refuse();
}

/** A column-based signature's view of any input: pandas.DataFrame(input), as `_enforce_schema` builds it. */
function toFrame(input: PyfuncInput): Frame {
  if (input.kind === "frame") return input;
  if (input.kind === "array") {
    const a = input.array;
    if (a.shape.length === 1) return frameOf([{ name: "0", values: a }], a.shape[0]);
    if (a.shape.length !== 2) {
      throw new SchemaEnforcementError(
        `a ${a.shape.length}-D array cannot be read as the table of columns the model signature declares`,
      );
    }
    const [rows, cols] = a.shape;
    const values = elements(a);
    const columns = Array.from({ length: cols }, (_, j) => ({
      name: String(j),
      values: cast(
        { dtype: a.dtype, shape: [rows], data: Array.from({ length: rows }, (_, i) => values[i * cols + j]) },
        a.dtype,
      ),
    }));
    return frameOf(columns, rows);
  }
  const entries = Object.entries(input.arrays);
  if (entries.every(([, a]) => a.shape.length === 0)) {
    return frameOf(
      entries.map(([name, a]) => ({ name, values: { ...a, shape: [1] } })),
      1,
    );
  }
  const rows = entries[0]?.[1].shape[0] ?? 0;
  for (const [name, a] of entries) {
    if (a.shape.length !== 1 || a.shape[0] !== rows) {
      throw new SchemaEnforcementError(
        `input '${name}' has shape [${a.shape.join(", ")}]; the model's column-based signature takes one value per row (${rows} rows)`,
        name,
      );
    }
  }
  return frameOf(
    entries.map(([name, values]) => ({ name, values })),
    rows,
  );
}

function describeColumns(columns: readonly ColSpec[]): string {
  return columns.map((c) => `${c.name ?? "?"} (${c.type}${c.required ? "" : ", optional"})`).join(", ");
}

function enforceColumns(input: PyfuncInput, columns: readonly ColSpec[]): Frame {
  const frame = toFrame(input);
  const byName = new Map(frame.columns.map((c) => [c.name, c]));
  if (columns[0]?.name === undefined) {
    // unnamed columns: only their count can be checked, then types by position
    if (frame.columns.length < columns.length) {
      throw new SchemaEnforcementError(
        `the model signature declares ${columns.length} unnamed columns, the input has ${frame.columns.length}`,
      );
    }
    return frameOf(
      columns.map((spec, i) => {
        const c = frame.columns[i];
        return { name: c.name, values: enforceColumnType(c.name, c.values, spec.type) };
      }),
      frame.rows,
    );
  }
  const missing = columns.filter((c) => c.required && !byName.has(c.name as string)).map((c) => c.name);
  if (missing.length > 0) {
    throw new SchemaEnforcementError(
      `input column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `'${m}'`).join(", ")} required by the model signature ${missing.length > 1 ? "are" : "is"} missing (expected columns: ${describeColumns(columns)})`,
      missing[0],
    );
  }
  const out: FrameColumn[] = [];
  for (const spec of columns) {
    const c = byName.get(spec.name as string);
    if (c !== undefined) out.push({ name: c.name, values: enforceColumnType(c.name, c.values, spec.type) });
  }
  return frameOf(out, frame.rows);
}

function tensorLabel(name: string | undefined): string {
  return name === undefined ? "the input tensor" : `input tensor '${name}'`;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** `_enforce_tensor_spec`: exact dtype and shape, -1 matching any size. */
export function enforceTensorSpec(values: NDArray, spec: TensorSpec, name = spec.name): NDArray {
  const expected = numpyDtype(spec.dtype);
  if (spec.shape.length === 1 && spec.shape[0] === -1 && spec.dtype === "object") return values;
  const shapeOk =
    values.shape.length === spec.shape.length &&
    spec.shape.every((d, i) => d === -1 || d === values.shape[i]);
  if (!shapeOk) {
    throw new SchemaEnforcementError(
      `${tensorLabel(name)} has shape ${shapeText(values.shape)}, the model signature expects ${shapeText(spec.shape)} (-1: any size)`,
      name,
    );
  }
  const sameKind = expected !== undefined && expected.kind === values.dtype.kind;
  const sizeAgnostic = expected?.kind === "U" || expected?.kind === "S";
  if (!sameKind || (!sizeAgnostic && expected.itemsize !== values.dtype.itemsize)) {
    throw new SchemaEnforcementError(
      `${tensorLabel(name)} has dtype ${numpyName(values.dtype)}, the model signature expects ${spec.dtype} (MLflow does not cast tensors)`,
      name,
    );
  }
  return values;
}

/** `_reshape_and_cast_pandas_column_values` for a column of scalars. */
function columnAsTensor(column: FrameColumn, spec: TensorSpec, name: string | undefined): NDArray {
  const fixedRest = spec.shape.slice(1).every((d) => d !== -1);
  if (spec.shape[0] !== -1 || !fixedRest) {
    throw new SchemaEnforcementError(
      `${tensorLabel(name)}: a frame column can only feed a tensor whose first dimension is -1 and the others fixed, the signature's shape is ${shapeText(spec.shape)}`,
      name,
    );
  }
  if (!(spec.shape.length === 1 || (spec.shape.length === 2 && spec.shape[1] === 1))) {
    throw new SchemaEnforcementError(
      `input column '${column.name}' holds scalars, which needs a tensor shape [-1] or [-1, 1]; the signature's is ${shapeText(spec.shape)}`,
      column.name,
    );
  }
  const rows = column.values.shape[0] ?? 0;
  const shape = spec.shape.length === 1 ? [rows] : [rows, 1];
  try {
    return cast(column.values, dtypeOf(spec.dtype), shape);
  } catch (e) {
    throw new SchemaEnforcementError(
      `input column '${column.name}' cannot be converted to ${spec.dtype}: ${(e as Error).message}`,
      column.name,
    );
  }
}

/** numpy's result dtype of DataFrame.to_numpy() over columns of these dtypes. */
function commonDtype(dtypes: readonly DType[]): DType {
  const [first] = dtypes;
  if (dtypes.every((d) => d.kind === first.kind && d.itemsize === first.itemsize)) return first;
  if (dtypes.every((d) => d.kind === "f" || d.kind === "i" || d.kind === "u" || d.kind === "b")) {
    const floats = dtypes.filter((d) => d.kind === "f");
    const ints = dtypes.filter((d) => d.kind === "i" || d.kind === "u");
    if (floats.length === 0) return dtypeOf("int64");
    const widest = Math.max(...floats.map((d) => d.itemsize));
    return widest === 8 || ints.some((d) => d.itemsize >= 4) ? dtypeOf("float64") : dtypeOf("float32");
  }
  return OBJECT;
}

function frameToMatrix(frame: Frame): NDArray {
  const dtype = commonDtype(frame.columns.map((c) => c.values.dtype));
  const cols = frame.columns.map((c) => elements(c.values));
  const data = new Array<unknown>(frame.rows * cols.length);
  for (let i = 0; i < frame.rows; i++)
    for (let j = 0; j < cols.length; j++) data[i * cols.length + j] = cols[j][i];
  return cast({ dtype: OBJECT, shape: [frame.rows, cols.length], data }, dtype);
}

function enforceTensors(input: PyfuncInput, tensors: readonly TensorSpec[]): PyfuncInput {
  const names = inputNames({ kind: "tensors", tensors });
  if (names !== undefined) {
    let source = input;
    if (input.kind === "array" && names.length === 1)
      source = { kind: "dict", arrays: { [names[0]]: input.array } };
    if (source.kind === "array") {
      throw new SchemaEnforcementError(
        `the model signature names its input tensors (${names.join(", ")}): send them by name (a dict or a frame), not one array`,
      );
    }
    const have = source.kind === "dict" ? Object.keys(source.arrays) : source.columns.map((c) => c.name);
    const missing = names.filter((n) => !have.includes(n));
    if (missing.length > 0) {
      throw new SchemaEnforcementError(
        `input tensor${missing.length > 1 ? "s" : ""} ${missing.map((m) => `'${m}'`).join(", ")} required by the model signature ${missing.length > 1 ? "are" : "is"} missing (expected: ${tensors.map((t) => `${t.name} ${t.dtype} ${shapeText(t.shape)}`).join(", ")})`,
        missing[0],
      );
    }
    const arrays: Record<string, NDArray> = {};
    for (const spec of tensors) {
      const name = spec.name as string;
      if (source.kind === "dict") arrays[name] = enforceTensorSpec(source.arrays[name], spec);
      else {
        const column = source.columns.find((c) => c.name === name) as FrameColumn;
        arrays[name] = enforceTensorSpec(columnAsTensor(column, spec, name), spec);
      }
    }
    return { kind: "dict", arrays } satisfies DictInput;
  }
  const spec = tensors[0];
  if (input.kind === "array") return { kind: "array", array: enforceTensorSpec(input.array, spec) };
  if (input.kind === "dict") {
    throw new SchemaEnforcementError(
      `the model signature has one unnamed input tensor (${spec.dtype} ${shapeText(spec.shape)}): send one array, not named inputs (${Object.keys(input.arrays).join(", ")})`,
    );
  }
  if (input.rows === 0 || input.columns.length === 0)
    throw new SchemaEnforcementError("the input frame is empty");
  if (input.columns.length === 1) {
    return {
      kind: "array",
      array: enforceTensorSpec(columnAsTensor(input.columns[0], spec, undefined), spec),
    };
  }
  const n = input.columns.length;
  if (spec.shape.length !== 2 || spec.shape[0] !== -1 || spec.shape[1] !== n) {
    throw new SchemaEnforcementError(
      `the input frame has ${n} columns; the model's unnamed tensor has shape ${shapeText(spec.shape)}, which takes a frame only as [-1, ${n}]`,
    );
  }
  return { kind: "array", array: enforceTensorSpec(frameToMatrix(input), spec) } satisfies ArrayInput;
}

/** Enforces `schema` on `input`: what the flavor receives, or a SchemaEnforcementError naming the culprit. */
export function enforceSchema(input: PyfuncInput, schema: Schema): PyfuncInput {
  return schema.kind === "columns"
    ? enforceColumns(input, schema.columns)
    : enforceTensors(input, schema.tensors);
}
