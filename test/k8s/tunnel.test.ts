import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { openServiceTunnel } from "../../src/executors/kubernetes/executor.js";
import { runIdentity } from "../../src/executors/kubernetes/identity.js";
import { type ServerHandle, startServer } from "../../src/server/index.js";
import { testKubeconfig } from "./cluster.js";
import { clusterSuite } from "./suite.js";

const k8s = clusterSuite("ms-tunnel");
const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
let server: ServerHandle | undefined;
let folder: string | undefined;
let forward: string | undefined;

afterAll(async () => {
  await server?.close();
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  if (forward !== undefined) {
    await k8s.client.delete({
      apiVersion: "kwok.x-k8s.io/v1alpha1",
      kind: "ClusterPortForward",
      metadata: { name: forward },
    });
  }
});

describe("invoke from outside the cluster", () => {
  it("reaches the run's pod through the API server (port-forward) and gets predictions", async () => {
    const run = await k8s.startUntil(
      k8s.newRun("sklearnserve", 60, { path: "pvc://models/iris/model.pkl", model_name: "iris" }),
      "RUNNING",
    );
    const id = runIdentity(run);
    // kwok has no containers: the "pod" is our own V2 server loading the model-settings.json the run
    // deployed (with the model file at a local path), and kwok forwards the pod's port 8080 to it.
    const settingsMap = await k8s.client.read("v1", "ConfigMap", k8s.namespace, id.names.settings);
    const data = (settingsMap?.data ?? {}) as Record<string, string>;
    const settings = JSON.parse(data["model-settings.json"] as string);
    expect(settings).toEqual({
      name: "iris",
      implementation: "mlserver_sklearn.SKLearnModel",
      parameters: { uri: "/mnt/models/iris/model.pkl" },
    });
    folder = mkdtempSync(join(tmpdir(), "ms-tunnel-"));
    copyFileSync(join(repo, "examples", "iris", "model.pkl"), join(folder, "model.pkl"));
    writeFileSync(
      join(folder, "model-settings.json"),
      JSON.stringify({ ...settings, parameters: { uri: "./model.pkl" } }),
    );
    server = await startServer(
      { host: "127.0.0.1", http_port: 0, grpc_enabled: false },
      { modelsDir: folder, logger: pino({ level: "silent" }) },
    );
    const pods = await k8s.client.list("v1", "Pod", k8s.namespace, `modelserve/run=${run.id}`);
    forward = `ms-${k8s.namespace}`;
    await k8s.client.apply({
      apiVersion: "kwok.x-k8s.io/v1alpha1",
      kind: "ClusterPortForward",
      metadata: { name: forward },
      spec: {
        selector: { matchNamespaces: [k8s.namespace], matchNames: pods.map((p) => p.metadata.name) },
        forwards: [{ ports: [8080], target: { port: server.http.port, address: "127.0.0.1" } }],
      },
    });

    const request = JSON.parse(readFileSync(join(repo, "examples", "iris", "request.json"), "utf8"));
    const response = await k8s.executor.invoke(run, { json: request });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      model_name: string;
      outputs: { name: string; shape: number[] }[];
    };
    expect(body.model_name).toBe("iris");
    expect(body.outputs[0]?.shape).toEqual([3, 1]);

    // An explicit URL under the service URL goes through the same tunnel.
    const ready = await k8s.executor.invoke(run, {
      url: `http://${run.status.service?.url}/v2/health/ready`,
    });
    expect(ready.status).toBe(200);
    await expect(k8s.executor.invoke(run, { url: "http://elsewhere:8080/v2/health/ready" })).rejects.toThrow(
      /must start with the service URL/,
    );

    // The standalone tunnel the SDK's Run can use.
    const tunnel = await openServiceTunnel(run, { kubeconfig: testKubeconfig() });
    try {
      const live = await fetch(`http://${tunnel.baseUrl}/v2/health/live`);
      expect(live.status).toBe(200);
      expect(tunnel.pod).toBe(pods[0]?.metadata.name);
    } finally {
      await tunnel.close();
    }
  }, 120_000);
});
