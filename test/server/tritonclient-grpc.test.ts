import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerHandle } from "../../src/server/index.js";
import { ALL_DATATYPES, requireClientsVenv, runClient, startNoopServer } from "./tritonclient-harness.js";

/** tritonclient's gRPC client (PyPI, raw contents) against our gRPC server; clients/triton_grpc.py asserts in Python too. */

let server: ServerHandle;

beforeAll(async () => {
  requireClientsVenv();
  server = await startNoopServer();
});

afterAll(async () => {
  await server?.close();
});

interface Summary {
  server: { name: string; version: string; extensions: string[] };
  echoed: Record<string, number[]>;
  sum: number[];
  errors: string[];
  index: { name: string; state: string }[];
}

describe("tritonclient gRPC client", () => {
  it("talks to our server: health, metadata, every datatype raw, errors, repository", async () => {
    const summary = await runClient<Summary>("triton_grpc.py", [`127.0.0.1:${server.grpc!.port}`]);
    expect(summary.server.name).toBe("modelserve");
    expect(Object.keys(summary.echoed).sort()).toEqual(ALL_DATATYPES);
    expect(summary.echoed.BOOL).toEqual([2, 2]);
    expect(summary.echoed.FP16).toEqual([1, 3]);
    expect(summary.sum).toEqual([6, 15.5]);
    expect(summary.errors).toEqual([
      "model 'ghost' not found",
      "input 'y' is not an input of model 'summer'; expected 'x'",
      "model 'echo' failed: model exploded",
    ]);
    expect(summary.index).toEqual([
      { name: "echo", state: "READY" },
      { name: "summer", state: "READY" },
    ]);
  });
});
