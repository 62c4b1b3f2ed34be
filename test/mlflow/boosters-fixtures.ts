import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { parse } from "yaml";
import type { FlavorContext } from "../../src/mlflow/flavors/flavor.js";
import type { Frame, PyfuncOutput } from "../../src/mlflow/pyfunc.js";
import type { NDArray } from "../../src/pickle/values.js";

/**
 * The xgboost and lightgbm models saved by real mlflow (fixtures/mlflow/make_boosters.py) with the
 * predictions of the real libraries, and how to compare ours with them.
 */

export const BOOSTERS = join(import.meta.dirname, "../../fixtures/mlflow/boosters");

export interface Encoded {
  dtype: string;
  shape: number[];
  data: unknown[];
}

export interface BoosterCase {
  case: string;
  input: { columns: string[]; data: (number | null)[][] };
  pyfunc: Encoded | null;
  margin: Encoded;
  transformed: Encoded;
  methods?: Record<string, Encoded>;
}

/** Cases mlflow serves but we refuse (a LightGBM wrapper pickled by cloudpickle): not in the fidelity lists. */
export const REFUSED_CASES: ReadonlySet<string> = new Set(["lgb_classifier_cloudpickle"]);

export function readCase(name: string): BoosterCase {
  return JSON.parse(readFileSync(join(BOOSTERS, `${name}.reference.json`), "utf8")) as BoosterCase;
}

export function boosterCases(prefix: "xgb_" | "lgb_"): BoosterCase[] {
  return readdirSync(BOOSTERS)
    .filter((f) => f.startsWith(prefix) && f.endsWith(".reference.json"))
    .filter((f) => !REFUSED_CASES.has(f.slice(0, -".reference.json".length)))
    .sort()
    .map((f) => readCase(f.slice(0, -".reference.json".length)));
}

/** The case's reference rows as the frame pyfunc predicts on: float64 columns, NaN where JSON has null. */
export function frameOf(c: BoosterCase): Frame {
  const { columns, data } = c.input;
  return {
    kind: "frame",
    rows: data.length,
    columns: columns.map((name, j) => ({
      name,
      values: {
        dtype: { kind: "f", itemsize: 8, byteorder: "<", str: "<f8" },
        shape: [data.length],
        data: Float64Array.from(data, (row) => row[j] ?? Number.NaN),
      },
    })),
  };
}

/** What the model loader hands a flavor: the folder and its MLmodel sections. */
export function flavorContext(
  name: string,
  flavor: string,
  options?: Record<string, unknown>,
): FlavorContext {
  const dir = join(BOOSTERS, name);
  const mlmodel = parse(readFileSync(join(dir, "MLmodel"), "utf8")) as {
    flavors: Record<string, Record<string, unknown>>;
  };
  return { dir, conf: mlmodel.flavors[flavor], pyfuncConf: mlmodel.flavors.python_function, options };
}

export function arrayOf(output: PyfuncOutput): NDArray {
  if (output.kind !== "array") throw new Error(`expected an array output, got a ${output.kind}`);
  return output.array;
}

/**
 * Checks dtype, shape and values: integers exactly, floats within `rtol` of the reference (relative to
 * each value, with an absolute floor of rtol × 1e-3 for values that are zero up to rounding).
 */
export function expectClose(actual: NDArray, expected: Encoded, rtol: number): void {
  expect(actual.dtype.str).toBe(expected.dtype);
  expect([...actual.shape]).toEqual(expected.shape);
  const values = Array.from(actual.data as ArrayLike<unknown>, (v) =>
    typeof v === "bigint" ? Number(v) : v,
  );
  if (!expected.dtype.includes("f")) {
    // labels, class indices, objects: exactly
    expect(values).toEqual(expected.data);
    return;
  }
  const bad = (values as number[]).flatMap((v, i) => {
    const want = expected.data[i] as number;
    return Math.abs(v - want) <= rtol * Math.max(Math.abs(want), 1e-3) ? [] : [`[${i}] ${v} vs ${want}`];
  });
  expect(bad).toEqual([]);
}
