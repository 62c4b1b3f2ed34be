import { describe, expect, it } from "vitest";
import { runIdentity } from "../../src/executors/kubernetes/identity.js";
import { eventually, runObjects } from "./cluster.js";
import { clusterSuite } from "./suite.js";

const k8s = clusterSuite("ms-life");

async function podsOf(runId: string): Promise<string[]> {
  const pods = await k8s.client.list("v1", "Pod", k8s.namespace, `modelserve/run=${runId}`);
  return pods.map((p) => p.metadata.name);
}

describe("run lifecycle on Kubernetes", () => {
  it("stop removes only the workload, resume restores it on the same service, delete removes everything", async () => {
    let run = await k8s.startUntil(
      k8s.newRun("sklearnserve", 20, { path: "pvc://models/model.pkl" }),
      "RUNNING",
    );
    const id = runIdentity(run);
    const kept = [
      `ConfigMap/${id.names.root}`,
      `ConfigMap/${id.names.settings}`,
      `Service/${id.names.service}`,
    ];
    expect(await runObjects(k8s.client, k8s.namespace, run.id)).toEqual(
      [...kept, `Deployment/${id.names.deployment}`].sort(),
    );
    const nodePorts = run.status.service?.ports?.map((p) => p.nodePort);
    expect(await podsOf(run.id)).toHaveLength(1);

    run = await k8s.stop(run);
    expect(run.status.state).toBe("STOPPED");
    expect(run.status.service).toBeUndefined();
    expect(run.status.inference_v2).toBeUndefined();
    expect(await runObjects(k8s.client, k8s.namespace, run.id)).toEqual(kept.sort());
    await eventually(async () => expect(await podsOf(run.id)).toEqual([]));
    expect(await k8s.executor.refresh(run)).toBeUndefined();

    run = await k8s.resume(run);
    expect(["PENDING", "RUNNING"]).toContain(run.status.state);
    run = run.status.state === "RUNNING" ? run : await k8s.refreshUntil(run, "RUNNING");
    expect(run.status.service?.ports?.map((p) => p.nodePort)).toEqual(nodePorts);
    expect(await runObjects(k8s.client, k8s.namespace, run.id)).toEqual(
      [...kept, `Deployment/${id.names.deployment}`].sort(),
    );

    await k8s.executor.delete(run);
    await eventually(async () => {
      expect(await runObjects(k8s.client, k8s.namespace, run.id)).toEqual([]);
      expect(await podsOf(run.id)).toEqual([]);
    });
  }, 120_000);

  it("owner references let the garbage collector remove every object with the root", async () => {
    const run = await k8s.startUntil(
      k8s.newRun("sklearnserve", 21, { path: "s3://bucket/model.pkl", service_name: "stable" }),
      "RUNNING",
    );
    const id = runIdentity(run);
    expect(await runObjects(k8s.client, k8s.namespace, run.id)).toEqual(
      [
        `ConfigMap/${id.names.root}`,
        `ConfigMap/${id.names.settings}`,
        `Secret/${id.names.secret}`,
        `Service/${id.names.service}`,
        `Service/${id.names.alias("stable")}`,
        `Deployment/${id.names.deployment}`,
      ].sort(),
    );
    expect(run.status.service?.aliases).toEqual([`${id.names.alias("stable")}.${k8s.namespace}:8080`]);
    await k8s.client.delete({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: id.names.root, namespace: k8s.namespace },
    });
    await eventually(async () => {
      expect(await runObjects(k8s.client, k8s.namespace, run.id)).toEqual([]);
      expect(await podsOf(run.id)).toEqual([]);
    });
  }, 120_000);
});
