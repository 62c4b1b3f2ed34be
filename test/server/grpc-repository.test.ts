import { type ServiceError, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GrpcFixture, startGrpcFixture } from "./grpc-harness.js";

let f: GrpcFixture;

beforeAll(async () => {
  f = await startGrpcFixture([
    { name: "alpha", implementation: "noop" },
    { name: "beta", implementation: "noop", version: "3" },
  ]);
});

afterAll(async () => {
  await f?.close();
});

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (e) {
    return e as ServiceError;
  }
  throw new Error("expected the call to fail");
}

const inferAlpha = () =>
  f.call<{ outputs: { contents: { int_contents: number[] } }[] }>("ModelInfer", {
    model_name: "alpha",
    inputs: [{ name: "t", datatype: "INT32", shape: [1], contents: { int_contents: [7] } }],
  });

describe("gRPC repository extension", () => {
  it("lists the models with version, state and reason", async () => {
    const index = await f.call<{ models: object[] }>("RepositoryIndex", {});
    expect(index.models).toEqual([
      { name: "alpha", state: "READY" },
      { name: "beta", version: "3", state: "READY" },
    ]);
  });

  it("unloads a model (listed UNAVAILABLE, not ready, refused), then loads it again", async () => {
    expect(await f.call("RepositoryModelUnload", { model_name: "alpha" })).toEqual({});
    const index = await f.call<{ models: object[] }>("RepositoryIndex", {});
    expect(index.models).toContainEqual({ name: "alpha", state: "UNAVAILABLE", reason: "unloaded" });
    const readyOnly = await f.call<{ models: { name: string }[] }>("RepositoryIndex", { ready: true });
    expect(readyOnly.models.map((m) => m.name)).toEqual(["beta"]);
    expect(await f.call("ModelReady", { name: "alpha" })).toEqual({ ready: false });
    expect((await rejection(inferAlpha())).code).toBe(status.UNAVAILABLE);

    expect(await f.call("RepositoryModelLoad", { model_name: "alpha" })).toEqual({});
    expect(await f.call("ModelReady", { name: "alpha" })).toEqual({ ready: true });
    expect((await inferAlpha()).outputs[0].contents.int_contents).toEqual([7]);
  });

  it("accepts unload_dependents", async () => {
    await f.call("RepositoryModelUnload", {
      model_name: "beta",
      parameters: { unload_dependents: { bool_param: true } },
    });
    expect(await f.call("ModelReady", { name: "beta" })).toEqual({ ready: false });
    await f.call("RepositoryModelLoad", { model_name: "beta" });
    expect(await f.call("ModelReady", { name: "beta", version: "3" })).toEqual({ ready: true });
  });

  it("NOT_FOUND for an unknown model, INVALID_ARGUMENT for a missing name or a model definition in the request", async () => {
    const load = await rejection(f.call("RepositoryModelLoad", { model_name: "ghost" }));
    expect(load.code).toBe(status.NOT_FOUND);
    expect(load.details).toContain("'ghost'");
    const unload = await rejection(f.call("RepositoryModelUnload", { model_name: "ghost" }));
    expect(unload.code).toBe(status.NOT_FOUND);
    const nameless = await rejection(f.call("RepositoryModelLoad", {}));
    expect(nameless.code).toBe(status.INVALID_ARGUMENT);
    expect(nameless.details).toContain("model_name");
    const config = await rejection(
      f.call("RepositoryModelLoad", { model_name: "alpha", parameters: { config: { string_param: "{}" } } }),
    );
    expect(config.code).toBe(status.INVALID_ARGUMENT);
    expect(config.details).toContain("'config'");
  });
});
