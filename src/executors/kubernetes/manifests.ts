import { stringify } from "yaml";
import type { RunEntity } from "../../sdk/types.js";
import { hubCredentials, storageCredentials } from "./credentials.js";
import { KubernetesSpecError } from "./errors.js";
import { volumes } from "./fields.js";
import { type RunIdentity, runIdentity } from "./identity.js";
import { kubeaiModel } from "./kubeai.js";
import { classifyModelSource } from "./model-source.js";
import type { KubeObject, OwnerReference } from "./objects.js";
import { selectProfile } from "./profiles.js";
import { type KubernetesSettings, settingsFromEnv } from "./settings.js";
import { deployment, services, settingsConfigMap, type V2Inputs } from "./v2-server.js";

export interface RenderOptions {
  namespace: string;
  settings: KubernetesSettings;
  /** the caller's environment: credentials for model downloads are copied from it into the run's Secret */
  env: NodeJS.ProcessEnv;
  /** the model's location with a `store://` key already resolved (defaults to the spec's path/url) */
  modelLocation?: string;
  /** uid of the run's root object once it exists: every other object then points at it as owner */
  rootUid?: string;
}

/**
 * A run's objects. `root` is a ConfigMap that owns everything else, so deleting it lets the garbage
 * collector remove the rest; `workload` is what `stop` removes (the Deployment, or the KubeAI Model);
 * `supporting` (Secret, ConfigMap, claims, Services) stays while a run is stopped, so a resumed run
 * keeps its Service address and node port.
 */
export interface RunObjects {
  identity: RunIdentity;
  root: KubeObject;
  supporting: KubeObject[];
  workload: KubeObject[];
}

function rootObject(id: RunIdentity, run: RunEntity, namespace: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: id.names.root, namespace, labels: id.labels },
    data: { run: run.key, function: run.spec.function, task: run.spec.task },
  };
}

function secretObject(id: RunIdentity, namespace: string, data: Record<string, string>): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: id.names.secret, namespace, labels: id.labels },
    type: "Opaque",
    stringData: data,
  };
}

function claimObject(
  id: RunIdentity,
  namespace: string,
  claim: { name: string; size: string; storageClass?: string },
): KubeObject {
  const spec: Record<string, unknown> = {
    accessModes: ["ReadWriteOnce"],
    volumeMode: "Filesystem",
    resources: { requests: { storage: claim.size } },
  };
  if (claim.storageClass !== undefined) spec.storageClassName = claim.storageClass;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: claim.name, namespace, labels: id.labels },
    spec,
  };
}

/** Renders a run's objects; pure (no API calls). */
export function renderRunObjects(run: RunEntity, options: RenderOptions): RunObjects {
  const id = runIdentity(run);
  const { namespace, settings, env } = options;
  const spec = run.spec;
  const root = rootObject(id, run, namespace);
  const supporting: KubeObject[] = [];
  const workload: KubeObject[] = [];
  const location = options.modelLocation ?? (id.kind.startsWith("kubeai-") ? spec.url : spec.path);
  if (location === undefined || location === "") {
    const field = id.kind.startsWith("kubeai-") ? "url" : "path";
    throw new KubernetesSpecError(
      `a ${id.kind} run needs the model's ${field} (set it on the function or the run)`,
    );
  }
  if (id.kind === "kubeai-text" || id.kind === "kubeai-speech") {
    const credentials = location.startsWith("s3://")
      ? storageCredentials(env)
      : location.startsWith("hf://")
        ? hubCredentials(env)
        : {};
    const hasSecret = Object.keys(credentials).length > 0;
    if (hasSecret) supporting.push(secretObject(id, namespace, credentials));
    workload.push(kubeaiModel(id, spec, namespace, location, hasSecret ? id.names.secret : undefined));
  } else {
    const source = classifyModelSource(location);
    const profile = selectProfile(settings.profiles, spec.profile);
    const credentials =
      source.type === "download" ? storageCredentials(env) : source.type === "hub" ? hubCredentials(env) : {};
    const inputs: V2Inputs = {
      id,
      spec,
      namespace,
      settings,
      profile,
      source,
      volumes: volumes(spec, profile?.profile, id.names.claim),
    };
    if (Object.keys(credentials).length > 0) {
      supporting.push(secretObject(id, namespace, credentials));
      inputs.secret = { name: id.names.secret, for: source.type === "download" ? "init" : "server" };
    }
    if (id.kind !== "huggingfaceserve") supporting.push(settingsConfigMap(inputs));
    for (const claim of inputs.volumes.claims) supporting.push(claimObject(id, namespace, claim));
    supporting.push(...services(inputs));
    workload.push(deployment(inputs));
  }
  if (options.rootUid !== undefined) {
    const owner: OwnerReference = {
      apiVersion: "v1",
      kind: "ConfigMap",
      name: root.metadata.name,
      uid: options.rootUid,
      blockOwnerDeletion: true,
    };
    for (const object of [...supporting, ...workload]) object.metadata.ownerReferences = [owner];
  }
  return { identity: id, root, supporting, workload };
}

/** Every object of a run in apply order (root first). */
export function allObjects(objects: RunObjects): KubeObject[] {
  return [objects.root, ...objects.supporting, ...objects.workload];
}

/**
 * What `modelserve run ... --dry-run -o yaml` prints: the objects a run would create, without applying
 * them (no owner references yet: they need the root object's uid). Secret values are redacted unless
 * `showSecrets` is set. `store://` paths must be resolved by the caller (`modelLocation`).
 */
export function renderManifests(
  run: RunEntity,
  options: Partial<RenderOptions> & { showSecrets?: boolean } = {},
): KubeObject[] {
  const env = options.env ?? process.env;
  const settings = options.settings ?? settingsFromEnv(env);
  const objects = renderRunObjects(run, {
    namespace: options.namespace ?? settings.namespace ?? "default",
    settings,
    env,
    modelLocation: options.modelLocation,
  });
  const all = allObjects(objects);
  if (options.showSecrets) return all;
  return all.map((o) =>
    o.kind === "Secret"
      ? {
          ...o,
          stringData: Object.fromEntries(Object.keys(o.stringData as object).map((k) => [k, "<redacted>"])),
        }
      : o,
  );
}

/** Objects as one multi-document YAML stream, as kubectl prints them. */
export function manifestsToYaml(objects: KubeObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n");
}
