import {
  ApiException,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from "@kubernetes/client-node";
import { KubernetesError } from "./errors.js";
import type { KubeObject } from "./objects.js";

/** Server-side apply field manager: objects we apply are owned by this name. */
export const FIELD_MANAGER = "modelserve";

/**
 * Loads a kubeconfig: the given file, else MODELSERVE_KUBECONFIG, else the usual places
 * (KUBECONFIG, ~/.kube/config, or the in-cluster service account).
 */
export function loadKubeConfig(path?: string, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const kc = new KubeConfig();
  const file = path ?? env.MODELSERVE_KUBECONFIG;
  try {
    if (file) kc.loadFromFile(file);
    else kc.loadFromDefault();
  } catch (e) {
    throw new KubernetesError(`cannot load the kubeconfig ${file ?? "(default)"}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (kc.getCurrentCluster() === null) {
    throw new KubernetesError(
      `no Kubernetes cluster configured: ${file ? `${file} has no current context` : "set KUBECONFIG or MODELSERVE_KUBECONFIG, or run inside a cluster"}`,
    );
  }
  return kc;
}

/** The API server's own explanation of a failed call, e.g. `Deployment.apps "d-x" is invalid: ...`. */
export function apiErrorMessage(e: unknown): { message: string; status?: number } {
  if (e instanceof ApiException) {
    const body: unknown = e.body;
    let text = typeof body === "string" ? body : JSON.stringify(body);
    try {
      const parsed =
        typeof body === "string"
          ? (JSON.parse(body) as { message?: string })
          : (body as { message?: string });
      if (parsed?.message) text = parsed.message;
    } catch {
      // not JSON: keep the raw body
    }
    return { message: text || e.message, status: e.code };
  }
  return { message: e instanceof Error ? e.message : String(e) };
}

function isNotFound(e: unknown): boolean {
  return e instanceof ApiException && e.code === 404;
}

/** The few API calls the executor makes, all through the generic object API (CRDs included). */
export class KubeClient {
  readonly kc: KubeConfig;
  private readonly api: KubernetesObjectApi;

  constructor(kc: KubeConfig) {
    this.kc = kc;
    this.api = KubernetesObjectApi.makeApiClient(kc);
  }

  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? "(unknown)";
  }

  /** The namespace of the kubeconfig's current context, if it names one. */
  contextNamespace(): string | undefined {
    const context = this.kc.getContextObject(this.kc.getCurrentContext());
    return context?.namespace || undefined;
  }

  private wrap(e: unknown, what: string): KubernetesError {
    const { message, status } = apiErrorMessage(e);
    const unknownKind = /^Unrecognized API version and kind: (\S+) (\S+)/.exec(message);
    if (unknownKind !== null) {
      return new KubernetesError(
        `${what}: the cluster has no ${unknownKind[1]} ${unknownKind[2]} (is its CustomResourceDefinition, e.g. KubeAI's, installed?)`,
        { cause: e, status: 404 },
      );
    }
    const where = status === undefined ? ` (API server ${this.server})` : "";
    return new KubernetesError(`${what}: ${message}${where}`, { cause: e, status });
  }

  /** Server-side apply: creates or updates the fields we own; applying the same object again changes nothing. */
  async apply(object: KubeObject): Promise<KubeObject> {
    try {
      const applied = await this.api.patch(
        object as KubernetesObject,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
      return applied as KubeObject;
    } catch (e) {
      throw this.wrap(e, `the API server refused ${object.kind} ${object.metadata.name}`);
    }
  }

  async read(
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
  ): Promise<KubeObject | undefined> {
    try {
      return (await this.api.read({ apiVersion, kind, metadata: { name, namespace } })) as KubeObject;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw this.wrap(e, `cannot read ${kind} ${namespace}/${name}`);
    }
  }

  async list(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    labelSelector?: string,
  ): Promise<KubeObject[]> {
    try {
      const list = await this.api.list(
        apiVersion,
        kind,
        namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        labelSelector,
      );
      return list.items as KubeObject[];
    } catch (e) {
      throw this.wrap(e, `cannot list ${kind} in ${namespace ?? "the cluster"}`);
    }
  }

  /** Deletes an object; false if it was already gone. */
  async delete(
    object: Pick<KubeObject, "apiVersion" | "kind" | "metadata">,
    propagation = "Background",
  ): Promise<boolean> {
    try {
      await this.api.delete(
        object as KubernetesObject,
        undefined,
        undefined,
        undefined,
        undefined,
        propagation,
      );
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw this.wrap(e, `cannot delete ${object.kind} ${object.metadata.name}`);
    }
  }
}
