import type { RunSpec } from "../../sdk/types.js";
import { KubernetesSpecError } from "./errors.js";
import { affinity, envVars, nodeSelector, resources, tolerations, type VolumePlan } from "./fields.js";
import { huggingfaceArgs } from "./huggingface.js";
import type { RunIdentity } from "./identity.js";
import { baseName, type ModelSource } from "./model-source.js";
import type { Json, KubeObject } from "./objects.js";
import type { Profile } from "./profiles.js";
import type { KubernetesSettings } from "./settings.js";

export const HTTP_PORT = 8080;
export const GRPC_PORT = 8081;
/** Where models land in the pod (KServe's convention). */
export const MODEL_DIR = "/mnt/models";
/** Where MLServer's model-settings.json is mounted. */
export const SETTINGS_DIR = "/mnt/settings";
const MODEL_VOLUME = "model-store";
const SETTINGS_VOLUME = "model-settings";
/** MLServer and KServe images run as this non-root user. */
const SERVER_UID = 1000;

export interface V2Inputs {
  id: RunIdentity;
  spec: RunSpec;
  namespace: string;
  settings: KubernetesSettings;
  profile?: { name: string; profile: Profile };
  source: ModelSource;
  volumes: VolumePlan;
  /** the run's credentials Secret, when it has one, and which container reads it */
  secret?: { name: string; for: "init" | "server" };
}

/** The path the server loads the model from. */
function modelPathInPod(kind: RunIdentity["kind"], source: ModelSource): string {
  if (source.type === "claim") return source.subPath === "" ? MODEL_DIR : `${MODEL_DIR}/${source.subPath}`;
  if (kind === "sklearnserve") {
    const file = baseName(source.uri);
    if (!/\.(pkl|joblib)$/.test(file)) {
      throw new KubernetesSpecError(
        `sklearnserve needs the model file itself (.pkl or .joblib), got ${source.uri}: point the path at the file`,
      );
    }
    return `${MODEL_DIR}/${file}`;
  }
  return MODEL_DIR;
}

/** MLServer's model-settings.json: the model's name, its runtime, and where its file is. */
export function modelSettings(id: RunIdentity, source: ModelSource): Json {
  const implementation =
    id.kind === "mlflowserve" ? "mlserver_mlflow.MLflowRuntime" : "mlserver_sklearn.SKLearnModel";
  return { name: id.modelName, implementation, parameters: { uri: modelPathInPod(id.kind, source) } };
}

export function settingsConfigMap(inputs: V2Inputs): KubeObject {
  const { id, namespace, source } = inputs;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: id.names.settings, namespace, labels: id.labels },
    data: { "model-settings.json": `${JSON.stringify(modelSettings(id, source), null, 2)}\n` },
  };
}

function serverContainer(inputs: V2Inputs): Json {
  const { id, spec, settings, profile, source, volumes } = inputs;
  const image =
    spec.image ||
    (id.kind === "huggingfaceserve"
      ? settings.images.huggingface
      : settings.images[id.kind === "mlflowserve" ? "mlflow" : "sklearn"]);
  const mounts: Json[] = [...volumes.mounts];
  if (source.type !== "hub") mounts.push({ name: MODEL_VOLUME, mountPath: MODEL_DIR, readOnly: true });
  const container: Json = { name: id.names.container, image };
  if (id.kind === "huggingfaceserve") {
    // The image's entrypoint is the server (python -m huggingfaceserver); only its flags are ours.
    container.args = huggingfaceArgs(spec, id.modelName, source, modelPathInPod(id.kind, source));
  } else {
    container.command = ["mlserver"];
    container.args = ["start", SETTINGS_DIR];
    mounts.push({ name: SETTINGS_VOLUME, mountPath: SETTINGS_DIR, readOnly: true });
  }
  container.ports = [
    { name: "http", containerPort: HTTP_PORT, protocol: "TCP" },
    { name: "grpc", containerPort: GRPC_PORT, protocol: "TCP" },
  ];
  container.env = envVars({ PROJECT_NAME: id.project, RUN_ID: id.runId }, spec, profile?.profile);
  const envFrom: Json[] = (spec.secrets ?? []).map((name) => ({ secretRef: { name } }));
  if (inputs.secret?.for === "server") envFrom.push({ secretRef: { name: inputs.secret.name } });
  if (envFrom.length > 0) container.envFrom = envFrom;
  const res = resources(spec, profile?.profile);
  if (res !== undefined) container.resources = res;
  container.readinessProbe = {
    httpGet: { path: "/v2/health/ready", port: "http" },
    periodSeconds: 5,
    failureThreshold: 3,
  };
  container.volumeMounts = mounts;
  container.securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
  return container;
}

function initContainer(inputs: V2Inputs): Json | undefined {
  const { source, settings, secret } = inputs;
  if (source.type !== "download") return undefined;
  const container: Json = {
    name: "model-initializer",
    image: settings.images.storageInitializer,
    args: [source.uri, MODEL_DIR],
    resources: { requests: { cpu: "100m", memory: "100Mi" }, limits: { memory: "1Gi" } },
    volumeMounts: [{ name: MODEL_VOLUME, mountPath: MODEL_DIR }],
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
  };
  if (secret?.for === "init") container.envFrom = [{ secretRef: { name: secret.name } }];
  return container;
}

function podVolumes(inputs: V2Inputs): Json[] {
  const { id, source, volumes } = inputs;
  const out: Json[] = [...volumes.volumes];
  if (source.type === "download") out.push({ name: MODEL_VOLUME, emptyDir: {} });
  if (source.type === "claim") {
    out.push({ name: MODEL_VOLUME, persistentVolumeClaim: { claimName: source.claim, readOnly: true } });
  }
  if (id.kind !== "huggingfaceserve")
    out.push({ name: SETTINGS_VOLUME, configMap: { name: id.names.settings } });
  return out;
}

export function deployment(inputs: V2Inputs): KubeObject {
  const { id, spec, namespace, profile } = inputs;
  const p = profile?.profile;
  const podLabels: Record<string, string> = { ...(p?.labels ?? {}), ...id.labels };
  if (profile !== undefined) podLabels["modelserve/profile"] = profile.name;
  const podSpec: Json = {
    securityContext: {
      runAsNonRoot: true,
      runAsUser: SERVER_UID,
      runAsGroup: SERVER_UID,
      fsGroup: SERVER_UID,
      seccompProfile: { type: "RuntimeDefault" },
    },
  };
  const init = initContainer(inputs);
  if (init !== undefined) podSpec.initContainers = [init];
  podSpec.containers = [serverContainer(inputs)];
  podSpec.volumes = podVolumes(inputs);
  const selector = nodeSelector(spec, p);
  if (selector !== undefined) podSpec.nodeSelector = selector;
  const tol = tolerations(spec, p);
  if (tol !== undefined) podSpec.tolerations = tol;
  const aff = affinity(spec, p);
  if (aff !== undefined) podSpec.affinity = aff;
  const runtimeClass = spec.runtime_class ?? p?.runtime_class;
  if (runtimeClass !== undefined) podSpec.runtimeClassName = runtimeClass;
  const priorityClass = spec.priority_class ?? p?.priority_class;
  if (priorityClass !== undefined) podSpec.priorityClassName = priorityClass;
  if (p?.service_account !== undefined) podSpec.serviceAccountName = p.service_account;
  if (p?.image_pull_secrets !== undefined)
    podSpec.imagePullSecrets = p.image_pull_secrets.map((name) => ({ name }));
  const template: Json = { metadata: { labels: podLabels }, spec: podSpec };
  if (p?.annotations !== undefined) (template.metadata as Json).annotations = p.annotations;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: id.names.deployment, namespace, labels: id.labels },
    spec: {
      replicas: spec.replicas ?? p?.replicas ?? 1,
      selector: { matchLabels: id.selector },
      template,
    },
  };
}

/** The run's Service (ports 8080 HTTP and 8081 gRPC), and an alias Service when `service_name` is set. */
export function services(inputs: V2Inputs): KubeObject[] {
  const { id, spec, namespace, profile } = inputs;
  const type = spec.service_type ?? profile?.profile.service_type ?? "NodePort";
  if (type === "ExternalName") {
    throw new KubernetesSpecError(
      "service_type ExternalName cannot expose a run's pods: use ClusterIP, NodePort or LoadBalancer",
    );
  }
  const service = (name: string, type: string): KubeObject => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, labels: id.labels },
    spec: {
      type,
      selector: id.selector,
      ports: [
        { name: "http", port: HTTP_PORT, targetPort: "http", protocol: "TCP" },
        { name: "grpc", port: GRPC_PORT, targetPort: "grpc", protocol: "TCP" },
      ],
    },
  });
  const out = [service(id.names.service, type)];
  // The alias is a stable in-cluster name for the function; it needs no node port of its own.
  if (spec.service_name) out.push(service(id.names.alias(spec.service_name), "ClusterIP"));
  return out;
}
