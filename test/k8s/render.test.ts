import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { KubernetesSpecError } from "../../src/executors/kubernetes/errors.js";
import { huggingfaceArgs } from "../../src/executors/kubernetes/huggingface.js";
import {
  manifestsToYaml,
  renderManifests,
  renderRunObjects,
} from "../../src/executors/kubernetes/manifests.js";
import { dnsLabel, labelValue } from "../../src/executors/kubernetes/names.js";
import type { Json, KubeObject } from "../../src/executors/kubernetes/objects.js";
import { loadProfiles, parseProfiles } from "../../src/executors/kubernetes/profiles.js";
import { DEFAULT_IMAGES, type KubernetesSettings } from "../../src/executors/kubernetes/settings.js";
import type { RunSpec } from "../../src/sdk/types.js";
import { makeRun } from "./runs.js";

const RUN_ID = "0123456789abcdef0123456789abcdef";
const settings = (profiles = {}): KubernetesSettings => ({ images: DEFAULT_IMAGES, profiles });
const render = (
  kind: Parameters<typeof makeRun>[0],
  spec: Partial<RunSpec>,
  env: NodeJS.ProcessEnv = {},
  profiles = {},
) => renderRunObjects(makeRun(kind, RUN_ID, spec), { namespace: "ns1", settings: settings(profiles), env });

const find = (objects: KubeObject[], kind: string) => {
  const found = objects.find((o) => o.kind === kind);
  if (found === undefined) throw new Error(`no ${kind}`);
  return found;
};
// biome-ignore lint/suspicious/noExplicitAny: reaching into rendered JSON
const templateOf = (d: KubeObject): any => (d.spec as any).template;
const podSpec = (d: KubeObject) => templateOf(d).spec;

describe("names", () => {
  it("keeps short valid names and makes DNS labels of anything else", () => {
    expect(dnsLabel("d-sklearnserveserve-abc")).toBe("d-sklearnserveserve-abc");
    expect(dnsLabel("My_Model.v2")).toBe("my-model-v2");
    expect(dnsLabel("9lives")).toBe("x-9lives");
  });

  it("truncates long names with a hash instead of failing, and keeps them distinct", () => {
    const a = dnsLabel(`d-${"a".repeat(80)}-1`);
    const b = dnsLabel(`d-${"a".repeat(80)}-2`);
    for (const n of [a, b]) {
      expect(n.length).toBeLessThanOrEqual(63);
      expect(n).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    }
    expect(a).not.toBe(b);
    expect(dnsLabel("x".repeat(100), 40).length).toBe(40);
  });

  it("makes valid label values", () => {
    expect(labelValue("-my project!-")).toBe("my-project");
    const long = labelValue("p".repeat(70));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
  });
});

describe("sklearnserve / mlflowserve", () => {
  it("renders root, settings ConfigMap, Service and Deployment with MLServer", () => {
    const objects = render("sklearnserve", { path: "pvc://models/iris/model.pkl", model_name: "iris" });
    expect(objects.root).toMatchObject({
      kind: "ConfigMap",
      metadata: { name: `run-sklearnserveserve-${RUN_ID}` },
    });
    expect(objects.supporting.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      `ConfigMap/cfg-sklearnserveserve-${RUN_ID}`,
      `Service/s-sklearnserveserve-${RUN_ID}`,
    ]);
    const deployment = find(objects.workload, "Deployment");
    expect(deployment.metadata.name).toBe(`d-sklearnserveserve-${RUN_ID}`);
    const container = podSpec(deployment).containers[0];
    expect(container.image).toBe(DEFAULT_IMAGES.sklearn);
    expect(container.command).toEqual(["mlserver"]);
    expect(container.args).toEqual(["start", "/mnt/settings"]);
    expect(container.readinessProbe.httpGet).toEqual({ path: "/v2/health/ready", port: "http" });
    const settingsMap = find(objects.supporting, "ConfigMap");
    expect(JSON.parse((settingsMap.data as Record<string, string>)["model-settings.json"] as string)).toEqual(
      {
        name: "iris",
        implementation: "mlserver_sklearn.SKLearnModel",
        parameters: { uri: "/mnt/models/iris/model.pkl" },
      },
    );
    const service = find(objects.supporting, "Service");
    expect(service.spec).toMatchObject({
      type: "NodePort",
      ports: [
        { name: "http", port: 8080 },
        { name: "grpc", port: 8081 },
      ],
    });
    expect((service.spec as Json).selector).toEqual(
      (deployment.spec as Json & { selector: Json }).selector.matchLabels,
    );
  });

  it("names the model 'model' without model_name and uses the MLflow runtime for mlflowserve", () => {
    const objects = render("mlflowserve", { path: "pvc://models/wine/" });
    const settingsMap = find(objects.supporting, "ConfigMap");
    expect(JSON.parse((settingsMap.data as Record<string, string>)["model-settings.json"] as string)).toEqual(
      {
        name: "model",
        implementation: "mlserver_mlflow.MLflowRuntime",
        parameters: { uri: "/mnt/models/wine/" },
      },
    );
    expect(podSpec(find(objects.workload, "Deployment")).containers[0].image).toBe(DEFAULT_IMAGES.mlflow);
  });

  it("downloads s3:// models with an init container and a Secret made from the caller's credentials", () => {
    const env = {
      AWS_ACCESS_KEY_ID: "AK",
      AWS_SECRET_ACCESS_KEY: "SK",
      AWS_REGION: "eu-west-1",
      UNRELATED: "x",
    };
    const objects = render("sklearnserve", { path: "s3://bucket/models/model.joblib" }, env);
    const secret = find(objects.supporting, "Secret");
    expect(secret.stringData).toEqual({
      AWS_ACCESS_KEY_ID: "AK",
      AWS_SECRET_ACCESS_KEY: "SK",
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: "eu-west-1",
    });
    const pod = podSpec(find(objects.workload, "Deployment"));
    expect(pod.initContainers).toHaveLength(1);
    expect(pod.initContainers[0]).toMatchObject({
      image: DEFAULT_IMAGES.storageInitializer,
      args: ["s3://bucket/models/model.joblib", "/mnt/models"],
      envFrom: [{ secretRef: { name: secret.metadata.name } }],
    });
    expect(pod.containers[0].envFrom).toBeUndefined();
    expect(pod.volumes).toContainEqual({ name: "model-store", emptyDir: {} });
  });

  it("refuses paths the cluster cannot reach and a folder where sklearn needs a file", () => {
    expect(() => render("sklearnserve", { path: "./model.pkl" })).toThrow(/local to this machine/);
    expect(() => render("sklearnserve", { path: "s3://bucket/models/" })).toThrow(/\.pkl or \.joblib/);
    expect(() => render("sklearnserve", { path: "ftp://x/model.pkl" })).toThrow(KubernetesSpecError);
    expect(() => render("sklearnserve", { path: "pvc://m/model.pkl", service_type: "ExternalName" })).toThrow(
      /ExternalName/,
    );
    expect(() => render("sklearnserve", {})).toThrow(/needs the model's path/);
  });

  it("maps every task field into the pod and its objects", () => {
    const objects = render("sklearnserve", {
      path: "pvc://models/model.pkl",
      node_selector: [{ key: "disktype", value: "ssd" }],
      tolerations: [{ key: "gpu", operator: "Exists", effect: "NoSchedule", toleration_seconds: 30 }],
      affinity: {
        node_affinity: {
          required_during_scheduling_ignored_during_execution: {
            node_selector_terms: [{ match_expressions: [{ key: "zone", operator: "In", values: ["a"] }] }],
          },
        },
        pod_anti_affinity: {
          preferred_during_scheduling_ignored_during_execution: [
            {
              weight: 10,
              pod_affinity_term: {
                topology_key: "kubernetes.io/hostname",
                label_selector: { match_labels: { "app.kubernetes.io/name": "x" } },
              },
            },
          ],
        },
      },
      resources: { cpu: "500m", mem: "1Gi", gpu: "1" },
      envs: [{ name: "LOG_LEVEL", value: "debug" }],
      secrets: ["my-creds"],
      volumes: [
        { volume_type: "persistent_volume_claim", name: "data", mount_path: "/data", spec: { size: "5Gi" } },
        {
          volume_type: "empty_dir",
          name: "scratch",
          mount_path: "/scratch",
          spec: { size_limit: "1Gi", medium: "Memory" },
        },
        { volume_type: "ephemeral", name: "eph", mount_path: "/eph", spec: { size: "2Gi" } },
        { volume_type: "shared_volume", name: "shared", mount_path: "/shared" },
      ],
      replicas: 3,
      service_type: "ClusterIP",
      service_name: "stable",
      runtime_class: "nvidia",
      priority_class: "high",
    });
    const deployment = find(objects.workload, "Deployment");
    expect((deployment.spec as Json).replicas).toBe(3);
    const pod = podSpec(deployment);
    expect(pod.nodeSelector).toEqual({ disktype: "ssd" });
    expect(pod.tolerations).toEqual([
      { key: "gpu", operator: "Exists", effect: "NoSchedule", tolerationSeconds: 30 },
    ]);
    expect(
      pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
        .matchExpressions,
    ).toEqual([{ key: "zone", operator: "In", values: ["a"] }]);
    const term =
      pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
    expect(term).toEqual({
      topologyKey: "kubernetes.io/hostname",
      labelSelector: { matchLabels: { "app.kubernetes.io/name": "x" } },
    });
    expect(pod.runtimeClassName).toBe("nvidia");
    expect(pod.priorityClassName).toBe("high");
    const container = pod.containers[0];
    expect(container.resources).toEqual({
      requests: { cpu: "500m", memory: "1Gi", "nvidia.com/gpu": "1" },
      limits: { memory: "1Gi", "nvidia.com/gpu": "1" },
    });
    expect(container.env).toContainEqual({ name: "LOG_LEVEL", value: "debug" });
    expect(container.env).toContainEqual({ name: "RUN_ID", value: RUN_ID });
    expect(container.envFrom).toEqual([{ secretRef: { name: "my-creds" } }]);
    expect(container.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: "data", mountPath: "/data" },
        { name: "scratch", mountPath: "/scratch" },
        { name: "eph", mountPath: "/eph" },
        { name: "shared", mountPath: "/shared" },
      ]),
    );
    const claim = `v-${RUN_ID}-data`;
    expect(pod.volumes).toEqual(
      expect.arrayContaining([
        { name: "data", persistentVolumeClaim: { claimName: claim } },
        { name: "scratch", emptyDir: { sizeLimit: "1Gi", medium: "Memory" } },
        {
          name: "eph",
          ephemeral: {
            volumeClaimTemplate: {
              spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "2Gi" } } },
            },
          },
        },
        { name: "shared", persistentVolumeClaim: { claimName: "shared" } },
      ]),
    );
    const pvc = find(objects.supporting, "PersistentVolumeClaim");
    expect(pvc.metadata.name).toBe(claim);
    expect(pvc.spec).toMatchObject({ resources: { requests: { storage: "5Gi" } } });
    const services = objects.supporting.filter((o) => o.kind === "Service");
    expect(services.map((s) => [s.metadata.name, (s.spec as Json).type])).toEqual([
      [`s-sklearnserveserve-${RUN_ID}`, "ClusterIP"],
      ["sklearnserve-fn-stable", "ClusterIP"],
    ]);
    for (const o of [objects.root, ...objects.supporting, ...objects.workload]) {
      expect(o.metadata.labels).toMatchObject({
        "modelserve/run": RUN_ID,
        "modelserve/project": "demo",
        "modelserve/function": "sklearnserve-fn",
      });
    }
  });

  it("adds owner references to the root once its uid is known", () => {
    const run = makeRun("sklearnserve", RUN_ID, { path: "pvc://m/model.pkl" });
    const objects = renderRunObjects(run, {
      namespace: "ns1",
      settings: settings(),
      env: {},
      rootUid: "uid-1",
    });
    expect(objects.root.metadata.ownerReferences).toBeUndefined();
    for (const o of [...objects.supporting, ...objects.workload]) {
      expect(o.metadata.ownerReferences).toEqual([
        {
          apiVersion: "v1",
          kind: "ConfigMap",
          name: objects.root.metadata.name,
          uid: "uid-1",
          blockOwnerDeletion: true,
        },
      ]);
    }
  });
});

describe("profiles", () => {
  const profiles = parseProfiles(
    `
profiles:
  default:
    labels: {team: ml}
  gpu:
    node_selector: {pool: gpu}
    tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
    resources: {requests: {cpu: 2, memory: 8Gi}, limits: {nvidia.com/gpu: 1}}
    runtime_class: nvidia
    replicas: 2
    annotations: {prometheus.io/scrape: "true"}
`,
    "inline",
  );

  it("applies the named profile, with task fields winning", () => {
    const objects = render(
      "sklearnserve",
      {
        path: "pvc://m/model.pkl",
        profile: "gpu",
        resources: { cpu: "4" },
        node_selector: [{ key: "zone", value: "a" }],
      },
      {},
      profiles,
    );
    const deployment = find(objects.workload, "Deployment");
    const pod = podSpec(deployment);
    expect((deployment.spec as Json).replicas).toBe(2);
    expect(pod.nodeSelector).toEqual({ pool: "gpu", zone: "a" });
    expect(pod.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    expect(pod.runtimeClassName).toBe("nvidia");
    expect(pod.containers[0].resources).toEqual({
      requests: { cpu: "4", memory: "8Gi" },
      limits: { "nvidia.com/gpu": "1" },
    });
    const template = templateOf(deployment);
    expect(template.metadata.annotations).toEqual({ "prometheus.io/scrape": "true" });
    expect(template.metadata.labels["modelserve/profile"]).toBe("gpu");
  });

  it("uses the default profile when none is named and rejects unknown names", () => {
    const template = templateOf(
      find(render("sklearnserve", { path: "pvc://m/model.pkl" }, {}, profiles).workload, "Deployment"),
    );
    expect(template.metadata.labels.team).toBe("ml");
    expect(() => render("sklearnserve", { path: "pvc://m/model.pkl", profile: "tpu" }, {}, profiles)).toThrow(
      /unknown profile "tpu": expected one of default, gpu/,
    );
  });

  it("reads the example profiles file shipped with the scripts", () => {
    const example = loadProfiles(
      new URL("../../scripts/k8s/profiles.example.yaml", import.meta.url).pathname,
    );
    expect(Object.keys(example)).toEqual(["default", "gpu-l4", "cpu-small"]);
    const pod = podSpec(
      find(
        render("sklearnserve", { path: "pvc://m/model.pkl", profile: "gpu-l4" }, {}, example).workload,
        "Deployment",
      ),
    );
    expect(pod.nodeSelector).toEqual({ "cloud.google.com/gke-accelerator": "nvidia-l4" });
    expect(pod.containers[0].resources.limits).toEqual({ memory: "16Gi", "nvidia.com/gpu": "1" });
  });

  it("rejects malformed profile files with the offending field", () => {
    expect(() => parseProfiles("profiles:\n  a:\n    replicas: zero\n", "p.yaml")).toThrow(
      /p\.yaml is invalid.*a\.replicas/,
    );
    expect(() => parseProfiles("profiles:\n  a:\n    nodeSelector: {}\n", "p.yaml")).toThrow(/nodeSelector/);
    expect(() => parseProfiles("profiles: [", "p.yaml")).toThrow(/not valid YAML/);
  });
});

describe("huggingfaceserve", () => {
  it("turns task fields into real flags: booleans are switches, enums lower case", () => {
    const args = huggingfaceArgs(
      makeRun("huggingfaceserve", RUN_ID, {
        huggingface_task: "text_generation",
        backend: "HUGGINGFACE",
        dtype: "FLOAT16",
        max_length: 512,
        tokenizer_revision: "main",
        disable_lower_case: true,
        disable_special_tokens: false,
        trust_remote_code: false,
        return_probabilities: true,
        tensor_input_names: ["a", "b"],
        max_log_len: 100,
        disable_log_requests: true,
        args: ["--workers", "2"],
      }).spec,
      "gpt",
      { type: "hub", uri: "hf://org/gpt:rev1", modelId: "org/gpt", revision: "rev1" },
      "/mnt/models",
    );
    expect(args).toEqual([
      "--model_name",
      "gpt",
      "--model_id",
      "org/gpt",
      "--model_revision",
      "rev1",
      "--task",
      "text_generation",
      "--backend",
      "huggingface",
      "--dtype",
      "float16",
      "--tokenizer_revision",
      "main",
      "--max_length",
      "512",
      "--disable_lower_case",
      "--tensor_input_names",
      "a,b",
      "--return_probabilities",
      "--disable_log_requests",
      "--max_log_len",
      "100",
      "--workers",
      "2",
    ]);
    expect(args).not.toContain("--trust_remote_code");
    expect(args).not.toContain("false");
  });

  it("lets the server download hub models itself and mounts other sources", () => {
    const hub = render(
      "huggingfaceserve",
      { path: "hf://distilbert/distilbert-base-uncased" },
      { HF_TOKEN: "t" },
    );
    const pod = podSpec(find(hub.workload, "Deployment"));
    expect(pod.initContainers).toBeUndefined();
    expect(pod.containers[0].image).toBe(DEFAULT_IMAGES.huggingface);
    expect(pod.containers[0].command).toBeUndefined();
    expect(pod.containers[0].args.slice(0, 4)).toEqual([
      "--model_name",
      "model",
      "--model_id",
      "distilbert/distilbert-base-uncased",
    ]);
    expect(pod.containers[0].envFrom).toEqual([
      { secretRef: { name: `sec-huggingfaceserveserve-${RUN_ID}` } },
    ]);
    expect(hub.supporting.map((o) => o.kind)).toEqual(["Secret", "Service"]);
    const s3 = render("huggingfaceserve", { path: "s3://b/bert/" });
    const s3pod = podSpec(find(s3.workload, "Deployment"));
    expect(s3pod.initContainers[0].args).toEqual(["s3://b/bert/", "/mnt/models"]);
    expect(s3pod.containers[0].args).toContain("--model_dir");
  });
});

describe("kubeai", () => {
  it("renders a camelCase Model with every run field", () => {
    const objects = render("kubeai-text", {
      url: "hf://Qwen/Qwen2.5-0.5B",
      model_name: "qwen",
      engine: "VLLM",
      features: ["TextGeneration", "TextEmbedding"],
      image: "vllm/vllm-openai:v0.10.2",
      args: ["--max-model-len=2048"],
      env: { VLLM_LOGGING_LEVEL: "INFO" },
      secrets: ["hf-token"],
      cache_profile: "efs",
      files: [{ path: "/config/chat.tmpl", content: "{{x}}" }],
      adapters: [{ name: "lora-a", url: "hf://org/lora-a" }],
      processors: 2,
      profile: "nvidia-gpu-l4",
      priority_class: "high",
      scaling: {
        replicas: 2,
        min_replicas: 1,
        max_replicas: 4,
        autoscaling_disabled: false,
        target_request: 50,
        scale_down_delay_seconds: 60,
        load_balancing: {
          strategy: "PrefixHash",
          prefix_hash: { mean_load_factor: 150, replication: 128, prefix_char_length: 200 },
        },
      },
    });
    expect(objects.workload).toHaveLength(1);
    const model = find(objects.workload, "Model");
    expect(model.apiVersion).toBe("kubeai.org/v1");
    expect(model.metadata.name.length).toBeLessThanOrEqual(40);
    expect(model.spec).toEqual({
      url: "hf://Qwen/Qwen2.5-0.5B",
      engine: "VLLM",
      features: ["TextGeneration", "TextEmbedding"],
      resourceProfile: "nvidia-gpu-l4:2",
      image: "vllm/vllm-openai:v0.10.2",
      args: ["--max-model-len=2048"],
      env: { VLLM_LOGGING_LEVEL: "INFO" },
      envFrom: [{ secretRef: { name: "hf-token" } }],
      cacheProfile: "efs",
      files: [{ path: "/config/chat.tmpl", content: "{{x}}" }],
      adapters: [{ name: "lora-a", url: "hf://org/lora-a" }],
      replicas: 2,
      minReplicas: 1,
      maxReplicas: 4,
      autoscalingDisabled: false,
      targetRequests: 50,
      scaleDownDelaySeconds: 60,
      loadBalancing: {
        strategy: "PrefixHash",
        prefixHash: { meanLoadFactor: 150, replication: 128, prefixCharLength: 200 },
      },
      priorityClassName: "high",
    });
  });

  it("fixes speech engine and features, defaults the resource profile, and limits files", () => {
    const model = find(
      render("kubeai-speech", { url: "hf://Systran/faster-whisper-small" }).workload,
      "Model",
    );
    expect(model.spec).toEqual({
      url: "hf://Systran/faster-whisper-small",
      engine: "FasterWhisper",
      features: ["SpeechToText"],
      resourceProfile: "cpu:1",
    });
    const files = Array.from({ length: 11 }, (_, i) => ({ path: `/f${i}`, content: "x" }));
    expect(() => render("kubeai-text", { url: "hf://a/b", files })).toThrow(/at most 10 files/);
  });
});

describe("dry-run output", () => {
  it("prints every object as YAML with secret values redacted", () => {
    const run = makeRun("sklearnserve", RUN_ID, { path: "s3://b/model.pkl" });
    const objects = renderManifests(run, {
      namespace: "ns1",
      settings: settings(),
      env: { AWS_ACCESS_KEY_ID: "AKIA-SECRET" },
    });
    const text = manifestsToYaml(objects);
    expect(text).not.toContain("AKIA-SECRET");
    const docs = parseAllDocuments(text).map((d) => d.toJSON() as KubeObject);
    expect(docs.map((d) => d.kind)).toEqual(["ConfigMap", "Secret", "ConfigMap", "Service", "Deployment"]);
    expect(docs[1]?.stringData).toEqual({ AWS_ACCESS_KEY_ID: "<redacted>" });
    expect(parse(stringifyFirst(text))).toMatchObject({ kind: "ConfigMap", metadata: { namespace: "ns1" } });
  });
});

function stringifyFirst(text: string): string {
  return text.split("---\n")[0] as string;
}
