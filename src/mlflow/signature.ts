import { z } from "zod";
import type { DType } from "../pickle/values.js";
import { MLmodelError } from "./errors.js";

/**
 * MLflow's model signature (mlflow.models.signature / mlflow.types.schema) as stored in MLmodel: `inputs`
 * and `outputs` are JSON strings of a column-based schema (ColSpecs: name, type, required) or a
 * tensor-based one (TensorSpecs: name, numpy dtype, shape with -1 for any size), `params` a JSON list of
 * ParamSpecs (name, type, default, shape null or [-1]).
 */

/** MLflow's scalar column types (mlflow.types.DataType). */
export const DATA_TYPES = [
  "boolean",
  "integer",
  "long",
  "float",
  "double",
  "string",
  "binary",
  "datetime",
] as const;
export type DataType = (typeof DATA_TYPES)[number];

export interface ColSpec {
  readonly name?: string;
  readonly type: DataType;
  readonly required: boolean;
}

export interface TensorSpec {
  readonly name?: string;
  /** numpy dtype as MLflow writes it ("float64", "int32", "bool", "str", "bytes", "object"…) */
  readonly dtype: string;
  readonly shape: readonly number[];
}

export type Schema =
  | { readonly kind: "columns"; readonly columns: readonly ColSpec[] }
  | { readonly kind: "tensors"; readonly tensors: readonly TensorSpec[] };

export interface ParamSpec {
  readonly name: string;
  readonly type: DataType;
  readonly default: unknown;
  /** null for a scalar, [-1] for a list */
  readonly shape: readonly number[] | null;
}

export interface Signature {
  readonly inputs?: Schema;
  readonly outputs?: Schema;
  readonly params?: readonly ParamSpec[];
}

/** The numpy dtype each MLflow column type is enforced to (DataType.to_numpy). */
export const NUMPY_OF: Readonly<Record<DataType, string>> = {
  boolean: "bool",
  integer: "int32",
  long: "int64",
  float: "float32",
  double: "float64",
  string: "str",
  binary: "bytes",
  datetime: "datetime64[ns]",
};

const NUMPY_DTYPES: Readonly<Record<string, Pick<DType, "kind" | "itemsize">>> = {
  bool: { kind: "b", itemsize: 1 },
  int8: { kind: "i", itemsize: 1 },
  int16: { kind: "i", itemsize: 2 },
  int32: { kind: "i", itemsize: 4 },
  int64: { kind: "i", itemsize: 8 },
  uint8: { kind: "u", itemsize: 1 },
  uint16: { kind: "u", itemsize: 2 },
  uint32: { kind: "u", itemsize: 4 },
  uint64: { kind: "u", itemsize: 8 },
  float16: { kind: "f", itemsize: 2 },
  float32: { kind: "f", itemsize: 4 },
  float64: { kind: "f", itemsize: 8 },
  str: { kind: "U", itemsize: 0 },
  bytes: { kind: "S", itemsize: 0 },
  object: { kind: "O", itemsize: 8 },
};

/** Kind and itemsize of a numpy dtype name as MLflow writes tensor specs (itemsize 0: any length). */
export function numpyDtype(name: string): Pick<DType, "kind" | "itemsize"> | undefined {
  return Object.hasOwn(NUMPY_DTYPES, name) ? NUMPY_DTYPES[name] : undefined;
}

/** The numpy name of a dtype, as MLflow prints it in its messages ("float64", "str", "object"). */
export function numpyName(dtype: Pick<DType, "kind" | "itemsize">): string {
  for (const [name, d] of Object.entries(NUMPY_DTYPES)) {
    if (d.kind === dtype.kind && (d.itemsize === dtype.itemsize || d.itemsize === 0)) return name;
  }
  return `${dtype.kind}${dtype.itemsize}`;
}

const dataType = z.enum(DATA_TYPES);

const colSpec = z.object({
  type: dataType,
  name: z.string().nullish(),
  required: z.boolean().default(true),
});

const tensorSpec = z.object({
  type: z.literal("tensor"),
  name: z.string().nullish(),
  "tensor-spec": z.object({
    dtype: z.string().refine((d) => numpyDtype(d) !== undefined, {
      message: `not a numpy dtype MLflow writes (${Object.keys(NUMPY_DTYPES).join(", ")})`,
    }),
    shape: z.array(z.number().int().min(-1)),
  }),
});

const paramSpec = z.object({
  name: z.string(),
  type: dataType,
  default: z.unknown(),
  shape: z.array(z.number().int()).nullish(),
});

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? `[${i.path.join(".")}] ` : ""}${i.message}`).join("; ");
}

function parseJsonList(text: unknown, where: string): unknown[] {
  if (typeof text !== "string") throw new MLmodelError(where, "expected a JSON string (as MLflow writes it)");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new MLmodelError(where, `not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  if (!Array.isArray(value)) throw new MLmodelError(where, "expected a JSON list of specs");
  return value;
}

function typeName(spec: unknown): string {
  const t = (spec as { type?: unknown } | null)?.type;
  return typeof t === "string" ? t : JSON.stringify(t);
}

/** Parses `signature.inputs` / `signature.outputs`: all ColSpecs or all TensorSpecs, as MLflow requires. */
export function parseSchema(text: unknown, where: string): Schema {
  const specs = parseJsonList(text, where);
  if (specs.length === 0) throw new MLmodelError(where, "an empty schema");
  const tensors = specs.filter((s) => typeName(s) === "tensor");
  if (tensors.length > 0 && tensors.length !== specs.length) {
    throw new MLmodelError(where, "mixes tensor and column specs, which MLflow does not allow");
  }
  if (tensors.length > 0) {
    const parsed = z.array(tensorSpec).safeParse(specs);
    if (!parsed.success) throw new MLmodelError(where, describeIssues(parsed.error));
    return {
      kind: "tensors",
      tensors: parsed.data.map((t) => ({
        ...(t.name ? { name: t.name } : {}),
        dtype: t["tensor-spec"].dtype,
        shape: t["tensor-spec"].shape,
      })),
    };
  }
  const columns = specs.map((spec, i) => {
    const parsed = colSpec.safeParse(spec);
    if (!parsed.success) {
      const name = (spec as { name?: unknown } | null)?.name;
      const which = typeof name === "string" ? `column '${name}'` : `column ${i}`;
      throw new MLmodelError(
        where,
        `${which} has type ${typeName(spec)}; served column types are ${DATA_TYPES.join(", ")} (${describeIssues(parsed.error)})`,
      );
    }
    const c = parsed.data;
    return { ...(c.name ? { name: c.name } : {}), type: c.type, required: c.required };
  });
  const named = columns.filter((c) => c.name !== undefined).length;
  if (named !== 0 && named !== columns.length) {
    throw new MLmodelError(where, "names some columns and not others, which MLflow does not allow");
  }
  return { kind: "columns", columns };
}

/** Parses `signature.params`. */
export function parseParams(text: unknown, where: string): ParamSpec[] {
  return parseJsonList(text, where).map((spec, i) => {
    const parsed = paramSpec.safeParse(spec);
    if (!parsed.success) throw new MLmodelError(`${where}[${i}]`, describeIssues(parsed.error));
    return { ...parsed.data, shape: parsed.data.shape ?? null };
  });
}

/** The names of a schema's inputs, when it names them (MLflow's `has_input_names`). */
export function inputNames(schema: Schema): string[] | undefined {
  const specs = schema.kind === "columns" ? schema.columns : schema.tensors;
  const names = specs.map((s) => s.name).filter((n): n is string => n !== undefined);
  return names.length > 0 ? names : undefined;
}
