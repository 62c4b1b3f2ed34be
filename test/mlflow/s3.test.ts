import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMlflowModel } from "../../src/mlflow/model.js";
import { fetchModel } from "../../src/sources/index.js";
import { s3ClientFromEnv } from "../../src/sources/s3.js";
import { type Minio, startMinio } from "../sources/minio.js";
import { expectCase, MODELS, reference } from "./reference.js";

/**
 * MLflow models from a real S3 server (MinIO): a model folder as an s3:// prefix, its .zip as an s3://
 * object, and a store:// key resolving to one, fetched by the sources into the cache and loaded as a local
 * model; every reference case must hold for each.
 */

const served = Object.entries(reference.models);

describe("MLflow models from s3:// and store://", () => {
  let minio: Minio;
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    minio = await startMinio();
    home = await mkdtemp(join(tmpdir(), "ms-mlflow-s3-"));
    env = {
      AWS_ENDPOINT_URL: minio.endpoint,
      AWS_ACCESS_KEY_ID: minio.accessKey,
      AWS_SECRET_ACCESS_KEY: minio.secretKey,
      AWS_REGION: "us-east-1",
    };
    const s3 = s3ClientFromEnv(env);
    await s3.send(new CreateBucketCommand({ Bucket: "mlflow" }));
    for (const [name] of served) {
      for (const file of await readdir(join(MODELS, name))) {
        const Body = await readFile(join(MODELS, name, file));
        await s3.send(new PutObjectCommand({ Bucket: "mlflow", Key: `folders/${name}/${file}`, Body }));
      }
      const Body = await readFile(join(MODELS, `${name}.zip`));
      await s3.send(new PutObjectCommand({ Bucket: "mlflow", Key: `zips/${name}.zip`, Body }));
    }
  }, 120_000);

  afterAll(async () => {
    await minio?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  const forms = {
    "s3:// folder": (name: string) => `s3://mlflow/folders/${name}/`,
    "s3:// zip": (name: string) => `s3://mlflow/zips/${name}.zip`,
    "store:// key of an s3:// folder": (name: string) => `store://demo/model/mlflow/${name}:1`,
  } as const;

  for (const [form, uriOf] of Object.entries(forms)) {
    it(`${form}: every reference case`, async () => {
      for (const [name, cases] of served) {
        const local = await fetchModel(uriOf(name), {
          home,
          env,
          resolveStoreKey: async (key) =>
            `s3://mlflow/folders/${key.slice(key.lastIndexOf("/") + 1, key.lastIndexOf(":"))}/`,
        });
        const model = await loadMlflowModel(local);
        try {
          expect(model.flavor).toBe(name.split("_")[0]);
          for (const c of cases) await expectCase(model, c);
        } finally {
          await model.close();
        }
      }
    });
  }
});
