import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { SERVICE_TYPES, VOLUME_TYPES } from "../../sdk/types.js";
import { KubernetesSpecError } from "./errors.js";

/**
 * Profiles: named templates for `task.profile`, read from a YAML file (the format, with every field,
 * is in scripts/k8s/profiles.example.yaml). A profile carries placement and sizing that users should not have to
 * repeat on every run (GPU node pools, tolerations, a runtime class...). The profile named `default`
 * applies to runs that name none. For KubeAI kinds `task.profile` names a KubeAI resourceProfile
 * instead, as on the original platform.
 */

const quantities = z.record(z.string(), z.union([z.string(), z.number()]).transform(String));
const stringMap = z.record(z.string(), z.string());

const profileSchema = z
  .object({
    description: z.string().optional(),
    /** `{key: value}` or the task's `[{key, value}]` form */
    node_selector: z
      .union([stringMap, z.array(z.object({ key: z.string(), value: z.string() }).strict())])
      .optional(),
    tolerations: z.array(z.record(z.string(), z.unknown())).optional(),
    /** a Kubernetes V1 Affinity, snake_case or camelCase keys */
    affinity: z.record(z.string(), z.unknown()).optional(),
    resources: z
      .object({ requests: quantities.optional(), limits: quantities.optional() })
      .strict()
      .optional(),
    runtime_class: z.string().optional(),
    priority_class: z.string().optional(),
    service_account: z.string().optional(),
    image_pull_secrets: z.array(z.string()).optional(),
    labels: stringMap.optional(),
    annotations: stringMap.optional(),
    envs: z.array(z.object({ name: z.string(), value: z.string() }).strict()).optional(),
    volumes: z
      .array(
        z
          .object({
            volume_type: z.enum(VOLUME_TYPES),
            name: z.string(),
            mount_path: z.string(),
            spec: z.record(z.string(), z.string()).optional(),
          })
          .strict(),
      )
      .optional(),
    replicas: z.number().int().min(1).optional(),
    service_type: z.enum(SERVICE_TYPES).optional(),
  })
  .strict();

const profilesFileSchema = z.object({ profiles: z.record(z.string(), profileSchema) }).strict();

export type Profile = z.infer<typeof profileSchema>;
export type Profiles = Record<string, Profile>;

/** Parses the text of a profiles file; `source` names it in errors. */
export function parseProfiles(text: string, source: string): Profiles {
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    throw new KubernetesSpecError(`profiles file ${source} is not valid YAML: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (data === null || data === undefined) return {};
  const result = profilesFileSchema.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new KubernetesSpecError(
      `profiles file ${source} is invalid (expected {profiles: {<name>: {node_selector, tolerations, affinity, resources, ...}}}): ${issues.join("; ")}`,
      { details: issues },
    );
  }
  return result.data.profiles;
}

export function loadProfiles(path: string): Profiles {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new KubernetesSpecError(`cannot read the profiles file ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return parseProfiles(text, path);
}

/**
 * The profile a run uses: the named one (an unknown name is an error listing the known ones), else
 * `default` when defined, else none.
 */
export function selectProfile(
  profiles: Profiles,
  name: string | undefined,
): { name: string; profile: Profile } | undefined {
  if (name === undefined || name === "") {
    const fallback = profiles.default;
    return fallback === undefined ? undefined : { name: "default", profile: fallback };
  }
  const profile = profiles[name];
  if (profile === undefined) {
    const known = Object.keys(profiles);
    throw new KubernetesSpecError(
      `unknown profile "${name}": ${known.length === 0 ? "no profiles are configured (MODELSERVE_K8S_PROFILES)" : `expected one of ${known.join(", ")}`}`,
    );
  }
  return { name, profile };
}
