import { describe, expect, it } from "vitest";
import { decodeRequest, encodeOutput } from "../../src/runtimes/mlflow/tensors.js";
import { dtype } from "./reference.js";

/** V2 ⇄ pyfunc values with MLServer's MLflow conventions, for the shapes the fixtures do not reach. */

const utf8 = new TextEncoder();

describe("MLflow V2 tensors", () => {
  it("a frame answer is one output per column, the response marked pd", () => {
    const { outputs, parameters } = encodeOutput({
      kind: "frame",
      rows: 2,
      columns: [
        { name: "score", values: { dtype: dtype("<f8"), shape: [2], data: Float64Array.of(0.25, 0.75) } },
        { name: "label", values: { dtype: dtype("object"), shape: [2], data: ["no", "yes"] } },
      ],
    });
    expect(parameters).toEqual({ content_type: "pd" });
    expect(outputs.map((o) => [o.name, o.datatype, o.shape])).toEqual([
      ["score", "FP64", [2, 1]],
      ["label", "BYTES", [2, 1]],
    ]);
    expect(outputs[1].parameters).toEqual({ content_type: "str" });
  });

  it("np keeps the tensor's own shape (a [-1] tensor spec must see [N]) and reads BYTES as text", () => {
    const input = decodeRequest(
      {
        inputs: [{ name: "t", datatype: "BYTES", shape: [2], data: [utf8.encode("a"), utf8.encode("bcd")] }],
      },
      "np",
      { name: "m", implementation: "mlflow" },
    );
    expect(input).toEqual({ kind: "array", array: { dtype: dtype("<U3"), shape: [2], data: ["a", "bcd"] } });
  });

  it("dict reads every input as a named array", () => {
    const input = decodeRequest(
      {
        inputs: [
          { name: "a", datatype: "INT32", shape: [2, 2], data: Int32Array.of(1, 2, 3, 4) },
          { name: "b", datatype: "BOOL", shape: [2], data: Uint8Array.of(1, 0) },
        ],
      },
      "dict",
      { name: "m", implementation: "mlflow" },
    );
    expect(input.kind === "dict" && Object.keys(input.arrays)).toEqual(["a", "b"]);
    expect(input.kind === "dict" && input.arrays.a.dtype.str).toBe("<i4");
    expect(input.kind === "dict" && input.arrays.b.dtype.kind).toBe("b");
  });

  it("a request without inputs is a 400", () => {
    expect(() => decodeRequest({ inputs: [] }, "pd", { name: "m", implementation: "mlflow" })).toThrow(
      /no inputs/,
    );
  });
});
