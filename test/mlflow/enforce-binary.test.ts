import { describe, expect, it } from "vitest";
import { dtypeOf, OBJECT } from "../../src/mlflow/arrays.js";
import { enforceColumnType } from "../../src/mlflow/enforce.js";
import { SchemaEnforcementError } from "../../src/mlflow/errors.js";
import type { NDArray } from "../../src/pickle/values.js";

/**
 * Columns declared `binary` (no fixture model can consume bytes, so the cases are stated here). What
 * mlflow 3.17.2's `_enforce_schema` does with pandas 3.1.1, checked in the fixture venv:
 *   object column of bytes          → kept
 *   object column of str            → kept (as a string column)
 *   int64 column                    → MlflowException "Can not safely convert int64 to |S0"
 *   numpy `S` (fixed-width bytes)   → kept
 */
describe("binary columns, as mlflow enforces them", () => {
  const bytes = [new Uint8Array([0x61, 0x62]), new Uint8Array([0x00, 0xff])];

  it("keeps an object column of bytes, and one of text", () => {
    const column = { dtype: OBJECT, shape: [2], data: bytes };
    expect(enforceColumnType("payload", column, "binary")).toBe(column);
    const text = { dtype: OBJECT, shape: [2], data: ["ab", "cd"] };
    expect(enforceColumnType("payload", text, "binary")).toBe(text);
  });

  it("keeps fixed-width numpy bytes", () => {
    const fixed: NDArray = {
      dtype: { kind: "S", itemsize: 2, byteorder: "|", str: "|S2" },
      shape: [2],
      data: bytes,
    };
    expect(enforceColumnType("payload", fixed, "binary")).toBe(fixed);
  });

  it("refuses numbers, naming the column", () => {
    const numbers = { dtype: dtypeOf("int64"), shape: [2], data: new BigInt64Array([1n, 2n]) };
    expect(() => enforceColumnType("payload", numbers, "binary")).toThrow(SchemaEnforcementError);
    expect(() => enforceColumnType("payload", numbers, "binary")).toThrow(/'payload'.*int64.*binary/);
  });
});
