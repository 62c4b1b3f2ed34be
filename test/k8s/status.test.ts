import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/executors/kubernetes/objects.js";
import {
  deploymentState,
  kubeaiEndpoints,
  kubeaiState,
  serviceInfo,
} from "../../src/executors/kubernetes/status.js";

const deployment = (status: Record<string, unknown>, replicas = 1): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "d", generation: 2 } as KubeObject["metadata"],
  spec: { replicas },
  status: { observedGeneration: 2, ...status },
});
const pod = (status: Record<string, unknown>): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p1" },
  status,
});

describe("run state from the cluster's objects", () => {
  it("is RUNNING when the wanted replicas are ready for the current generation", () => {
    expect(deploymentState(deployment({ readyReplicas: 2 }, 2), [])).toEqual({
      state: "RUNNING",
      message: "2/2 replicas ready",
    });
    expect(deploymentState(deployment({ readyReplicas: 2, observedGeneration: 1 }, 2), []).state).toBe(
      "PENDING",
    );
    expect(deploymentState(deployment({ readyReplicas: 1 }, 2), []).state).toBe("PENDING");
  });

  it("is ERROR on a container that cannot start, naming pod, container and reason", () => {
    const crashing = pod({
      initContainerStatuses: [
        {
          name: "model-initializer",
          state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 10s" } },
        },
      ],
    });
    expect(deploymentState(deployment({}), [crashing])).toEqual({
      state: "ERROR",
      message: "CrashLoopBackOff (pod p1, container model-initializer): back-off 10s",
    });
    const creating = pod({
      containerStatuses: [{ name: "c", state: { waiting: { reason: "ContainerCreating" } } }],
    });
    expect(deploymentState(deployment({}), [creating])).toEqual({
      state: "PENDING",
      message: "0/1 replicas ready: ContainerCreating (container c)",
    });
  });

  it("is ERROR when pods cannot be created or the rollout is stuck", () => {
    const failed = deployment({
      conditions: [
        {
          type: "ReplicaFailure",
          status: "True",
          reason: "FailedCreate",
          message: 'pods "x" is forbidden: exceeded quota',
        },
      ],
    });
    expect(deploymentState(failed, [])).toEqual({
      state: "ERROR",
      message: 'FailedCreate: pods "x" is forbidden: exceeded quota',
    });
    const stuck = deployment({
      conditions: [
        { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "too slow" },
      ],
    });
    expect(deploymentState(stuck, []).state).toBe("ERROR");
    expect(deploymentState(undefined, [])).toEqual({
      state: "ERROR",
      message: "the run's Deployment does not exist",
    });
  });

  it("says why a pod waits for a node", () => {
    const unscheduled = pod({
      conditions: [
        {
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message: "0/3 nodes are available",
        },
      ],
    });
    expect(deploymentState(deployment({}), [unscheduled]).message).toBe(
      "0/1 replicas ready: Unschedulable: 0/3 nodes are available",
    );
  });

  it("is RUNNING for KubeAI only once the operator reports a ready replica", () => {
    const model = (ready?: number): KubeObject => ({
      apiVersion: "kubeai.org/v1",
      kind: "Model",
      metadata: { name: "m" },
      spec: { features: ["TextGeneration"], engine: "VLLM", url: "hf://a/b" },
      ...(ready === undefined ? {} : { status: { replicas: { all: 1, ready } } }),
    });
    expect(kubeaiState(model(), [])).toEqual({
      state: "PENDING",
      message: "model m not ready (0/0 replicas)",
    });
    expect(kubeaiState(model(1), [])).toEqual({ state: "RUNNING", message: "model m ready (1/1 replicas)" });
    expect(kubeaiState(undefined, []).state).toBe("ERROR");
    expect(kubeaiEndpoints(model(1), "kubeai.kubeai:80/")).toEqual({
      service: {
        url: "kubeai.kubeai:80/openai/v1",
        urls: [
          "kubeai.kubeai:80/openai/v1/models",
          "kubeai.kubeai:80/openai/v1/chat/completions",
          "kubeai.kubeai:80/openai/v1/completions",
        ],
      },
      openai: {
        baseUrl: "kubeai.kubeai:80/openai/v1",
        model: "m",
        modelUrl: "hf://a/b",
        engine: "VLLM",
        features: ["TextGeneration"],
        adapters: [],
      },
    });
  });
});

describe("status.service", () => {
  const service = (type: string, extra: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "s-x", namespace: "ns" },
    spec: {
      type,
      clusterIP: "10.0.0.7",
      ports: [
        { name: "http", port: 8080, targetPort: "http", nodePort: 31000, protocol: "TCP" },
        { name: "grpc", port: 8081, targetPort: "grpc", nodePort: 31001, protocol: "TCP" },
      ],
    },
    ...extra,
  });

  it("has the original's url format, plus the node's address for NodePort", () => {
    expect(serviceInfo(service("NodePort"), "192.0.2.1")).toEqual({
      url: "s-x.ns:8080",
      urls: ["s-x.ns:8080", "s-x.ns:8081"],
      name: "s-x",
      namespace: "ns",
      type: "NodePort",
      clusterIP: "10.0.0.7",
      ports: [
        { name: "http", port: 8080, nodePort: 31000, protocol: "TCP" },
        { name: "grpc", port: 8081, nodePort: 31001, protocol: "TCP" },
      ],
      nodeAddress: "192.0.2.1",
      nodeUrls: ["192.0.2.1:31000", "192.0.2.1:31001"],
    });
  });

  it("uses the load balancer's ingress once it has one", () => {
    const lb = serviceInfo(
      service("LoadBalancer", { status: { loadBalancer: { ingress: [{ ip: "203.0.113.9" }] } } }),
    );
    expect(lb.url).toBe("203.0.113.9:8080");
    expect(lb.ip).toBe("203.0.113.9");
    expect(serviceInfo(service("LoadBalancer")).url).toBe("s-x.ns:8080");
  });
});
