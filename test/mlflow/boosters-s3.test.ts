import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMlflowModel } from "../../src/mlflow/model.js";
import { fetchModel } from "../../src/sources/index.js";
import { s3ClientFromEnv } from "../../src/sources/s3.js";
import { type Minio, startMinio } from "../sources/minio.js";
import {
  arrayOf,
  BOOSTERS,
  type BoosterCase,
  boosterCases,
  expectClose,
  frameOf,
} from "./boosters-fixtures.js";

/**
 * The xgboost and lightgbm fixtures from a real S3 server (MinIO), as an s3:// folder and an s3:// zip,
 * fetched by the sources and loaded by the MLflow loader; tolerances as in boosters.test.ts (xgboost in
 * float32: 4 float32 ulps; LightGBM in double: 1e-9).
 */

const cases: [BoosterCase, number][] = [
  ...boosterCases("xgb_").map((c): [BoosterCase, number] => [c, 2 ** -21]),
  ...boosterCases("lgb_").map((c): [BoosterCase, number] => [c, 1e-9]),
];

describe("xgboost and lightgbm models from s3://", () => {
  let minio: Minio;
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    minio = await startMinio();
    home = await mkdtemp(join(tmpdir(), "ms-boosters-s3-"));
    env = {
      AWS_ENDPOINT_URL: minio.endpoint,
      AWS_ACCESS_KEY_ID: minio.accessKey,
      AWS_SECRET_ACCESS_KEY: minio.secretKey,
      AWS_REGION: "us-east-1",
    };
    const s3 = s3ClientFromEnv(env);
    await s3.send(new CreateBucketCommand({ Bucket: "boosters" }));
    for (const [c] of cases) {
      for (const file of await readdir(join(BOOSTERS, c.case))) {
        const Body = await readFile(join(BOOSTERS, c.case, file));
        await s3.send(new PutObjectCommand({ Bucket: "boosters", Key: `folders/${c.case}/${file}`, Body }));
      }
      const Body = await readFile(join(BOOSTERS, `${c.case}.zip`));
      await s3.send(new PutObjectCommand({ Bucket: "boosters", Key: `zips/${c.case}.zip`, Body }));
    }
  }, 120_000);

  afterAll(async () => {
    await minio?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  const forms = {
    "s3:// folder": (name: string) => `s3://boosters/folders/${name}/`,
    "s3:// zip": (name: string) => `s3://boosters/zips/${name}.zip`,
  } as const;

  for (const [form, uriOf] of Object.entries(forms)) {
    it(`${form}: every fixture`, async () => {
      for (const [c, rtol] of cases) {
        const model = await loadMlflowModel(await fetchModel(uriOf(c.case), { home, env }));
        try {
          expect(model.flavor).toBe(c.case.startsWith("xgb_") ? "xgboost" : "lightgbm");
          expectClose(arrayOf(await model.predict(frameOf(c))), c.pyfunc!, rtol);
        } finally {
          await model.close();
        }
      }
    });
  }
});
