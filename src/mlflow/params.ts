import { ParamsError } from "./errors.js";
import type { PyfuncParams } from "./pyfunc.js";
import type { DataType, ParamSpec } from "./signature.js";

/**
 * Params enforcement as `mlflow.models.utils._enforce_params_schema` does it: params the schema does not
 * declare are dropped, declared ones are checked (and widened int → double) against their type and shape,
 * absent ones take their default.
 */

function asDate(v: unknown): Date | undefined {
  if (v instanceof Date) return v;
  if (typeof v === "string") {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/** A value for a message (JSON.stringify refuses the bigints of exact integers). */
function show(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? Number(v) : v)) ?? String(value);
}

/** `_enforce_param_datatype` for one value. */
function enforceParamValue(name: string, value: unknown, type: DataType): unknown {
  if (value === null || value === undefined) return null;
  const refuse = (): never => {
    throw new ParamsError(name, `${show(value)} (${typeof value}) cannot be safely converted to ${type}`);
  };
  switch (type) {
    case "string":
      return typeof value === "string" ? value : refuse();
    case "boolean":
      return typeof value === "boolean" ? value : refuse();
    case "integer":
    case "long":
      if (typeof value === "bigint") return value;
      return typeof value === "number" && Number.isInteger(value) ? value : refuse();
    case "float":
    case "double":
      if (typeof value === "bigint") return Number(value);
      return typeof value === "number" ? value : refuse();
    case "binary":
      return value instanceof Uint8Array ? value : refuse();
    case "datetime":
      return asDate(value) ?? refuse();
  }
}

/**
 * `_enforce_params_schema`: without a params schema every param is dropped (MLflow warns and ignores
 * them); with one, unknown params are dropped, known ones checked and converted, absent ones defaulted.
 */
export function enforceParams(
  params: PyfuncParams | undefined,
  specs: readonly ParamSpec[] | undefined,
): PyfuncParams {
  if (specs === undefined) return {};
  const given = params ?? {};
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    if (!Object.hasOwn(given, spec.name)) {
      out[spec.name] = spec.default;
      continue;
    }
    const value = given[spec.name];
    if (spec.shape === null) out[spec.name] = enforceParamValue(spec.name, value, spec.type);
    else {
      if (!Array.isArray(value)) {
        throw new ParamsError(spec.name, `expected a list of ${spec.type} (shape [-1]), got ${show(value)}`);
      }
      out[spec.name] = value.map((v) => enforceParamValue(spec.name, v, spec.type));
    }
  }
  return out;
}
