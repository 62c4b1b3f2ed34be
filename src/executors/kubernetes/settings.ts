import { existsSync } from "node:fs";
import { join } from "node:path";
import { modelserveHome } from "../../sources/index.js";
import { loadProfiles, type Profiles } from "./profiles.js";

/** Images and defaults the executor uses; every one can be changed through the environment. */
export interface KubernetesSettings {
  /** the namespace for new runs; undefined means the kubeconfig context's, else `default` */
  namespace?: string;
  images: {
    sklearn: string;
    mlflow: string;
    huggingface: string;
    /** the init container that downloads `s3://` models (args: source URI, destination folder) */
    storageInitializer: string;
  };
  /** where KubeAI's OpenAI-compatible API is reached, without scheme, e.g. `kubeai.kubeai:80` */
  kubeaiEndpoint?: string;
  profiles: Profiles;
}

export const DEFAULT_IMAGES: KubernetesSettings["images"] = {
  sklearn: "seldonio/mlserver:1.7.1-sklearn",
  mlflow: "seldonio/mlserver:1.7.1-mlflow",
  huggingface: "kserve/huggingfaceserver:v0.15.2",
  storageInitializer: "kserve/storage-initializer:v0.15.2",
};

/**
 * Settings from the environment: MODELSERVE_K8S_NAMESPACE, MODELSERVE_K8S_{SKLEARN,MLFLOW,HUGGINGFACE}_IMAGE,
 * MODELSERVE_K8S_STORAGE_INITIALIZER_IMAGE, MODELSERVE_KUBEAI_ENDPOINT and MODELSERVE_K8S_PROFILES (a
 * profiles file; default `$MODELSERVE_HOME/k8s-profiles.yaml` when it exists).
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): KubernetesSettings {
  const profilesPath = env.MODELSERVE_K8S_PROFILES ?? join(modelserveHome(env), "k8s-profiles.yaml");
  const explicit = env.MODELSERVE_K8S_PROFILES !== undefined;
  return {
    namespace: env.MODELSERVE_K8S_NAMESPACE || undefined,
    images: {
      sklearn: env.MODELSERVE_K8S_SKLEARN_IMAGE || DEFAULT_IMAGES.sklearn,
      mlflow: env.MODELSERVE_K8S_MLFLOW_IMAGE || DEFAULT_IMAGES.mlflow,
      huggingface: env.MODELSERVE_K8S_HUGGINGFACE_IMAGE || DEFAULT_IMAGES.huggingface,
      storageInitializer: env.MODELSERVE_K8S_STORAGE_INITIALIZER_IMAGE || DEFAULT_IMAGES.storageInitializer,
    },
    kubeaiEndpoint: env.MODELSERVE_KUBEAI_ENDPOINT || undefined,
    // A missing default file means no profiles; a missing explicit file is an error (loadProfiles throws).
    profiles: explicit || existsSync(profilesPath) ? loadProfiles(profilesPath) : {},
  };
}
