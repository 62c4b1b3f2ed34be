/**
 * The JSON wire shapes of modelserve entities. They follow the original platform (DigitalHub SDK + Core):
 * `{kind, metadata, spec, status, key, project, id, name}` with snake_case spec keys, so a run exported
 * from here reads like a run from the original and a remote backend can store it unchanged.
 * Reference: shared/reference/digitalhub-python-runtime.md §1, §2, §4, §5.
 */

// ---------------------------------------------------------------------------------------------------
// Kinds

export const FUNCTION_KINDS = [
  "sklearnserve",
  "mlflowserve",
  "huggingfaceserve",
  "kubeai-text",
  "kubeai-speech",
] as const;
export type FunctionKind = (typeof FUNCTION_KINDS)[number];

/** The only task action of the modelserve runtime. */
export const TASK_ACTIONS = ["serve"] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

/** `<function kind>+serve` */
export type TaskKind = `${FunctionKind}+serve`;
/** `<function kind>+serve:run` */
export type RunKind = `${FunctionKind}+serve:run`;

/** Model entity kinds; `store://{project}/model/{kind}/{name}:{id}` paths point at these. */
export const MODEL_KINDS = ["model", "sklearn", "mlflow", "huggingface"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** Entity types as they appear in keys: `store://{project}/{type}/{kind}/...`. */
export type EntityType = "project" | "function" | "task" | "run" | "model";

// ---------------------------------------------------------------------------------------------------
// Run states (Core FSM, §4.2)

export const RUN_STATES = [
  "CREATED",
  "BUILT",
  "READY",
  "PENDING",
  "RUNNING",
  "COMPLETED",
  "STOP",
  "STOPPED",
  "RESUME",
  "ERROR",
  "DELETING",
  "DELETED",
] as const;
export type RunState = (typeof RUN_STATES)[number];

// ---------------------------------------------------------------------------------------------------
// Spec building blocks (snake_case, as on the wire)

export interface KubeaiAdapter {
  name?: string;
  url?: string;
}

export const KUBEAI_FEATURES = ["TextGeneration", "TextEmbedding", "SpeechToText"] as const;
export type KubeaiFeature = (typeof KUBEAI_FEATURES)[number];

export const KUBEAI_ENGINES = ["OLlama", "VLLM", "FasterWhisper", "Infinity"] as const;
export type KubeaiEngine = (typeof KUBEAI_ENGINES)[number];

export const HUGGINGFACE_TASKS = [
  "sequence_classification",
  "token_classification",
  "fill_mask",
  "text_generation",
  "text2text_generation",
  "text_embedding",
] as const;
export type HuggingfaceTask = (typeof HUGGINGFACE_TASKS)[number];

export const HUGGINGFACE_BACKENDS = ["AUTO", "VLLM", "HUGGINGFACE"] as const;
export type HuggingfaceBackend = (typeof HUGGINGFACE_BACKENDS)[number];

export const HUGGINGFACE_DTYPES = ["AUTO", "FLOAT32", "FLOAT16", "BFLOAT16", "FLOAT", "HALF"] as const;
export type HuggingfaceDtype = (typeof HUGGINGFACE_DTYPES)[number];

export const SERVICE_TYPES = ["ExternalName", "ClusterIP", "NodePort", "LoadBalancer"] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const VOLUME_TYPES = ["persistent_volume_claim", "empty_dir", "ephemeral", "shared_volume"] as const;
export type VolumeType = (typeof VOLUME_TYPES)[number];

export const LOAD_BALANCING_STRATEGIES = ["LeastLoad", "PrefixHash"] as const;
export type LoadBalancingStrategy = (typeof LOAD_BALANCING_STRATEGIES)[number];

export interface NodeSelector {
  key: string;
  value: string;
}

export interface Volume {
  volume_type: VolumeType;
  name: string;
  mount_path: string;
  spec?: { size_limit?: string; medium?: string; size?: string };
}

/** Kubernetes quantities as strings, e.g. `{cpu: "1", mem: "1Gi", gpu: "1"}`. */
export interface Resources {
  cpu?: string;
  mem?: string;
  gpu?: string;
}

/** Kubernetes V1 affinity objects in snake_case; passed through to the executor as given. */
export interface Affinity {
  node_affinity?: Record<string, unknown>;
  pod_affinity?: Record<string, unknown>;
  pod_anti_affinity?: Record<string, unknown>;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  toleration_seconds?: number;
}

export interface EnvVar {
  name: string;
  value: string;
}

export interface KubeaiFile {
  path?: string;
  content?: string;
}

export interface PrefixHash {
  mean_load_factor: number;
  replication: number;
  prefix_char_length: number;
}

export interface LoadBalancing {
  strategy: LoadBalancingStrategy;
  prefix_hash: PrefixHash;
}

/** KubeAI scaling; defaults are filled in when `scaling` is given (see schemas). */
export interface Scaling {
  replicas: number;
  min_replicas: number;
  max_replicas?: number;
  autoscaling_disabled: boolean;
  target_request: number;
  scale_down_delay_seconds: number;
  load_balancing?: LoadBalancing;
}

// ---------------------------------------------------------------------------------------------------
// Specs

/** Fields every function kind has. */
export interface FunctionSpecBase {
  model_name?: string;
  image?: string;
}

export interface SklearnServeFunctionSpec extends FunctionSpecBase {
  /** a `.pkl`/`.joblib` file (local or s3://) or `store://{project}/model/sklearn/...` */
  path?: string;
}

export interface MlflowServeFunctionSpec extends FunctionSpecBase {
  /** a folder (with the MLmodel file), a `.zip`, or `store://{project}/model/mlflow/...` */
  path?: string;
}

export interface HuggingfaceServeFunctionSpec extends FunctionSpecBase {
  /** a folder, a `.zip`, `hf://`, `huggingface://` or `store://{project}/model/huggingface/...` */
  path?: string;
}

export interface KubeaiTextFunctionSpec extends FunctionSpecBase {
  /** `hf://`, `s3://`, `pvc://`, `ollama://` or `store://{project}/model/huggingface/...` */
  url?: string;
  adapters?: KubeaiAdapter[];
  features?: KubeaiFeature[];
  engine?: KubeaiEngine;
}

export interface KubeaiSpeechFunctionSpec extends FunctionSpecBase {
  url?: string;
  adapters?: KubeaiAdapter[];
  features?: KubeaiFeature[];
  engine?: KubeaiEngine;
}

export interface FunctionSpecByKind {
  sklearnserve: SklearnServeFunctionSpec;
  mlflowserve: MlflowServeFunctionSpec;
  huggingfaceserve: HuggingfaceServeFunctionSpec;
  "kubeai-text": KubeaiTextFunctionSpec;
  "kubeai-speech": KubeaiSpeechFunctionSpec;
}
export type FunctionSpec = FunctionSpecByKind[FunctionKind];

/** Kubernetes placement and environment fields shared by tasks and runs. */
export interface K8sSpec {
  node_selector?: NodeSelector[];
  volumes?: Volume[];
  resources?: Resources;
  affinity?: Affinity;
  tolerations?: Toleration[];
  envs?: EnvVar[];
  secrets?: string[];
  profile?: string;
  runtime_class?: string;
  priority_class?: string;
}

/** The Hugging Face serving options (task level, huggingfaceserve only). */
export interface HuggingfaceServeOptions {
  huggingface_task?: HuggingfaceTask;
  backend?: HuggingfaceBackend;
  tokenizer_revision?: string;
  max_length?: number;
  disable_lower_case?: boolean;
  disable_special_tokens?: boolean;
  dtype?: HuggingfaceDtype;
  trust_remote_code?: boolean;
  tensor_input_names?: string[];
  return_token_type_ids?: boolean;
  return_probabilities?: boolean;
  disable_log_requests?: boolean;
  max_log_len?: number;
}

/** Task `serve` spec: `function` is the reference string `{kind}://{project}/{name}:{id}`. */
export interface ServeTaskSpec extends K8sSpec, HuggingfaceServeOptions {
  function: string;
  replicas?: number;
  service_type: ServiceType;
  service_name?: string;
}

/** The KubeAI run options. */
export interface KubeaiRunOptions {
  env?: Record<string, string>;
  args?: string[];
  cache_profile?: string;
  files?: KubeaiFile[];
  scaling?: Scaling;
  processors?: number;
}

/**
 * A run spec after BUILT: function < task < run fields merged (run wins) and validated for the kind.
 * `task` is `{task kind}://{project}/{task id}`, `function` is `{fn kind}://{project}/{name}:{id}`.
 * Which optional fields may appear depends on the function kind (the schemas enforce it).
 */
export interface RunSpec extends K8sSpec, HuggingfaceServeOptions, KubeaiRunOptions, FunctionSpecBase {
  task: string;
  function: string;
  local_execution: boolean;
  path?: string;
  url?: string;
  adapters?: KubeaiAdapter[];
  features?: KubeaiFeature[];
  engine?: KubeaiEngine;
  replicas?: number;
  service_type?: ServiceType;
  service_name?: string;
}

/** What `fn.run({action: "serve", ...})` accepts besides `action`: task fields and run fields. */
export type RunOptions = Partial<Omit<ServeTaskSpec, "function">> &
  Partial<Omit<RunSpec, "task" | "function">> &
  Partial<FunctionSpecBase>;

// ---------------------------------------------------------------------------------------------------
// Status

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number;
  nodePort?: number;
  protocol?: string;
}

/**
 * `status.service` as the Core fills it (§1.4): `url` has NO scheme, e.g. `"s-...-id.ns:8080"` or
 * `"127.0.0.1:8080"`; `urls` lists every port (only when there is more than one).
 */
export interface ServiceInfo {
  url: string;
  urls?: string[];
  name?: string;
  namespace?: string;
  type?: ServiceType | string;
  clusterIP?: string;
  ports?: ServicePort[];
  externalIps?: string[];
  ip?: string;
  hostname?: string;
  externalName?: string;
  aliases?: string[];
}

/** `status.inference_v2` (Core HEAD): the Open Inference Protocol endpoints of a V2 run. */
export interface InferenceV2Info {
  baseUrl: string;
  model: string;
  inferenceUrl: string;
  modelMetadataUrl: string;
  modelReadinessUrl: string;
  readinessUrl: string;
  livenessUrl: string;
}

/** `status.openai` of KubeAI runs. */
export interface OpenAIInfo {
  baseUrl: string;
  status?: string;
  engine?: string;
  model?: string;
  modelUrl?: string;
  adapters?: { name: string }[];
  features?: string[];
}

/** One entry of `status.transitions` (newest first). */
export interface Transition {
  status: RunState;
  message?: string;
  /** ISO-8601 */
  time: string;
}

export interface RunStatus {
  state: RunState;
  message?: string;
  transitions?: Transition[];
  service?: ServiceInfo;
  inference_v2?: InferenceV2Info;
  openai?: OpenAIInfo;
  k8s?: Record<string, unknown>;
  metrics: Record<string, unknown>;
  /** Unknown keys reported by an executor are kept (as the original SDK did). */
  [key: string]: unknown;
}

export interface EntityStatus {
  state: string;
  [key: string]: unknown;
}

// ---------------------------------------------------------------------------------------------------
// Entities

export interface Relationship {
  type: string;
  dest: string;
}

export interface EntityMetadata {
  project: string;
  name: string;
  description?: string;
  labels?: string[];
  embedded?: boolean;
  /** ISO-8601 */
  created: string;
  /** ISO-8601 */
  updated: string;
  /** versioned entities (function, model): the version id, equal to `id` */
  version?: string;
  relationships?: Relationship[];
}

/** The common JSON shape. */
export interface Entity<K extends string, S, St> {
  kind: K;
  metadata: EntityMetadata;
  spec: S;
  status: St;
  key: string;
  project: string;
  /** uuid4, 32 hex characters without dashes */
  id: string;
  name: string;
}

export interface ProjectSpec {
  description?: string;
  source?: string;
  config: Record<string, unknown>;
}

export type ProjectEntity = Entity<"project", ProjectSpec, EntityStatus>;

export type FunctionEntity<K extends FunctionKind = FunctionKind> = Entity<
  K,
  FunctionSpecByKind[K],
  EntityStatus
>;

export type TaskEntity = Entity<TaskKind, ServeTaskSpec, EntityStatus>;

export type RunEntity = Entity<RunKind, RunSpec, RunStatus>;

export interface ModelSpec {
  /** where the artifact is: a local path, `s3://...`, `hf://...` */
  path: string;
  framework?: string;
  algorithm?: string;
  parameters?: Record<string, unknown>;
}

export type ModelEntity = Entity<ModelKind, ModelSpec, EntityStatus>;
