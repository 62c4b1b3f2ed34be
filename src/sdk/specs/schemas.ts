import { z } from "zod";
import {
  type FunctionKind,
  HUGGINGFACE_BACKENDS,
  HUGGINGFACE_DTYPES,
  HUGGINGFACE_TASKS,
  LOAD_BALANCING_STRATEGIES,
  SERVICE_TYPES,
  VOLUME_TYPES,
} from "../types.js";
import {
  absolutePathRule,
  adapterUrlRule,
  anyImageRule,
  envNameRule,
  huggingfaceImageRule,
  huggingfacePathRule,
  k8sLabelRule,
  k8sSubdomainRule,
  kubeaiAdapterNameRule,
  kubeaiUrlRule,
  mlflowImageRule,
  mlflowPathRule,
  nameRule,
  quantityRule,
  type Rule,
  sklearnImageRule,
  sklearnPathRule,
} from "./rules.js";

/**
 * One zod schema per kind and stage, built from field groups:
 * - function spec: the function fields of the kind (spec document, "Function parameters");
 * - task spec: `function` + the Kubernetes/serve fields (+ the Hugging Face fields for huggingfaceserve);
 * - run options (what `fn.run()` takes): function fields + task fields + run fields of the kind, so that
 *   any of them can be overridden per run;
 * - run spec: the merged spec (function < task < run), with the cross-field rules of the kind.
 * Every object is strict: an unknown key is an error (the original silently dropped it).
 */

export const KUBEAI_KINDS: readonly FunctionKind[] = ["kubeai-text", "kubeai-speech"];

function ruled(rule: Rule) {
  return z.string().superRefine((value, ctx) => {
    const problem = rule.check(value);
    if (problem !== undefined)
      ctx.addIssue({ code: "custom", message: problem, params: { allowed: rule.allowed } });
  });
}

/** Quantities are strings on the wire; a YAML `cpu: 2` is accepted and stored as "2". */
const quantity = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .pipe(ruled(quantityRule));

const nonEmpty = z.string().min(1);

// --- function fields ----------------------------------------------------------------------------

const adapter = z.strictObject({ name: ruled(kubeaiAdapterNameRule), url: ruled(adapterUrlRule) });

const TEXT_FEATURES = ["TextGeneration", "TextEmbedding"] as const;
const TEXT_ENGINES = ["OLlama", "VLLM", "Infinity"] as const;
const SPEECH_FEATURES = ["SpeechToText"] as const;
const SPEECH_ENGINES = ["FasterWhisper"] as const;

function uniqueList<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .min(1)
    .superRefine((list, ctx) => {
      const seen = new Set<unknown>();
      list.forEach((v, i) => {
        if (seen.has(v))
          ctx.addIssue({
            code: "custom",
            message: "listed twice",
            path: [i],
            input: v,
            params: { allowed: "each value once" },
          });
        seen.add(v);
      });
    });
}

function kubeaiFunctionShape(
  features: readonly [string, ...string[]],
  engines: readonly [string, ...string[]],
) {
  return {
    model_name: ruled(nameRule).optional(),
    image: ruled(anyImageRule).optional(),
    url: ruled(kubeaiUrlRule).optional(),
    adapters: z.array(adapter).optional(),
    features: uniqueList(z.enum(features)).optional(),
    engine: z.enum(engines).optional(),
  };
}

export const FUNCTION_SHAPES = {
  sklearnserve: {
    path: ruled(sklearnPathRule).optional(),
    model_name: ruled(nameRule).optional(),
    image: ruled(sklearnImageRule).optional(),
  },
  mlflowserve: {
    path: ruled(mlflowPathRule).optional(),
    model_name: ruled(nameRule).optional(),
    image: ruled(mlflowImageRule).optional(),
  },
  huggingfaceserve: {
    path: ruled(huggingfacePathRule).optional(),
    model_name: ruled(nameRule).optional(),
    image: ruled(huggingfaceImageRule).optional(),
  },
  "kubeai-text": kubeaiFunctionShape(TEXT_FEATURES, TEXT_ENGINES),
  "kubeai-speech": kubeaiFunctionShape(SPEECH_FEATURES, SPEECH_ENGINES),
} satisfies Record<FunctionKind, z.ZodRawShape>;

// --- task fields --------------------------------------------------------------------------------

const K8S_SHAPE = {
  node_selector: z.array(z.strictObject({ key: nonEmpty, value: z.string() })).optional(),
  volumes: z
    .array(
      z.strictObject({
        volume_type: z.enum(VOLUME_TYPES),
        name: ruled(k8sLabelRule),
        mount_path: ruled(absolutePathRule),
        spec: z
          .strictObject({
            size_limit: quantity.optional(),
            medium: z.string().optional(),
            size: quantity.optional(),
          })
          .optional(),
      }),
    )
    .optional(),
  resources: z
    .strictObject({ cpu: quantity.optional(), mem: quantity.optional(), gpu: quantity.optional() })
    .optional(),
  affinity: z
    .strictObject({
      node_affinity: z.record(z.string(), z.unknown()).optional(),
      pod_affinity: z.record(z.string(), z.unknown()).optional(),
      pod_anti_affinity: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  tolerations: z
    .array(
      z.strictObject({
        key: z.string().optional(),
        operator: z.enum(["Exists", "Equal"]).optional(),
        value: z.string().optional(),
        effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
        toleration_seconds: z.int().min(0).optional(),
      }),
    )
    .optional(),
  envs: z.array(z.strictObject({ name: ruled(envNameRule), value: z.string() })).optional(),
  secrets: z.array(ruled(k8sSubdomainRule)).optional(),
  profile: nonEmpty.optional(),
  runtime_class: nonEmpty.optional(),
  priority_class: nonEmpty.optional(),
};

const SERVE_SHAPE = {
  ...K8S_SHAPE,
  replicas: z.int().min(1).optional(),
  service_type: z.enum(SERVICE_TYPES).optional(),
  service_name: ruled(k8sLabelRule).optional(),
};

const HUGGINGFACE_SHAPE = {
  huggingface_task: z.enum(HUGGINGFACE_TASKS).optional(),
  backend: z.enum(HUGGINGFACE_BACKENDS).optional(),
  tokenizer_revision: nonEmpty.optional(),
  max_length: z.int().min(1).optional(),
  disable_lower_case: z.boolean().optional(),
  disable_special_tokens: z.boolean().optional(),
  dtype: z.enum(HUGGINGFACE_DTYPES).optional(),
  trust_remote_code: z.boolean().optional(),
  tensor_input_names: uniqueList(nonEmpty).optional(),
  return_token_type_ids: z.boolean().optional(),
  return_probabilities: z.boolean().optional(),
  disable_log_requests: z.boolean().optional(),
  max_log_len: z.int().min(0).optional(),
};

function taskShape(kind: FunctionKind) {
  return kind === "huggingfaceserve" ? { ...SERVE_SHAPE, ...HUGGINGFACE_SHAPE } : SERVE_SHAPE;
}

// --- run fields ---------------------------------------------------------------------------------

export const PREFIX_HASH_DEFAULTS = { mean_load_factor: 125, replication: 256, prefix_char_length: 100 };

const prefixHash = z.strictObject({
  mean_load_factor: z.int().min(100).default(PREFIX_HASH_DEFAULTS.mean_load_factor),
  replication: z.int().min(1).default(PREFIX_HASH_DEFAULTS.replication),
  prefix_char_length: z.int().min(1).default(PREFIX_HASH_DEFAULTS.prefix_char_length),
});

const loadBalancing = z.strictObject({
  strategy: z.enum(LOAD_BALANCING_STRATEGIES).default("LeastLoad"),
  prefix_hash: prefixHash.default(() => ({ ...PREFIX_HASH_DEFAULTS })),
});

const scaling = z
  .strictObject({
    replicas: z.int().min(0).default(1),
    min_replicas: z.int().min(0).default(1),
    max_replicas: z.int().min(1).optional(),
    autoscaling_disabled: z.boolean().default(false),
    target_request: z.int().min(1).default(100),
    scale_down_delay_seconds: z.int().min(0).default(30),
    load_balancing: loadBalancing.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.max_replicas !== undefined && s.min_replicas > s.max_replicas) {
      ctx.addIssue({
        code: "custom",
        message: "min_replicas is greater than max_replicas",
        path: ["min_replicas"],
        input: s.min_replicas,
        params: { allowed: `at most max_replicas (${s.max_replicas})` },
      });
    }
  });

const files = z
  .array(z.strictObject({ path: ruled(absolutePathRule), content: z.string().max(100_000) }))
  .max(10)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((f, i) => {
      if (seen.has(f.path)) {
        ctx.addIssue({ code: "custom", message: "the same path twice", path: [i, "path"], input: f.path });
      }
      seen.add(f.path);
    });
  });

const KUBEAI_RUN_SHAPE = {
  env: z.record(ruled(envNameRule), z.string()).optional(),
  args: z.array(z.string()).optional(),
  cache_profile: nonEmpty.optional(),
  files: files.optional(),
  scaling: scaling.optional(),
  processors: z.int().min(1).optional(),
};

function runOnlyShape(kind: FunctionKind) {
  const base = { local_execution: z.boolean().optional() };
  return KUBEAI_KINDS.includes(kind) ? { ...base, ...KUBEAI_RUN_SHAPE } : base;
}

// --- schemas ------------------------------------------------------------------------------------

/** Builds a schema once per kind (validation runs on every call of the SDK). */
function perKind<T>(build: (kind: FunctionKind) => T): (kind: FunctionKind) => T {
  const cache = new Map<FunctionKind, T>();
  return (kind) => {
    let schema = cache.get(kind);
    if (schema === undefined) {
      schema = build(kind);
      cache.set(kind, schema);
    }
    return schema;
  };
}

export const functionSchema = perKind((kind) => z.strictObject(FUNCTION_SHAPES[kind]));

/** The task `serve` spec; `service_type` defaults to NodePort. */
export const taskSchema = perKind((kind) =>
  z.strictObject({
    function: z.string(),
    ...taskShape(kind),
    service_type: z.enum(SERVICE_TYPES).default("NodePort"),
  }),
);

/** What `fn.run({action: "serve", ...})` accepts besides `action`. */
export const runOptionsSchema = perKind((kind) =>
  z.strictObject({ ...FUNCTION_SHAPES[kind], ...taskShape(kind), ...runOnlyShape(kind) }),
);

/**
 * The merged run spec (function < task < run). The rules that need the whole spec are in
 * `mergedRules`, run separately so that they are reported together with the field errors
 * (zod skips an object's refinements once a field failed).
 */
export const runSpecSchema = perKind((kind) => {
  const speechDefaults =
    kind === "kubeai-speech"
      ? {
          features: uniqueList(z.enum(SPEECH_FEATURES)).default(["SpeechToText"]),
          engine: z.enum(SPEECH_ENGINES).default("FasterWhisper"),
        }
      : {};
  return z.strictObject({
    task: z.string(),
    function: z.string(),
    ...FUNCTION_SHAPES[kind],
    ...taskShape(kind),
    ...runOnlyShape(kind),
    ...speechDefaults,
    local_execution: z.boolean().default(false),
  });
});

export interface MergedFields {
  path?: string;
  url?: string;
  engine?: string;
  features?: string[];
  adapters?: unknown[];
  cache_profile?: string;
}

export interface CrossFieldIssue {
  path: string;
  message: string;
  given?: unknown;
  allowed: string;
}

/** Rules across fields of a merged spec; `spec` is the raw merged input (fields may be of any type). */
export function mergedRules(kind: FunctionKind, spec: MergedFields): CrossFieldIssue[] {
  const issues: CrossFieldIssue[] = [];
  const required = (path: string, allowed: string) =>
    issues.push({ path, message: "required: set it on the function or pass it to run()", allowed });

  if (kind === "sklearnserve" && spec.path === undefined) required("path", sklearnPathRule.allowed);
  if (kind === "mlflowserve" && spec.path === undefined) required("path", mlflowPathRule.allowed);
  if (kind === "huggingfaceserve" && spec.path === undefined) required("path", huggingfacePathRule.allowed);
  if (!KUBEAI_KINDS.includes(kind)) return issues;

  // kubeai-speech has a single engine and feature, filled in as defaults
  const engine = spec.engine ?? (kind === "kubeai-speech" ? "FasterWhisper" : undefined);
  const url = typeof spec.url === "string" ? spec.url : "";
  if (spec.url === undefined) required("url", kubeaiUrlRule.allowed);
  if (engine === undefined) required("engine", TEXT_ENGINES.join(", "));
  if (kind === "kubeai-text" && spec.features === undefined) required("features", TEXT_FEATURES.join(", "));
  if (engine === "OLlama" && spec.url !== undefined && !url.startsWith("ollama://")) {
    issues.push({
      path: "url",
      message: "the OLlama engine serves ollama:// models only",
      given: spec.url,
      allowed: "ollama://{model}",
    });
  }
  if (url.startsWith("ollama://") && engine !== undefined && engine !== "OLlama") {
    issues.push({
      path: "engine",
      message: "ollama:// models need the OLlama engine",
      given: engine,
      allowed: "OLlama",
    });
  }
  if (spec.adapters !== undefined && engine !== "VLLM") {
    issues.push({
      path: "adapters",
      message: "adapters need the VLLM engine",
      given: spec.adapters,
      allowed: "adapters only with engine VLLM",
    });
  }
  if (spec.cache_profile !== undefined && !/^(hf|s3):\/\//.test(url)) {
    issues.push({
      path: "cache_profile",
      message: "a cache profile works only with hf:// and s3:// urls",
      given: spec.cache_profile,
      allowed: "cache_profile with an hf:// or s3:// url",
    });
  }
  if (url.startsWith("s3://") && spec.cache_profile === undefined) {
    issues.push({
      path: "cache_profile",
      message: "s3:// urls need a cache_profile (KubeAI loads them through its model cache)",
      allowed: "the name of a KubeAI cache profile",
    });
  }
  return issues;
}
