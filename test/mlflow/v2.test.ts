import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerHandle } from "../../src/server/index.js";
import { get, type Json, post, startTestServer } from "../server/harness.js";
import { type ArraySpec, caseOf, type FrameSpec, MODELS, reference } from "./reference.js";

/**
 * MLflow models over V2 through the real server, as MLServer's MLflow runtime serves them: `pd` requests
 * (one input per column), `np` (one array), `dict` (named arrays), metadata from the signature, and the
 * predict_method parameter and model setting MLServer lacks.
 */

const DATATYPE: Record<string, string> = {
  "<f8": "FP64",
  "<f4": "FP32",
  "<i8": "INT64",
  "<i4": "INT32",
  "|i1": "INT8",
  "|b1": "BOOL",
  object: "BYTES",
  "datetime64[ns]": "BYTES",
};

/** A frame as V2 `pd` inputs: one tensor per column. */
function pdInputs(frame: FrameSpec) {
  return frame.columns.map((c) => ({
    name: c.name,
    datatype: DATATYPE[c.dtype],
    shape: [c.values.length],
    data: c.values,
    ...(c.dtype === "datetime64[ns]" ? { parameters: { content_type: "datetime" } } : {}),
  }));
}

function npInput(name: string, a: ArraySpec) {
  return { name, datatype: DATATYPE[a.dtype], shape: a.shape, data: a.data };
}

/** A response output against MLflow's array: 1-D answers come back as [N, 1], as MLServer's numpy codec writes them. */
function expectTensor(out: Json, expected: ArraySpec, tolerance = 1e-9) {
  const shape = expected.shape.length === 1 ? [expected.shape[0], 1] : expected.shape;
  expect(out.shape).toEqual(shape);
  if (typeof expected.data[0] !== "number" || Number.isInteger(expected.data[0])) {
    expect(out.data).toEqual(expected.data);
    return;
  }
  (out.data as number[]).forEach((v, i) => {
    const e = expected.data[i] as number;
    expect(Math.abs(v - e) / Math.max(Math.abs(e), 1e-300)).toBeLessThanOrEqual(tolerance);
  });
}

describe("MLflow runtime over V2", () => {
  let server: ServerHandle;
  let unsigned: string;
  const infer = (model: string, body: unknown) => post(server, `/v2/models/${model}/infer`, body);

  beforeAll(async () => {
    // the tree model with its signature removed from MLmodel: nothing to take metadata or content type from
    unsigned = await mkdtemp(join(tmpdir(), "ms-mlflow-unsigned-"));
    await cp(join(MODELS, "sklearn_tensor"), unsigned, { recursive: true });
    const mlmodel = await readFile(join(unsigned, "MLmodel"), "utf8");
    await writeFile(join(unsigned, "MLmodel"), mlmodel.replace(/^signature:\n(?: {2}.*\n)+/m, ""));
    const model = (name: string, dir: string, extra: Record<string, unknown> = {}) => ({
      name,
      implementation: "mlflow",
      uri: join(MODELS, dir),
      ...extra,
    });
    server = await startTestServer([
      model("pipeline", "sklearn_pipeline"),
      model("iris", "sklearn_iris_strings.zip"),
      model("iris-proba", "sklearn_iris_proba"),
      model("iris-proba-by-setting", "sklearn_iris_proba", {
        parameters: { predict_method: "predict_log_proba" },
      }),
      model("types", "sklearn_column_types"),
      model("params", "sklearn_params"),
      model("tree", "sklearn_tensor"),
      model("onnx", "onnx_iris.zip"),
      model("onnx-named", "onnx_named"),
      model("skops", "sklearn_skops"),
      { name: "unsigned", implementation: "mlserver_mlflow.MLflowRuntime", uri: unsigned },
    ]);
  });
  afterAll(async () => {
    await server?.close();
    await rm(unsigned, { recursive: true, force: true });
  });

  it("describes a column-based model from its signature, as MLServer does", async () => {
    const { status, json } = await get(server, "/v2/models/pipeline");
    expect(status).toBe(200);
    expect(json.platform).toBe("mlflow");
    expect(json.inputs).toEqual([
      { name: "age", datatype: "INT64", shape: [-1, 1], parameters: { content_type: "np" } },
      { name: "income", datatype: "FP64", shape: [-1, 1], parameters: { content_type: "np" } },
      { name: "visits", datatype: "INT32", shape: [-1, 1], parameters: { content_type: "np" } },
      { name: "city", datatype: "BYTES", shape: [-1, 1], parameters: { content_type: "str" } },
      { name: "plan", datatype: "BYTES", shape: [-1, 1], parameters: { content_type: "str" } },
    ]);
    expect(json.outputs).toEqual([
      { name: "output-0", datatype: "BYTES", shape: [-1], parameters: { content_type: "np" } },
    ]);
    expect(json.parameters).toMatchObject({
      content_type: "pd",
      flavor: "sklearn",
      mlflow_version: "3.17.2",
    });
  });

  it("describes tensor models (np for an unnamed tensor, dict for named ones) and the params schema", async () => {
    const onnx = (await get(server, "/v2/models/onnx")).json;
    expect(onnx.inputs).toEqual([
      { name: "input-0", datatype: "FP32", shape: [-1, 4], parameters: { content_type: "np" } },
    ]);
    expect(onnx.parameters.content_type).toBe("np");
    const named = (await get(server, "/v2/models/onnx-named")).json;
    expect(named.inputs[0].name).toBe("X");
    expect(named.outputs.map((o: Json) => o.name)).toEqual(["label", "probabilities"]);
    expect(named.parameters.content_type).toBe("dict");
    const params = (await get(server, "/v2/models/params")).json;
    expect(params.parameters.params).toContainEqual({ name: "top_k", type: "long", default: 3, shape: null });
  });

  it("pd: one input per column, string columns included, answers MLflow's labels", async () => {
    const c = caseOf("sklearn_pipeline", "predict");
    const { status, json } = await infer("pipeline", { inputs: pdInputs(c.input as FrameSpec) });
    expect(status, JSON.stringify(json)).toBe(200);
    expect(json.outputs).toHaveLength(1);
    expect(json.outputs[0].name).toBe("output-1");
    expect(json.outputs[0].datatype).toBe("BYTES");
    expectTensor(json.outputs[0], c.output as ArraySpec);
  });

  it("pd: safe casts apply and extra columns are ignored; unsafe casts and missing columns are a 400 naming the column", async () => {
    const safe = caseOf("sklearn_iris_strings", "int32 column for double (safe cast)");
    const ok = await infer("iris", { inputs: pdInputs(safe.input as FrameSpec) });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expectTensor(ok.json.outputs[0], safe.output as ArraySpec);

    const extra = caseOf("sklearn_iris_strings", "extra column ignored");
    const withExtra = await infer("iris", { inputs: pdInputs(extra.input as FrameSpec) });
    expect(withExtra.status).toBe(200);
    expectTensor(withExtra.json.outputs[0], extra.output as ArraySpec);

    const unsafe = caseOf("sklearn_pipeline", "int64 column for integer (refused)");
    const refused = await infer("pipeline", { inputs: pdInputs(unsafe.input as FrameSpec) });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toContain("'visits'");
    expect(refused.json.error).toContain("integer");

    const missing = caseOf("sklearn_pipeline", "missing string column");
    const lacking = await infer("pipeline", { inputs: pdInputs(missing.input as FrameSpec) });
    expect(lacking.status).toBe(400);
    expect(lacking.json.error).toContain("'city'");
  });

  it("pd: boolean, float and datetime columns (dates in the datetime content type, given or from the metadata)", async () => {
    const c = caseOf("sklearn_column_types", "predict");
    const inputs = pdInputs(c.input as FrameSpec);
    const { status, json } = await infer("types", { inputs });
    expect(status, JSON.stringify(json)).toBe(200);
    expectTensor(json.outputs[0], c.output as ArraySpec);
    const bare = inputs.map(({ parameters: _, ...input }: Json) => input);
    const fromMetadata = await infer("types", { inputs: bare });
    expect(fromMetadata.status, JSON.stringify(fromMetadata.json)).toBe(200);
    expectTensor(fromMetadata.json.outputs[0], c.output as ArraySpec);
  });

  it("np: one array for an unnamed tensor signature; a wrong dtype is a 400", async () => {
    const c = caseOf("sklearn_tensor", "predict");
    const { status, json } = await infer("tree", { inputs: [npInput("input-0", c.input as ArraySpec)] });
    expect(status, JSON.stringify(json)).toBe(200);
    expect(json.outputs[0]).toMatchObject({ name: "output-1", datatype: "INT64" });
    expectTensor(json.outputs[0], c.output as ArraySpec);

    const f32 = caseOf("sklearn_tensor", "float32 for float64");
    const refused = await infer("tree", { inputs: [npInput("input-0", f32.input as ArraySpec)] });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toContain("float64");
  });

  it("np on ONNX: a dict answer becomes one output per name (float32 precision, as onnxruntime computes)", async () => {
    const c = caseOf("onnx_iris", "predict");
    const { status, json } = await infer("onnx", { inputs: [npInput("input-0", c.input as ArraySpec)] });
    expect(status, JSON.stringify(json)).toBe(200);
    expect(json.parameters).toEqual({ content_type: "dict" });
    const expected = (c.output as { arrays: Record<string, ArraySpec> }).arrays;
    const byName = Object.fromEntries(json.outputs.map((o: Json) => [o.name, o]));
    expect(byName.label.datatype).toBe("INT64");
    expect(byName.probabilities.datatype).toBe("FP32");
    expectTensor(byName.label, expected.label);
    expectTensor(byName.probabilities, expected.probabilities, 1e-6);
  });

  it("dict: named arrays for a named tensor signature; a missing tensor is a 400 naming it", async () => {
    const c = caseOf("onnx_named", "predict");
    const x = (c.input as unknown as { arrays: Record<string, ArraySpec> }).arrays.X;
    const { status, json } = await infer("onnx-named", { inputs: [npInput("X", x)] });
    expect(status, JSON.stringify(json)).toBe(200);
    const expected = (c.output as { arrays: Record<string, ArraySpec> }).arrays;
    const byName = Object.fromEntries(json.outputs.map((o: Json) => [o.name, o]));
    expectTensor(byName.probabilities, expected.probabilities, 1e-6);
    const missing = await infer("onnx-named", { inputs: [npInput("Z", x)] });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toContain("'X'");
  });

  it("predict_method: a request parameter or a model setting picks another method of the estimator", async () => {
    const methods = reference.methods.sklearn_iris_proba;
    const inputs = pdInputs(methods.input);
    const byDefault = await infer("iris-proba", { inputs });
    expectTensor(
      byDefault.json.outputs[0],
      caseOf("sklearn_iris_proba", "predict_proba").output as ArraySpec,
    );
    for (const method of ["predict", "decision_function"]) {
      const { status, json } = await infer("iris-proba", { inputs, parameters: { predict_method: method } });
      expect(status, JSON.stringify(json)).toBe(200);
      expectTensor(json.outputs[0], methods.outputs[method]);
    }
    const bySetting = await infer("iris-proba-by-setting", { inputs });
    expectTensor(bySetting.json.outputs[0], methods.outputs.predict_log_proba);
    const onnx = caseOf("onnx_iris", "predict");
    const onnxInputs = [npInput("input-0", onnx.input as ArraySpec)];
    const notOnnx = await infer("onnx", {
      inputs: onnxInputs,
      parameters: { predict_method: "predict_proba" },
    });
    expect(notOnnx.status).toBe(400);
    expect(notOnnx.json.error).toMatch(/ONNX model has only predict/);
    const unknown = await infer("iris-proba", { inputs, parameters: { predict_method: "fit" } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatch(/predict_method.*predict_proba/);
  });

  it("params: request parameters are checked against the params schema (a 400 naming the param)", async () => {
    const c = caseOf("sklearn_params", "uncastable param");
    const inputs = pdInputs(c.input as FrameSpec);
    const bad = await infer("params", { inputs, parameters: c.params });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain("'top_k'");
    const good = caseOf("sklearn_params", "valid params");
    const ok = await infer("params", { inputs, parameters: good.params });
    expect(ok.status).toBe(200);
    expectTensor(ok.json.outputs[0], good.output as ArraySpec);
  });

  it("without a signature: no declared inputs, and one input is read as np (MLServer would pass the raw request)", async () => {
    const meta = (await get(server, "/v2/models/unsigned")).json;
    expect(meta.inputs).toEqual([]);
    expect(meta.parameters.content_type).toBeUndefined();
    const c = caseOf("sklearn_tensor", "predict");
    const { status, json } = await infer("unsigned", { inputs: [npInput("anything", c.input as ArraySpec)] });
    expect(status, JSON.stringify(json)).toBe(200);
    expectTensor(json.outputs[0], c.output as ArraySpec);
    // no signature, so no enforcement: float32 reaches the model, which reads it as scikit-learn does
    const f32 = caseOf("sklearn_tensor", "float32 for float64");
    const relaxed = await infer("unsigned", { inputs: [npInput("anything", f32.input as ArraySpec)] });
    expect(relaxed.status).toBe(200);
  });

  it("a skops model does not load, and says why", async () => {
    const { json } = await post(server, "/v2/repository/index", {});
    const skops = (json as Json[]).find((m) => m.name === "skops");
    expect(skops.state).not.toBe("READY");
    expect(skops.reason).toMatch(/skops.*cloudpickle/);
  });
});
