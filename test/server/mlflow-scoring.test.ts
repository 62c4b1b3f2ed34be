import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PyfuncInput, PyfuncOutput } from "../../src/mlflow/pyfunc.js";
import { simpleDType } from "../../src/pickle/numpy/dtype.js";
import { BadRequestError } from "../../src/server/errors.js";
import type { ServerHandle } from "../../src/server/index.js";
import { pythonFloatRepr } from "../../src/server/rest/mlflow/python-float.js";
import { VERSION } from "../../src/version.js";
import { get, type Json, post, startTestServer } from "./harness.js";
import { ECHO_IMPLEMENTATION, echoRuntimes } from "./mlflow-scoring-echo.js";

/**
 * The scoring protocol's routes on the real server: health and version, which model /invocations
 * serves, how outputs are written, and that bad requests and failing models leave the server serving.
 */

const SPLIT = { dataframe_split: { columns: ["a"], data: [[1.5], [2.5]] } };

async function invocations(server: ServerHandle, body: unknown, query = "") {
  return post(server, `/invocations${query}`, body);
}

describe("/ping, /health, /version", () => {
  let server: ServerHandle;
  beforeAll(async () => {
    const { runtimes } = echoRuntimes();
    server = await startTestServer([{ name: "m", implementation: ECHO_IMPLEMENTATION }], {}, { runtimes });
  });
  afterAll(async () => server?.close());

  it("answer as mlflow's scoring server: a newline, and the version as the body", async () => {
    for (const path of ["/ping", "/health"]) {
      const res = await get(server, path);
      expect(res.status).toBe(200);
      expect(res.bytes.toString()).toBe("\n");
      expect(res.headers.get("content-type")).toBe("application/json");
    }
    const version = await get(server, "/version");
    expect(version.status).toBe(200);
    expect(version.bytes.toString()).toBe(VERSION);
  });
});

describe("which model /invocations serves", () => {
  let none: ServerHandle;
  let several: ServerHandle;

  beforeAll(async () => {
    none = await startTestServer([{ name: "v2-only", implementation: "noop" }]);
    const { runtimes } = echoRuntimes((input, params) => answerWithName(input, params?.who as string));
    several = await startTestServer(
      [
        { name: "first", implementation: ECHO_IMPLEMENTATION },
        { name: "second", implementation: ECHO_IMPLEMENTATION },
        { name: "v2-only", implementation: "noop" },
      ],
      {},
      { runtimes },
    );
  });
  afterAll(async () => {
    await none?.close();
    await several?.close();
  });

  it("404 RESOURCE_DOES_NOT_EXIST when no MLflow model is served", async () => {
    const res = await invocations(none, SPLIT);
    expect(res.status).toBe(404);
    expect(res.json.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    expect(res.json.message).toMatch(
      /no MLflow model is ready.*the others: v2-only \(noop, not an MLflow model\)/,
    );
  });

  it("400 listing the models when several are served and none is named", async () => {
    const res = await invocations(several, SPLIT);
    expect(res.status).toBe(400);
    expect(res.json.error_code).toBe("BAD_REQUEST");
    expect(res.json.message).toMatch(/2 MLflow models \(first, second\).*\?model=<name>/);
  });

  it("?model= picks one", async () => {
    for (const name of ["first", "second"]) {
      const res = await invocations(several, { ...SPLIT, params: { who: name } }, `?model=${name}`);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ predictions: [name, name] });
    }
  });

  it("?model= naming a model of another runtime, or no model, says so", async () => {
    const v2 = await invocations(several, SPLIT, "?model=v2-only");
    expect(v2.status).toBe(400);
    expect(v2.json.message).toMatch(/'v2-only' is not an MLflow model.*MLflow models here: first, second/);
    const unknown = await invocations(several, SPLIT, "?model=nope");
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({
      error_code: "RESOURCE_DOES_NOT_EXIST",
      message: "model 'nope' not found",
    });
  });

  it("leaves V2 inference of the same server alone", async () => {
    const res = await post(several, "/v2/models/v2-only/infer", {
      inputs: [{ name: "x", shape: [1], datatype: "FP32", data: [1] }],
    });
    expect(res.status).toBe(200);
  });
});

/** A string array repeating `name` once per row of the input. */
function answerWithName(input: PyfuncInput, name: string): PyfuncOutput {
  const rows = input.kind === "frame" ? input.rows : 1;
  return {
    kind: "array",
    array: { dtype: simpleDType("<U10"), shape: [rows], data: new Array(rows).fill(name) },
  };
}

describe("predictions as mlflow writes them", () => {
  const outputs: Record<string, PyfuncOutput> = {
    float32: {
      kind: "array",
      array: {
        dtype: simpleDType("<f4"),
        shape: [2, 2],
        data: Float32Array.from([0.1, 1, Number.NaN, -2.5]),
      },
    },
    int32: {
      kind: "array",
      array: { dtype: simpleDType("<i4"), shape: [3], data: Int32Array.from([1, -2, 3]) },
    },
    int64: {
      kind: "array",
      array: { dtype: simpleDType("<i8"), shape: [2], data: BigInt64Array.from([9007199254740993n, -1n]) },
    },
    bytes: {
      kind: "array",
      array: { dtype: simpleDType("|S3"), shape: [1], data: [Uint8Array.from([0x61, 0x62, 0x63])] },
    },
    frame: {
      kind: "frame",
      rows: 2,
      columns: [
        { name: "label", values: { dtype: simpleDType("|O"), shape: [2], data: ["x", null] } },
        {
          name: "p",
          values: { dtype: simpleDType("<f8"), shape: [2, 2], data: Float64Array.from([0.25, 0.75, 1, 0]) },
        },
      ],
    },
    dict: {
      kind: "dict",
      arrays: {
        ok: { dtype: simpleDType("|b1"), shape: [2], data: Uint8Array.from([1, 0]) },
        score: { dtype: simpleDType("<f8"), shape: [], data: Float64Array.from([1e16]) },
      },
    },
  };
  let server: ServerHandle;

  beforeAll(async () => {
    const { runtimes } = echoRuntimes((_input, params) => outputs[params?.output as string]);
    server = await startTestServer([{ name: "m", implementation: ECHO_IMPLEMENTATION }], {}, { runtimes });
  });
  afterAll(async () => server?.close());

  async function raw(output: string): Promise<string> {
    const res = await invocations(server, { ...SPLIT, params: { output } });
    expect(res.status).toBe(200);
    return res.bytes.toString();
  }

  it("arrays as tolist(): floats with a fraction or exponent, NaN as Python writes it, exact int64", async () => {
    expect(await raw("float32")).toBe('{"predictions": [[0.10000000149011612, 1.0], [NaN, -2.5]]}');
    expect(await raw("int32")).toBe('{"predictions": [1, -2, 3]}');
    expect(await raw("int64")).toBe('{"predictions": [9007199254740993, -1]}');
  });

  it("bytes in base64 with encodebytes' trailing newline", async () => {
    expect(await raw("bytes")).toBe('{"predictions": ["YWJj\\n"]}');
  });

  it("frames as records (a 2-D column gives each row its list), dicts keyed by name", async () => {
    expect(await raw("frame")).toBe(
      '{"predictions": [{"label": "x", "p": [0.25, 0.75]}, {"label": null, "p": [1.0, 0.0]}]}',
    );
    expect(await raw("dict")).toBe('{"predictions": {"ok": [true, false], "score": 1e+16}}');
  });
});

describe("failures", () => {
  let server: ServerHandle;
  beforeAll(async () => {
    const { runtimes } = echoRuntimes((input, params) => {
      if (params?.fail === "refuse") throw new BadRequestError("column 'a' must be a string");
      if (params?.fail === "crash") throw new TypeError("boom");
      return input;
    });
    server = await startTestServer([{ name: "m", implementation: ECHO_IMPLEMENTATION }], {}, { runtimes });
  });
  afterAll(async () => server?.close());

  it("a model refusing its input keeps its message; a crashing one is mlflow's unexpected-error 400", async () => {
    const refused = await invocations(server, { ...SPLIT, params: { fail: "refuse" } });
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      error_code: "BAD_REQUEST",
      message: "column 'a' must be a string",
      sqlstate: "KAM00",
      error_class: "INVALID_PARAMETER_VALUE",
    });
    const crashed = await invocations(server, { ...SPLIT, params: { fail: "crash" } });
    expect(crashed.status).toBe(400);
    expect(crashed.json.message).toMatch(
      /^Encountered an unexpected error while evaluating the model.*Error: boom$/,
    );
  });

  it("params that are not a dictionary, unwrapped LLM payloads, a missing content type: 4xx naming them", async () => {
    const params: Json = await invocations(server, { ...SPLIT, params: [1] });
    expect(params.status).toBe(400);
    expect(params.json.message).toBe("Params must be a dictionary. Got type 'list'.");
    const llm = await invocations(server, { messages: [{ role: "user", content: "hi" }] });
    expect(llm.status).toBe(400);
    expect(llm.json.message).toMatch(/\['messages'\] make this an unwrapped LLM request/);
    const res = await fetch(`${server.httpUrl}/invocations`, { method: "POST", body: new Uint8Array([1]) });
    expect(res.status).toBe(415);
    expect(await res.text()).toMatch(/no Content-Type header/);
  });

  it("lists nested deeper than numpy's 64 dimensions, or than the parser's stack, are 400s", async () => {
    const nested = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;
    const ok = await post(server, "/invocations", `{"inputs": ${nested(64)}}`);
    expect(ok.status).toBe(200);
    const tooDeep = await post(server, "/invocations", `{"inputs": ${nested(65)}}`);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.json.message).toMatch(/maximum number of dimension of 64/);
    const stack = await post(server, "/invocations", `{"inputs": ${nested(100_000)}}`);
    expect(stack.status).toBe(400);
    expect(stack.json.message).toMatch(/valid JSON/);
  });

  it("invalid UTF-8 is a 400, and the server keeps serving", async () => {
    const bad = await post(server, "/invocations", Uint8Array.from([0x7b, 0xff, 0x7d]));
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/valid UTF-8/);
    const ok = await invocations(server, SPLIT);
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ predictions: [{ a: 1.5 }, { a: 2.5 }] });
  });
});

describe("a model slower than the request timeout", () => {
  let server: ServerHandle;
  beforeAll(async () => {
    const { runtimes } = echoRuntimes(
      (input) => new Promise((resolve) => setTimeout(() => resolve(input), 3_000).unref()),
    );
    server = await startTestServer(
      [{ name: "slow", implementation: ECHO_IMPLEMENTATION }],
      { request_timeout_seconds: 0.3 },
      { runtimes },
    );
  });
  afterAll(async () => server?.close());

  it("is a 504 DEADLINE_EXCEEDED naming the limit, as mlflow's request timeout", async () => {
    const res = await invocations(server, SPLIT);
    expect(res.status).toBe(504);
    expect(res.json).toEqual({
      error_code: "DEADLINE_EXCEEDED",
      message: "model 'slow' did not answer within 300 ms (request timeout)",
    });
  });
});

describe("pythonFloatRepr", () => {
  it("writes floats as Python's repr() (values from CPython 3.11)", () => {
    const cases: [number, string][] = [
      [1, "1.0"],
      [-0, "-0.0"],
      [0.1, "0.1"],
      [1e16, "1e+16"],
      [1.5e16, "1.5e+16"],
      [1e15, "1000000000000000.0"],
      [123456789.125, "123456789.125"],
      [0.0001, "0.0001"],
      [0.00001, "1e-05"],
      [1.2345e-7, "1.2345e-07"],
      [5e-324, "5e-324"],
      [1.7976931348623157e308, "1.7976931348623157e+308"],
      [-2.5, "-2.5"],
      [Number.POSITIVE_INFINITY, "Infinity"],
    ];
    for (const [x, repr] of cases) expect(pythonFloatRepr(x)).toBe(repr);
  });
});
