import { describe, expect, it } from "vitest";
import { SpecError } from "../../src/sdk/errors.js";
import { didYouMean, levenshtein } from "../../src/sdk/specs/suggest.js";
import { mergeSpecs, validateRunOptions, validateRunSpec } from "../../src/sdk/specs/validate.js";
import { paths, refused } from "./helpers.js";

const REFS = { task: "sklearnserve+serve://demo/t1", function: "sklearnserve://demo/iris:f1" };

describe("merge function < task < run", () => {
  it("a later layer wins field by field, undefined does not override", () => {
    const merged = mergeSpecs(
      { path: "fn.pkl", model_name: "fn-model", image: "seldonio/mlserver:1.6.1" },
      { replicas: 2, service_type: "NodePort", model_name: undefined },
      { replicas: 3, model_name: "run-model" },
    );
    expect(merged).toEqual({
      path: "fn.pkl",
      model_name: "run-model",
      image: "seldonio/mlserver:1.6.1",
      replicas: 3,
      service_type: "NodePort",
    });
  });

  it("replaces nested values whole (no deep merge), as the original", () => {
    const merged = mergeSpecs({ resources: { cpu: "1", mem: "1Gi" } }, { resources: { gpu: "1" } });
    expect(merged.resources).toEqual({ gpu: "1" });
  });

  it("validates the merged spec and defaults local_execution to false", () => {
    const spec = validateRunSpec(
      "sklearnserve",
      mergeSpecs({ path: "m.pkl" }, { service_type: "NodePort" }, REFS),
    );
    expect(spec).toEqual({ ...REFS, path: "m.pkl", service_type: "NodePort", local_execution: false });
  });
});

describe("rules of the merged spec", () => {
  it.each(["sklearnserve", "mlflowserve", "huggingfaceserve"] as const)("%s needs a path", (kind) => {
    const issues = refused(() => validateRunSpec(kind, { ...REFS }));
    expect(issues).toEqual([
      expect.objectContaining({ path: "path", message: expect.stringContaining("required") }),
    ]);
  });

  it("kubeai-text needs url, engine and features", () => {
    const issues = refused(() => validateRunSpec("kubeai-text", { ...REFS }));
    expect(paths(issues).sort()).toEqual(["engine", "features", "url"]);
  });

  it("kubeai-speech needs a url and defaults to FasterWhisper / SpeechToText", () => {
    expect(paths(refused(() => validateRunSpec("kubeai-speech", { ...REFS })))).toEqual(["url"]);
    const spec = validateRunSpec("kubeai-speech", { ...REFS, url: "hf://openai/whisper-large-v3" });
    expect(spec.engine).toBe("FasterWhisper");
    expect(spec.features).toEqual(["SpeechToText"]);
  });

  const text = { ...REFS, features: ["TextGeneration"] };
  it("OLlama serves ollama:// urls only, and ollama:// needs OLlama", () => {
    expect(
      paths(refused(() => validateRunSpec("kubeai-text", { ...text, engine: "OLlama", url: "hf://a/b" }))),
    ).toEqual(["url"]);
    expect(
      paths(
        refused(() => validateRunSpec("kubeai-text", { ...text, engine: "VLLM", url: "ollama://llama3" })),
      ),
    ).toEqual(["engine"]);
    expect(() =>
      validateRunSpec("kubeai-text", { ...text, engine: "OLlama", url: "ollama://llama3" }),
    ).not.toThrow();
  });

  it("adapters need the VLLM engine", () => {
    const adapters = [{ name: "a", url: "hf://org/a" }];
    expect(
      paths(
        refused(() =>
          validateRunSpec("kubeai-text", { ...text, engine: "Infinity", url: "hf://a/b", adapters }),
        ),
      ),
    ).toEqual(["adapters"]);
    expect(() =>
      validateRunSpec("kubeai-text", { ...text, engine: "VLLM", url: "hf://a/b", adapters }),
    ).not.toThrow();
  });

  it("s3:// urls need a cache profile, and a cache profile needs hf:// or s3://", () => {
    const base = { ...text, engine: "VLLM" };
    expect(paths(refused(() => validateRunSpec("kubeai-text", { ...base, url: "s3://b/m" })))).toEqual([
      "cache_profile",
    ]);
    expect(() =>
      validateRunSpec("kubeai-text", { ...base, url: "s3://b/m", cache_profile: "fast" }),
    ).not.toThrow();
    expect(
      paths(
        refused(() => validateRunSpec("kubeai-text", { ...base, url: "pvc://claim", cache_profile: "fast" })),
      ),
    ).toEqual(["cache_profile"]);
  });

  it("reports field errors and cross-field errors together", () => {
    const issues = refused(() => validateRunSpec("kubeai-text", { ...REFS, replicas: 0, engine: "vllm" }));
    expect(paths(issues).sort()).toEqual(["engine", "features", "replicas", "url"]);
  });
});

describe("spec errors", () => {
  it("name every bad field with what was given and what is allowed", () => {
    let error: SpecError | undefined;
    try {
      validateRunOptions("huggingfaceserve", {
        replicas: 0,
        dtype: "float16",
        Dtype: "FLOAT16",
        path: "m.pkl",
      });
    } catch (e) {
      error = e as SpecError;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect(error?.code).toBe("SPEC_INVALID");
    expect(error?.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "replicas", given: 0, allowed: ">= 1" }),
        expect.objectContaining({
          path: "dtype",
          given: "float16",
          message: expect.stringContaining('did you mean "FLOAT16"'),
          allowed: expect.stringContaining('"BFLOAT16"'),
        }),
        expect.objectContaining({ path: "Dtype", message: expect.stringContaining('did you mean "dtype"') }),
        expect.objectContaining({ path: "path", given: "m.pkl", allowed: expect.stringContaining("hf://") }),
      ]),
    );
    for (const field of ["replicas", "dtype", "Dtype", "path"]) expect(error?.message).toContain(`${field}:`);
    expect(error?.toJSON()).toMatchObject({ code: "SPEC_INVALID", details: error?.issues });
  });

  it("suggest a near field in nested objects", () => {
    const [issue] = refused(() => validateRunOptions("kubeai-text", { scaling: { min_replica: 1 } }));
    expect(issue).toMatchObject({
      path: "scaling.min_replica",
      message: expect.stringContaining('did you mean "min_replicas"'),
    });
  });

  it("do not suggest far-away names", () => {
    const [issue] = refused(() => validateRunOptions("sklearnserve", { colour: "red" }));
    expect(issue.message).toBe("unknown field");
  });
});

describe("did you mean", () => {
  it("computes edit distances", () => {
    expect(levenshtein("kitten", "sitting")).toBe(3);
    expect(levenshtein("", "abc")).toBe(3);
    expect(levenshtein("same", "same")).toBe(0);
  });

  it("picks the closest candidate within a third of the word", () => {
    expect(didYouMean("replicaz", ["replicas", "profile"])).toBe("replicas");
    expect(didYouMean("SERVICE_TYPE", ["service_type"])).toBe("service_type");
    expect(didYouMean("zzz", ["replicas"])).toBeUndefined();
  });
});
