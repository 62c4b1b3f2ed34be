import { beforeAll, describe, expect, it } from "vitest";
import { runIdentity } from "../../src/executors/kubernetes/identity.js";
import type { RunSpec } from "../../src/sdk/types.js";
import { clusterSuite } from "./suite.js";

const k8s = clusterSuite("ms-fields", {
  gpu: {
    labels: { team: "ml" },
    annotations: { "example.com/owner": "ml-team" },
    tolerations: [{ key: "dedicated", operator: "Equal", value: "ml", effect: "NoSchedule" }],
  },
});

// Cluster-scoped objects the run refers to, as an administrator would have created them; volumes get
// PersistentVolumes so their claims bind and the pod can be scheduled.
beforeAll(async () => {
  const c = k8s.client;
  await c.apply({
    apiVersion: "node.k8s.io/v1",
    kind: "RuntimeClass",
    metadata: { name: "modelserve-test" },
    handler: "runc",
  });
  await c.apply({
    apiVersion: "scheduling.k8s.io/v1",
    kind: "PriorityClass",
    metadata: { name: "modelserve-test" },
    value: 1000,
  });
  await c.apply({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "user-secret", namespace: k8s.namespace },
    stringData: { TOKEN: "t" },
  });
  // one for the run's claim, one per replica's ephemeral claim, one for the shared claim
  for (const i of [0, 1, 2, 3]) {
    await c.apply({
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: `${k8s.namespace}-pv-${i}` },
      spec: {
        capacity: { storage: "5Gi" },
        accessModes: ["ReadWriteOnce"],
        hostPath: { path: `/tmp/pv-${i}` },
        storageClassName: "",
      },
    });
  }
  await c.apply({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: "shared-models", namespace: k8s.namespace },
    spec: {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "1Gi" } },
      storageClassName: "",
    },
  });
}, 60_000);

const ALL_FIELDS: Partial<RunSpec> = {
  path: "s3://bucket/models/model.pkl",
  model_name: "iris",
  node_selector: [{ key: "modelserve.test/pool", value: "kwok" }],
  tolerations: [{ key: "gpu", operator: "Exists", effect: "NoExecute", toleration_seconds: 60 }],
  affinity: {
    node_affinity: {
      required_during_scheduling_ignored_during_execution: {
        node_selector_terms: [{ match_expressions: [{ key: "type", operator: "In", values: ["kwok"] }] }],
      },
    },
  },
  resources: { cpu: "500m", mem: "1Gi", gpu: "1" },
  envs: [{ name: "LOG_LEVEL", value: "debug" }],
  secrets: ["user-secret"],
  volumes: [
    { volume_type: "persistent_volume_claim", name: "data", mount_path: "/data", spec: { size: "2Gi" } },
    { volume_type: "empty_dir", name: "scratch", mount_path: "/scratch", spec: { size_limit: "1Gi" } },
    { volume_type: "ephemeral", name: "eph", mount_path: "/eph", spec: { size: "1Gi" } },
    { volume_type: "shared_volume", name: "shared-models", mount_path: "/shared" },
  ],
  profile: "gpu",
  replicas: 2,
  service_type: "ClusterIP",
  service_name: "stable",
  runtime_class: "modelserve-test",
  priority_class: "modelserve-test",
};

describe("task fields on Kubernetes", () => {
  it("puts every task field where it belongs and the run still becomes RUNNING", async () => {
    const run = await k8s.startUntil(k8s.newRun("sklearnserve", 40, ALL_FIELDS), "RUNNING");
    expect(run.status.message).toBe("2/2 replicas ready");
    const id = runIdentity(run);
    const ns = k8s.namespace;
    // biome-ignore lint/suspicious/noExplicitAny: reading back stored JSON
    const deployment = (await k8s.client.read("apps/v1", "Deployment", ns, id.names.deployment)) as any;
    expect(deployment.spec.replicas).toBe(2);
    const template = deployment.spec.template;
    expect(template.metadata.labels).toMatchObject({
      team: "ml",
      "modelserve/profile": "gpu",
      "modelserve/run": run.id,
    });
    expect(template.metadata.annotations).toEqual({ "example.com/owner": "ml-team" });
    const pod = template.spec;
    expect(pod.nodeSelector).toEqual({ "modelserve.test/pool": "kwok" });
    expect(pod.tolerations).toEqual([
      { key: "dedicated", operator: "Equal", value: "ml", effect: "NoSchedule" },
      { key: "gpu", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 },
    ]);
    expect(
      pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms,
    ).toEqual([{ matchExpressions: [{ key: "type", operator: "In", values: ["kwok"] }] }]);
    expect(pod.runtimeClassName).toBe("modelserve-test");
    expect(pod.priorityClassName).toBe("modelserve-test");
    const container = pod.containers[0];
    expect(container.resources).toEqual({
      requests: { cpu: "500m", memory: "1Gi", "nvidia.com/gpu": "1" },
      limits: { memory: "1Gi", "nvidia.com/gpu": "1" },
    });
    expect(container.env).toEqual([
      { name: "PROJECT_NAME", value: "demo" },
      { name: "RUN_ID", value: run.id },
      { name: "LOG_LEVEL", value: "debug" },
    ]);
    expect(container.envFrom).toEqual([{ secretRef: { name: "user-secret" } }]);
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: "/v2/health/ready", port: "http" } });
    expect(pod.initContainers[0].envFrom).toEqual([{ secretRef: { name: id.names.secret } }]);
    const claim = await k8s.client.read("v1", "PersistentVolumeClaim", ns, id.names.claim("data"));
    expect(claim?.spec).toMatchObject({ resources: { requests: { storage: "2Gi" } } });
    const volumes = Object.fromEntries(pod.volumes.map((v: { name: string }) => [v.name, v]));
    expect(volumes.data.persistentVolumeClaim).toEqual({ claimName: id.names.claim("data") });
    expect(volumes.scratch.emptyDir).toEqual({ sizeLimit: "1Gi" });
    expect(volumes.eph.ephemeral.volumeClaimTemplate.spec.resources).toEqual({
      requests: { storage: "1Gi" },
    });
    expect(volumes["shared-models"].persistentVolumeClaim).toEqual({ claimName: "shared-models" });
    // The scheduler placed the pods: GPU, selector, affinity and toleration all fit the node.
    const pods = await k8s.client.list("v1", "Pod", ns, `modelserve/run=${run.id}`);
    expect(pods.map((p) => (p.spec as { nodeName?: string }).nodeName)).toEqual([
      "kwok-node-0",
      "kwok-node-0",
    ]);
    expect(run.status.service).toMatchObject({
      type: "ClusterIP",
      aliases: [`${id.names.alias("stable")}.${ns}:8080`],
    });
    expect((run.status.service as { nodeAddress?: string }).nodeAddress).toBeUndefined();
    const alias = await k8s.client.read("v1", "Service", ns, id.names.alias("stable"));
    expect(alias?.spec).toMatchObject({ type: "ClusterIP", selector: { "modelserve/run": run.id } });
  }, 120_000);
});
