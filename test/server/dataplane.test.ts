import { describe, expect, it } from "vitest";
import { ErrorCodes } from "../../src/errors.js";
import { RuntimeRegistry } from "../../src/runtimes/registry.js";
import type { LoadedModel, ModelSettings } from "../../src/runtimes/runtime.js";
import { decodeInferenceRequest } from "../../src/server/codecs/json-request.js";
import { DataPlane, type InferenceObserver } from "../../src/server/dataplane.js";
import { ModelRegistry } from "../../src/server/model-registry.js";

function makeDataPlane(
  extra?: (s: ModelSettings) => Promise<LoadedModel> | undefined,
  observer?: InferenceObserver,
) {
  const runtimes = new RuntimeRegistry();
  const registry = new ModelRegistry(async (settings) => {
    const custom = extra?.(settings);
    if (custom !== undefined) return custom;
    return (await runtimes.resolve(settings.implementation)).load(settings);
  });
  return { dataplane: new DataPlane({ registry, observer }), registry };
}

const row = { name: "x", datatype: "FP32", shape: [1, 2], data: [1, 2] };

describe("DataPlane", () => {
  it("serves many models and versions with their states", async () => {
    const { dataplane, registry } = makeDataPlane();
    expect(dataplane.ready()).toBe(true);
    await registry.load({ name: "a", implementation: "noop" });
    await registry.load({ name: "b", implementation: "noop", version: "1", parameters: { mode: "sum" } });
    await registry.load({ name: "b", implementation: "noop", version: "2", parameters: { mode: "sum" } });
    expect(dataplane.ready()).toBe(true);
    expect(dataplane.modelReady("a")).toBe(true);
    expect(dataplane.modelReady("b", "2")).toBe(true);
    expect(dataplane.modelMetadata("b")).toMatchObject({
      name: "b",
      versions: ["1", "2"],
      platform: "modelserve_noop",
    });
    const res = await dataplane.infer("b", undefined, decodeInferenceRequest({ id: "r1", inputs: [row] }));
    expect(res).toMatchObject({ model_name: "b", model_version: "2", id: "r1" });
    expect(Array.from(res.outputs[0].data as Float64Array)).toEqual([3]);
    const v1 = await dataplane.infer("b", "1", decodeInferenceRequest({ inputs: [row] }));
    expect(v1.model_version).toBe("1");
    expect(typeof v1.id).toBe("string");
    expect(() => dataplane.modelReady("nope")).toThrow(
      expect.objectContaining({ code: ErrorCodes.MODEL_NOT_FOUND }),
    );
    expect(() => dataplane.modelReady("b", "9")).toThrow(
      expect.objectContaining({ code: ErrorCodes.MODEL_NOT_FOUND }),
    );
    await dataplane.unloadModel("a");
    expect(dataplane.modelReady("a")).toBe(false);
    await expect(
      dataplane.infer("a", undefined, decodeInferenceRequest({ inputs: [row] })),
    ).rejects.toMatchObject({
      code: ErrorCodes.MODEL_NOT_READY,
    });
    expect(await dataplane.repositoryIndex()).toEqual([
      { name: "a", state: "UNAVAILABLE", reason: "unloaded" },
      { name: "b", version: "1", state: "READY", reason: "" },
      { name: "b", version: "2", state: "READY", reason: "" },
    ]);
    await dataplane.loadModel("a");
    expect(dataplane.modelReady("a")).toBe(true);
  });

  it("keeps serving when a model fails to load and reports why", async () => {
    const { dataplane, registry } = makeDataPlane();
    await registry.load({ name: "good", implementation: "noop" });
    const bad = await registry.load({ name: "bad", implementation: "no-such-runtime" });
    expect(bad.state).toBe("UNAVAILABLE");
    expect(bad.reason).toContain("no-such-runtime");
    expect(dataplane.ready()).toBe(false);
    expect(dataplane.modelReady("good")).toBe(true);
    expect(() => dataplane.modelMetadata("bad")).toThrow(/no-such-runtime/);
    await expect(dataplane.loadModel("bad")).rejects.toMatchObject({ code: ErrorCodes.MODEL_LOAD_FAILED });
  });

  it("turns a model's exception into INFERENCE_FAILED with its message", async () => {
    const { dataplane, registry } = makeDataPlane();
    await registry.load({ name: "m", implementation: "noop" });
    const req = decodeInferenceRequest({ parameters: { noop_raise: "boom" }, inputs: [row] });
    await expect(dataplane.infer("m", undefined, req)).rejects.toMatchObject({
      code: ErrorCodes.INFERENCE_FAILED,
      message: expect.stringContaining("boom"),
    });
  });

  it("checks inputs and outputs against declared metadata", async () => {
    const { dataplane, registry } = makeDataPlane();
    await registry.load({
      name: "m",
      implementation: "noop",
      parameters: { mode: "sum" },
      inputs: [{ name: "x", datatype: "FP32", shape: [-1, 2] }],
    });
    const call = (body: unknown) => dataplane.infer("m", undefined, decodeInferenceRequest(body));
    await expect(call({ inputs: [{ ...row, name: "y" }] })).rejects.toThrow(
      /input 'y' is not an input of model 'm'; expected 'x'/,
    );
    await expect(call({ inputs: [{ ...row, datatype: "FP64" }] })).rejects.toThrow(/expects FP32/);
    await expect(call({ inputs: [{ ...row, shape: [1, 1, 2] }] })).rejects.toThrow(/expects \[-1, 2\]/);
    await expect(call({ inputs: [row], outputs: [{ name: "nope" }] })).rejects.toThrow(
      /output 'nope' is not an output/,
    );
    const ok = await call({
      inputs: [{ ...row, shape: [2, 2], data: [1, 2, 3, 4] }],
      outputs: [{ name: "sum" }],
    });
    expect(Array.from(ok.outputs[0].data as Float64Array)).toEqual([3, 7]);
  });

  it("selects requested outputs in the requested order", async () => {
    const { dataplane, registry } = makeDataPlane();
    await registry.load({ name: "m", implementation: "noop" });
    const req = decodeInferenceRequest({
      inputs: [row, { name: "z", datatype: "INT8", shape: [1], data: [7] }],
      outputs: [{ name: "z" }],
    });
    const res = await dataplane.infer("m", undefined, req);
    expect(res.outputs.map((o) => o.name)).toEqual(["z"]);
    const missing = decodeInferenceRequest({ inputs: [row], outputs: [{ name: "q" }] });
    await expect(dataplane.infer("m", undefined, missing)).rejects.toMatchObject({
      code: ErrorCodes.BAD_REQUEST,
    });
  });

  it("answers synchronously for a synchronous model (the transports' hot path) and observes every outcome", async () => {
    const observed: [string, boolean][] = [];
    const { dataplane, registry } = makeDataPlane(undefined, {
      observe: (model, _version, _seconds, ok) => observed.push([model, ok]),
    });
    await registry.load({ name: "now", implementation: "noop" });
    await registry.load({ name: "later", implementation: "noop", parameters: { delay_ms: 1 } });

    const sync = dataplane.inferNow("now", undefined, decodeInferenceRequest({ inputs: [row] }));
    expect(sync).not.toBeInstanceOf(Promise);
    expect(sync).toMatchObject({ model_name: "now", outputs: [{ name: "x" }] });
    const pending = dataplane.inferNow("later", undefined, decodeInferenceRequest({ inputs: [row] }));
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toMatchObject({ model_name: "later", outputs: [{ name: "x" }] });

    // errors of a synchronous model are thrown, not rejected; infer() still rejects
    const raising = () => decodeInferenceRequest({ parameters: { noop_raise: "boom" }, inputs: [row] });
    expect(() => dataplane.inferNow("now", undefined, raising())).toThrow(
      expect.objectContaining({ code: ErrorCodes.INFERENCE_FAILED }),
    );
    await expect(dataplane.infer("now", undefined, raising())).rejects.toMatchObject({
      code: ErrorCodes.INFERENCE_FAILED,
    });
    await expect(dataplane.inferNow("later", undefined, raising())).rejects.toMatchObject({
      code: ErrorCodes.INFERENCE_FAILED,
    });
    expect(observed).toEqual([
      ["now", true],
      ["later", true],
      ["now", false],
      ["now", false],
      ["later", false],
    ]);
  });
});
