import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMlflowModel } from "../../src/mlflow/model.js";
import { fetchModel } from "../../src/sources/index.js";
import { type ModelBucket, startModelBucket } from "./model-bucket.js";
import { expectCase, MODELS, reference } from "./reference.js";

/**
 * MLflow models from a real S3 server (MinIO): a model folder as an s3:// prefix, its .zip as an s3://
 * object, and a store:// key resolving to one, fetched by the sources into the cache and loaded as a local
 * model; every reference case must hold for each.
 */

const served = Object.entries(reference.models);

describe("MLflow models from s3:// and store://", () => {
  let bucket: ModelBucket;

  beforeAll(async () => {
    bucket = await startModelBucket(
      "mlflow",
      MODELS,
      served.map(([name]) => name),
    );
  }, 120_000);

  afterAll(async () => {
    await bucket?.stop();
  });

  const forms = {
    "s3:// folder": (name: string) => bucket.folderUri(name),
    "s3:// zip": (name: string) => bucket.zipUri(name),
    "store:// key of an s3:// folder": (name: string) => `store://demo/model/mlflow/${name}:1`,
  } as const;

  for (const [form, uriOf] of Object.entries(forms)) {
    it(`${form}: every reference case`, async () => {
      for (const [name, cases] of served) {
        const local = await fetchModel(uriOf(name), {
          home: bucket.home,
          env: bucket.env,
          resolveStoreKey: async (key) =>
            bucket.folderUri(key.slice(key.lastIndexOf("/") + 1, key.lastIndexOf(":"))),
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
