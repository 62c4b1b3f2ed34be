import { describe, expect, it } from "vitest";
import { validateFunctionSpec, validateRunOptions, validateTaskSpec } from "../../src/sdk/specs/validate.js";
import {
  FUNCTION_KINDS,
  type FunctionKind,
  HUGGINGFACE_BACKENDS,
  HUGGINGFACE_DTYPES,
  HUGGINGFACE_TASKS,
  SERVICE_TYPES,
  VOLUME_TYPES,
} from "../../src/sdk/types.js";
import { paths, refused } from "./helpers.js";

/**
 * Every task and run field, for every kind: accepted values, refused values, and refusal as an unknown
 * field on the kinds it does not apply to. Checked through `validateRunOptions` (what `fn.run()` takes,
 * which includes task fields) and, for task fields, through the task schema too.
 */

const ALL: readonly FunctionKind[] = FUNCTION_KINDS;
const HF: readonly FunctionKind[] = ["huggingfaceserve"];
const KUBEAI: readonly FunctionKind[] = ["kubeai-text", "kubeai-speech"];

interface FieldCase {
  field: string;
  kinds: readonly FunctionKind[];
  task: boolean;
  good: unknown[];
  bad: unknown[];
}

const CASES: FieldCase[] = [
  {
    field: "node_selector",
    kinds: ALL,
    task: true,
    good: [[{ key: "gpu", value: "a100" }], []],
    bad: [[{ key: "gpu" }], { gpu: "a100" }, [{ key: "", value: "x" }], [{ key: "k", value: "v", extra: 1 }]],
  },
  {
    field: "volumes",
    kinds: ALL,
    task: true,
    good: [
      ...VOLUME_TYPES.map((volume_type) => [{ volume_type, name: "data", mount_path: "/data" }]),
      [
        {
          volume_type: "empty_dir",
          name: "cache",
          mount_path: "/cache",
          spec: { size_limit: "1Gi", medium: "Memory" },
        },
      ],
      [{ volume_type: "persistent_volume_claim", name: "pvc-1", mount_path: "/m", spec: { size: "10Gi" } }],
    ],
    bad: [
      [{ volume_type: "EmptyDir", name: "data", mount_path: "/data" }],
      [{ volume_type: "empty_dir", name: "Bad_Name", mount_path: "/data" }],
      [{ volume_type: "empty_dir", name: "data", mount_path: "relative/path" }],
      [{ volume_type: "empty_dir", name: "data" }],
      [{ volume_type: "empty_dir", name: "data", mount_path: "/d", spec: { size_limit: "big" } }],
    ],
  },
  {
    field: "resources",
    kinds: ALL,
    task: true,
    good: [{ cpu: "500m", mem: "1Gi", gpu: "1" }, { cpu: 2 }, { mem: "512Mi" }, {}],
    bad: [{ cpu: "lots" }, { memory: "1Gi" }, { gpu: true }, "1 cpu"],
  },
  {
    field: "affinity",
    kinds: ALL,
    task: true,
    good: [
      { node_affinity: { required_during_scheduling_ignored_during_execution: {} } },
      { pod_anti_affinity: {} },
    ],
    bad: [{ nodeAffinity: {} }, { node_affinity: "x" }],
  },
  {
    field: "tolerations",
    kinds: ALL,
    task: true,
    good: [
      [{ key: "gpu", operator: "Exists", effect: "NoSchedule" }],
      [{ key: "k", operator: "Equal", value: "v", effect: "NoExecute", toleration_seconds: 30 }],
      [{ effect: "PreferNoSchedule" }],
    ],
    bad: [
      [{ operator: "exists" }],
      [{ effect: "Never" }],
      [{ toleration_seconds: -1 }],
      [{ toleration_seconds: 1.5 }],
    ],
  },
  {
    field: "envs",
    kinds: ALL,
    task: true,
    good: [[{ name: "LOG_LEVEL", value: "debug" }], [{ name: "a.b-c", value: "" }]],
    bad: [[{ name: "1A", value: "b" }], [{ name: "A" }], [{ name: "A", value: 1 }], { A: "b" }],
  },
  {
    field: "secrets",
    kinds: ALL,
    task: true,
    good: [["my-secret", "s3.credentials"]],
    bad: [["My_Secret"], "s", [""]],
  },
  { field: "profile", kinds: ALL, task: true, good: ["1xa100"], bad: ["", 3] },
  { field: "runtime_class", kinds: ALL, task: true, good: ["nvidia"], bad: ["", false] },
  { field: "priority_class", kinds: ALL, task: true, good: ["high"], bad: ["", 1] },
  { field: "replicas", kinds: ALL, task: true, good: [1, 3], bad: [0, -1, 1.5, "2"] },
  { field: "service_type", kinds: ALL, task: true, good: [...SERVICE_TYPES], bad: ["nodeport", "Bogus", 1] },
  { field: "service_name", kinds: ALL, task: true, good: ["my-svc"], bad: ["My Svc", "-x", ""] },
  {
    field: "huggingface_task",
    kinds: HF,
    task: true,
    good: [...HUGGINGFACE_TASKS],
    bad: ["SEQUENCE_CLASSIFICATION", "summarization"],
  },
  { field: "backend", kinds: HF, task: true, good: [...HUGGINGFACE_BACKENDS], bad: ["auto", "TGI"] },
  { field: "tokenizer_revision", kinds: HF, task: true, good: ["main", "v1.0"], bad: ["", 1] },
  { field: "max_length", kinds: HF, task: true, good: [1, 512], bad: [0, -5, 1.5, "512"] },
  { field: "disable_lower_case", kinds: HF, task: true, good: [true, false], bad: ["yes", 1] },
  { field: "disable_special_tokens", kinds: HF, task: true, good: [true, false], bad: ["no", 0] },
  { field: "dtype", kinds: HF, task: true, good: [...HUGGINGFACE_DTYPES], bad: ["float16", "INT8"] },
  { field: "trust_remote_code", kinds: HF, task: true, good: [true, false], bad: ["true"] },
  {
    field: "tensor_input_names",
    kinds: HF,
    task: true,
    good: [["input_ids", "attention_mask"]],
    bad: [[], ["a", "a"], "input_ids", [""]],
  },
  { field: "return_token_type_ids", kinds: HF, task: true, good: [true, false], bad: [null] },
  { field: "return_probabilities", kinds: HF, task: true, good: [true, false], bad: ["false"] },
  { field: "disable_log_requests", kinds: HF, task: true, good: [true, false], bad: [1] },
  { field: "max_log_len", kinds: HF, task: true, good: [0, 100], bad: [-1, 2.5] },
  { field: "local_execution", kinds: ALL, task: false, good: [true, false], bad: ["true", 1] },
  {
    field: "env",
    kinds: KUBEAI,
    task: false,
    good: [{ HF_HOME: "/cache" }, {}],
    bad: [{ A: 1 }, { "1A": "x" }, [["A", "b"]]],
  },
  { field: "args", kinds: KUBEAI, task: false, good: [["--max-model-len=2048"], []], bad: ["--x", [1]] },
  { field: "cache_profile", kinds: KUBEAI, task: false, good: ["standard-filestore"], bad: ["", 1] },
  {
    field: "files",
    kinds: KUBEAI,
    task: false,
    good: [[{ path: "/config/chat.jinja", content: "{{ messages }}" }], []],
    bad: [
      [{ path: "relative.txt", content: "" }],
      [{ path: "/a:b", content: "" }],
      [{ path: "/a" }],
      [
        { path: "/a", content: "1" },
        { path: "/a", content: "2" },
      ],
      Array.from({ length: 11 }, (_, i) => ({ path: `/f${i}`, content: "" })),
      [{ path: "/big", content: "x".repeat(100_001) }],
    ],
  },
  {
    field: "scaling",
    kinds: KUBEAI,
    task: false,
    good: [
      {},
      { replicas: 2, min_replicas: 0, max_replicas: 4 },
      { autoscaling_disabled: true, target_request: 10, scale_down_delay_seconds: 0 },
      { load_balancing: { strategy: "LeastLoad" } },
      {
        load_balancing: {
          strategy: "PrefixHash",
          prefix_hash: { mean_load_factor: 150, replication: 64, prefix_char_length: 50 },
        },
      },
    ],
    bad: [
      { replicas: -1 },
      { min_replicas: 3, max_replicas: 2 },
      { max_replicas: 0 },
      { target_request: 0 },
      { scale_down_delay_seconds: -1 },
      { autoscaling_disabled: "no" },
      { load_balancing: { strategy: "leastload" } },
      { load_balancing: { prefix_hash: { mean_load_factor: 50 } } },
      { load_balancing: { prefix_hash: { replication: 0 } } },
      { load_balancing: { prefix_hash: { prefix_char_length: 0 } } },
      { target_requests: 5 },
    ],
  },
  { field: "processors", kinds: KUBEAI, task: false, good: [1, 4], bad: [0, 1.5, "2"] },
];

describe.each(CASES)("field $field", ({ field, kinds, task, good, bad }) => {
  for (const kind of ALL) {
    if (kinds.includes(kind)) {
      it.each(good.map((v) => [v]))(`${kind} accepts %j`, (value) => {
        expect(() => validateRunOptions(kind, { [field]: value })).not.toThrow();
        if (task) expect(() => validateTaskSpec(kind, { function: "f", [field]: value })).not.toThrow();
      });
      it.each(bad.map((v) => [v]))(`${kind} refuses %j`, (value) => {
        const issues = refused(() => validateRunOptions(kind, { [field]: value }));
        expect(issues.length).toBeGreaterThan(0);
        for (const p of paths(issues)) expect(p.startsWith(field)).toBe(true);
        if (task) refused(() => validateTaskSpec(kind, { function: "f", [field]: value }));
      });
    } else {
      it(`${kind} refuses ${field} as a field of other kinds`, () => {
        const [issue] = refused(() => validateRunOptions(kind, { [field]: good[0] }));
        expect(issue.path).toBe(field);
        expect(issue.message).toContain("unknown field");
        expect(issue.message).toContain(`applies to ${kinds.join(", ")} only`);
      });
    }
  }
  if (!task) {
    it("is not a task field", () => {
      refused(() => validateTaskSpec(kinds[0], { function: "f", [field]: good[0] }));
    });
  }
  it("is not a function field", () => {
    const [issue] = refused(() => validateFunctionSpec(kinds[0], { [field]: good[0] }));
    expect(issue.message).toMatch(/unknown field/);
  });
});

describe("scaling defaults", () => {
  it("fills the documented defaults when scaling is given", () => {
    const spec = validateRunOptions("kubeai-text", { scaling: { replicas: 2 } });
    expect(spec.scaling).toEqual({
      replicas: 2,
      min_replicas: 1,
      autoscaling_disabled: false,
      target_request: 100,
      scale_down_delay_seconds: 30,
    });
  });

  it("expands an empty load_balancing to LeastLoad with the prefix-hash defaults", () => {
    const spec = validateRunOptions("kubeai-speech", { scaling: { load_balancing: {} } });
    expect(spec.scaling?.load_balancing).toEqual({
      strategy: "LeastLoad",
      prefix_hash: { mean_load_factor: 125, replication: 256, prefix_char_length: 100 },
    });
  });

  it("keeps the strategy a plain string (the original sent the enum's repr)", () => {
    const spec = validateRunOptions("kubeai-text", {
      scaling: { load_balancing: { strategy: "PrefixHash" } },
    });
    expect(spec.scaling?.load_balancing?.strategy).toBe("PrefixHash");
  });

  it("leaves scaling absent when not given", () => {
    expect(validateRunOptions("kubeai-text", {}).scaling).toBeUndefined();
  });
});

describe("task defaults", () => {
  it("service_type defaults to NodePort on the task", () => {
    expect(validateTaskSpec("sklearnserve", { function: "f" }).service_type).toBe("NodePort");
  });

  it("keeps the Hugging Face fields the original dropped (dtype, disable_log_requests, max_log_len)", () => {
    const spec = validateTaskSpec("huggingfaceserve", {
      function: "f",
      dtype: "BFLOAT16",
      disable_log_requests: true,
      max_log_len: 64,
      replicas: 3,
    });
    expect(spec).toMatchObject({
      dtype: "BFLOAT16",
      disable_log_requests: true,
      max_log_len: 64,
      replicas: 3,
    });
    expect(spec).not.toHaveProperty("service_name");
  });
});
