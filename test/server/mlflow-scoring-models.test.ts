import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PyJson, parsePythonJson } from "../../src/mlflow/python-json.js";
import type { ServerHandle } from "../../src/server/index.js";
import { startTestServer } from "./harness.js";

/**
 * End to end with the real MLflow fixture models (fixtures/mlflow/models, saved by mlflow 3.17.2) on the
 * real server, `implementation: mlflow`:
 * - every request of mlflow-scoring/models-reference.json, recorded from mlflow's own scoring server
 *   with the same models (make_models_reference.py), gets the same status and predictions (or the same
 *   error code and classification);
 * - `params: {"predict_method": ...}` answers what scikit-learn's other methods answer
 *   (fixtures/mlflow/reference.json, "methods");
 * - mlflow's own client (`ScoringServerClient`, from the mlflow venv) talks to our server.
 */

const FIXTURES = fileURLToPath(new URL("../../fixtures/mlflow/", import.meta.url));
const MLFLOW_VENV = process.env.MLFLOW_VENV ?? "/work/venvs/mlflow";

interface RecordedRequest {
  name: string;
  content_type: string;
  request: string;
  status: number;
  body: string;
}

const recorded = JSON.parse(
  readFileSync(new URL("mlflow-scoring/models-reference.json", import.meta.url), "utf8"),
) as { models: Record<string, RecordedRequest[]> };

interface ReferenceArray {
  kind: "array";
  dtype: string;
  shape: number[];
  data: unknown[];
}
interface ReferenceColumn {
  name: string;
  dtype: string;
  values: unknown[];
}
const fixtureReference = JSON.parse(readFileSync(`${FIXTURES}reference.json`, "utf8")) as {
  methods: Record<
    string,
    { input: { kind: "frame"; columns: ReferenceColumn[] }; outputs: Record<string, ReferenceArray> }
  >;
};

/** Equal, floats within a relative 1e-9 (float32 ONNX outputs within 1e-6), NaN equal to NaN. */
function close(ours: PyJson, theirs: PyJson, path = "predictions"): void {
  if (typeof ours === "number" && typeof theirs === "number") {
    if (Number.isNaN(theirs)) expect(ours, path).toBeNaN();
    else expect(Math.abs(ours - theirs), path).toBeLessThanOrEqual(1e-6 * Math.max(1e-3, Math.abs(theirs)));
    return;
  }
  if (Array.isArray(ours) && Array.isArray(theirs)) {
    expect(ours.length, path).toBe(theirs.length);
    for (let i = 0; i < ours.length; i++) close(ours[i], theirs[i], `${path}[${i}]`);
    return;
  }
  if (ours !== null && theirs !== null && typeof ours === "object" && typeof theirs === "object") {
    expect(Object.keys(ours), path).toEqual(Object.keys(theirs));
    for (const k of Object.keys(theirs)) close((ours as never)[k], (theirs as never)[k], `${path}.${k}`);
    return;
  }
  expect(ours, path).toEqual(theirs);
}

/** A flat C-ordered list as nested lists of `shape`, as `tolist()` gives it. */
function nested(data: unknown[], shape: readonly number[]): unknown {
  if (shape.length <= 1) return data;
  const size = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, i) =>
    nested(data.slice(i * size, (i + 1) * size), shape.slice(1)),
  );
}

describe("/invocations with the real MLflow fixture models", () => {
  let server: ServerHandle;
  const names = Object.keys(recorded.models).filter((name) => recorded.models[name].length > 0);

  beforeAll(async () => {
    server = await startTestServer(
      names.map((name) => ({ name, implementation: "mlflow", uri: `${FIXTURES}models/${name}` })),
    );
  }, 120_000);
  afterAll(async () => server?.close());

  it("serves every recorded model", async () => {
    expect(names.length).toBeGreaterThanOrEqual(8);
    for (const name of names) expect(server.dataplane.modelReady(name), name).toBe(true);
  });

  for (const name of Object.keys(recorded.models)) {
    for (const request of recorded.models[name]) {
      it(`${name}: ${request.name} (${request.status}, as mlflow models serve)`, async () => {
        const res = await fetch(`${server.httpUrl}/invocations?model=${name}`, {
          method: "POST",
          headers: { "content-type": request.content_type },
          body: request.request,
        });
        const text = await res.text();
        expect(res.status, text).toBe(request.status);
        const ours = parsePythonJson(text) as { [k: string]: PyJson };
        const theirs = parsePythonJson(request.body) as { [k: string]: PyJson };
        if (request.status === 200) {
          close(ours.predictions, theirs.predictions);
          return;
        }
        expect({
          error_code: ours.error_code,
          sqlstate: ours.sqlstate,
          error_class: ours.error_class,
        }).toEqual({
          error_code: theirs.error_code,
          sqlstate: theirs.sqlstate,
          error_class: theirs.error_class,
        });
      });
    }
  }

  for (const [name, { input, outputs }] of Object.entries(fixtureReference.methods)) {
    it(`${name}: params.predict_method picks each method scikit-learn has (fixtures/mlflow/reference.json)`, async () => {
      const columns = input.columns.map((c) => c.name);
      const rows = input.columns[0].values.map((_, i) => input.columns.map((c) => c.values[i]));
      for (const [method, output] of Object.entries(outputs)) {
        const res = await fetch(`${server.httpUrl}/invocations?model=${name}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            dataframe_split: { columns, data: rows },
            params: { predict_method: method },
          }),
        });
        const text = await res.text();
        expect(res.status, `${method}: ${text}`).toBe(200);
        const ours = parsePythonJson(text) as { predictions: PyJson };
        const expected = parsePythonJson(JSON.stringify(nested(output.data, output.shape)));
        close(ours.predictions, expected, method);
      }
      const unknown = await fetch(`${server.httpUrl}/invocations?model=${name}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ dataframe_split: { columns, data: rows }, params: { predict_method: "fit" } }),
      });
      expect(unknown.status).toBe(400);
      expect(((await unknown.json()) as { message: string }).message).toMatch(/fit/);
    });
  }
});

describe("a model setting picks the default method of /invocations", () => {
  let server: ServerHandle;
  beforeAll(async () => {
    server = await startTestServer([
      {
        name: "labels",
        implementation: "mlflow",
        uri: `${FIXTURES}models/sklearn_iris_proba`,
        parameters: { predict_method: "predict" },
      },
    ]);
  }, 60_000);
  afterAll(async () => server?.close());

  it("predict instead of the MLmodel's predict_proba, and a request parameter still overrides it", async () => {
    const { input, outputs } = fixtureReference.methods.sklearn_iris_proba;
    const columns = input.columns.map((c) => c.name);
    const rows = input.columns[0].values.map((_, i) => input.columns.map((c) => c.values[i]));
    const ask = async (params?: Record<string, unknown>) => {
      const res = await fetch(`${server.httpUrl}/invocations`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ dataframe_split: { columns, data: rows }, ...(params ? { params } : {}) }),
      });
      expect(res.status).toBe(200);
      return (parsePythonJson(await res.text()) as { predictions: PyJson }).predictions;
    };
    const expected = (method: string) =>
      parsePythonJson(JSON.stringify(nested(outputs[method].data, outputs[method].shape)));
    close(await ask(), expected("predict"));
    close(await ask({ predict_method: "decision_function" }), expected("decision_function"));
  });
});

describe("an MLflow model behind the adaptive batcher", () => {
  let server: ServerHandle;
  beforeAll(async () => {
    server = await startTestServer([
      {
        name: "batched",
        implementation: "mlflow",
        uri: `${FIXTURES}models/sklearn_iris_strings`,
        max_batch_size: 4,
        max_batch_time: 0.005,
      },
    ]);
  }, 60_000);
  afterAll(async () => server?.close());

  it("answers /invocations, and V2 with MLflow's safe casts (INT32 for a double column)", async () => {
    const res = await fetch(`${server.httpUrl}/invocations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        dataframe_records: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }],
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ predictions: ["setosa"] });
    const column = (name: string, datatype: string, value: number) => ({
      name,
      datatype,
      shape: [1, 1],
      data: [value],
    });
    const v2 = await fetch(`${server.httpUrl}/v2/models/batched/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        parameters: { content_type: "pd" },
        inputs: [
          column("sepal_length", "INT32", 7),
          column("sepal_width", "FP64", 3.2),
          column("petal_length", "FP64", 4.7),
          column("petal_width", "FP64", 1.4),
        ],
      }),
    });
    const body = (await v2.json()) as { outputs: { data: unknown[] }[] };
    expect(v2.status, JSON.stringify(body)).toBe(200);
    expect(body.outputs[0].data).toEqual(["versicolor"]);
  });
});

describe("/invocations in the per-model metrics", () => {
  let server: ServerHandle;
  beforeAll(async () => {
    server = await startTestServer([
      { name: "counted", implementation: "mlflow", uri: `${FIXTURES}models/sklearn_iris_strings` },
    ]);
  }, 60_000);
  afterAll(async () => server?.close());

  it("counts a prediction as a success and a refused one as a failure, as V2 inferences are", async () => {
    const score = (record: Record<string, number>) =>
      fetch(`${server.httpUrl}/invocations`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ dataframe_records: [record] }),
      });
    const ok = await score({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 });
    expect(ok.status).toBe(200);
    expect((await score({ sepal_length: 5.1 })).status).toBe(400);
    const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(text).toMatch(/model_infer_request_success\{model="counted",version=""\} 1\n/);
    expect(text).toMatch(/model_infer_request_failure\{model="counted",version=""\} 1\n/);
  });
});

describe("an MLflow model behind worker threads", () => {
  let server: ServerHandle;
  beforeAll(async () => {
    server = await startTestServer([
      { name: "pooled", implementation: "mlflow", uri: `${FIXTURES}models/onnx_iris`, parallel_workers: 1 },
    ]);
  }, 60_000);
  afterAll(async () => server?.close());

  it("answers V2 only, and /invocations says why it does not answer", async () => {
    const res = await fetch(`${server.httpUrl}/invocations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"inputs": [[5.1, 3.5, 1.4, 0.2]]}',
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toMatch(
      /pooled \(served through parallel_workers, which serve V2 only\)/,
    );
  });
});

describe("mlflow's own client (ScoringServerClient) against our server", () => {
  const hasMlflow = existsSync(`${MLFLOW_VENV}/bin/python`);
  const CLIENT_MODELS = ["sklearn_iris_proba", "sklearn_pipeline", "onnx_iris"];
  // the client cannot name a model: one server per model, as `mlflow models serve` serves one
  const servers: ServerHandle[] = [];

  beforeAll(async () => {
    if (!hasMlflow) return;
    for (const name of CLIENT_MODELS) {
      servers.push(
        await startTestServer([{ name, implementation: "mlflow", uri: `${FIXTURES}models/${name}` }]),
      );
    }
  }, 120_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it.skipIf(!hasMlflow)(
    hasMlflow
      ? "pings, reads /version, invokes with DataFrames, ndarrays and params"
      : `skipped: no mlflow venv at ${MLFLOW_VENV} (run fixtures/mlflow/make_venv.sh)`,
    async () => {
      const ports = Object.fromEntries(CLIENT_MODELS.map((name, i) => [name, servers[i].http.port]));
      const script = fileURLToPath(new URL("mlflow-scoring/client_session.py", import.meta.url));
      const { stdout } = await promisify(execFile)(
        `${MLFLOW_VENV}/bin/python`,
        [script, JSON.stringify(ports), FIXTURES],
        { timeout: 120_000 },
      );
      const report = JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
      expect(report).toEqual({
        ping: "ok",
        version: servers[0].dataplane.serverMetadata().version,
        sklearn_iris_proba: "same predictions",
        sklearn_iris_proba_predict_method: "same predictions",
        sklearn_pipeline: "same predictions",
        onnx_iris: "same predictions",
      });
    },
    150_000,
  );
});
