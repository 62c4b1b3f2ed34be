import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadedModel, ModelSettings } from "../../src/runtimes/runtime.js";
import { AdaptiveBatcher } from "../../src/server/batching/adaptive-batcher.js";
import type { ServerHandle } from "../../src/server/index.js";
import type { InferenceRequest, InferenceResponse, Tensor } from "../../src/server/protocol/tensor.js";
import { type Json, post, startTestServer } from "./harness.js";

/** An identity model that records the batch sizes it was called with. */
class RecordingModel implements LoadedModel {
  readonly calls: number[] = [];
  readonly settings: ModelSettings = { name: "rec", implementation: "test" };
  constructor(private readonly answer?: (r: InferenceRequest) => InferenceResponse) {}
  metadata() {
    return { name: "rec", platform: "test", inputs: [], outputs: [] };
  }
  infer(request: InferenceRequest): InferenceResponse {
    this.calls.push(request.inputs[0].shape[0]);
    if (request.inputs.some((t) => (t.data as Float64Array).includes(-1))) throw new Error("poisoned row");
    return this.answer?.(request) ?? { model_name: "rec", outputs: request.inputs };
  }
}

function rows(id: number, n: number, width = 2): InferenceRequest {
  const data = new Float64Array(n * width).map((_, i) => id * 100 + i);
  return { inputs: [{ name: "x", datatype: "FP64", shape: [n, width], data }] };
}

describe("adaptive batching", () => {
  it("merges concurrent compatible requests and gives each its own rows", async () => {
    const model = new RecordingModel();
    const batcher = new AdaptiveBatcher(model, { maxBatchSize: 4, maxBatchTimeMs: 50 });
    const requests = Array.from({ length: 8 }, (_, i) => rows(i + 1, (i % 3) + 1));
    const responses = await Promise.all(requests.map((r) => batcher.infer(r)));
    for (let i = 0; i < requests.length; i++) {
      expect(responses[i].outputs[0].shape).toEqual(requests[i].inputs[0].shape);
      expect(Array.from(responses[i].outputs[0].data as Float64Array)).toEqual(
        Array.from(requests[i].inputs[0].data as Float64Array),
      );
    }
    expect(model.calls.length).toBe(2);
    expect(model.calls.reduce((a, b) => a + b, 0)).toBe(
      requests.reduce((a, r) => a + r.inputs[0].shape[0], 0),
    );
  });

  it("never merges requests with different inputs, outputs or parameters", async () => {
    const model = new RecordingModel();
    const batcher = new AdaptiveBatcher(model, { maxBatchSize: 8, maxBatchTimeMs: 30 });
    const a = rows(1, 1);
    const b = rows(2, 1, 3);
    const c = { ...rows(3, 1), outputs: [{ name: "x" }] };
    const d = { ...rows(4, 1), parameters: { content_type: "np" } };
    const out = await Promise.all([a, b, c, d].map((r) => batcher.infer(r)));
    expect(model.calls).toEqual([1, 1, 1, 1]);
    expect(out[1].outputs[0].shape).toEqual([1, 3]);
  });

  it("answers each request on its own when one spoils the batch", async () => {
    const model = new RecordingModel();
    const batcher = new AdaptiveBatcher(model, { maxBatchSize: 3, maxBatchTimeMs: 1000 });
    const poisoned: InferenceRequest = {
      inputs: [{ name: "x", datatype: "FP64", shape: [1, 2], data: new Float64Array([-1, 0]) }],
    };
    const results = await Promise.allSettled([
      batcher.infer(rows(1, 1)),
      batcher.infer(poisoned),
      batcher.infer(rows(2, 2)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe("poisoned row");
    expect(model.calls).toEqual([4, 1, 1, 2]);
  });

  it("falls back to one call per request when outputs are not batched by rows", async () => {
    const summary = (r: InferenceRequest): InferenceResponse => ({
      model_name: "rec",
      outputs: [
        { name: "n", datatype: "INT32", shape: [1], data: new Int32Array([r.inputs[0].shape[0]]) } as Tensor,
      ],
    });
    const model = new RecordingModel(summary);
    const batcher = new AdaptiveBatcher(model, { maxBatchSize: 2, maxBatchTimeMs: 1000 });
    const out = await Promise.all([batcher.infer(rows(1, 2)), batcher.infer(rows(2, 3))]);
    expect(out.map((r) => (r.outputs[0].data as Int32Array)[0])).toEqual([2, 3]);
  });
});

describe("batching and worker threads in a server", () => {
  let server: ServerHandle;
  beforeAll(async () => {
    server = await startTestServer([
      {
        name: "batched",
        implementation: "noop",
        parameters: { mode: "sum" },
        max_batch_size: 8,
        max_batch_time: 0.02,
      },
      {
        name: "parallel",
        implementation: "noop",
        parallel_workers: 2,
        parameters: { report_thread: true, delay_ms: 20 },
      },
      { name: "parallel-sum", implementation: "noop", parallel_workers: 1, parameters: { mode: "sum" } },
      { name: "parallel-broken", implementation: "no-such-runtime", parallel_workers: 2 },
    ]);
  });
  afterAll(() => server.close());

  it("batches REST requests and keeps every answer its own", async () => {
    const bodies = Array.from({ length: 24 }, (_, i) => ({
      id: `r${i}`,
      inputs: [{ name: "x", datatype: "INT32", shape: [1, 3], data: [i, i, i] }],
    }));
    const responses = await Promise.all(bodies.map((b) => post(server, "/v2/models/batched/infer", b)));
    responses.forEach((res, i) => {
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({
        id: `r${i}`,
        outputs: [{ name: "sum", shape: [1, 1], data: [3 * i] }],
      });
    });
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    const count = Number(/batch_request_queue_count\{model="batched",version=""\} (\d+)/.exec(metrics)?.[1]);
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(24);
  });

  it("runs inferences in worker threads with correct answers and errors", async () => {
    const bodies = Array.from({ length: 16 }, (_, i) => ({
      inputs: [{ name: "v", datatype: "BYTES", shape: [1], data: [`s${i}`] }],
    }));
    const responses = await Promise.all(bodies.map((b) => post(server, "/v2/models/parallel/infer", b)));
    const threads = new Set<number>();
    responses.forEach((res: { status: number; json: Json }, i) => {
      expect(res.status).toBe(200);
      expect(res.json.outputs[0].data).toEqual([`s${i}`]);
      threads.add(res.json.parameters.thread_id);
    });
    expect(threads.size).toBe(2);
    expect(threads.has(0)).toBe(false);
    const thrown = await post(server, "/v2/models/parallel/infer", {
      parameters: { noop_raise: "in a worker" },
      inputs: bodies[0].inputs,
    });
    expect(thrown.status).toBe(500);
    expect(thrown.json.error).toMatch(/in a worker/);
    const bad = await post(server, "/v2/models/parallel-sum/infer", { inputs: bodies[0].inputs });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/needs numeric inputs, got BYTES/);
    const ok = await post(server, "/v2/models/parallel-sum/infer", {
      inputs: [{ name: "x", datatype: "FP32", shape: [2, 1], data: [1, 2] }],
    });
    expect(ok.json.outputs[0].data).toEqual([1, 2]);
  });

  it("reports a model whose workers cannot load it", async () => {
    const res = await fetch(`${server.httpUrl}/v2/models/parallel-broken/ready`);
    const body = (await res.json()) as Json;
    expect(res.status).toBe(400);
    expect(body.reason).toMatch(
      /failed to load in a worker thread: no runtime for implementation 'no-such-runtime'/,
    );
  });
});
