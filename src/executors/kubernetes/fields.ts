import type { RunSpec } from "../../sdk/types.js";
import { KubernetesSpecError } from "./errors.js";
import type { Json } from "./objects.js";
import type { Profile } from "./profiles.js";

/** The GPU resource name the `gpu` field maps to. */
export const GPU_RESOURCE = "nvidia.com/gpu";

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Maps whose keys are user data (label keys), not field names, so they keep their spelling. */
const VERBATIM_MAPS = new Set(["match_labels", "matchLabels"]);

/**
 * A Kubernetes object given in snake_case (as task specs carry them) turned into the API's camelCase.
 * camelCase input passes unchanged, so both spellings work.
 */
export function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Json = {};
  for (const [key, inner] of Object.entries(value)) {
    out[camel(key)] = VERBATIM_MAPS.has(key) ? inner : camelKeys(inner);
  }
  return out;
}

/** `node_selector` of the task merged over the profile's. */
export function nodeSelector(
  spec: RunSpec,
  profile: Profile | undefined,
): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const fromProfile = profile?.node_selector;
  if (Array.isArray(fromProfile)) for (const { key, value } of fromProfile) out[key] = value;
  else if (fromProfile !== undefined) Object.assign(out, fromProfile);
  for (const { key, value } of spec.node_selector ?? []) out[key] = value;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Profile tolerations then the task's (a union, as on the original platform). */
export function tolerations(spec: RunSpec, profile: Profile | undefined): Json[] | undefined {
  const all = [...(profile?.tolerations ?? []), ...(spec.tolerations ?? [])].map((t) => camelKeys(t) as Json);
  return all.length === 0 ? undefined : all;
}

/** The task's affinity, else the profile's. */
export function affinity(spec: RunSpec, profile: Profile | undefined): Json | undefined {
  const source = spec.affinity ?? profile?.affinity;
  return source === undefined ? undefined : (camelKeys(source) as Json);
}

/**
 * Requests and limits: the profile's, then the task's `cpu` (request), `mem` (request and limit, so a
 * pod cannot grow past what was asked) and `gpu` (`nvidia.com/gpu` request and limit: extended resources
 * must have equal requests and limits).
 */
export function resources(spec: RunSpec, profile: Profile | undefined): Json | undefined {
  const requests: Record<string, string> = { ...(profile?.resources?.requests ?? {}) };
  const limits: Record<string, string> = { ...(profile?.resources?.limits ?? {}) };
  const r = spec.resources ?? {};
  if (r.cpu !== undefined) requests.cpu = String(r.cpu);
  if (r.mem !== undefined) {
    requests.memory = String(r.mem);
    limits.memory = String(r.mem);
  }
  if (r.gpu !== undefined) {
    requests[GPU_RESOURCE] = String(r.gpu);
    limits[GPU_RESOURCE] = String(r.gpu);
  }
  const out: Json = {};
  if (Object.keys(requests).length > 0) out.requests = requests;
  if (Object.keys(limits).length > 0) out.limits = limits;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Env vars: ours first, then the profile's, then the task's; a later name replaces an earlier one. */
export function envVars(base: Record<string, string>, spec: RunSpec, profile: Profile | undefined): Json[] {
  const merged = new Map<string, string>(Object.entries(base));
  for (const { name, value } of profile?.envs ?? []) merged.set(name, value);
  for (const { name, value } of spec.envs ?? []) merged.set(name, String(value));
  return [...merged].map(([name, value]) => ({ name, value }));
}

export interface VolumePlan {
  volumes: Json[];
  mounts: Json[];
  /** claims the run creates (volume_type persistent_volume_claim) */
  claims: { name: string; size: string; storageClass?: string }[];
}

type VolumeInput = NonNullable<RunSpec["volumes"]>[number] | NonNullable<Profile["volumes"]>[number];

/**
 * Task and profile volumes as pod volumes and mounts. `persistent_volume_claim` creates a claim owned by
 * the run (`spec.size`, default 1Gi; `spec.storage_class`); `shared_volume` mounts an existing claim
 * named `spec.claim_name` or else `name`; `empty_dir` takes `size_limit` and `medium`; `ephemeral` gets a
 * claim template of `spec.size`.
 */
export function volumes(
  spec: RunSpec,
  profile: Profile | undefined,
  claimName: (volume: string) => string,
): VolumePlan {
  const plan: VolumePlan = { volumes: [], mounts: [], claims: [] };
  const all: VolumeInput[] = [...(profile?.volumes ?? []), ...(spec.volumes ?? [])];
  const seen = new Set<string>();
  for (const v of all) {
    if (seen.has(v.name))
      throw new KubernetesSpecError(`volume "${v.name}" is given twice: volume names must be unique`);
    seen.add(v.name);
    const s = (v.spec ?? {}) as Record<string, string | undefined>;
    switch (v.volume_type) {
      case "persistent_volume_claim": {
        const claim = claimName(v.name);
        plan.claims.push({ name: claim, size: s.size ?? "1Gi", storageClass: s.storage_class });
        plan.volumes.push({ name: v.name, persistentVolumeClaim: { claimName: claim } });
        break;
      }
      case "shared_volume":
        plan.volumes.push({ name: v.name, persistentVolumeClaim: { claimName: s.claim_name ?? v.name } });
        break;
      case "empty_dir": {
        const emptyDir: Json = {};
        if (s.size_limit !== undefined) emptyDir.sizeLimit = s.size_limit;
        if (s.medium !== undefined) emptyDir.medium = s.medium;
        plan.volumes.push({ name: v.name, emptyDir });
        break;
      }
      case "ephemeral": {
        const claimSpec: Json = {
          accessModes: ["ReadWriteOnce"],
          resources: { requests: { storage: s.size ?? "1Gi" } },
        };
        if (s.storage_class !== undefined) claimSpec.storageClassName = s.storage_class;
        plan.volumes.push({ name: v.name, ephemeral: { volumeClaimTemplate: { spec: claimSpec } } });
        break;
      }
    }
    plan.mounts.push({ name: v.name, mountPath: v.mount_path });
  }
  return plan;
}
