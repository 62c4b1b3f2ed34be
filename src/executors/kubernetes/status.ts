import type { InferenceV2Info, OpenAIInfo, ServiceInfo } from "../../sdk/types.js";
import type { KubeObject } from "./objects.js";

/** Container waiting reasons that will not fix themselves: the run is in ERROR. */
const FATAL_WAITING_REASONS = new Set([
  "ImagePullBackOff",
  "ErrImagePull",
  "ErrImageNeverPull",
  "InvalidImageName",
  "CrashLoopBackOff",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
]);

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    terminated?: { exitCode?: number; reason?: string };
  };
}

interface PodView {
  metadata: { name: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

export interface PodSummary {
  name: string;
  phase: string;
  ready: boolean;
  reason?: string;
}

function podReady(pod: PodView): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** The first fatal container problem of a pod, as `<reason>: <message>` naming pod and container. */
export function podProblem(pod: PodView): string | undefined {
  const all = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const c of all) {
    const waiting = c.state?.waiting;
    if (waiting?.reason !== undefined && FATAL_WAITING_REASONS.has(waiting.reason)) {
      const detail = waiting.message ? `: ${waiting.message}` : "";
      return `${waiting.reason} (pod ${pod.metadata.name}, container ${c.name})${detail}`;
    }
  }
  return undefined;
}

/** Why a pod is not running yet, when the scheduler or kubelet said so. */
function podWaitingReason(pod: PodView): string | undefined {
  const unscheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  if (unscheduled !== undefined)
    return `${unscheduled.reason ?? "Unschedulable"}: ${unscheduled.message ?? ""}`.trim();
  for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const reason = c.state?.waiting?.reason;
    if (reason !== undefined) return `${reason} (container ${c.name})`;
  }
  return undefined;
}

export function summarizePods(pods: KubeObject[]): PodSummary[] {
  return (pods as unknown as PodView[]).map((pod) => {
    const summary: PodSummary = {
      name: pod.metadata.name,
      phase: pod.status?.phase ?? "Unknown",
      ready: podReady(pod),
    };
    const reason = podProblem(pod) ?? podWaitingReason(pod);
    if (reason !== undefined) summary.reason = reason;
    return summary;
  });
}

interface DeploymentView {
  metadata: { name: string; generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    readyReplicas?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

/**
 * The state of a V2 run from its Deployment and pods: ERROR on a fatal container state or a failed
 * rollout, RUNNING once the wanted replicas pass their readiness probe, else PENDING with the reason.
 */
export function deploymentState(
  deploymentObject: KubeObject | undefined,
  pods: KubeObject[],
): { state: "PENDING" | "RUNNING" | "ERROR"; message: string } {
  if (deploymentObject === undefined)
    return { state: "ERROR", message: "the run's Deployment does not exist" };
  const d = deploymentObject as unknown as DeploymentView;
  for (const pod of pods as unknown as PodView[]) {
    const problem = podProblem(pod);
    if (problem !== undefined) return { state: "ERROR", message: problem };
  }
  const failure = d.status?.conditions?.find(
    (c) =>
      (c.type === "ReplicaFailure" && c.status === "True") ||
      (c.type === "Progressing" && c.status === "False" && c.reason === "ProgressDeadlineExceeded"),
  );
  if (failure !== undefined)
    return { state: "ERROR", message: `${failure.reason ?? failure.type}: ${failure.message ?? ""}`.trim() };
  const wanted = d.spec?.replicas ?? 1;
  const ready = d.status?.readyReplicas ?? 0;
  const current = (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
  if (current && ready >= wanted && wanted > 0) {
    return { state: "RUNNING", message: `${ready}/${wanted} replicas ready` };
  }
  const reasons = summarizePods(pods)
    .map((p) => p.reason)
    .filter((r): r is string => r !== undefined);
  const why = reasons.length > 0 ? `: ${reasons[0]}` : pods.length === 0 ? ": no pods yet" : "";
  return { state: "PENDING", message: `${ready}/${wanted} replicas ready${why}` };
}

interface ServiceView {
  metadata: { name: string; namespace: string };
  spec: {
    type?: string;
    clusterIP?: string;
    externalIPs?: string[];
    externalName?: string;
    ports?: {
      name?: string;
      port: number;
      targetPort?: number | string;
      nodePort?: number;
      protocol?: string;
    }[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/** `status.service` plus, for NodePort services, where a node answers (address and node ports). */
export interface KubernetesServiceInfo extends ServiceInfo {
  nodeAddress?: string;
  nodeUrls?: string[];
}

/**
 * `status.service` as the original platform filled it (§1.4): `url` = `<service>.<namespace>:<port>`
 * without scheme, `urls` for every port; for a LoadBalancer with an ingress, `<ingress>:<port>`. For a
 * NodePort service the node's address and node ports are added (`nodeAddress`, `nodeUrls`).
 */
export function serviceInfo(
  serviceObject: KubeObject,
  nodeAddress?: string,
  aliases: string[] = [],
): KubernetesServiceInfo {
  const s = serviceObject as unknown as ServiceView;
  const ports = (s.spec.ports ?? []).map((p) => {
    const out: NonNullable<ServiceInfo["ports"]>[number] = { port: p.port };
    if (p.name !== undefined) out.name = p.name;
    if (typeof p.targetPort === "number") out.targetPort = p.targetPort;
    if (p.nodePort !== undefined) out.nodePort = p.nodePort;
    if (p.protocol !== undefined) out.protocol = p.protocol;
    return out;
  });
  const ingress = s.status?.loadBalancer?.ingress?.[0];
  const host =
    s.spec.type === "LoadBalancer" && ingress !== undefined
      ? (ingress.hostname ?? ingress.ip ?? "")
      : `${s.metadata.name}.${s.metadata.namespace}`;
  const urls = ports.map((p) => `${host}:${p.port}`);
  const info: KubernetesServiceInfo = {
    url: urls[0] ?? host,
    name: s.metadata.name,
    namespace: s.metadata.namespace,
    type: s.spec.type ?? "ClusterIP",
    ports,
  };
  if (urls.length > 1) info.urls = urls;
  if (s.spec.clusterIP !== undefined) info.clusterIP = s.spec.clusterIP;
  if (s.spec.externalIPs !== undefined) info.externalIps = s.spec.externalIPs;
  if (ingress?.ip !== undefined) info.ip = ingress.ip;
  if (ingress?.hostname !== undefined) info.hostname = ingress.hostname;
  if (aliases.length > 0) info.aliases = aliases;
  if (s.spec.type === "NodePort" && nodeAddress !== undefined) {
    info.nodeAddress = nodeAddress;
    info.nodeUrls = ports.filter((p) => p.nodePort !== undefined).map((p) => `${nodeAddress}:${p.nodePort}`);
  }
  return info;
}

/** `status.inference_v2`: the Open Inference Protocol endpoints under the service URL. */
export function inferenceV2(baseUrl: string, model: string): InferenceV2Info {
  return {
    baseUrl,
    model,
    inferenceUrl: `${baseUrl}/v2/models/${model}/infer`,
    modelMetadataUrl: `${baseUrl}/v2/models/${model}`,
    modelReadinessUrl: `${baseUrl}/v2/models/${model}/ready`,
    readinessUrl: `${baseUrl}/v2/health/ready`,
    livenessUrl: `${baseUrl}/v2/health/live`,
  };
}

interface ModelView {
  spec?: {
    features?: string[];
    engine?: string;
    url?: string;
    adapters?: { name: string }[];
    replicas?: number;
    minReplicas?: number;
  };
  status?: { replicas?: { all?: number; ready?: number } };
}

/**
 * The state of a KubeAI run: RUNNING once the KubeAI operator reports a ready replica (the original
 * platform said RUNNING as soon as the object existed), ERROR on a fatal pod state, else PENDING.
 */
export function kubeaiState(
  model: KubeObject | undefined,
  pods: KubeObject[],
): { state: "PENDING" | "RUNNING" | "ERROR"; message: string } {
  if (model === undefined) return { state: "ERROR", message: "the run's KubeAI Model does not exist" };
  for (const pod of pods as unknown as PodView[]) {
    const problem = podProblem(pod);
    if (problem !== undefined) return { state: "ERROR", message: problem };
  }
  const m = model as unknown as ModelView;
  const ready = m.status?.replicas?.ready ?? 0;
  const all = m.status?.replicas?.all ?? 0;
  if (ready > 0)
    return { state: "RUNNING", message: `model ${model.metadata.name} ready (${ready}/${all} replicas)` };
  return { state: "PENDING", message: `model ${model.metadata.name} not ready (${ready}/${all} replicas)` };
}

/** `status.service` and `status.openai` of a KubeAI run, pointing at KubeAI's OpenAI-compatible API. */
export function kubeaiEndpoints(
  model: KubeObject,
  endpoint: string,
): { service: ServiceInfo; openai: OpenAIInfo } {
  const m = model as unknown as ModelView;
  const base = `${endpoint.replace(/\/+$/, "")}/openai/v1`;
  const features = m.spec?.features ?? [];
  const urls = [`${base}/models`];
  if (features.includes("TextGeneration")) urls.push(`${base}/chat/completions`, `${base}/completions`);
  if (features.includes("TextEmbedding")) urls.push(`${base}/embeddings`);
  if (features.includes("SpeechToText")) urls.push(`${base}/audio/transcriptions`);
  const openai: OpenAIInfo = {
    baseUrl: base,
    model: model.metadata.name,
    modelUrl: m.spec?.url,
    engine: m.spec?.engine,
    features,
    adapters: (m.spec?.adapters ?? []).map((a) => ({ name: a.name })),
  };
  return { service: { url: base, urls }, openai };
}
