import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMlflowModel, type MlflowModel } from "../../src/mlflow/model.js";
import { caseOf, expectCase, MODELS, pyfuncInput, reference } from "./reference.js";

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

  it("names missing values as the likely cause of a float column for an integer one, as MLflow hints", async () => {
    const c = caseOf("sklearn_pipeline", "missing value in a long column");
    const model = models.get("sklearn_pipeline") as MlflowModel;
    expect(() => model.predict(pyfuncInput(c.input), c.params)).toThrow(/missing value \(NaN\)/);
    expect(c.error?.message).toContain("caused by missing values");
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
