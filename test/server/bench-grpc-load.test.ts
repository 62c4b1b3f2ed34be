import { createServer } from "node:http2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkGrpcAnswer } from "../../bench/server/grpc-answer-check.js";
import { h2loadGrpcLoad, hasH2load } from "../../bench/server/grpc-h2load.js";
import { GRPC_FRAMED_REQUEST, MODEL, ROW } from "../../bench/server/workload.js";
import { inferenceService } from "./grpc-clients.js";
import { type GrpcFixture, startGrpcFixture } from "./grpc-harness.js";

/**
 * The server benchmark's gRPC load pieces against a real gRPC server: the pre-encoded call h2load posts is
 * the workload's request, the grpc-js check accepts a right answer and names a wrong grpc-status, and
 * h2load's figures count answers and failures. No timings are asserted.
 */

let serving: GrpcFixture;
let missingModel: GrpcFixture;

beforeAll(async () => {
  serving = await startGrpcFixture([{ name: MODEL, implementation: "noop" }]);
  missingModel = await startGrpcFixture([{ name: "another", implementation: "noop" }]);
});

afterAll(async () => {
  await serving.close();
  await missingModel.close();
});

describe("GRPC_FRAMED_REQUEST", () => {
  it("is one uncompressed gRPC message holding the workload's ModelInferRequest", () => {
    expect(GRPC_FRAMED_REQUEST[0]).toBe(0);
    expect(GRPC_FRAMED_REQUEST.readUInt32BE(1)).toBe(GRPC_FRAMED_REQUEST.length - 5);
    const decoded = inferenceService().service.ModelInfer.requestDeserialize(GRPC_FRAMED_REQUEST.subarray(5));
    expect(decoded).toMatchObject({
      model_name: MODEL,
      inputs: [{ name: "x", datatype: "FP32", shape: ["1", String(ROW.length)] }],
    });
    const values = (decoded as { inputs: { contents: { fp32_contents: number[] } }[] }).inputs[0].contents
      .fp32_contents;
    expect(values).toEqual(ROW.map((v) => Math.fround(v)));
  });
});

describe("checkGrpcAnswer", () => {
  it("accepts a server echoing the row", async () => {
    await expect(checkGrpcAnswer(serving.server.port, "modelserve")).resolves.toBeUndefined();
  });

  it("fails naming the grpc-status when the server refuses the call", async () => {
    await expect(checkGrpcAnswer(missingModel.server.port, "modelserve")).rejects.toThrow(
      /modelserve answered ModelInfer with grpc-status 5 .*not 0/,
    );
  });
});

describe.skipIf(!hasH2load())("h2loadGrpcLoad", () => {
  const options = { connections: 8, durationSeconds: 1 };

  it("counts the calls a server answers and their latencies", async () => {
    const result = await h2loadGrpcLoad(serving.server.port, options);
    expect(result.failures).toBe(0);
    expect(result.requests).toBeGreaterThan(0);
    expect(result.requestsPerSecond).toBeGreaterThan(0);
    expect(result.p50Ms).toBeGreaterThan(0);
    expect(result.p99Ms).toBeGreaterThanOrEqual(result.p50Ms);
  });

  it("cannot see a refusal in the trailers, which is why checkGrpcAnswer runs around it", async () => {
    const result = await h2loadGrpcLoad(missingModel.server.port, options);
    expect(result.requests).toBeGreaterThan(0);
    expect(result.failures).toBe(0);
  });

  it("counts answers that are not HTTP 200 as failures, not requests", async () => {
    const server = createServer();
    server.on("stream", (stream) => {
      stream.resume();
      stream.on("end", () => {
        stream.respond({ ":status": 404 });
        stream.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const result = await h2loadGrpcLoad((server.address() as { port: number }).port, options);
      expect(result.requests).toBe(0);
      expect(result.failures).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
