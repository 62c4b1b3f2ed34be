import type { z } from "zod";
import { SpecError, type SpecIssue } from "../errors.js";
import type { FunctionKind, FunctionSpec, RunSpec, ServeTaskSpec } from "../types.js";
import { FUNCTION_KINDS } from "../types.js";
import {
  FUNCTION_SHAPES,
  functionSchema,
  mergedRules,
  runOptionsSchema,
  runSpecSchema,
  taskSchema,
} from "./schemas.js";
import { didYouMean } from "./suggest.js";

/**
 * Validation entry points. Each throws one SpecError listing every problem (path, given, allowed);
 * nothing is partially accepted.
 */

type Segment = PropertyKey;

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
  valueType?: z.ZodType;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { def: SchemaDef }).def;
}

/** The keys an object schema knows at `path` (for "did you mean"). */
function keysAt(schema: z.ZodType, path: readonly Segment[]): string[] {
  let current: z.ZodType | undefined = schema;
  let i = 0;
  while (current !== undefined) {
    const def = defOf(current);
    if (def.type === "optional" || def.type === "default" || def.type === "nullable") current = def.innerType;
    else if (def.type === "pipe") current = def.in;
    else if (def.type === "object") {
      if (i === path.length) return Object.keys(def.shape ?? {});
      current = def.shape?.[String(path[i++])];
    } else if (def.type === "array") {
      i++;
      current = def.element;
    } else if (def.type === "record") {
      i++;
      current = def.valueType;
    } else return [];
  }
  return [];
}

function valueAt(input: unknown, path: readonly Segment[]): unknown {
  let v = input;
  for (const segment of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[segment];
  }
  return v;
}

export function formatPath(path: readonly Segment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** Extra words for an unknown top-level key (e.g. it belongs to another kind or stage). */
export type UnknownKeyHint = (key: string) => string | undefined;

function issueOf(raw: z.core.$ZodIssue, input: unknown): SpecIssue {
  const given = "input" in raw && raw.input !== undefined ? raw.input : valueAt(input, raw.path);
  const base = { path: formatPath(raw.path), given };
  switch (raw.code) {
    case "invalid_type":
      return given === undefined
        ? { path: base.path, message: "required", allowed: raw.expected }
        : { ...base, message: `expected ${raw.expected}`, allowed: raw.expected };
    case "invalid_value": {
      const values = raw.values.map((v) => JSON.stringify(v));
      const near =
        typeof given === "string"
          ? raw.values.find((v) => String(v).toLowerCase() === given.toLowerCase())
          : undefined;
      const message =
        near !== undefined
          ? `not allowed (values are case-sensitive: did you mean ${JSON.stringify(near)}?)`
          : "not allowed";
      return { ...base, message, allowed: values.join(", ") };
    }
    case "too_small": {
      const what =
        raw.origin === "array"
          ? "at least"
          : raw.origin === "string"
            ? "a length of at least"
            : raw.inclusive
              ? ">="
              : ">";
      const unit = raw.origin === "array" ? " item(s)" : "";
      return { ...base, message: "too small", allowed: `${what} ${String(raw.minimum)}${unit}` };
    }
    case "too_big": {
      const what =
        raw.origin === "array"
          ? "at most"
          : raw.origin === "string"
            ? "a length of at most"
            : raw.inclusive
              ? "<="
              : "<";
      const unit = raw.origin === "array" ? " item(s)" : "";
      return { ...base, message: "too big", allowed: `${what} ${String(raw.maximum)}${unit}` };
    }
    case "custom": {
      const allowed = (raw.params as { allowed?: string } | undefined)?.allowed;
      return allowed === undefined
        ? { ...base, message: raw.message }
        : { ...base, message: raw.message, allowed };
    }
    default:
      return { ...base, message: raw.message };
  }
}

function toIssues(schema: z.ZodType, error: z.ZodError, input: unknown, hint?: UnknownKeyHint): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const raw of error.issues) {
    if (raw.code === "unrecognized_keys") {
      const known = keysAt(schema, raw.path);
      for (const key of raw.keys) {
        const path = [...raw.path, key];
        const near = didYouMean(key, known);
        const extra = raw.path.length === 0 ? hint?.(key) : undefined;
        const message = ["unknown field", near !== undefined ? `did you mean "${near}"?` : undefined, extra]
          .filter((s) => s !== undefined)
          .join("; ");
        issues.push({
          path: formatPath(path),
          message,
          given: valueAt(input, path),
          allowed: known.join(", "),
        });
      }
    } else if (raw.code === "invalid_key" || raw.code === "invalid_element") {
      // record keys: report the inner problem with the key in the path
      for (const inner of raw.issues)
        issues.push({ ...issueOf(inner, raw.input), path: formatPath(raw.path) });
    } else {
      issues.push(issueOf(raw, input));
    }
  }
  return issues;
}

/** Parses with `schema`, or throws one SpecError naming every bad field. */
export function parseSpec<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
  hint?: UnknownKeyHint,
): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new SpecError(what, toIssues(schema, result.error, input, hint));
}

function kindsWithFunctionField(key: string): FunctionKind[] {
  return FUNCTION_KINDS.filter((k) => key in FUNCTION_SHAPES[k]);
}

function otherKindsHint(
  kind: FunctionKind,
  key: string,
  schemaOf: (k: FunctionKind) => z.ZodType,
): string | undefined {
  const kinds = FUNCTION_KINDS.filter((k) => k !== kind && keysAt(schemaOf(k), []).includes(key));
  return kinds.length > 0 ? `"${key}" applies to ${kinds.join(", ")} only` : undefined;
}

export function validateFunctionSpec(kind: FunctionKind, input: unknown): FunctionSpec {
  return parseSpec(functionSchema(kind), input, `${kind} function spec`, (key) => {
    if (kindsWithFunctionField(key).length > 0) return otherKindsHint(kind, key, functionSchema);
    const runKeys = keysAt(runOptionsSchema(kind), []);
    if (runKeys.includes(key)) return `"${key}" is a task/run field: pass it to run()`;
    const near = didYouMean(key, runKeys);
    if (near !== undefined) return `did you mean the task/run field "${near}"? pass it to run()`;
    return otherKindsHint(kind, key, runOptionsSchema);
  }) as FunctionSpec;
}

export function validateTaskSpec(kind: FunctionKind, input: unknown): ServeTaskSpec {
  return parseSpec(taskSchema(kind), input, `${kind}+serve task spec`, (key) =>
    otherKindsHint(kind, key, taskSchema),
  ) as ServeTaskSpec;
}

export function validateRunOptions(kind: FunctionKind, input: unknown): Partial<RunSpec> {
  return parseSpec(runOptionsSchema(kind), input, `${kind} run options`, (key) =>
    otherKindsHint(kind, key, runOptionsSchema),
  ) as Partial<RunSpec>;
}

export function validateRunSpec(kind: FunctionKind, input: Record<string, unknown>): RunSpec {
  const what = `${kind}+serve:run spec (merged function < task < run)`;
  const crossField = mergedRules(kind, input);
  const schema = runSpecSchema(kind);
  const result = schema.safeParse(input);
  const fieldIssues = result.success ? [] : toIssues(schema, result.error, input);
  const seen = new Set(fieldIssues.map((i) => i.path));
  const issues = [...fieldIssues, ...crossField.filter((i) => !seen.has(i.path))];
  if (issues.length > 0 || !result.success) throw new SpecError(what, issues);
  return result.data as RunSpec;
}

/**
 * function < task < run: a later layer's field replaces an earlier one's whole value (no deep merge,
 * as the original `{**function, **task, **run}`); undefined fields do not override.
 */
export function mergeSpecs(...layers: readonly object[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value !== undefined) merged[key] = value;
    }
  }
  return merged;
}

/**
 * Runs several validations and throws one SpecError with all their issues (the first issue of a path
 * wins, so a field refused by two checks is reported once).
 */
export function collectSpecIssues(what: string, checks: ReadonlyArray<() => void>): void {
  const issues: SpecIssue[] = [];
  const seen = new Set<string>();
  for (const check of checks) {
    try {
      check();
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      for (const issue of e.issues) {
        if (seen.has(issue.path)) continue;
        seen.add(issue.path);
        issues.push(issue);
      }
    }
  }
  if (issues.length > 0) throw new SpecError(what, issues);
}
