import { CoreV1Api } from "@kubernetes/client-node";
import type { RunEntity } from "../../sdk/types.js";
import {
  type Executor,
  type ExecutorContext,
  type InvokeRequest,
  type LogEntry,
  type StatusUpdate,
  sendInvokeRequest,
} from "../executor.js";
import { KubeClient, loadKubeConfig } from "./client.js";
import { KubernetesError, KubernetesSpecError } from "./errors.js";
import { LABELS, type RunIdentity, runIdentity } from "./identity.js";
import { type RunObjects, renderRunObjects } from "./manifests.js";
import type { KubeObject } from "./objects.js";
import { type KubernetesSettings, settingsFromEnv } from "./settings.js";
import {
  deploymentState,
  inferenceV2,
  kubeaiEndpoints,
  kubeaiState,
  serviceInfo,
  summarizePods,
} from "./status.js";
import { openTunnel, parseServiceUrl, runNamespace, type ServiceTunnel } from "./tunnel.js";

export interface KubernetesExecutorOptions {
  /** a kubeconfig file; default MODELSERVE_KUBECONFIG, KUBECONFIG, ~/.kube/config or in-cluster */
  kubeconfig?: string;
  /** default: from the environment (settingsFromEnv) */
  settings?: KubernetesSettings;
  /** where credentials for the run's Secret are read from (default process.env) */
  env?: NodeJS.ProcessEnv;
  /**
   * turns a `store://` model key into the model's location (s3://, pvc://, hf://...); default: the
   * model registered in the run's store (MODELSERVE_HOME of the executor context)
   */
  resolveStoreKey?: (key: string) => Promise<string>;
}

/** The kinds of objects a run may own; delete looks for each by the run label. */
const OWNED_KINDS: [apiVersion: string, kind: string][] = [
  ["kubeai.org/v1", "Model"],
  ["apps/v1", "Deployment"],
  ["v1", "Service"],
  ["v1", "PersistentVolumeClaim"],
  ["v1", "Secret"],
  ["v1", "ConfigMap"],
];

function isKubeai(id: RunIdentity): boolean {
  return id.kind === "kubeai-text" || id.kind === "kubeai-speech";
}

/**
 * Runs serve runs on Kubernetes: server-side applies the run's objects (see manifests.ts), reports
 * PENDING/RUNNING/ERROR from what the cluster says, removes the workload on stop, re-applies on resume
 * and removes every object on delete. Reaches services from outside the cluster through port-forward.
 */
export class KubernetesExecutor implements Executor {
  private readonly options: KubernetesExecutorOptions;
  private cachedClient?: KubeClient;
  private cachedSettings?: KubernetesSettings;
  private readonly tunnels = new Map<string, Promise<ServiceTunnel>>();

  constructor(options: KubernetesExecutorOptions = {}) {
    this.options = options;
  }

  get client(): KubeClient {
    this.cachedClient ??= new KubeClient(loadKubeConfig(this.options.kubeconfig, this.env));
    return this.cachedClient;
  }

  private get env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env;
  }

  private get settings(): KubernetesSettings {
    this.cachedSettings ??= this.options.settings ?? settingsFromEnv(this.env);
    return this.cachedSettings;
  }

  /** A run stays in the namespace it was first deployed to (recorded in `status.k8s.namespace`). */
  namespaceOf(run: RunEntity): string {
    return runNamespace(run) ?? this.settings.namespace ?? this.client.contextNamespace() ?? "default";
  }

  private async resolveStoreKey(key: string, ctx: ExecutorContext | undefined): Promise<string> {
    if (this.options.resolveStoreKey !== undefined) return this.options.resolveStoreKey(key);
    if (ctx === undefined)
      throw new KubernetesSpecError(`cannot resolve ${key}: the Kubernetes executor was given no store`);
    // Imported when needed: the SDK loads executors, so a static import would be circular.
    const { resolveModelPath } = await import("../../sdk/api.js");
    return resolveModelPath(key, { home: ctx.home });
  }

  private async modelLocation(
    run: RunEntity,
    id: RunIdentity,
    ctx?: ExecutorContext,
  ): Promise<string | undefined> {
    const location = isKubeai(id) ? run.spec.url : run.spec.path;
    if (location === undefined || !location.startsWith("store://")) return location;
    let resolved = await this.resolveStoreKey(location, ctx);
    if (resolved.startsWith("store://")) {
      throw new KubernetesSpecError(
        `${location} points to another store key (${resolved}); a model's path must be a location`,
      );
    }
    // KubeAI wants a folder URL for Hugging Face models resolved from the store (as the original did).
    if (isKubeai(id) && resolved.startsWith("hf://") && !resolved.endsWith("/")) resolved = `${resolved}/`;
    return resolved;
  }

  /** The run's objects as they would be applied now (owner references only once the root exists). */
  async render(
    run: RunEntity,
    namespace = this.namespaceOf(run),
    rootUid?: string,
    ctx?: ExecutorContext,
  ): Promise<RunObjects> {
    const id = runIdentity(run);
    return renderRunObjects(run, {
      namespace,
      settings: this.settings,
      env: this.env,
      modelLocation: await this.modelLocation(run, id, ctx),
      rootUid,
    });
  }

  private async deploy(run: RunEntity, ctx?: ExecutorContext): Promise<StatusUpdate> {
    const namespace = this.namespaceOf(run);
    const first = await this.render(run, namespace, undefined, ctx);
    const where = { k8s: { namespace } };
    try {
      const root = await this.client.apply(first.root);
      const owned = await this.render(run, namespace, root.metadata.uid, ctx);
      for (const object of [...owned.supporting, ...owned.workload]) await this.client.apply(object);
    } catch (e) {
      // A refusal by the API server (invalid object, quota, admission) is the run's error, not ours.
      if (e instanceof KubernetesError && e.status !== undefined) {
        return { state: "ERROR", message: e.message, service: null, extra: where };
      }
      throw e;
    }
    return this.observe(run, namespace, first.identity);
  }

  private async nodeAddress(pods: KubeObject[]): Promise<string | undefined> {
    const nodeName = (pods[0] as { spec?: { nodeName?: string } } | undefined)?.spec?.nodeName;
    try {
      const nodes = nodeName
        ? [await this.client.read("v1", "Node", "", nodeName)]
        : await this.client.list("v1", "Node", undefined);
      for (const node of nodes) {
        const addresses = (
          node as { status?: { addresses?: { type: string; address: string }[] } } | undefined
        )?.status?.addresses;
        const address =
          addresses?.find((a) => a.type === "ExternalIP")?.address ??
          addresses?.find((a) => a.type === "InternalIP")?.address;
        if (address !== undefined) return address;
      }
    } catch {
      // Reading nodes needs cluster-wide rights a namespaced user may lack; the address is optional.
    }
    return undefined;
  }

  /** What the cluster says about the run now. */
  async observe(run: RunEntity, namespace: string, id = runIdentity(run)): Promise<StatusUpdate> {
    const c = this.client;
    if (isKubeai(id)) {
      const model = await c.read("kubeai.org/v1", "Model", namespace, id.names.model);
      const pods = await c.list("v1", "Pod", namespace, `model=${id.names.model}`);
      const { state, message } = kubeaiState(model, pods);
      const k8s = { namespace, model: id.names.model, pods: summarizePods(pods) };
      if (state !== "RUNNING" || model === undefined)
        return { state, message, service: null, extra: { k8s } };
      const endpoint = this.settings.kubeaiEndpoint ?? `kubeai.${namespace}:80`;
      const { service, openai } = kubeaiEndpoints(model, endpoint);
      return { state, message, service, extra: { k8s, openai } };
    }
    const deployment = await c.read("apps/v1", "Deployment", namespace, id.names.deployment);
    const pods = await c.list("v1", "Pod", namespace, `${LABELS.run}=${id.selector[LABELS.run]}`);
    const { state, message } = deploymentState(deployment, pods);
    const k8s = {
      namespace,
      deployment: id.names.deployment,
      service: id.names.service,
      pods: summarizePods(pods),
    };
    if (state !== "RUNNING") return { state, message, service: null, extra: { k8s, inference_v2: null } };
    const service = await c.read("v1", "Service", namespace, id.names.service);
    if (service === undefined) {
      return {
        state: "ERROR",
        message: `the run's Service ${id.names.service} does not exist`,
        service: null,
        extra: { k8s },
      };
    }
    const aliases = run.spec.service_name
      ? [`${id.names.alias(run.spec.service_name)}.${namespace}:8080`]
      : [];
    const nodeAddress =
      (service.spec as { type?: string }).type === "NodePort" ? await this.nodeAddress(pods) : undefined;
    const info = serviceInfo(service, nodeAddress, aliases);
    return {
      state,
      message,
      service: info,
      extra: { k8s, inference_v2: inferenceV2(info.url, id.modelName) },
    };
  }

  async start(run: RunEntity, ctx?: ExecutorContext): Promise<StatusUpdate> {
    return this.deploy(run, ctx);
  }

  async refresh(run: RunEntity): Promise<StatusUpdate | undefined> {
    // A stopped run has no workload to look at; its state is what stop said.
    if (run.status.state === "STOPPED") return undefined;
    return this.observe(run, this.namespaceOf(run));
  }

  async stop(run: RunEntity): Promise<StatusUpdate> {
    const namespace = this.namespaceOf(run);
    const id = runIdentity(run);
    await this.closeTunnel(run.id);
    const workload = isKubeai(id)
      ? { apiVersion: "kubeai.org/v1", kind: "Model", metadata: { name: id.names.model, namespace } }
      : { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: id.names.deployment, namespace } };
    await this.client.delete(workload);
    return {
      state: "STOPPED",
      message: `${workload.kind} ${workload.metadata.name} removed; resume re-creates it`,
      service: null,
      extra: { k8s: { namespace, pods: [] }, inference_v2: null, openai: null },
    };
  }

  async resume(run: RunEntity, ctx?: ExecutorContext): Promise<StatusUpdate> {
    return this.deploy(run, ctx);
  }

  async delete(run: RunEntity): Promise<void> {
    const namespace = this.namespaceOf(run);
    const id = runIdentity(run);
    await this.closeTunnel(run.id);
    // The root's garbage collection would remove the rest too; deleting each object by the run label
    // also covers objects applied before an error, and does not wait for the collector.
    const selector = `${LABELS.run}=${id.selector[LABELS.run]}`;
    for (const [apiVersion, kind] of OWNED_KINDS) {
      let objects: KubeObject[];
      try {
        objects = await this.client.list(apiVersion, kind, namespace, selector);
      } catch (e) {
        // A cluster without KubeAI has no Model kind, so a run cannot have one there.
        if (
          kind === "Model" &&
          e instanceof KubernetesError &&
          /404|Unrecognized API version and kind/.test(e.message)
        ) {
          continue;
        }
        throw e;
      }
      // Items of a list carry no apiVersion/kind of their own.
      for (const object of objects) await this.client.delete({ apiVersion, kind, metadata: object.metadata });
    }
  }

  async logs(run: RunEntity): Promise<LogEntry[]> {
    const namespace = this.namespaceOf(run);
    const id = runIdentity(run);
    const selector = isKubeai(id) ? `model=${id.names.model}` : `${LABELS.run}=${id.selector[LABELS.run]}`;
    const pods = await this.client.list("v1", "Pod", namespace, selector);
    const core = this.client.kc.makeApiClient(CoreV1Api);
    const entries: LogEntry[] = [];
    for (const pod of pods) {
      const spec = pod.spec as { initContainers?: { name: string }[]; containers: { name: string }[] };
      for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
        try {
          const content = await core.readNamespacedPodLog({
            name: pod.metadata.name,
            namespace,
            container: container.name,
          });
          entries.push({ source: `${pod.metadata.name}/${container.name}`, content });
        } catch (e) {
          throw new KubernetesError(
            `cannot read the logs of ${pod.metadata.name}/${container.name}: ${(e as Error).message}`,
            {
              cause: e,
            },
          );
        }
      }
    }
    return entries;
  }

  /**
   * The base URL (`host:port`, no scheme) to reach the run's service from here: the service address
   * inside the cluster, else a port-forward tunnel through the API server (kept open for later calls).
   */
  async serviceBase(run: RunEntity): Promise<string> {
    const url = run.status.service?.url;
    if (url === undefined) {
      throw new KubernetesError(
        `run ${run.id} has no service yet (state ${run.status.state}): wait until it is RUNNING`,
      );
    }
    if (this.env.KUBERNETES_SERVICE_HOST !== undefined) return url.replace(/\/.*$/, "");
    return (await this.tunnel(run)).baseUrl;
  }

  private tunnel(run: RunEntity): Promise<ServiceTunnel> {
    let tunnel = this.tunnels.get(run.id);
    if (tunnel === undefined) {
      const url = run.status.service?.url as string;
      const { service, namespace, port } = parseServiceUrl(url);
      tunnel = openTunnel(this.client, namespace ?? this.namespaceOf(run), service, port);
      tunnel.catch(() => this.tunnels.delete(run.id));
      this.tunnels.set(run.id, tunnel);
    }
    return tunnel;
  }

  private async closeTunnel(runId: string): Promise<void> {
    const tunnel = this.tunnels.get(runId);
    this.tunnels.delete(runId);
    await tunnel?.then((t) => t.close()).catch(() => undefined);
  }

  /** Closes every tunnel this executor opened. */
  async close(): Promise<void> {
    await Promise.all([...this.tunnels.keys()].map((id) => this.closeTunnel(id)));
  }

  async invoke(run: RunEntity, request: InvokeRequest): Promise<Response> {
    const base = await this.serviceBase(run);
    const serviceUrl = run.status.service?.url as string;
    let url: string;
    if (request.url !== undefined) {
      const stripped = request.url.replace(/^https?:\/\//, "");
      if (!stripped.startsWith(serviceUrl)) {
        throw new KubernetesSpecError(
          `invalid URL ${request.url}: it must start with the service URL ${serviceUrl}`,
        );
      }
      url = `http://${base}${stripped.slice(serviceUrl.replace(/\/.*$/, "").length)}`;
    } else {
      const model = request.model_name ?? run.spec.model_name ?? "model";
      url = `http://${base}/v2/models/${encodeURIComponent(model)}/infer`;
    }
    return sendInvokeRequest(url, request);
  }
}

/**
 * A tunnel to a run's service for callers outside the cluster (e.g. the Run's invoke): returns the
 * base URL `127.0.0.1:<port>` (no scheme) and a close function.
 */
export async function openServiceTunnel(
  run: RunEntity,
  options: KubernetesExecutorOptions = {},
): Promise<ServiceTunnel> {
  const url = run.status.service?.url;
  if (url === undefined)
    throw new KubernetesError(`run ${run.id} has no service yet (state ${run.status.state})`);
  const client = new KubeClient(loadKubeConfig(options.kubeconfig, options.env));
  const { service, namespace, port } = parseServiceUrl(url);
  return openTunnel(
    client,
    namespace ?? runNamespace(run) ?? client.contextNamespace() ?? "default",
    service,
    port,
  );
}
