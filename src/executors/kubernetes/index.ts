import type { Executor } from "../executor.js";
import { KubernetesExecutor } from "./executor.js";

export { KubeClient, loadKubeConfig } from "./client.js";
export { KubernetesError, KubernetesSpecError } from "./errors.js";
export { KubernetesExecutor, type KubernetesExecutorOptions, openServiceTunnel } from "./executor.js";
export { manifestsToYaml, renderManifests, renderRunObjects } from "./manifests.js";
export { loadProfiles, type Profile, type Profiles, parseProfiles } from "./profiles.js";
export { DEFAULT_IMAGES, type KubernetesSettings, settingsFromEnv } from "./settings.js";
export type { ServiceTunnel } from "./tunnel.js";

/** The executor the SDK plugs in for runs without `local_execution` (see resolveExecutor). */
export function createExecutor(): Executor {
  return new KubernetesExecutor();
}
