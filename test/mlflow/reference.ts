import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { SchemaEnforcementError } from "../../src/mlflow/errors.js";
import type { MlflowModel } from "../../src/mlflow/model.js";
import type { PyfuncInput, PyfuncOutput } from "../../src/mlflow/pyfunc.js";
import type { DType, NDArray } from "../../src/pickle/values.js";

/**
 * The reference answers of mlflow.pyfunc (fixtures/mlflow/reference.json, made by make_fixtures.py) and
 * the helpers that rebuild each case's input and compare an output with MLflow's.
 */

export const FIXTURES = join(import.meta.dirname, "../../fixtures/mlflow");
export const MODELS = join(FIXTURES, "models");

export interface ArraySpec {
  kind: "array";
  dtype: string;
  shape: number[];
  data: unknown[];
}
export interface FrameSpec {
  kind: "frame";
  columns: { name: string; dtype: string; values: unknown[] }[];
}
export interface DictSpec {
  kind: "dict";
  arrays: Record<string, ArraySpec>;
}
export type ValueSpec = ArraySpec | FrameSpec | DictSpec;

export interface Case {
  name: string;
  input: FrameSpec | ArraySpec | DictSpec;
  params?: Record<string, unknown>;
  output?: ValueSpec;
  error?: { type: string; message: string };
}

export interface Reference {
  versions: Record<string, string>;
  models: Record<string, Case[]>;
  /** other methods of one estimator, as scikit-learn answers them (pyfunc serves only one) */
  methods: Record<string, { input: FrameSpec; outputs: Record<string, ArraySpec> }>;
}

export const reference: Reference = JSON.parse(readFileSync(join(FIXTURES, "reference.json"), "utf8"));

/** One recorded case of a model, by name. */
export function caseOf(model: string, name: string): Case {
  const c = reference.models[model]?.find((x) => x.name === name);
  if (c === undefined) throw new Error(`no reference case ${model} / ${name}`);
  return c;
}

/** A numpy dtype string ("<f8", "|b1", "<U10", "object") as our DType. */
export function dtype(str: string): DType {
  if (str === "object" || str === "|O") return { kind: "O", itemsize: 8, byteorder: "|", str: "|O" };
  const m = /^([<>|=])([biufUS])(\d+)$/.exec(str);
  if (m === null) throw new Error(`unexpected dtype ${str}`);
  const kind = m[2] as DType["kind"];
  return {
    kind,
    itemsize: Number(m[3]) * (kind === "U" ? 4 : 1),
    byteorder: m[1] === "=" ? "<" : (m[1] as "<"),
    str,
  };
}

export function ndarray(spec: ArraySpec): NDArray {
  // datetimes are recorded as ISO text and travel as dates (what the V2 datetime codec decodes)
  if (spec.dtype === "datetime64[ns]") {
    return { dtype: dtype("object"), shape: spec.shape, data: spec.data.map((v) => new Date(`${v}Z`)) };
  }
  const d = dtype(spec.dtype);
  const data = spec.data;
  switch (`${d.kind}${d.itemsize}`) {
    case "f8": // null is a missing value
      return {
        dtype: d,
        shape: spec.shape,
        data: Float64Array.from(data, (v) => (v === null ? Number.NaN : (v as number))),
      };
    case "f4":
      return { dtype: d, shape: spec.shape, data: Float32Array.from(data as number[]) };
    case "i8":
      return { dtype: d, shape: spec.shape, data: BigInt64Array.from(data as number[], (v) => BigInt(v)) };
    case "i4":
      return { dtype: d, shape: spec.shape, data: Int32Array.from(data as number[]) };
    case "i1":
      return { dtype: d, shape: spec.shape, data: Int8Array.from(data as number[]) };
    case "u2":
      return { dtype: d, shape: spec.shape, data: Uint16Array.from(data as number[]) };
    case "u8":
      return { dtype: d, shape: spec.shape, data: BigUint64Array.from(data as number[], (v) => BigInt(v)) };
    case "b1":
      return { dtype: d, shape: spec.shape, data: Uint8Array.from(data as boolean[], Number) };
    default:
      return { dtype: d, shape: spec.shape, data: [...data] };
  }
}

/** The case's input as the transports would hand it to the model. */
export function pyfuncInput(spec: FrameSpec | ArraySpec | DictSpec): PyfuncInput {
  if (spec.kind === "array") return { kind: "array", array: ndarray(spec) };
  if (spec.kind === "dict") {
    return {
      kind: "dict",
      arrays: Object.fromEntries(Object.entries(spec.arrays).map(([k, a]) => [k, ndarray(a)])),
    };
  }
  const rows = spec.columns[0]?.values.length ?? 0;
  return {
    kind: "frame",
    rows,
    columns: spec.columns.map((c) => ({
      name: c.name,
      values: ndarray({ kind: "array", dtype: c.dtype, shape: [rows], data: c.values }),
    })),
  };
}

function toPlain(v: unknown): unknown {
  return typeof v === "bigint" ? Number(v) : v;
}

/**
 * Compares an array with MLflow's: same shape, labels and integers exactly, float64 within 1e-9
 * relative; float32 (what onnxruntime computes in) within 1e-6 relative, float32's own precision.
 */
export function expectArray(actual: NDArray, expected: ArraySpec, what: string): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const values = Array.from(actual.data as ArrayLike<unknown>, toPlain);
  const kind = dtype(expected.dtype).kind;
  if (kind !== "f") {
    expect(values, `${what}: values`).toEqual(expected.data);
    return;
  }
  const tolerance = dtype(expected.dtype).itemsize === 4 ? 1e-6 : 1e-9;
  expect(values.length, `${what}: size`).toBe(expected.data.length);
  values.forEach((v, i) => {
    const e = expected.data[i] as number;
    const scale = Math.max(Math.abs(e), 1e-300);
    expect(Math.abs((v as number) - e) / scale, `${what}[${i}]: ${v} vs ${e}`).toBeLessThanOrEqual(tolerance);
  });
}

export function expectOutput(actual: PyfuncOutput, expected: ValueSpec, what: string): void {
  expect(actual.kind, `${what}: kind`).toBe(expected.kind);
  if (expected.kind === "array" && actual.kind === "array") expectArray(actual.array, expected, what);
  else if (expected.kind === "dict" && actual.kind === "dict") {
    expect(Object.keys(actual.arrays).sort()).toEqual(Object.keys(expected.arrays).sort());
    for (const [k, spec] of Object.entries(expected.arrays))
      expectArray(actual.arrays[k], spec, `${what}.${k}`);
  } else if (expected.kind === "frame" && actual.kind === "frame") {
    expect(actual.columns.map((c) => c.name)).toEqual(expected.columns.map((c) => c.name));
    for (const [j, c] of expected.columns.entries()) {
      const spec: ArraySpec = { kind: "array", dtype: c.dtype, shape: [c.values.length], data: c.values };
      expectArray(actual.columns[j].values, spec, `${what}.${c.name}`);
    }
  }
}

/** The column or field MLflow's message names, which ours must name too. */
function culprit(message: string): string | undefined {
  return (
    /missing inputs \['([^']+)'/.exec(message)?.[1] ??
    /for column (\S+?)\./.exec(message)?.[1] ??
    /Invalid parameters found: \{\('([^']+)'/.exec(message)?.[1] ??
    /dataframe column '([^']+)'/.exec(message)?.[1]
  );
}

/** Runs a case: MLflow's output, or a 400 for what MLflow refused, naming what MLflow's message names. */
export async function expectCase(model: MlflowModel, c: Case): Promise<void> {
  const run = async () => model.predict(pyfuncInput(c.input), c.params);
  if (c.output !== undefined) {
    expectOutput(await run(), c.output, c.name);
    return;
  }
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `${c.name}: MLflow refused it (${c.error?.message})`).toBeInstanceOf(Error);
  expect((error as { code?: string }).code).toBe("BAD_REQUEST");
  const name = culprit(c.error?.message ?? "");
  if (name !== undefined) expect((error as Error).message).toContain(`'${name}'`);
  if (c.error?.message.includes("Failed to enforce schema"))
    expect(error).toBeInstanceOf(SchemaEnforcementError);
}
