import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SchemaEnforcementError } from "../../src/mlflow/errors.js";
import { loadMlflowModel, type MlflowModel } from "../../src/mlflow/model.js";
import { type Case, expectOutput, MODELS, pyfuncInput, reference } from "./reference.js";

/**
 * Every case make_fixtures.py recorded with mlflow.pyfunc: the same prediction, or a refusal for the same
 * reason naming the same column, for the model folder and its .zip alike.
 */

/** The column or field MLflow's message names, which ours must name too. */
function culprit(message: string): string | undefined {
  return (
    /missing inputs \['([^']+)'/.exec(message)?.[1] ??
    /for column (\S+?)\./.exec(message)?.[1] ??
    /\('([^']+)', "Failed to validate/.exec(message)?.[1]
  );
}

async function expectCase(model: MlflowModel, c: Case): Promise<void> {
  const run = async () => model.predict(pyfuncInput(c.input), c.params);
  if (c.output !== undefined) {
    expectOutput(await run(), c.output, c.name);
    return;
  }
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `${c.name}: MLflow refused it (${c.error?.message})`).toBeInstanceOf(Error);
  expect((error as { code?: string }).code).toBe("BAD_REQUEST");
  const name = culprit(c.error?.message ?? "");
  if (name !== undefined) expect((error as Error).message).toContain(`'${name}'`);
  if (c.error?.message.includes("Failed to enforce schema"))
    expect(error).toBeInstanceOf(SchemaEnforcementError);
}

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
