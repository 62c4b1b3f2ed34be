import { describe, expect, it } from "vitest";
import type { NDArray } from "../../src/pickle/values.js";
import { coverageTable } from "./coverage.js";
import { compareOutput, decodeArray } from "./harness.js";

/** The fidelity harness itself: a wrong dtype, value or shape must fail, and the table must say so. */

const labels = (dtype: string, data: unknown[]) => ({ dtype, shape: [data.length], data });

describe("compareOutput", () => {
  it("accepts the output scikit-learn gave, dtype included", () => {
    const expected = labels("<i4", [0, 2, 1]);
    expect(compareOutput(decodeArray(expected), expected)).toEqual([]);
  });

  it("fails an output with the right values but another integer width or kind", () => {
    const expected = labels("<i4", [0, 2, 1]);
    expect(compareOutput(decodeArray(labels("<i8", [0, 2, 1])), expected)).toEqual([
      "dtype <i8, expected <i4",
    ]);
    expect(compareOutput(decodeArray(labels("<f8", [0, 2, 1])), expected)).toEqual([
      "dtype <f8, expected <i4",
    ]);
  });

  it("fails strings held as an object array where scikit-learn gave a fixed-width unicode array", () => {
    const expected = labels("<U6", ["setosa", "other"]);
    expect(compareOutput(decodeArray(labels("|O", ["setosa", "other"])), expected)).toEqual([
      "dtype |O, expected <U6",
    ]);
  });

  it("compares bytes labels as the fixture's latin-1 text, and a NaN in an object array as its token", () => {
    const bytes: NDArray = {
      dtype: { kind: "S", itemsize: 6, byteorder: "|", str: "|S6" },
      shape: [1],
      data: [new TextEncoder().encode("setosa")],
    };
    expect(compareOutput(bytes, labels("|S6", ["setosa"]))).toEqual([]);
    const objects: NDArray = { ...decodeArray(labels("|O", ["a"])), shape: [2], data: ["a", Number.NaN] };
    expect(compareOutput(objects, labels("|O", ["a", "nan"]))).toEqual([]);
  });

  it("holds floats to 1e-9 relative", () => {
    const expected = labels("<f8", [1, 2]);
    expect(compareOutput(decodeArray(labels("<f8", [1 + 5e-10, 2])), expected)).toEqual([]);
    expect(compareOutput(decodeArray(labels("<f8", [1 + 5e-9, 2])), expected)).toHaveLength(2);
  });
});

describe("coverageTable", () => {
  it("counts passed model files per estimator, method and version, and marks a failed cell", () => {
    const table = coverageTable([
      { estimator: "KMeans", version: "1.2.2", method: "predict", file: "a.pkl", pass: true },
      { estimator: "KMeans", version: "1.2.2", method: "predict", file: "a.joblib", pass: false },
      { estimator: "KMeans", version: "1.9.1", method: "predict", file: "a.pkl", pass: true },
    ]);
    expect(table).toMatch(/KMeans\s+predict\s+FAIL 1\/2\s+ok 1\/1/);
    expect(table).toContain("2 of 3 (estimator, version, method, model file) checks passed");
  });
});
