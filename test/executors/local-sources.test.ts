import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeStores, getOrCreateProject } from "../../src/index.js";
import { s3ClientFromEnv } from "../../src/sources/s3.js";
import { type Minio, startMinio } from "../sources/minio.js";

const ROW = { inputs: [{ name: "input-0", shape: [1, 4], datatype: "FP64", data: [5.1, 3.5, 1.4, 0.2] }] };

/** Local runs whose model comes from a real S3 server (MinIO), directly or through a store:// model entity. */
describe("local runs from remote model sources", () => {
  let minio: Minio;
  let home: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    minio = await startMinio();
    const model = await readFile(new URL("../../examples/iris/model.pkl", import.meta.url));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: minio.endpoint,
      AWS_ACCESS_KEY_ID: minio.accessKey,
      AWS_SECRET_ACCESS_KEY: minio.secretKey,
      AWS_REGION: "us-east-1",
    });
    const s3 = s3ClientFromEnv(process.env);
    await s3.send(new CreateBucketCommand({ Bucket: "models" }));
    await s3.send(new PutObjectCommand({ Bucket: "models", Key: "iris/model.pkl", Body: model }));
    home = await mkdtemp(join(tmpdir(), "ms-local-src-"));
  }, 60_000);

  afterAll(async () => {
    closeStores();
    process.env = saved;
    await minio?.stop();
  });

  it("serves a model from s3:// and from a store:// model logged with logModel", async () => {
    const project = await getOrCreateProject("sources", { home });
    const direct = await project.newFunction({
      name: "iris-s3",
      kind: "sklearnserve",
      path: "s3://models/iris/model.pkl",
      model_name: "iris",
    });
    const model = await project.logModel({
      name: "iris",
      kind: "sklearn",
      path: "s3://models/iris/model.pkl",
    });
    const viaStore = await project.newFunction({
      name: "iris-store",
      kind: "sklearnserve",
      path: model.key,
      model_name: "iris",
    });
    for (const fn of [direct, viaStore]) {
      const run = await fn.run({ action: "serve", local_execution: true });
      try {
        await run.wait({ timeoutMs: 60_000, intervalMs: 100 });
        const res = await run.invoke({ json: ROW });
        expect(((await res.json()) as { outputs: { data: unknown[] }[] }).outputs[0].data).toEqual([
          "setosa",
        ]);
      } finally {
        await run.stop();
      }
    }
  });

  it("turns a missing s3 object into ERROR naming it, before starting anything", async () => {
    const project = await getOrCreateProject("sources", { home });
    const fn = await project.newFunction({
      name: "gone",
      kind: "sklearnserve",
      path: "s3://models/gone/model.pkl",
    });
    await expect(fn.run({ action: "serve", local_execution: true })).rejects.toThrow(
      /s3:\/\/models\/gone\/model\.pkl/,
    );
    const [run] = await project.listRuns({ function: "gone" });
    expect(run.state).toBe("ERROR");
  });
});
