import { describe, expect, it } from "vitest";
import { eventually, runObjects } from "./cluster.js";
import { clusterSuite } from "./suite.js";

const k8s = clusterSuite("ms-errors");

describe("runs that fail on Kubernetes", () => {
  it("reports the API server's refusal of an invalid object (a bad resource quantity)", async () => {
    const run = await k8s.start(
      k8s.newRun("sklearnserve", 30, { path: "pvc://m/model.pkl", resources: { cpu: "lots" } }),
    );
    expect(run.status.state).toBe("ERROR");
    expect(run.status.message).toMatch(
      /refused Deployment d-sklearnserveserve-30\w+: .*quantities must match the regular expression/,
    );
    expect(run.status.service).toBeUndefined();
    // Nothing was half-applied beyond the objects that came before the Deployment.
    expect(await runObjects(k8s.client, k8s.namespace, run.id)).not.toContain(
      `Deployment/d-sklearnserveserve-${run.id}`,
    );
  }, 60_000);

  it("reports ImagePullBackOff with the kubelet's message", async () => {
    const run = await k8s.startUntil(
      k8s.newRun("sklearnserve", 31, {
        path: "pvc://m/model.pkl",
        image: "registry.invalid/modelserve-test/missing:1",
      }),
      "ERROR",
    );
    expect(run.status.message).toMatch(
      /^ImagePullBackOff \(pod d-sklearnserveserve-31[\w-]+, container c-sklearnserveserve-31\w+\): Back-off pulling image "registry.invalid\/modelserve-test\/missing:1"/,
    );
  }, 90_000);

  it("reports CrashLoopBackOff", async () => {
    const run = await k8s.startUntil(
      k8s.newRun("mlflowserve", 32, {
        path: "pvc://m/model/",
        image: "registry.invalid/modelserve-test/crash:1",
      }),
      "ERROR",
    );
    expect(run.status.message).toMatch(
      /^CrashLoopBackOff \(pod .*\): back-off 40s restarting failed container/,
    );
  }, 90_000);

  it("reports pods the API server refuses to create (an unknown runtime class)", async () => {
    const run = await k8s.startUntil(
      k8s.newRun("sklearnserve", 33, { path: "pvc://m/model.pkl", runtime_class: "no-such-runtime" }),
      "ERROR",
    );
    expect(run.status.message).toMatch(/^FailedCreate: .*RuntimeClass "no-such-runtime" not found/);
  }, 90_000);

  it("stays PENDING with the scheduler's reason while no node fits", async () => {
    const run = await k8s.start(
      k8s.newRun("sklearnserve", 34, {
        path: "pvc://m/model.pkl",
        node_selector: [{ key: "zone", value: "nowhere" }],
      }),
    );
    const pending = await k8s.refreshUntil(run, "PENDING");
    await eventually(async () => {
      const again = await k8s.refreshUntil(pending, "PENDING");
      expect(again.status.message).toMatch(
        /^0\/1 replicas ready: Unschedulable: 0\/1 nodes are available: .*node affinity\/selector/,
      );
    });
  }, 90_000);
});
