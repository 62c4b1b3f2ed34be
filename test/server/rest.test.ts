import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerHandle } from "../../src/server/index.js";
import { get, type Json, post, startTestServer } from "./harness.js";

let server: ServerHandle;

beforeAll(async () => {
  server = await startTestServer([
    { name: "echo", implementation: "noop" },
    { name: "summer", implementation: "noop", version: "1", parameters: { mode: "sum" } },
    { name: "summer", implementation: "noop", version: "2", parameters: { mode: "sum" } },
    {
      name: "typed",
      implementation: "noop",
      inputs: [{ name: "x", datatype: "FP32", shape: [-1, 3] }],
      outputs: [{ name: "x", datatype: "FP32", shape: [-1, 3] }],
    },
    { name: "broken", implementation: "no-such-runtime" },
  ]);
});
afterAll(() => server.close());

const row = { name: "x", datatype: "FP32", shape: [1, 3], data: [1, 2, 3] };

describe("REST health and metadata", () => {
  it("answers live, ready (by status code) and server metadata", async () => {
    expect(await get(server, "/v2/health/live")).toMatchObject({ status: 200, json: { live: true } });
    // strict readiness: the broken model keeps the server not ready
    expect(await get(server, "/v2/health/ready")).toMatchObject({ status: 400, json: { ready: false } });
    const meta = await get(server, "/v2");
    expect(meta.status).toBe(200);
    expect(meta.json).toMatchObject({
      name: "modelserve",
      extensions: expect.arrayContaining(["binary_tensor_data", "model_repository"]),
    });
  });

  it("answers model metadata and readiness, with and without version", async () => {
    expect(await get(server, "/v2/models/summer")).toMatchObject({
      status: 200,
      json: {
        name: "summer",
        versions: ["1", "2"],
        platform: "modelserve_noop",
        outputs: [{ name: "sum", datatype: "FP64" }],
      },
    });
    expect((await get(server, "/v2/models/summer/versions/1")).status).toBe(200);
    expect(await get(server, "/v2/models/summer/ready")).toMatchObject({
      status: 200,
      json: { name: "summer", ready: true },
    });
    expect((await get(server, "/v2/models/summer/versions/2/ready")).status).toBe(200);
    expect(await get(server, "/v2/models/nope")).toMatchObject({
      status: 404,
      json: { error: "model 'nope' not found" },
    });
    expect((await get(server, "/v2/models/summer/versions/7")).status).toBe(404);
    expect((await get(server, "/v2/models/nope/ready")).status).toBe(404);
    expect((await get(server, "/v2/models/summer/versions/7/ready")).status).toBe(404);
  });

  it("reports a model that failed to load on its endpoints and keeps serving the others", async () => {
    const ready = await get(server, "/v2/models/broken/ready");
    expect(ready).toMatchObject({
      status: 400,
      json: { name: "broken", ready: false, state: "UNAVAILABLE" },
    });
    expect(ready.json.reason).toMatch(/no runtime for implementation 'no-such-runtime'/);
    const meta = await get(server, "/v2/models/broken");
    expect(meta.status).toBe(400);
    expect(meta.json.error).toMatch(/not ready.*no-such-runtime/);
    const infer = await post(server, "/v2/models/broken/infer", { inputs: [row] });
    expect(infer.status).toBe(400);
    expect((await post(server, "/v2/models/echo/infer", { inputs: [row] })).status).toBe(200);
  });
});

describe("REST inference", () => {
  it("infers, echoes the id, picks versions and selects outputs", async () => {
    const res = await post(server, "/v2/models/summer/infer", {
      id: "abc",
      inputs: [
        {
          name: "x",
          datatype: "INT32",
          shape: [2, 2],
          data: [
            [1, 2],
            [3, 4],
          ],
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(res.json).toEqual({
      model_name: "summer",
      model_version: "2",
      id: "abc",
      outputs: [{ name: "sum", datatype: "FP64", shape: [2, 1], data: [3, 7] }],
    });
    const v1 = await post(server, "/v2/models/summer/versions/1/infer", { inputs: [row] });
    expect(v1.json).toMatchObject({ model_version: "1", outputs: [{ data: [6] }] });
    expect(typeof v1.json.id).toBe("string");
    const selected = await post(server, "/v2/models/echo/infer", {
      inputs: [row, { name: "b", datatype: "BOOL", shape: [2], data: [true, false] }],
      outputs: [{ name: "b" }],
    });
    expect(selected.json.outputs).toEqual([{ name: "b", datatype: "BOOL", shape: [2], data: [true, false] }]);
  });

  it("reads a body that arrives in many chunks, and percent-encoded model names", async () => {
    // ~1 MB of JSON: several socket reads, so the body is put together from chunks
    const data = Array.from({ length: 60_000 }, (_, i) => i / 7);
    const res = await post(server, "/v2/models/%65cho/infer", {
      inputs: [{ name: "big", datatype: "FP64", shape: [data.length], data }],
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ model_name: "echo", outputs: [{ name: "big", data }] });
  });

  it("passes request, input and output parameters through", async () => {
    const res = await post(server, "/v2/models/echo/infer", {
      parameters: { content_type: "np", custom: 1 },
      inputs: [{ ...row, parameters: { content_type: "np" } }],
      outputs: [{ name: "x", parameters: { binary_data: false } }],
    });
    expect(res.json.outputs[0]).toMatchObject({
      name: "x",
      parameters: { content_type: "np" },
      data: [1, 2, 3],
    });
  });

  it("answers 400 naming the input and the expectation for bad requests", async () => {
    const cases: [unknown, RegExp][] = [
      ["{not json", /not valid JSON/],
      [
        { inputs: [{ ...row, datatype: "FLOAT" }] },
        /input 'x': unknown datatype "FLOAT", expected one of BOOL/,
      ],
      [
        { inputs: [{ ...row, shape: [2, 3] }] },
        /input 'x': shape \[2, 3\] holds 6 elements but 'data' has 3/,
      ],
      [
        { inputs: [{ ...row, datatype: "UINT8", data: [1, 2, 300] }] },
        /input 'x' \(UINT8\): element 2 is 300, expected an integer in \[0, 255\]/,
      ],
      [{ inputs: [{ ...row, datatype: "INT8", data: [1, "a", 3] }] }, /element 1 is "a"/],
      [{ inputs: "x" }, /'inputs' must be a non-empty array/],
      [{ inputs: [{ ...row, data: [1, 2, 1e39] }] }, /FP32.*element 2/],
    ];
    for (const [body, message] of cases) {
      const res = await post(server, "/v2/models/echo/infer", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error).toMatch(message);
    }
    const wrongName = await post(server, "/v2/models/typed/infer", { inputs: [{ ...row, name: "y" }] });
    expect(wrongName).toMatchObject({ status: 400 });
    expect(wrongName.json.error).toMatch(/input 'y' is not an input of model 'typed'; expected 'x'/);
    const wrongShape = await post(server, "/v2/models/typed/infer", { inputs: [{ ...row, shape: [3, 1] }] });
    expect(wrongShape.json.error).toMatch(/input 'x': shape \[3, 1\] given, model 'typed' expects \[-1, 3\]/);
    expect((await post(server, "/v2/models/nope/infer", { inputs: [row] })).status).toBe(404);
    expect((await post(server, "/v2/models/echo/versions/3/infer", { inputs: [row] })).status).toBe(404);
    expect((await get(server, "/v2/nowhere")).status).toBe(404);
  });

  it("answers 500 with the model's message when it throws, and keeps serving", async () => {
    const res = await post(server, "/v2/models/echo/infer", {
      parameters: { noop_raise: "kaboom" },
      inputs: [row],
    });
    expect(res.status).toBe(500);
    expect(res.json.error).toMatch(/model 'echo' failed: kaboom/);
    expect((await post(server, "/v2/models/echo/infer", { inputs: [row] })).status).toBe(200);
  });
});

describe("binary tensor extension", () => {
  it("reads binary inputs and writes binary outputs", async () => {
    const json = Buffer.from(
      JSON.stringify({
        inputs: [
          { name: "a", datatype: "FP16", shape: [2], parameters: { binary_data_size: 4 } },
          { name: "s", datatype: "BYTES", shape: [2], parameters: { binary_data_size: 11 } },
          { name: "j", datatype: "INT64", shape: [1], data: [5] },
        ],
        parameters: { binary_data_output: true },
        outputs: [{ name: "a" }, { name: "s" }, { name: "j", parameters: { binary_data: false } }],
      }),
    );
    const half = Buffer.from([0x00, 0x3c, 0x00, 0xc0]); // 1.0, -2.0
    const strings = Buffer.concat([
      Buffer.from([2, 0, 0, 0]),
      Buffer.from("hi"),
      Buffer.from([1, 0, 0, 0]),
      Buffer.from("!"),
    ]);
    const res = await post(server, "/v2/models/echo/infer", Buffer.concat([json, half, strings]), {
      "content-type": "application/octet-stream",
      "inference-header-content-length": String(json.length),
    });
    expect(res.status).toBe(200);
    const headerLength = Number(res.headers.get("inference-header-content-length"));
    expect(res.json.outputs).toEqual([
      { name: "a", datatype: "FP16", shape: [2], parameters: { binary_data_size: 4 } },
      { name: "s", datatype: "BYTES", shape: [2], parameters: { binary_data_size: 11 } },
      { name: "j", datatype: "INT64", shape: [1], data: [5] },
    ]);
    expect(res.bytes.subarray(headerLength)).toEqual(Buffer.concat([half, strings]));
  });

  it("accepts the raw binary form for a single-input model and answers in binary", async () => {
    const raw = Buffer.from(new Float32Array([1, 2, 3]).buffer);
    const res = await post(server, "/v2/models/typed/infer", raw, {
      "content-type": "application/octet-stream",
      "inference-header-content-length": "0",
    });
    expect(res.status).toBe(200);
    expect(res.json.outputs[0]).toMatchObject({
      name: "x",
      shape: [1, 3],
      parameters: { binary_data_size: 12 },
    });
    const headerLength = Number(res.headers.get("inference-header-content-length"));
    expect(res.bytes.subarray(headerLength)).toEqual(raw);
    const multi = await post(server, "/v2/models/echo/infer", raw, {
      "inference-header-content-length": "0",
    });
    expect(multi.status).toBe(400);
    expect(multi.json.error).toMatch(/exactly one declared input/);
  });

  it("rejects inconsistent binary requests with 400", async () => {
    const json = Buffer.from(
      JSON.stringify({
        inputs: [{ name: "a", datatype: "FP32", shape: [2], parameters: { binary_data_size: 8 } }],
      }),
    );
    const short = await post(server, "/v2/models/echo/infer", Buffer.concat([json, Buffer.alloc(4)]), {
      "inference-header-content-length": String(json.length),
    });
    expect(short.status).toBe(400);
    expect(short.json.error).toMatch(/input 'a': binary_data_size 8 runs past the end/);
    const badHeader = await post(server, "/v2/models/echo/infer", json, {
      "inference-header-content-length": "99999",
    });
    expect(badHeader.status).toBe(400);
    const noBinary = await post(server, "/v2/models/echo/infer", json);
    expect(noBinary.json.error).toMatch(/has 'binary_data_size' but the request carries no binary data/);
  });
});

describe("repository API", () => {
  it("indexes, unloads and reloads models", async () => {
    const index = await post(server, "/v2/repository/index", {});
    expect(index.status).toBe(200);
    expect(index.json).toContainEqual({ name: "echo", state: "READY", reason: "" });
    expect(index.json).toContainEqual(expect.objectContaining({ name: "broken", state: "UNAVAILABLE" }));
    const readyOnly = await post(server, "/v2/repository/index", { ready: true });
    expect(readyOnly.json.every((m: { state: string }) => m.state === "READY")).toBe(true);
    expect((await post(server, "/v2/repository/models/echo/unload", "")).status).toBe(200);
    expect((await get(server, "/v2/models/echo/ready")).status).toBe(400);
    expect((await post(server, "/v2/models/echo/infer", { inputs: [row] })).status).toBe(400);
    expect((await post(server, "/v2/repository/models/echo/load", "")).status).toBe(200);
    expect((await get(server, "/v2/models/echo/ready")).status).toBe(200);
    expect((await post(server, "/v2/repository/models/nope/load", "")).status).toBe(404);
    expect((await post(server, "/v2/repository/models/nope/unload", "")).status).toBe(404);
    const broken = await post(server, "/v2/repository/models/broken/load", "");
    expect(broken.status).toBe(400);
    expect(broken.json.error).toMatch(/failed to load/);
    expect((await post(server, "/v2/repository/index", "[1]")).status).toBe(400);
  });
});

describe("operations", () => {
  it("exposes Prometheus metrics with MLServer's names", async () => {
    await post(server, "/v2/models/echo/infer", { inputs: [row] });
    const res = await fetch(`${server.httpUrl}/metrics`);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toMatch(/model_infer_request_success\{model="echo",version=""\} \d+/);
    expect(text).toMatch(/model_infer_request_failure\{model="echo",version=""\} [1-9]/);
    expect(text).toMatch(/model_infer_request_duration_seconds_bucket\{le="0.001",model="echo",version=""\}/);
    expect(text).toMatch(
      /rest_server_requests\{method="POST",path="\/v2\/models\/:model\/infer",status_code="200"\}/,
    );
  });

  it("serves the OpenAPI document and the docs page with local assets", async () => {
    const doc = await get(server, "/v2/docs/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toBe("3.0.3");
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining(["/v2/models/{model}/infer", "/v2/repository/index", "/v2/health/ready"]),
    );
    const page = await fetch(`${server.httpUrl}/v2/docs/`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toMatch(/swagger/i);
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
  });
});

describe("limits", () => {
  it("answers 413 past the body limit and 504 past the request timeout, and keeps serving", async () => {
    const limited = await startTestServer(
      [
        { name: "echo", implementation: "noop" },
        { name: "slow", implementation: "noop", parameters: { delay_ms: 3000 } },
      ],
      { max_request_body_bytes: 1000, request_timeout_seconds: 0.3 },
    );
    try {
      const big = { inputs: [{ name: "x", datatype: "INT32", shape: [600], data: new Array(600).fill(1) }] };
      const tooLarge = await post(limited, "/v2/models/echo/infer", big);
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.json.error).toMatch(/larger than the limit of 1000 bytes/);
      expect((await post(limited, "/v2/repository/index", `{"ready":${" ".repeat(2000)}true}`)).status).toBe(
        413,
      );
      const slow = await post(limited, "/v2/models/slow/infer", { inputs: [row] });
      expect(slow.status).toBe(504);
      expect(slow.json.error).toMatch(/did not answer within 300 ms/);
      expect((await post(limited, "/v2/models/echo/infer", { inputs: [row] })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe("logs", () => {
  it("logs each inference at debug level with request id, model and latency, and failures at error", async () => {
    const lines: Json[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of chunk.toString().split("\n")) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    const logged = await startTestServer(
      [{ name: "echo", implementation: "noop" }],
      {},
      { logger: pino({ level: "debug" }, sink) },
    );
    try {
      await post(logged, "/v2/models/echo/infer", { id: "req-7", inputs: [row] });
      await post(logged, "/v2/models/echo/infer", { parameters: { noop_raise: "bad day" }, inputs: [row] });
    } finally {
      await logged.close();
    }
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 20,
        msg: "inference",
        reqId: "req-7",
        model: "echo",
        status: 200,
        ms: expect.any(Number),
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 50,
        model: "echo",
        status: 500,
        msg: expect.stringContaining("bad day"),
      }),
    );
  });
});
