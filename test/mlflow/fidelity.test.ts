import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { loadMlflowModel, type MlflowModel } from "../../src/mlflow/model.js";
import { expectCase, MODELS, reference } from "./reference.js";

/**
 * Every case make_fixtures.py recorded with mlflow.pyfunc: the same prediction, or a refusal for the same
 * reason naming the same column, for the model folder and its .zip alike.
 */

const served = Object.entries(reference.models);

describe.each(["folder", "zip"] as const)("MLflow fidelity (%s)", (form) => {
  const models = new Map<string, MlflowModel>();

  beforeAll(async () => {
    for (const [name] of served) {
      const path = form === "folder" ? join(MODELS, name) : join(MODELS, `${name}.zip`);
      models.set(name, await loadMlflowModel(path));
    }
  });
  afterAll(async () => {
    for (const m of models.values()) await m.close();
  });

  for (const [name, cases] of served) {
    describe(name, () => {
      for (const c of cases) {
        it(c.output ? `${c.name}: same output` : `${c.name}: refused as MLflow does`, async () => {
          await expectCase(models.get(name) as MlflowModel, c);
        });
      }
    });
  }
});
