import { createServer, type Server, type Socket } from "node:net";
import { PortForward } from "@kubernetes/client-node";
import type { RunEntity } from "../../sdk/types.js";
import type { KubeClient } from "./client.js";
import { KubernetesError } from "./errors.js";

/** A local TCP port that reaches a Service's pod through the API server (a port-forward). */
export interface ServiceTunnel {
  /** `127.0.0.1:<port>`, without scheme, like `status.service.url` */
  readonly baseUrl: string;
  readonly pod: string;
  close(): Promise<void>;
}

interface PodView {
  metadata: { name: string; deletionTimestamp?: string };
  spec?: { containers?: { ports?: { name?: string; containerPort: number }[] }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

interface ServiceView {
  spec?: {
    selector?: Record<string, string>;
    ports?: { name?: string; port: number; targetPort?: number | string }[];
  };
}

/** Splits a `status.service.url` (`<service>.<namespace>:<port>[/path]`) into its parts. */
export function parseServiceUrl(url: string): { service: string; namespace?: string; port: number } {
  const m = /^(?:[a-z]+:\/\/)?([a-z0-9-]+)(?:\.([a-z0-9-]+))?[^:/]*:(\d+)/i.exec(url);
  if (m === null) throw new KubernetesError(`cannot tunnel to ${url}: expected <service>.<namespace>:<port>`);
  return { service: m[1] as string, namespace: m[2], port: Number(m[3]) };
}

function targetPort(pod: PodView, port: number | string): number {
  if (typeof port === "number") return port;
  for (const c of pod.spec?.containers ?? []) {
    const found = c.ports?.find((p) => p.name === port);
    if (found !== undefined) return found.containerPort;
  }
  throw new KubernetesError(`pod ${pod.metadata.name} has no container port named ${port}`);
}

/**
 * Opens a tunnel to `<service>:<port>` in `namespace`: picks a ready pod behind the Service and
 * forwards each local connection to it through the API server, so a laptop outside the cluster
 * reaches the run without a route to pod or service addresses. The listener does not keep the
 * process alive.
 */
export async function openTunnel(
  client: KubeClient,
  namespace: string,
  service: string,
  port: number,
): Promise<ServiceTunnel> {
  const svc = (await client.read("v1", "Service", namespace, service)) as ServiceView | undefined;
  if (svc === undefined)
    throw new KubernetesError(`cannot tunnel: Service ${namespace}/${service} does not exist`);
  const servicePort = svc.spec?.ports?.find((p) => p.port === port);
  if (servicePort === undefined)
    throw new KubernetesError(`cannot tunnel: Service ${namespace}/${service} has no port ${port}`);
  const selector = Object.entries(svc.spec?.selector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  if (selector === "")
    throw new KubernetesError(`cannot tunnel: Service ${namespace}/${service} selects no pods`);
  const pods = (await client.list("v1", "Pod", namespace, selector)) as unknown as PodView[];
  const pod = pods.find(
    (p) =>
      p.metadata.deletionTimestamp === undefined &&
      p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
  );
  if (pod === undefined)
    throw new KubernetesError(`cannot tunnel: no ready pod behind Service ${namespace}/${service}`);
  const remotePort = targetPort(pod, servicePort.targetPort ?? port);
  const forward = new PortForward(client.kc);
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    forward
      .portForward(namespace, pod.metadata.name, [remotePort], socket, null, socket)
      .then((ws) => {
        const close = () => {
          const w = typeof ws === "function" ? ws() : ws;
          w?.close();
        };
        socket.on("close", close);
        socket.on("error", close);
      })
      .catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  server.unref();
  const address = server.address();
  if (address === null || typeof address === "string")
    throw new KubernetesError("tunnel listener has no port");
  return {
    baseUrl: `127.0.0.1:${address.port}`,
    pod: pod.metadata.name,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The namespace a run's objects live in, as recorded in its status. */
export function runNamespace(run: RunEntity): string | undefined {
  const k8s = run.status.k8s as { namespace?: unknown } | undefined;
  return typeof k8s?.namespace === "string" ? k8s.namespace : undefined;
}
