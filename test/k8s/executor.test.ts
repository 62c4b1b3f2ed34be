import { describe, expect, it } from "vitest";
import { runIdentity } from "../../src/executors/kubernetes/identity.js";
import type { FunctionKind, RunSpec } from "../../src/sdk/types.js";
import { golden } from "./golden.js";
import { clusterSuite } from "./suite.js";

const k8s = clusterSuite("ms-kinds");

describe.each([
  ["sklearnserve", 1, { path: "s3://models/iris/model.pkl", model_name: "iris" }],
  ["mlflowserve", 2, { path: "pvc://models/wine/" }],
  [
    "huggingfaceserve",
    3,
    {
      path: "hf://distilbert/distilbert-base-uncased:main",
      huggingface_task: "sequence_classification",
      return_probabilities: true,
      trust_remote_code: false,
    },
  ],
] as [FunctionKind, number, Partial<RunSpec>][])("%s on Kubernetes", (kind, tag, spec) => {
  it("deploys, reaches RUNNING with the golden objects, and reports the service", async () => {
    const run = await k8s.startUntil(k8s.newRun(kind, tag, spec), "RUNNING");
    const objects = await k8s.storedObjects(run);
    expect(objects).toEqual(golden(kind, objects));
    const id = runIdentity(run);
    const host = `${id.names.service}.${k8s.namespace}`;
    const service = run.status.service as unknown as Record<string, unknown>;
    expect(service).toMatchObject({
      url: `${host}:8080`,
      urls: [`${host}:8080`, `${host}:8081`],
      type: "NodePort",
      name: id.names.service,
      namespace: k8s.namespace,
      nodeAddress: "127.0.0.1",
    });
    expect(service.clusterIP).toMatch(/^10\.0\.0\.\d+$/);
    const ports = service.ports as { nodePort: number }[];
    expect(ports.map((p) => p.nodePort).every((p) => p >= 30000 && p <= 32767)).toBe(true);
    expect(service.nodeUrls).toEqual(ports.map((p) => `127.0.0.1:${p.nodePort}`));
    expect(run.status.inference_v2).toMatchObject({
      inferenceUrl: `${host}:8080/v2/models/${id.modelName}/infer`,
    });
    expect(run.status.message).toBe("1/1 replicas ready");
    // Applying the same run again changes nothing (server-side apply is idempotent).
    const before = await k8s.client.read("apps/v1", "Deployment", k8s.namespace, id.names.deployment);
    const again = await k8s.start(run);
    expect(again.status).toMatchObject({ state: "RUNNING" });
    const after = await k8s.client.read("apps/v1", "Deployment", k8s.namespace, id.names.deployment);
    expect(after?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion);
  }, 120_000);
});
