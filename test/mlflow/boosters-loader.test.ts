import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadMlflowModel, type MlflowModel } from "../../src/mlflow/model.js";
import { arrayOf, BOOSTERS, boosterCases, expectClose, frameOf } from "./boosters-fixtures.js";

/**
 * The xgboost and lightgbm fixtures through the MLflow model loader, as a server loads them: from the
 * model folder and from its `.zip`, with the signature enforced before the flavor predicts. Tolerances
 * as in boosters.test.ts: xgboost computes in float32 (4 float32 ulps), LightGBM in double (1e-9).
 */

const RTOL: Record<"xgb_" | "lgb_", number> = { xgb_: 2 ** -21, lgb_: 1e-9 };
const opened: MlflowModel[] = [];

afterAll(async () => {
  await Promise.all(opened.map((m) => m.close()));
});

for (const prefix of ["xgb_", "lgb_"] as const) {
  describe(`${prefix === "xgb_" ? "xgboost" : "lightgbm"} models through loadMlflowModel`, () => {
    for (const c of boosterCases(prefix)) {
      for (const form of ["folder", "zip"] as const) {
        it(`${c.case} (${form})`, async () => {
          const model = await loadMlflowModel(join(BOOSTERS, form === "zip" ? `${c.case}.zip` : c.case));
          opened.push(model);
          expect(model.flavor).toBe(prefix === "xgb_" ? "xgboost" : "lightgbm");
          expectClose(arrayOf(await model.predict(frameOf(c))), c.pyfunc!, RTOL[prefix]);
        });
      }
    }
  });
}

it("predict_method reaches the lightgbm flavor through the loader", async () => {
  const c = boosterCases("lgb_").find((x) => x.case === "lgb_classifier_labels")!;
  const model = await loadMlflowModel(join(BOOSTERS, `${c.case}.zip`));
  opened.push(model);
  expectClose(
    arrayOf(await model.predict(frameOf(c), { predict_method: "predict_proba" })),
    c.methods!.predict_proba,
    RTOL.lgb_,
  );
});

it("predict_method reaches the xgboost flavor through the loader", async () => {
  const c = boosterCases("xgb_").find((x) => x.case === "xgb_classifier_multi")!;
  const model = await loadMlflowModel(join(BOOSTERS, `${c.case}.zip`));
  opened.push(model);
  expectClose(
    arrayOf(await model.predict(frameOf(c), { predict_method: "predict_proba" })),
    c.methods!.predict_proba,
    RTOL.xgb_,
  );
});
