import { CustomObjectsApi } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { runIdentity } from "../../src/executors/kubernetes/identity.js";
import type { RunEntity, RunSpec } from "../../src/sdk/types.js";
import { runObjects } from "./cluster.js";
import { golden } from "./golden.js";
import { clusterSuite } from "./suite.js";

const k8s = clusterSuite("ms-kubeai");

/** What the KubeAI operator does once a model's pods are up: report ready replicas in the status. */
async function reportReady(run: RunEntity, ready: number): Promise<void> {
  const api = k8s.client.kc.makeApiClient(CustomObjectsApi);
  const target = {
    group: "kubeai.org",
    version: "v1",
    namespace: k8s.namespace,
    plural: "models",
    name: runIdentity(run).names.model,
  };
  const model = (await api.getNamespacedCustomObject(target)) as Record<string, unknown>;
  await api.replaceNamespacedCustomObjectStatus({
    ...target,
    body: { ...model, status: { replicas: { all: ready, ready }, cache: { loaded: false } } },
  });
}

const TEXT: Partial<RunSpec> = {
  url: "hf://Qwen/Qwen2.5-0.5B-Instruct",
  model_name: "qwen-small",
  engine: "VLLM",
  features: ["TextGeneration", "TextEmbedding"],
  args: ["--max-model-len=2048"],
  env: { VLLM_LOGGING_LEVEL: "INFO" },
  secrets: ["hf-token"],
  cache_profile: "standard",
  files: [{ path: "/config/template.jinja", content: "{{ messages }}" }],
  adapters: [{ name: "sql-lora", url: "hf://org/sql-lora" }],
  processors: 2,
  profile: "nvidia-gpu-l4",
  scaling: {
    replicas: 1,
    min_replicas: 1,
    max_replicas: 3,
    autoscaling_disabled: false,
    target_request: 50,
    scale_down_delay_seconds: 60,
    load_balancing: {
      strategy: "PrefixHash",
      prefix_hash: { mean_load_factor: 150, replication: 128, prefix_char_length: 200 },
    },
  },
};

describe("KubeAI runs", () => {
  it("creates a Model the real CRD accepts, with every field kept (camelCase, none pruned)", async () => {
    const run = await k8s.start(k8s.newRun("kubeai-text", 50, TEXT));
    expect(run.status.state).toBe("PENDING");
    expect(run.status.message).toMatch(/^model qwen-small-50[\w-]+ not ready \(0\/0 replicas\)$/);
    const objects = await k8s.storedObjects(run);
    expect(objects).toEqual(golden("kubeai-text", objects));
    const model = objects.find((o) => o.kind === "Model") as unknown as { spec: Record<string, unknown> };
    // The structural schema prunes unknown fields: the load balancing block survives whole.
    expect(model.spec.loadBalancing).toEqual({
      strategy: "PrefixHash",
      prefixHash: { meanLoadFactor: 150, replication: 128, prefixCharLength: 200 },
    });
    expect(runIdentity(run).names.model.length).toBeLessThanOrEqual(40);

    await reportReady(run, 1);
    const running = await k8s.refreshUntil(run, "RUNNING");
    const base = `kubeai.${k8s.namespace}:80/openai/v1`;
    expect(running.status.service).toEqual({
      url: base,
      urls: [`${base}/models`, `${base}/chat/completions`, `${base}/completions`, `${base}/embeddings`],
    });
    expect(running.status.openai).toMatchObject({
      baseUrl: base,
      model: runIdentity(run).names.model,
      engine: "VLLM",
    });

    const stopped = await k8s.stop(running);
    expect(stopped.status.state).toBe("STOPPED");
    // the Model is gone; the root stays (no Secret: the test environment has no HF_TOKEN)
    expect(await runObjects(k8s.client, k8s.namespace, run.id)).toEqual([
      `ConfigMap/${runIdentity(run).names.root}`,
    ]);
    const resumed = await k8s.resume(stopped);
    expect(resumed.status.state).toBe("PENDING");
    await k8s.executor.delete(resumed);
  }, 120_000);

  it("creates a speech Model with the fixed engine and feature", async () => {
    const run = await k8s.start(
      k8s.newRun("kubeai-speech", 51, { url: "hf://Systran/faster-whisper-small" }),
    );
    expect(run.status.state).toBe("PENDING");
    const objects = await k8s.storedObjects(run);
    expect(objects).toEqual(golden("kubeai-speech", objects));
  }, 60_000);

  it("turns the CRD's validation errors into the run's ERROR", async () => {
    const badUrl = await k8s.start(k8s.newRun("kubeai-text", 52, { url: "ftp://models/x" }));
    expect(badUrl.status.state).toBe("ERROR");
    expect(badUrl.status.message).toMatch(
      /refused Model .*url must start with "hf:\/\/", "pvc:\/\/", "ollama:\/\/", "s3:\/\/"/,
    );
    const badAdapter = await k8s.start(
      k8s.newRun("kubeai-text", 53, {
        url: "hf://org/m",
        adapters: [{ name: "Bad_Name", url: "hf://org/a" }],
      }),
    );
    expect(badAdapter.status.state).toBe("ERROR");
    expect(badAdapter.status.message).toMatch(/refused Model .*spec\.adapters\[0\]\.name/);
    const badFile = await k8s.start(
      k8s.newRun("kubeai-text", 54, { url: "hf://org/m", files: [{ path: "relative/x", content: "c" }] }),
    );
    expect(badFile.status.state).toBe("ERROR");
    expect(badFile.status.message).toMatch(/Path must be an absolute path/);
  }, 60_000);
});
