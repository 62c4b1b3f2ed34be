import { describe, expect, it } from "vitest";
import { validateFunctionSpec, validateRunOptions } from "../../src/sdk/specs/validate.js";
import { FUNCTION_KINDS, type FunctionKind } from "../../src/sdk/types.js";
import { refused } from "./helpers.js";

/** Function fields per kind: model paths, kubeai urls, images, model names, adapters, features, engines. */

interface RuleCase {
  field: string;
  kinds: readonly FunctionKind[];
  good: unknown[];
  bad: unknown[];
}

const HEX64 = "a".repeat(64);

const CASES: RuleCase[] = [
  {
    field: "path",
    kinds: ["sklearnserve"],
    good: [
      "model.pkl",
      "./my-path/model.pkl",
      "/abs/model.joblib",
      "s3://bucket/path/model.pkl",
      "s3://bucket/model.joblib",
      "store://demo/model/sklearn/iris:0123abcd",
      "store://demo/model/sklearn/iris",
    ],
    bad: [
      "model.txt",
      "./my-path/model",
      "model.PKL.bak",
      "s3://bucket",
      "s3://bucket/model",
      "store://demo/model/mlflow/iris:1",
      "store://demo/function/sklearnserve/iris:1",
      "store://demo/model/sklearn/",
      "http://host/model.pkl",
      "gs://bucket/model.pkl",
      "",
      3,
    ],
  },
  {
    field: "path",
    kinds: ["mlflowserve"],
    good: [
      "./my-path/model",
      "./my-path/model/",
      "/abs/model",
      "model.zip",
      "s3://bucket/dir/",
      "s3://bucket/model.zip",
      "/abs/model/MLmodel",
      "store://demo/model/mlflow/m:1",
    ],
    bad: [
      "model.pkl",
      "model.joblib",
      "model.tar.gz",
      "s3://bucket",
      "store://demo/model/sklearn/m:1",
      "store://demo/model/huggingface/m:1",
      "gs://bucket/dir/",
      "",
    ],
  },
  {
    field: "path",
    kinds: ["huggingfaceserve"],
    good: [
      "./tiny-bert",
      "./tiny-bert/",
      "bert.zip",
      "s3://bucket/models/bert/",
      "hf://distilbert/distilbert-base-uncased",
      "hf://bert-base-uncased",
      "huggingface://org/model",
      "store://demo/model/huggingface/bert:1",
    ],
    bad: [
      "hf://",
      "h://org/model",
      "hf:/org/model",
      "huggingfac://org/model",
      "hf://org/model/extra",
      "model.safetensors",
      "store://demo/model/mlflow/bert:1",
      "ollama://llama3",
      "",
    ],
  },
  {
    field: "url",
    kinds: ["kubeai-text", "kubeai-speech"],
    good: [
      "hf://mistralai/Mistral-7B-v0.1",
      "s3://bucket/models/m",
      "pvc://model-claim",
      "pvc://model-claim/sub/path",
      "ollama://llama3.2",
      "store://demo/model/huggingface/mistral:1",
    ],
    bad: [
      "h://org/m",
      "pv://claim",
      "s://bucket/x",
      "ollam://llama",
      "hf://",
      "s3://bucket",
      "http://host/model",
      "mistralai/Mistral-7B",
      "store://demo/model/sklearn/m:1",
      "",
    ],
  },
  {
    field: "image",
    kinds: ["sklearnserve"],
    good: [
      "seldonio/mlserver:1.6.1-sklearn",
      "seldonio/mlserver:1.6.1",
      "registry.local:5000/mirror/mlserver:1.6.1-sklearn",
      `seldonio/mlserver@sha256:${HEX64}`,
    ],
    bad: [
      "seldonio/mlserver:1.6.1-mlflow",
      "python:3.11",
      "Not An Image",
      "",
      "seldonio/mlserve:1.6-sklearn",
    ],
  },
  {
    field: "image",
    kinds: ["mlflowserve"],
    good: ["seldonio/mlserver:1.6.1-mlflow", "seldonio/mlserver:1.6.1"],
    bad: ["seldonio/mlserver:1.6.1-sklearn", "nginx:latest", "UPPER/mlserver"],
  },
  {
    field: "image",
    kinds: ["huggingfaceserve"],
    good: [
      "kserve/huggingfaceserver:v0.15.0",
      "kserve/huggingfaceserver:v0.15.0-gpu",
      "docker.io/kserve/huggingfaceserver",
    ],
    bad: ["kserve/sklearnserver:v0.15.0", "kserve\\/huggingfaceserver:0.7", "huggingface"],
  },
  {
    field: "image",
    kinds: ["kubeai-text", "kubeai-speech"],
    good: ["vllm/vllm-openai:v0.6.0", "ollama/ollama", "ghcr.io/org/whisper:1"],
    bad: ["UPPER/case", "a b", ""],
  },
  {
    field: "model_name",
    kinds: FUNCTION_KINDS,
    good: ["model", "iris-v1.2", "a_b+c"],
    bad: ["", "a b", "x/y", 3],
  },
  {
    field: "adapters",
    kinds: ["kubeai-text", "kubeai-speech"],
    good: [
      [{ name: "sql-lora", url: "hf://org/sql-lora" }],
      [
        { name: "a", url: "s3://bucket/a" },
        { name: "b", url: "gs://bucket/b" },
        { name: "c", url: "oss://bucket/c" },
      ],
      [],
    ],
    bad: [
      [{ name: "Sql_Lora", url: "hf://org/x" }],
      [{ name: "a" }],
      [{ name: "a", url: "http://x" }],
      [{ url: "hf://x/y" }],
      "hf://x",
    ],
  },
  {
    field: "features",
    kinds: ["kubeai-text"],
    good: [["TextGeneration"], ["TextEmbedding"], ["TextGeneration", "TextEmbedding"]],
    bad: [["SpeechToText"], ["textgeneration"], [], ["TextGeneration", "TextGeneration"], "TextGeneration"],
  },
  {
    field: "features",
    kinds: ["kubeai-speech"],
    good: [["SpeechToText"]],
    bad: [["TextGeneration"], ["speechtotext"], []],
  },
  {
    field: "engine",
    kinds: ["kubeai-text"],
    good: ["OLlama", "VLLM", "Infinity"],
    bad: ["FasterWhisper", "vllm", "Ollama", ""],
  },
  { field: "engine", kinds: ["kubeai-speech"], good: ["FasterWhisper"], bad: ["VLLM", "fasterwhisper"] },
];

describe.each(CASES)("function field $field of $kinds", ({ field, kinds, good, bad }) => {
  for (const kind of kinds) {
    it.each(good.map((v) => [v]))(`${kind} accepts %j`, (value) => {
      expect(validateFunctionSpec(kind, { [field]: value })).toEqual({ [field]: value });
      // function fields can be overridden per run
      expect(() => validateRunOptions(kind, { [field]: value })).not.toThrow();
    });
    it.each(bad.map((v) => [v]))(`${kind} refuses %j`, (value) => {
      const issues = refused(() => validateFunctionSpec(kind, { [field]: value }));
      expect(issues.every((i) => i.path.startsWith(field))).toBe(true);
      expect(issues[0].allowed).toBeTruthy();
      refused(() => validateRunOptions(kind, { [field]: value }));
    });
  }
});

describe("fields that belong to other kinds", () => {
  it.each([
    ["sklearnserve", "url", "hf://a/b"],
    ["mlflowserve", "features", ["TextGeneration"]],
    ["huggingfaceserve", "engine", "VLLM"],
    ["kubeai-text", "path", "model.pkl"],
    ["kubeai-speech", "path", "./m"],
    ["sklearnserve", "adapters", []],
  ] as const)("%s refuses %s", (kind, field, value) => {
    const [issue] = refused(() => validateFunctionSpec(kind, { [field]: value }));
    expect(issue.path).toBe(field);
    expect(issue.message).toMatch(/unknown field/);
    expect(issue.message).toMatch(/applies to/);
  });

  it("a task field given to a function says where it goes", () => {
    const [issue] = refused(() => validateFunctionSpec("sklearnserve", { replicas: 2 }));
    expect(issue.message).toContain("pass it to run()");
  });
});
