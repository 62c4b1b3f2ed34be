import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FolderModelRepository,
  modelSettingsFromEnv,
  parseModelSettings,
} from "../../src/server/model-settings.js";
import { loadServerSettings, settingsFromEnv } from "../../src/server/settings.js";
import { get, post, startTestServer } from "./harness.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "modelserve-settings-"));
  await mkdir(join(dir, "models", "summer"), { recursive: true });
  await mkdir(join(dir, "models", "nested", "echo-folder"), { recursive: true });
  await mkdir(join(dir, "models", "bad"), { recursive: true });
  await mkdir(join(dir, "models", ".hidden"), { recursive: true });
  await writeFile(
    join(dir, "models", "summer", "model-settings.json"),
    JSON.stringify({
      name: "summer",
      implementation: "noop",
      parameters: { uri: "./model.bin", version: "v3", content_type: "np", extra: { mode: "sum" } },
      max_batch_size: 4,
      max_batch_time: 0.01,
    }),
  );
  await writeFile(
    join(dir, "models", "nested", "echo-folder", "model-settings.json"),
    JSON.stringify({ implementation: "modelserve.noop" }),
  );
  await writeFile(join(dir, "models", "bad", "model-settings.json"), '{"name": "bad", "implementation": 3}');
  await writeFile(join(dir, "models", ".hidden", "model-settings.json"), '{"implementation": "noop"}');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("model settings", () => {
  it("reads MLServer's model-settings.json layout", () => {
    const s = parseModelSettings(
      {
        name: "iris",
        implementation: "mlserver_sklearn.SKLearnModel",
        parameters: { uri: "./model.joblib", version: 1, extra: { predict_fn: "predict_proba" } },
        inputs: [{ name: "x", datatype: "FP64", shape: [-1, 4], parameters: { content_type: "np" } }],
        parallel_workers: 2,
      },
      "/models/iris",
    );
    expect(s).toEqual({
      name: "iris",
      implementation: "mlserver_sklearn.SKLearnModel",
      uri: "/models/iris/model.joblib",
      version: "1",
      parameters: { predict_fn: "predict_proba" },
      parallel_workers: 2,
      inputs: [{ name: "x", datatype: "FP64", shape: [-1, 4], parameters: { content_type: "np" } }],
    });
    expect(parseModelSettings({ implementation: "noop" }, "/m/folder")).toMatchObject({
      name: "folder",
      uri: "/m/folder",
    });
    expect(parseModelSettings({ implementation: "noop", parameters: { uri: "s3://b/k" } }, "/m").uri).toBe(
      "s3://b/k",
    );
    expect(() => parseModelSettings({ name: "x" }, "/m")).toThrow(/implementation/);
    expect(() => parseModelSettings({ implementation: "noop", max_batch_size: -1 }, "/m")).toThrow(
      /max_batch_size/,
    );
  });

  it("finds every model-settings.json under a folder and reports unreadable ones", async () => {
    const models = await new FolderModelRepository(join(dir, "models")).list();
    expect(models.map((m) => m.name).sort()).toEqual(["bad", "echo-folder", "summer"]);
    const bad = models.find((m) => m.name === "bad");
    expect(bad?.error).toMatch(/implementation/);
    const summer = models.find((m) => m.name === "summer")?.settings;
    expect(summer).toMatchObject({
      version: "v3",
      uri: join(dir, "models", "summer", "model.bin"),
      parameters: { content_type: "np", mode: "sum" },
      max_batch_size: 4,
    });
  });

  it("builds the model MLServer reads from MLSERVER_MODEL_* variables", () => {
    expect(modelSettingsFromEnv({}, "/x")).toBeUndefined();
    expect(
      modelSettingsFromEnv(
        {
          MLSERVER_MODEL_NAME: "m",
          MLSERVER_MODEL_IMPLEMENTATION: "mlserver_sklearn.SKLearnModel",
          MLSERVER_MODEL_URI: "/mnt/models",
          MLSERVER_MODEL_MAX_BATCH_SIZE: "8",
          MLSERVER_MODEL_EXTRA: '{"predict_fn":"predict_proba"}',
        },
        "/x",
      ),
    ).toEqual({
      name: "m",
      implementation: "mlserver_sklearn.SKLearnModel",
      uri: "/mnt/models",
      max_batch_size: 8,
      parameters: { predict_fn: "predict_proba" },
    });
  });
});

describe("server settings", () => {
  it("has MLServer's defaults and reads overrides from settings.json then the environment", async () => {
    const defaults = await loadServerSettings(undefined, {});
    expect(defaults).toMatchObject({
      host: "0.0.0.0",
      http_port: 8080,
      grpc_port: 8081,
      request_timeout_seconds: 60,
    });
    const file = join(dir, "settings.json");
    await writeFile(
      file,
      JSON.stringify({ http_port: 9000, debug: true, metrics_port: 8082, max_request_body_bytes: 1000 }),
    );
    const merged = await loadServerSettings(file, {
      MLSERVER_HTTP_PORT: "9100",
      MLSERVER_GRPC_PORT: "9101",
      MODELSERVE_GRPC_PORT: "9200",
      MODELSERVE_STRICT_READINESS: "false",
    });
    expect(merged).toMatchObject({
      http_port: 9100,
      grpc_port: 9200,
      debug: true,
      log_level: "debug",
      strict_readiness: false,
      max_request_body_bytes: 1000,
    });
    expect(settingsFromEnv({ MLSERVER_MAX_REQUEST_BODY_BYTES: "5" })).toEqual({});
    await expect(loadServerSettings(undefined, { MODELSERVE_HTTP_PORT: "http" })).rejects.toThrow(
      /http_port/,
    );
  });
});

describe("a server over a model folder", () => {
  it("serves the folder's models, batches, and reports the unreadable one without stopping", async () => {
    const server = await startTestServer([], {}, { modelsDir: join(dir, "models") });
    try {
      expect((await get(server, "/v2/models/echo-folder/ready")).status).toBe(200);
      const sum = await post(server, "/v2/models/summer/versions/v3/infer", {
        inputs: [{ name: "x", datatype: "FP32", shape: [1, 2], data: [1, 2] }],
      });
      expect(sum.json).toMatchObject({ model_version: "v3", outputs: [{ name: "sum", data: [3] }] });
      const bad = await get(server, "/v2/models/bad/ready");
      expect(bad.status).toBe(400);
      expect(bad.json.reason).toMatch(/model-settings.json: .*implementation/);
      const index = await post(server, "/v2/repository/index", {});
      expect(index.json.map((m: { name: string }) => m.name).sort()).toEqual([
        "bad",
        "echo-folder",
        "summer",
      ]);
      // a model added to the folder is loadable through the repository API
      await mkdir(join(dir, "models", "late"));
      await writeFile(
        join(dir, "models", "late", "model-settings.json"),
        JSON.stringify({ implementation: "noop" }),
      );
      expect((await get(server, "/v2/models/late/ready")).status).toBe(404);
      expect((await post(server, "/v2/repository/models/late/load", "")).status).toBe(200);
      expect((await get(server, "/v2/models/late/ready")).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
