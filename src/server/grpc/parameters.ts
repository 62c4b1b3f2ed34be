import type { Parameters } from "../protocol/tensor.js";
import type { InferParameterMessage, ParameterMap } from "./messages.js";

/** gRPC `map<string, InferParameter>` ⇄ the JSON-like Parameters the data plane and runtimes see. */

/** 64-bit integers become numbers when exact, else stay decimal strings (as JSON carries them). */
function int64Value(value: string | number): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : String(value);
}

function parameterValue(p: InferParameterMessage): unknown {
  switch (p.parameter_choice) {
    case "bool_param":
      return p.bool_param ?? false;
    case "int64_param":
      return int64Value(p.int64_param ?? 0);
    case "uint64_param":
      return int64Value(p.uint64_param ?? 0);
    case "double_param":
      return p.double_param ?? 0;
    case "string_param":
      return p.string_param ?? "";
    default:
      return undefined;
  }
}

export function parametersFromWire(map: ParameterMap | undefined): Parameters | undefined {
  if (map === undefined) return undefined;
  let out: Parameters | undefined;
  for (const key of Object.keys(map)) {
    const value = parameterValue(map[key]);
    if (value === undefined) continue;
    out ??= {};
    out[key] = value;
  }
  return out;
}

function parameterMessage(value: unknown): InferParameterMessage | undefined {
  switch (typeof value) {
    case "boolean":
      return { bool_param: value };
    case "number":
      return Number.isSafeInteger(value) ? { int64_param: value } : { double_param: value };
    case "bigint":
      return value < 0n ? { int64_param: value.toString() } : { uint64_param: value.toString() };
    case "string":
      return { string_param: value };
    case "undefined":
      return undefined;
    default:
      // InferParameter has no structured type: objects (e.g. MLServer's `headers`) travel as JSON text
      return value === null ? undefined : { string_param: JSON.stringify(value) };
  }
}

export function parametersToWire(parameters: Parameters | undefined): ParameterMap | undefined {
  if (parameters === undefined) return undefined;
  const out: ParameterMap = {};
  for (const key of Object.keys(parameters)) {
    const message = parameterMessage(parameters[key]);
    if (message !== undefined) out[key] = message;
  }
  return out;
}

/** Properties of ModelMetadataResponse are strings only. */
export function propertiesToWire(parameters: Parameters | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (parameters === undefined) return out;
  for (const key of Object.keys(parameters)) {
    const value = parameters[key];
    if (value === undefined || value === null) continue;
    out[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}
