import type { RunSpec } from "../../sdk/types.js";
import { KubernetesSpecError } from "./errors.js";
import type { RunIdentity } from "./identity.js";
import type { Json, KubeObject } from "./objects.js";

/** KubeAI serves at most 10 files per Model (its CRD's limit). */
const MAX_FILES = 10;

/**
 * The KubeAI `Model` (kubeai.org/v1) of a kubeai-text or kubeai-speech run, in the CRD's camelCase
 * (the original platform sent `prefix_hash` etc., which the structural schema pruned). For these kinds
 * `profile` names a KubeAI resource profile, as on the original platform: `<profile|cpu>:<processors|1>`.
 */
export function kubeaiModel(
  id: RunIdentity,
  spec: RunSpec,
  namespace: string,
  url: string,
  secret?: string,
): KubeObject {
  const speech = id.kind === "kubeai-speech";
  const out: Json = {
    url,
    engine: speech ? "FasterWhisper" : (spec.engine ?? "VLLM"),
    features: speech ? ["SpeechToText"] : (spec.features ?? ["TextGeneration"]),
    resourceProfile: `${spec.profile || "cpu"}:${spec.processors ?? 1}`,
  };
  if (spec.image) out.image = spec.image;
  if (spec.args !== undefined && spec.args.length > 0) out.args = spec.args;
  const env: Record<string, string> = {};
  for (const { name, value } of spec.envs ?? []) env[name] = String(value);
  Object.assign(env, spec.env ?? {});
  if (Object.keys(env).length > 0) out.env = env;
  const envFrom: Json[] = (spec.secrets ?? []).map((name) => ({ secretRef: { name } }));
  if (secret !== undefined) envFrom.push({ secretRef: { name: secret } });
  if (envFrom.length > 0) out.envFrom = envFrom;
  if (spec.cache_profile) out.cacheProfile = spec.cache_profile;
  if (spec.files !== undefined && spec.files.length > 0) {
    if (spec.files.length > MAX_FILES) {
      throw new KubernetesSpecError(
        `KubeAI accepts at most ${MAX_FILES} files per model, got ${spec.files.length}`,
      );
    }
    out.files = spec.files.map((f, i) => {
      if (!f.path || f.content === undefined) {
        throw new KubernetesSpecError(`files[${i}] needs both path (absolute) and content`);
      }
      return { path: f.path, content: f.content };
    });
  }
  if (spec.adapters !== undefined && spec.adapters.length > 0) {
    out.adapters = spec.adapters.map((a, i) => {
      if (!a.name || !a.url) throw new KubernetesSpecError(`adapters[${i}] needs both name and url`);
      return { name: a.name, url: a.url };
    });
  }
  const s = spec.scaling as (RunSpec["scaling"] & { target_requests?: number }) | undefined;
  if (s !== undefined) {
    if (s.replicas !== undefined) out.replicas = s.replicas;
    if (s.min_replicas !== undefined) out.minReplicas = s.min_replicas;
    if (s.max_replicas !== undefined) out.maxReplicas = s.max_replicas;
    if (s.autoscaling_disabled !== undefined) out.autoscalingDisabled = s.autoscaling_disabled;
    // The SDK spells it target_request, the original Core target_requests: both are accepted.
    const target = s.target_requests ?? s.target_request;
    if (target !== undefined) out.targetRequests = target;
    if (s.scale_down_delay_seconds !== undefined) out.scaleDownDelaySeconds = s.scale_down_delay_seconds;
    if (s.load_balancing !== undefined) {
      const lb: Json = { strategy: s.load_balancing.strategy };
      const ph = s.load_balancing.prefix_hash;
      if (ph !== undefined) {
        lb.prefixHash = {
          meanLoadFactor: ph.mean_load_factor,
          replication: ph.replication,
          prefixCharLength: ph.prefix_char_length,
        };
      }
      out.loadBalancing = lb;
    }
  } else if (spec.replicas !== undefined) {
    out.minReplicas = spec.replicas;
  }
  if (spec.priority_class) out.priorityClassName = spec.priority_class;
  return {
    apiVersion: "kubeai.org/v1",
    kind: "Model",
    metadata: { name: id.names.model, namespace, labels: id.labels },
    spec: out,
  };
}
