import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { StatusUpdate } from "../../src/executors/executor.js";
import { KubeClient, loadKubeConfig } from "../../src/executors/kubernetes/client.js";
import type { KubeObject } from "../../src/executors/kubernetes/objects.js";
import type { RunEntity } from "../../src/sdk/types.js";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * The kubeconfig of the test control plane (scripts/k8s/up.sh): MODELSERVE_TEST_KUBECONFIG, else
 * .k8s/kubeconfig in the repo. The Kubernetes tests need it and say how to get it.
 */
export function testKubeconfig(): string {
  const path = process.env.MODELSERVE_TEST_KUBECONFIG ?? join(repo, ".k8s", "kubeconfig");
  if (!existsSync(path)) {
    throw new Error(
      `no test Kubernetes control plane: ${path} does not exist. Start one with scripts/k8s/up.sh (stop it with scripts/k8s/down.sh), or set MODELSERVE_TEST_KUBECONFIG`,
    );
  }
  return path;
}

export function testClient(): KubeClient {
  return new KubeClient(loadKubeConfig(testKubeconfig()));
}

/** A fresh namespace for one test file; remove it with deleteNamespace. */
export async function createNamespace(client: KubeClient, prefix: string): Promise<string> {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  await client.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
  // The service-account controller adds `default`; pods cannot be created before it exists.
  await eventually(async () => {
    if ((await client.read("v1", "ServiceAccount", name, "default")) === undefined)
      throw new Error("no default service account yet");
  });
  return name;
}

export async function deleteNamespace(client: KubeClient, name: string): Promise<void> {
  await client.delete({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
}

/** Retries `check` until it stops throwing (the cluster's controllers work asynchronously). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw last;
}

/** Applies an executor's answer to the run the way the SDK's Run does (state, message, service, extra keys). */
export function applyUpdate(run: RunEntity, update: StatusUpdate | undefined): RunEntity {
  if (update === undefined) return run;
  const status = { ...run.status };
  if (update.state !== undefined) status.state = update.state;
  if (update.message === null) delete status.message;
  else if (update.message !== undefined) status.message = update.message;
  if (update.service === null) delete status.service;
  else if (update.service !== undefined) status.service = update.service;
  for (const [key, value] of Object.entries(update.extra ?? {})) {
    if (value === null) delete status[key];
    else status[key] = value;
  }
  return { ...run, status };
}

/** The objects of a run that exist now, as `Kind/name`, sorted. */
export async function runObjects(client: KubeClient, namespace: string, runId: string): Promise<string[]> {
  const kinds: [string, string][] = [
    ["v1", "ConfigMap"],
    ["v1", "Secret"],
    ["v1", "Service"],
    ["v1", "PersistentVolumeClaim"],
    ["apps/v1", "Deployment"],
    ["kubeai.org/v1", "Model"],
  ];
  const out: string[] = [];
  for (const [apiVersion, kind] of kinds) {
    for (const o of await client.list(apiVersion, kind, namespace, `modelserve/run=${runId}`)) {
      if ((o.metadata as { deletionTimestamp?: string }).deletionTimestamp === undefined)
        out.push(`${kind}/${o.metadata.name}`);
    }
  }
  return out.sort();
}

/**
 * An object as stored by the API server, without what changes from one run of the tests to the next
 * (uids, versions, timestamps, managed fields, status, allocated IPs and ports, the random namespace).
 */
export function normalize(object: KubeObject, namespace: string): KubeObject {
  const text = JSON.stringify(object).replaceAll(namespace, "<namespace>");
  const o = JSON.parse(text) as KubeObject & { status?: unknown; spec?: Record<string, unknown> };
  const meta = o.metadata as unknown as Record<string, unknown>;
  for (const key of ["uid", "resourceVersion", "creationTimestamp", "managedFields", "generation"])
    delete meta[key];
  const annotations = meta.annotations as Record<string, string> | undefined;
  if (annotations !== undefined) {
    delete annotations["deployment.kubernetes.io/revision"];
    if (Object.keys(annotations).length === 0) delete meta.annotations;
  }
  for (const ref of o.metadata.ownerReferences ?? []) ref.uid = "<root-uid>";
  delete o.status;
  if (o.kind === "Service" && o.spec !== undefined) {
    delete o.spec.clusterIP;
    delete o.spec.clusterIPs;
    for (const port of (o.spec.ports as { nodePort?: number }[] | undefined) ?? []) {
      if (port.nodePort !== undefined) port.nodePort = 0;
    }
  }
  return o;
}
