import type { PyfuncInput, PyfuncModel, PyfuncOutput, PyfuncParams } from "../../src/mlflow/pyfunc.js";
import type { Signature } from "../../src/mlflow/signature.js";
import type { NDArray } from "../../src/pickle/values.js";
import { RuntimeRegistry } from "../../src/runtimes/registry.js";
import type { LoadedModel, ModelSettings, RuntimeFactory } from "../../src/runtimes/runtime.js";

/**
 * Test doubles for the scoring protocol: a pyfunc that answers its input (so a response shows what the
 * request decoded to) and remembers it, served by a runtime of its own next to the real ones.
 */

export const ECHO_IMPLEMENTATION = "test-echo-pyfunc";

export class EchoPyfunc implements PyfuncModel {
  readonly flavor = "echo";
  last: { input: PyfuncInput; params?: PyfuncParams } | undefined;
  /** the signature /invocations casts requests to while parsing, as for an MLflow model */
  signature: Signature | undefined;

  constructor(
    private readonly answer?: (
      input: PyfuncInput,
      params?: PyfuncParams,
    ) => PyfuncOutput | Promise<PyfuncOutput>,
  ) {}

  predict(input: PyfuncInput, params?: PyfuncParams): PyfuncOutput | Promise<PyfuncOutput> {
    this.last = { input, params };
    return this.answer === undefined ? input : this.answer(input, params);
  }
}

/** A runtime whose models are EchoPyfuncs; `models` gives access to them by model name. */
export function echoRuntimes(answer?: ConstructorParameters<typeof EchoPyfunc>[0]): {
  runtimes: RuntimeRegistry;
  models: Map<string, EchoPyfunc>;
} {
  const models = new Map<string, EchoPyfunc>();
  const factory: RuntimeFactory = {
    implementations: [ECHO_IMPLEMENTATION],
    async load(settings: ModelSettings): Promise<LoadedModel> {
      const pyfunc = new EchoPyfunc(answer);
      models.set(settings.name, pyfunc);
      return {
        settings,
        pyfunc,
        metadata: () => ({ name: settings.name, platform: "mlflow", inputs: [], outputs: [] }),
        infer: () => {
          throw new Error("the echo model only answers /invocations");
        },
      };
    },
  };
  const runtimes = new RuntimeRegistry();
  runtimes.register(factory);
  return { runtimes, models };
}

/** A value as the Python generator of reference.json writes it: NaN/±Infinity as strings, big ints tagged. */
export function pythonValue(value: unknown): unknown {
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (value === Number.POSITIVE_INFINITY) return "Infinity";
    if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
    return value;
  }
  if (typeof value === "bigint") {
    const n = Number(value);
    return value > 2n ** 53n || value < -(2n ** 53n) ? { int: value.toString() } : n;
  }
  if (Array.isArray(value)) return value.map(pythonValue);
  return value;
}

/** An array's elements as a plain list (bool storage as booleans). */
export function elements(array: NDArray): unknown[] {
  const items = Array.from(array.data as ArrayLike<unknown>);
  return array.dtype.kind === "b" ? items.map((v) => v === 1) : items;
}

/** The pandas name of a decoded column's dtype; a column of strings (NaN where missing) is pandas 3's `str`. */
export function pandasDtype(column: NDArray): string {
  const names: Record<string, string> = {
    "<f8": "float64",
    "<f4": "float32",
    "<i8": "int64",
    "<i4": "int32",
    "<u8": "uint64",
    "|b1": "bool",
  };
  const named = names[column.dtype.str];
  if (named !== undefined) return named;
  const items = elements(column);
  if (items.some((v) => v instanceof Date)) return "datetime64[ns]";
  const strings = items.filter((v) => typeof v === "string").length;
  const missing = items.filter((v) => typeof v === "number" && Number.isNaN(v)).length;
  return strings > 0 && strings + missing === items.length ? "str" : "object";
}

/** `Timestamp.isoformat()` of a date (the generator writes datetimes so). */
function isoformat(date: Date): string {
  const iso = date.toISOString().slice(0, -1);
  return iso.endsWith(".000") ? iso.slice(0, -4) : `${iso}000`;
}

/** A decoded input in the shape of reference.json's `decoded`. */
export function describeInput(input: PyfuncInput): unknown {
  switch (input.kind) {
    case "frame":
      return {
        kind: "frame",
        rows: input.rows,
        columns: input.columns.map((c) => ({
          name: c.name,
          dtype: pandasDtype(c.values),
          values: pythonValue(elements(c.values).map((v) => (v instanceof Date ? isoformat(v) : v))),
        })),
      };
    case "array":
      return describeArray(input.array);
    case "dict":
      return {
        kind: "dict",
        arrays: Object.fromEntries(Object.entries(input.arrays).map(([k, v]) => [k, describeArray(v)])),
      };
  }
}

function describeArray(array: NDArray): unknown {
  return {
    kind: "array",
    dtype: array.dtype.str,
    shape: [...array.shape],
    data: pythonValue(elements(array)),
  };
}
