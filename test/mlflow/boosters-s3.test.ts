import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMlflowModel } from "../../src/mlflow/model.js";
import { fetchModel } from "../../src/sources/index.js";
import {
  arrayOf,
  BOOSTERS,
  type BoosterCase,
  boosterCases,
  expectClose,
  frameOf,
} from "./boosters-fixtures.js";
import { type ModelBucket, startModelBucket } from "./model-bucket.js";

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
  let bucket: ModelBucket;

  beforeAll(async () => {
    bucket = await startModelBucket(
      "boosters",
      BOOSTERS,
      cases.map(([c]) => c.case),
    );
  }, 120_000);

  afterAll(async () => {
    await bucket?.stop();
  });

  const forms = {
    "s3:// folder": (name: string) => bucket.folderUri(name),
    "s3:// zip": (name: string) => bucket.zipUri(name),
  } as const;

  for (const [form, uriOf] of Object.entries(forms)) {
    it(`${form}: every fixture`, async () => {
      for (const [c, rtol] of cases) {
        const local = await fetchModel(uriOf(c.case), { home: bucket.home, env: bucket.env });
        const model = await loadMlflowModel(local);
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
