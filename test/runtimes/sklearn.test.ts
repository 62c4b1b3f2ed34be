import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCodes, ModelserveError } from "../../src/errors.js";
import { runtime } from "../../src/runtimes/sklearn/index.js";
import { outputTensor } from "../../src/runtimes/sklearn/tensors.js";
import type { ServerHandle } from "../../src/server/index.js";
import type { InferenceRequest, Tensor } from "../../src/server/protocol/tensor.js";
import { startGrpcFixture } from "../server/grpc-harness.js";
import { get, type Json, post, startTestServer } from "../server/harness.js";

/**
 * The sklearn runtime with real scikit-learn files (the fidelity fixtures): loading files and folders as
 * MLServer does, choosing the method by output name or setting, numeric and `pd` inputs, output datatypes,
 * refusals; then the same models behind the real REST server.
 */

const FIX = join(import.meta.dirname, "../../fixtures/sklearn");
const V = "1.9.1";
const enc = new TextEncoder();
const dec = new TextDecoder();

interface Case {
  input: { kind: string; names?: string[]; columns?: unknown[][]; shape?: number[]; data?: unknown[] };
  outputs: Record<string, { dtype: string; shape: number[]; data: unknown[] }>;
}

function fixture(group: string, name: string): Case {
  return JSON.parse(readFileSync(join(FIX, V, group, `${name}.json`), "utf8")) as Case;
}

function bytes(values: unknown[]): Uint8Array[] {
  return values.map((v) => enc.encode(String(v)));
}

/** A fixture's table input as `pd` columns: strings as BYTES, numbers as FP64 (null → NaN). */
function pdInputs(c: Case): Tensor[] {
  return (c.input.columns ?? []).map((values, j) => {
    const name = c.input.names![j];
    const rows = values.length;
    if (values.some((v) => typeof v === "string")) {
      return {
        name,
        datatype: "BYTES",
        shape: [rows],
        data: bytes(values),
        parameters: { content_type: "str" },
      };
    }
    return {
      name,
      datatype: "FP64",
      shape: [rows],
      data: Float64Array.from(values, (v) => (v === null ? Number.NaN : Number(v))),
    };
  });
}

/** A fixture's input as the request MLServer's conventions expect: an FP64 array, or one input per column. */
function requestFor(c: Case): InferenceRequest {
  if (c.input.kind === "table") return { inputs: pdInputs(c) };
  return {
    inputs: [
      {
        name: "x",
        datatype: "FP64",
        shape: c.input.shape!,
        data: Float64Array.from(c.input.data as number[]),
      },
    ],
  };
}

/** The V2 datatype MLServer's NumpyCodec gives a numpy dtype (written out here, independently of the runtime). */
const V2_DATATYPE: Record<string, string> = {
  "|b1": "BOOL",
  "|i1": "INT8",
  "<i2": "INT16",
  "<i4": "INT32",
  "<i8": "INT64",
  "|u1": "UINT8",
  "<f4": "FP32",
  "<f8": "FP64",
};

function v2Datatype(numpyDtype: string): string {
  return (
    V2_DATATYPE[numpyDtype] ??
    (/^(\|O|<U\d+|\|S\d+)$/.test(numpyDtype) ? "BYTES" : `no datatype for ${numpyDtype}`)
  );
}

/** A tensor's elements as the fixture's JSON holds them (BYTES as text, BOOL as true/false). */
function plainValues(t: Tensor): unknown[] {
  if (t.datatype === "BYTES") return (t.data as Uint8Array[]).map((b) => dec.decode(b));
  if (t.datatype === "BOOL") return Array.from(t.data as Uint8Array, (v) => v === 1);
  return numbers(t);
}

function numbers(t: Tensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}

function expectClose(actual: number[], expected: unknown[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    expect(a).toBeCloseTo(Number(expected[i]), 9);
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sklearn-runtime-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("sklearn runtime: loading", () => {
  it("answers to its own id and MLServer's class path", () => {
    expect(runtime.implementations).toEqual(["sklearn", "mlserver_sklearn.SKLearnModel"]);
  });

  it("loads a folder holding model.joblib, the first of MLServer's well-known names", async () => {
    const folder = mkdtempSync(join(dir, "folder-"));
    copyFileSync(join(FIX, V, "preprocessing/standard_scaler.joblib"), join(folder, "model.joblib"));
    const model = await runtime.load({ name: "scaler", implementation: "sklearn", uri: folder });
    const meta = model.metadata();
    expect(meta.parameters).toMatchObject({
      n_features_in: 4,
      methods: ["transform"],
      default_output: "transform",
    });
    expect(meta.parameters?.estimator).toMatch(/StandardScaler$/);
  });

  it("refuses a folder with no model file, naming the names it looked for", async () => {
    const empty = mkdtempSync(join(dir, "empty-"));
    await expect(runtime.load({ name: "m", implementation: "sklearn", uri: empty })).rejects.toThrow(
      /model\.joblib, model\.pickle, model\.pkl/,
    );
  });

  it("refuses a model whose estimator is not supported, naming the class", async () => {
    const load = runtime.load({
      name: "gpr",
      implementation: "sklearn",
      uri: join(FIX, "runtime/unsupported_gpr.joblib"),
    });
    await expect(load).rejects.toThrow(/GaussianProcessRegressor/);
    await expect(load).rejects.toMatchObject({ code: ErrorCodes.PICKLE_FORBIDDEN_GLOBAL });
  });

  it("refuses a predict_fn the estimator lacks", async () => {
    const load = runtime.load({
      name: "m",
      implementation: "sklearn",
      uri: join(FIX, V, "preprocessing/standard_scaler.pkl"),
      parameters: { predict_fn: "predict_proba" },
    });
    await expect(load).rejects.toThrow(/supports transform/);
  });
});

describe("sklearn runtime: inference", () => {
  it("serves a pipeline with a ColumnTransformer from pd columns: predict as BYTES labels, predict_proba as FP64", async () => {
    const c = fixture("compose", "pipeline_column_logreg");
    const model = await runtime.load({
      name: "iris",
      implementation: "sklearn",
      uri: join(FIX, V, "compose/pipeline_column_logreg.pkl"),
    });
    expect(model.metadata().parameters).toMatchObject({
      content_type: "pd",
      feature_names_in: c.input.names,
    });
    const request: InferenceRequest = {
      id: "r1",
      parameters: { content_type: "pd" },
      inputs: pdInputs(c),
      outputs: [{ name: "predict" }, { name: "predict_proba" }],
    };
    const res = await model.infer(request);
    expect(res.id).toBe("r1");
    const [labels, proba] = res.outputs;
    expect(labels).toMatchObject({ name: "predict", datatype: "BYTES", shape: [12, 1] });
    expect((labels.data as Uint8Array[]).map((b) => dec.decode(b))).toEqual(c.outputs.predict.data);
    expect(proba).toMatchObject({ name: "predict_proba", datatype: "FP64", shape: [12, 3] });
    expectClose(numbers(proba), c.outputs.predict_proba.data);
  });

  it("uses predict by default, and the model's predict_fn setting when there are no requested outputs", async () => {
    const c = fixture("compose", "pipeline_scaler_logreg");
    const uri = join(FIX, V, "compose/pipeline_scaler_logreg.joblib");
    const X: Tensor = {
      name: "x",
      datatype: "FP64",
      shape: c.input.shape!,
      data: Float64Array.from(c.input.data as number[]),
    };
    const byDefault = await (await runtime.load({ name: "a", implementation: "sklearn", uri })).infer({
      inputs: [X],
    });
    expect(byDefault.outputs.map((o) => o.name)).toEqual(["predict"]);
    const proba = await (
      await runtime.load({
        name: "b",
        implementation: "sklearn",
        uri,
        parameters: { predict_fn: "predict_proba" },
      })
    ).infer({ inputs: [X] });
    expect(proba.outputs[0].name).toBe("predict_proba");
    expectClose(numbers(proba.outputs[0]), c.outputs.predict_proba.data);
  });

  it("reads integer tensors as numbers and returns integer labels as INT64", async () => {
    const c = fixture("compose", "pipeline_tree");
    const model = await runtime.load({
      name: "wine",
      implementation: "sklearn",
      uri: join(FIX, V, "compose/pipeline_tree.pkl"),
    });
    const X: Tensor = {
      name: "x",
      datatype: "FP64",
      shape: c.input.shape!,
      data: Float64Array.from(c.input.data as number[]),
    };
    const res = await model.infer({ inputs: [X] });
    expect(res.outputs[0]).toMatchObject({ datatype: "INT64", shape: [10, 1] });
    expect(numbers(res.outputs[0])).toEqual(c.outputs.predict.data);
  });

  it("vectorizes BYTES documents", async () => {
    const c = fixture("text", "count_default");
    const model = await runtime.load({
      name: "bow",
      implementation: "sklearn",
      uri: join(FIX, V, "text/count_default.pkl"),
    });
    const docs = c.input.columns![0];
    const res = await model.infer({
      inputs: [{ name: "text", datatype: "BYTES", shape: [docs.length], data: bytes(docs) }],
    });
    expect(res.outputs[0]).toMatchObject({
      name: "transform",
      datatype: "INT64",
      shape: c.outputs.transform.shape,
    });
    expect(numbers(res.outputs[0])).toEqual(c.outputs.transform.data);
  });

  it("rejects an output that is not a method of the model, and one that is not a scikit-learn method", async () => {
    const model = await runtime.load({
      name: "s",
      implementation: "sklearn",
      uri: join(FIX, V, "preprocessing/standard_scaler.pkl"),
    });
    const X: Tensor = { name: "x", datatype: "FP64", shape: [1, 4], data: Float64Array.of(1, 2, 3, 4) };
    expect(() => model.infer({ inputs: [X], outputs: [{ name: "predict" }] })).toThrow(
      /does not support 'predict'/,
    );
    expect(() => model.infer({ inputs: [X], outputs: [{ name: "fit" }] })).toThrow(
      /not a scikit-learn method/,
    );
    try {
      model.infer({
        inputs: [{ ...X, shape: [1, 3], data: Float64Array.of(1, 2, 3) }],
        outputs: [{ name: "transform" }],
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ModelserveError);
      expect((e as ModelserveError).code).toBe(ErrorCodes.BAD_REQUEST);
      expect((e as Error).message).toMatch(/X has 3 features, but StandardScaler is expecting 4/);
    }
  });
});

describe("sklearn runtime: output datatypes follow the numpy dtype (MLServer's NumpyCodec)", () => {
  const cases: [group: string, name: string][] = [
    ["cluster", "kmeans_iris"],
    ["naive_bayes", "gaussian_binary_bool"],
    ["dtypes", "logreg_int32_labels"],
    ["dtypes", "tree_uint8_labels"],
    ["dtypes", "knn_int16_labels"],
    ["dtypes", "gaussian_nb_float32_labels"],
    ["dtypes", "forest_object_labels"],
    ["dtypes", "tree_bytes_labels"],
    ["dtypes", "tree_multioutput_int_labels"],
    ["dtypes", "onehot_int8"],
    ["dtypes", "onehot_bool"],
    ["dtypes", "ordinal_int64"],
    ["dtypes", "count_int32"],
    ["dtypes", "kbins_ordinal_float32"],
  ];
  for (const [group, name] of cases) {
    it(`${group}/${name}`, async () => {
      const c = fixture(group, name);
      const model = await runtime.load({
        name,
        implementation: "sklearn",
        uri: join(FIX, V, group, `${name}.pkl`),
      });
      const methods = Object.keys(c.outputs);
      const res = await model.infer({ ...requestFor(c), outputs: methods.map((m) => ({ name: m })) });
      res.outputs.forEach((out, k) => {
        const expected = c.outputs[methods[k]];
        const shape = expected.shape.length === 1 ? [expected.shape[0], 1] : expected.shape;
        expect(out).toMatchObject({ name: methods[k], datatype: v2Datatype(expected.dtype), shape });
        if (out.datatype === "FP32" || out.datatype === "FP64") expectClose(numbers(out), expected.data);
        else expect(plainValues(out)).toEqual(expected.data);
      });
    });
  }
});

describe("sklearn runtime: outputTensor for arrays no fixture makes", () => {
  const obj = (data: unknown[]) => ({
    dtype: { kind: "O" as const, itemsize: 8, byteorder: "|" as const, str: "|O" },
    shape: [data.length],
    data,
  });

  it("sends an object array of numbers as FP64 (None as NaN) and one of Python bools as BOOL", () => {
    const nums = outputTensor("transform", obj([1, 2.5, null, 7n]));
    expect(nums).toMatchObject({ datatype: "FP64", shape: [4, 1] });
    expect(Array.from(nums.data as Float64Array)).toEqual([1, 2.5, Number.NaN, 7]);
    const flags = outputTensor("predict", obj([true, false]));
    expect(flags).toMatchObject({ datatype: "BOOL" });
    expect(Array.from(flags.data as Uint8Array)).toEqual([1, 0]);
  });

  it("prints a mixed object array as Python's str() would, as BYTES", () => {
    const t = outputTensor("transform", obj(["red", 3, null, true, Number.NaN]));
    expect(t.datatype).toBe("BYTES");
    expect((t.data as Uint8Array[]).map((b) => dec.decode(b))).toEqual(["red", "3", "None", "True", "nan"]);
  });

  it("converts storage wider than the dtype (an int32 dtype held in a Float64Array) to the datatype's", () => {
    const t = outputTensor("predict", {
      dtype: { kind: "i", itemsize: 4, byteorder: "<", str: "<i4" },
      shape: [2],
      data: Float64Array.of(3, -1),
    });
    expect(t.datatype).toBe("INT32");
    expect(t.data).toEqual(Int32Array.of(3, -1));
  });

  it("refuses a dtype with no V2 datatype, naming it", () => {
    const complex = {
      dtype: { kind: "c" as const, itemsize: 16, byteorder: "<" as const, str: "<c16" },
      shape: [1],
      data: [] as unknown[],
    };
    expect(() => outputTensor("predict", complex)).toThrow(/<c16, which has no V2 datatype/);
  });
});

describe("sklearn runtime behind the REST server", () => {
  let server: ServerHandle;
  beforeAll(async () => {
    server = await startTestServer([
      {
        name: "iris",
        implementation: "mlserver_sklearn.SKLearnModel",
        uri: join(FIX, V, "compose/pipeline_column_logreg.joblib"),
      },
      { name: "broken", implementation: "sklearn", uri: join(FIX, "runtime/unsupported_gpr.joblib") },
    ]);
  });
  afterAll(async () => server?.close());

  it("infers over V2 JSON with pd columns", async () => {
    const c = fixture("compose", "pipeline_column_logreg");
    const inputs = (c.input.columns ?? []).map((values, j) => {
      const text = values.some((v) => typeof v === "string");
      return {
        name: c.input.names![j],
        datatype: text ? "BYTES" : "FP64",
        shape: [values.length],
        data: values,
      };
    });
    const res = await post(server, "/v2/models/iris/infer", {
      parameters: { content_type: "pd" },
      inputs,
      outputs: [{ name: "predict" }],
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const out: Json = res.json.outputs[0];
    expect(out).toMatchObject({ name: "predict", datatype: "BYTES", shape: [12, 1] });
    expect(out.data).toEqual(c.outputs.predict.data);
  });

  it("keeps serving its other models when one has an unsupported estimator", async () => {
    expect((await get(server, "/v2/models/iris/ready")).status).toBe(200);
    expect((await get(server, "/v2/models/broken/ready")).status).not.toBe(200);
  });
});

/** Fixtures whose predict/transform is not float64, one per V2 datatype, served by the real servers. */
const TYPED_OUTPUTS: [group: string, name: string, datatype: string][] = [
  ["cluster", "kmeans_iris", "INT32"],
  ["dtypes", "tree_uint8_labels", "UINT8"],
  ["dtypes", "knn_int16_labels", "INT16"],
  ["dtypes", "onehot_int8", "INT8"],
  ["naive_bayes", "gaussian_binary_bool", "BOOL"],
  ["dtypes", "forest_object_labels", "BYTES"],
  ["dtypes", "tree_bytes_labels", "BYTES"],
  ["dtypes", "kbins_ordinal_float32", "FP32"],
  ["dtypes", "ordinal_int64", "INT64"],
];

/** A fixture's input as V2 JSON inputs: an FP64 array, or one column per input (strings as BYTES). */
function jsonInputs(c: Case): Json[] {
  if (c.input.kind !== "table") {
    return [{ name: "x", datatype: "FP64", shape: c.input.shape, data: c.input.data }];
  }
  return (c.input.columns ?? []).map((values, j) => ({
    name: c.input.names![j],
    datatype: values.some((v) => typeof v === "string") ? "BYTES" : "FP64",
    shape: [values.length],
    data: values,
  }));
}

/** The method each typed fixture is asked for: its only recorded output, or predict. */
function methodOf(c: Case): string {
  return "predict" in c.outputs ? "predict" : Object.keys(c.outputs)[0];
}

describe("sklearn runtime behind the REST server: typed outputs", () => {
  let server: ServerHandle;
  beforeAll(async () => {
    server = await startTestServer(
      TYPED_OUTPUTS.map(([group, name]) => ({
        name,
        implementation: "sklearn",
        uri: join(FIX, V, group, `${name}.pkl`),
      })),
    );
  });
  afterAll(async () => server?.close());

  for (const [group, name, datatype] of TYPED_OUTPUTS) {
    it(`${name}: ${datatype}`, async () => {
      const c = fixture(group, name);
      const method = methodOf(c);
      const expected = c.outputs[method];
      const res = await post(server, `/v2/models/${name}/infer`, {
        inputs: jsonInputs(c),
        outputs: [{ name: method }],
      });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      const out: Json = res.json.outputs[0];
      const shape = expected.shape.length === 1 ? [expected.shape[0], 1] : expected.shape;
      expect(out).toMatchObject({ name: method, datatype, shape, parameters: { content_type: "np" } });
      if (datatype === "FP32") expectClose(out.data, expected.data);
      else expect(out.data).toEqual(expected.data);
    });
  }

  it("writes INT32 cluster labels and UINT8 labels as Triton binary outputs of 4 and 1 bytes each", async () => {
    const kmeans = fixture("cluster", "kmeans_iris");
    const res = await post(server, "/v2/models/kmeans_iris/infer", {
      inputs: jsonInputs(kmeans),
      outputs: [{ name: "predict", parameters: { binary_data: true } }],
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const n = kmeans.outputs.predict.data.length;
    expect(res.json.outputs[0]).toMatchObject({
      datatype: "INT32",
      parameters: { binary_data_size: 4 * n },
    });
    const body = res.bytes.subarray(Number(res.headers.get("inference-header-content-length")));
    expect(Array.from(new Int32Array(body.buffer.slice(body.byteOffset, body.byteOffset + 4 * n)))).toEqual(
      kmeans.outputs.predict.data,
    );
    const tree = fixture("dtypes", "tree_uint8_labels");
    const labels = await post(server, "/v2/models/tree_uint8_labels/infer", {
      inputs: jsonInputs(tree),
      outputs: [{ name: "predict", parameters: { binary_data: true } }],
    });
    const bytes = labels.bytes.subarray(Number(labels.headers.get("inference-header-content-length")));
    expect(labels.json.outputs[0]).toMatchObject({
      datatype: "UINT8",
      parameters: { binary_data_size: bytes.length },
    });
    expect(Array.from(bytes)).toEqual(tree.outputs.predict.data);
  });
});

describe("sklearn runtime behind the gRPC server: typed contents", () => {
  const served = TYPED_OUTPUTS.filter(([, , datatype]) => datatype !== "FP32");
  const contentsField: Record<string, string> = {
    INT32: "int_contents",
    INT16: "int_contents",
    INT8: "int_contents",
    INT64: "int64_contents",
    UINT8: "uint_contents",
    BOOL: "bool_contents",
    BYTES: "bytes_contents",
  };
  let grpc: Awaited<ReturnType<typeof startGrpcFixture>>;
  beforeAll(async () => {
    grpc = await startGrpcFixture(
      served.map(([group, name]) => ({
        name,
        implementation: "sklearn",
        uri: join(FIX, V, group, `${name}.pkl`),
      })),
      (settings) => runtime.load(settings),
    );
  });
  afterAll(async () => grpc?.close());

  for (const [group, name, datatype] of served) {
    it(`${name}: ${datatype} in ${contentsField[datatype]}`, async () => {
      const c = fixture(group, name);
      const method = methodOf(c);
      const inputs = jsonInputs(c).map((t: Json) =>
        t.datatype === "BYTES"
          ? { ...t, data: undefined, contents: { bytes_contents: bytes(t.data) } }
          : { ...t, data: undefined, contents: { fp64_contents: t.data } },
      );
      const res = await grpc.call<Json>("ModelInfer", {
        model_name: name,
        inputs,
        outputs: [{ name: method }],
      });
      const out = res.outputs[0];
      expect(out).toMatchObject({ name: method, datatype });
      const values = out.contents[contentsField[datatype]];
      const expected = c.outputs[method].data;
      if (datatype === "BYTES") expect(values.map((b: Buffer) => b.toString("latin1"))).toEqual(expected);
      else if (datatype === "INT64") expect(values.map(Number)).toEqual(expected);
      else expect(values).toEqual(expected);
    });
  }
});
