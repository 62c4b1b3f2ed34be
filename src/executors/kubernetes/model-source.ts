import { KubernetesSpecError } from "./errors.js";

/**
 * Where a model comes from, seen from inside the cluster:
 * - `hub`: a Hugging Face repository that the serving image downloads itself;
 * - `claim`: a PersistentVolumeClaim to mount (`pvc://<claim>/<path>`);
 * - `download`: an object-store or HTTP location an init container fetches into the pod.
 * `store://` keys are resolved to their registered location before this.
 */
export type ModelSource =
  | { type: "hub"; uri: string; modelId: string; revision?: string }
  | { type: "claim"; uri: string; claim: string; subPath: string }
  | { type: "download"; uri: string };

const DOWNLOAD_SCHEMES = ["s3", "gs", "http", "https"];

export function classifyModelSource(uri: string): ModelSource {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === "hf" || scheme === "huggingface") {
    const id = uri.slice(scheme.length + 3).replace(/\/+$/, "");
    const [modelId, revision] = id.split(":", 2);
    if (!/^[^/]+\/[^/]+$|^[^/]+$/.test(modelId ?? "")) {
      throw new KubernetesSpecError(
        `invalid Hugging Face model ${uri}: expected hf://<organisation>/<model>[:<revision>]`,
      );
    }
    return { type: "hub", uri, modelId: modelId as string, revision: revision || undefined };
  }
  if (scheme === "pvc") {
    const rest = uri.slice("pvc://".length);
    const slash = rest.indexOf("/");
    const claim = slash < 0 ? rest : rest.slice(0, slash);
    if (claim === "")
      throw new KubernetesSpecError(`invalid model path ${uri}: expected pvc://<claim>[/<path>]`);
    return { type: "claim", uri, claim, subPath: slash < 0 ? "" : rest.slice(slash + 1) };
  }
  if (scheme !== undefined && DOWNLOAD_SCHEMES.includes(scheme)) return { type: "download", uri };
  if (scheme === "store") {
    throw new KubernetesSpecError(`${uri} must be resolved to the model's location before it is deployed`);
  }
  if (scheme !== undefined) {
    throw new KubernetesSpecError(
      `unsupported model location ${uri} for Kubernetes: use s3://, gs://, http(s)://, pvc://, hf:// or a store:// key`,
    );
  }
  throw new KubernetesSpecError(
    `the model path ${uri} is local to this machine and cannot reach the cluster: upload it (s3://...), put it on a volume (pvc://...) or run with local_execution`,
  );
}

/** The last path segment of a location (the file name a download keeps). */
export function baseName(uri: string): string {
  const path = uri.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/[?#].*$/, "");
  return path.slice(path.lastIndexOf("/") + 1);
}
