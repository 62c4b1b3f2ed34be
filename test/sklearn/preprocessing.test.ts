import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ErrorCodes } from "../../src/errors.js";
import type { Table } from "../../src/sklearn/estimator.js";
import { loadEstimator } from "../../src/sklearn/load.js";
import { describeFidelity, FIXTURES } from "./harness.js";

describeFidelity("preprocessing");

const load = (name: string) => loadEstimator(readFileSync(join(FIXTURES, "1.9.1/preprocessing", name)));

function table(columns: Record<string, Float64Array | unknown[]>): Table {
  const names = Object.keys(columns);
  return {
    kind: "table",
    rows: columns[names[0]].length,
    columns: names.map((name) => ({ name, values: columns[name] })),
  };
}

describe("preprocessing refusals", () => {
  it("an encoder fitted with handle_unknown='error' names the unknown category and its column", () => {
    const enc = load("onehot_drop_first.pkl");
    const X = table({ species: ["setosa"], size: ["huge"], colour: ["red"], petals: Float64Array.of(1) });
    expect(() => enc.call("transform", X)).toThrow(/unknown category "huge" in column 'size'/);
  });

  it("a table missing a fitted column is a bad request naming it", () => {
    const enc = load("ordinal_plain.pkl");
    try {
      enc.call("transform", table({ species: ["setosa"], size: ["small"], petals: Float64Array.of(1) }));
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe(ErrorCodes.BAD_REQUEST);
      expect((e as Error).message).toMatch(/missing from the input: \[colour\]/);
    }
  });

  it("Box-Cox refuses data that is not strictly positive, as scikit-learn does", () => {
    const pt = load("power_box_cox.pkl");
    const X = {
      dtype: { kind: "f", itemsize: 8, byteorder: "<", str: "<f8" },
      shape: [1, 4],
      data: Float64Array.of(1, 2, 0, 1),
    } as const;
    expect(() => pt.call("transform", X)).toThrow(/strictly positive/);
  });
});
