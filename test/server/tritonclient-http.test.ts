import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerHandle } from "../../src/server/index.js";
import { ALL_DATATYPES, requireClientsVenv, runClient, startNoopServer } from "./tritonclient-harness.js";

/**
 * tritonclient's HTTP client (PyPI) against our REST server: JSON tensors, Triton's binary tensor
 * extension in and out and both mixes, for every datatype; clients/triton_http.py asserts in Python too.
 */

let server: ServerHandle;

beforeAll(async () => {
  requireClientsVenv();
  server = await startNoopServer();
});

afterAll(async () => {
  await server?.close();
});

interface Summary {
  server: { name: string; extensions: string[] };
  checked: Record<string, string[]>;
  sum: number[];
  errors: string[];
}

describe("tritonclient HTTP client", () => {
  it("talks to our server: health, metadata, every datatype as JSON and binary, errors, repository", async () => {
    const summary = await runClient<Summary>("triton_http.py", [`127.0.0.1:${server.http.port}`]);
    expect(summary.server.name).toBe("modelserve");
    expect(summary.checked).toEqual({
      json: ALL_DATATYPES,
      binary: ALL_DATATYPES,
      "json-in-binary-out": ALL_DATATYPES,
      "binary-in-json-out": ALL_DATATYPES,
    });
    expect(summary.sum).toEqual([6, 15.5]);
    expect(summary.errors).toEqual([
      "model 'ghost' not found",
      "input 'y' is not an input of model 'summer'; expected 'x'",
      "model 'echo' failed: model exploded",
    ]);
  });
});

describe("tritonclient HTTP client, 64-bit integers", () => {
  // tritonclient writes UINT64/INT64 values beyond 2^53 as JSON numbers; they must come back exact
  it("round-trips 64-bit integers beyond 2^53 sent as JSON numbers", async () => {
    const summary = await runClient<{ checked: string[] }>("triton_http.py", [
      `127.0.0.1:${server.http.port}`,
      "big-integers",
    ]);
    expect(summary.checked).toEqual(["INT64", "UINT64"]);
  });
});
