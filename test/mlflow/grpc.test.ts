import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runtime } from "../../src/runtimes/mlflow/index.js";
import { type GrpcFixture, startGrpcFixture } from "../server/grpc-harness.js";
import { type ArraySpec, caseOf, type FrameSpec, MODELS } from "./reference.js";

/** The MLflow runtime behind gRPC: typed contents per column, refusals as INVALID_ARGUMENT naming the column. */

const FIELD: Record<string, [string, string, (v: unknown) => unknown]> = {
  "<i8": ["INT64", "int64_contents", (v) => String(v)],
  "<i4": ["INT32", "int_contents", (v) => v],
  "<f8": ["FP64", "fp64_contents", (v) => v],
  object: ["BYTES", "bytes_contents", (v) => Buffer.from(String(v))],
};

function grpcInputs(frame: FrameSpec) {
  return frame.columns.map((c) => {
    const [datatype, field, wire] = FIELD[c.dtype];
    return { name: c.name, datatype, shape: [c.values.length], contents: { [field]: c.values.map(wire) } };
  });
}

describe("MLflow runtime over gRPC", () => {
  let f: GrpcFixture;
  beforeAll(async () => {
    f = await startGrpcFixture(
      [{ name: "pipeline", implementation: "mlflow", uri: join(MODELS, "sklearn_pipeline") }],
      (s) => runtime.load(s),
    );
  });
  afterAll(async () => {
    await f?.close();
  });

  it("pd columns in typed contents answer MLflow's labels", async () => {
    const c = caseOf("sklearn_pipeline", "predict");
    const r = await f.call<{ outputs: { name: string; contents: { bytes_contents: Buffer[] } }[] }>(
      "ModelInfer",
      {
        model_name: "pipeline",
        inputs: grpcInputs(c.input as FrameSpec),
      },
    );
    expect(r.outputs[0].name).toBe("output-1");
    expect(r.outputs[0].contents.bytes_contents.map(String)).toEqual((c.output as ArraySpec).data);
  });

  it("an unsafe cast is INVALID_ARGUMENT naming the column", async () => {
    const c = caseOf("sklearn_pipeline", "float column for long (refused)");
    const error = await f
      .call("ModelInfer", { model_name: "pipeline", inputs: grpcInputs(c.input as FrameSpec) })
      .then(
        () => undefined,
        (e: { code: number; details: string }) => e,
      );
    expect(error?.code).toBe(3); // INVALID_ARGUMENT
    expect(error?.details).toContain("'age'");
  });
});
