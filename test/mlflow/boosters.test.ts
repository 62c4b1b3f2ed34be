import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { featureRows } from "../../src/mlflow/boosters/features.js";
import { type LgbModel, parseLgbModel } from "../../src/mlflow/boosters/lightgbm/model.js";
import { lgbObjective } from "../../src/mlflow/boosters/lightgbm/objectives.js";
import { predictValues } from "../../src/mlflow/boosters/lightgbm/predict.js";
import { readLgbModel } from "../../src/mlflow/boosters/lightgbm/read.js";
import { readLgbSkops } from "../../src/mlflow/boosters/lightgbm/skops.js";
import { readXgbModel } from "../../src/mlflow/boosters/xgboost/read.js";
import { flavor as lightgbm } from "../../src/mlflow/flavors/lightgbm.js";
import { flavor as xgboost } from "../../src/mlflow/flavors/xgboost.js";
import type { Frame } from "../../src/mlflow/pyfunc.js";
import {
  arrayOf,
  BOOSTERS,
  boosterCases,
  expectClose,
  flavorContext,
  frameOf,
  readCase,
} from "./boosters-fixtures.js";

/**
 * Fidelity of the xgboost and lightgbm flavors, loaded from the model folders real mlflow saved, against
 * the predictions of real xgboost 3.2 and LightGBM 4.7 (fixtures/mlflow/make_boosters.py).
 *
 * xgboost reads features and sums trees in float32, so its outputs are compared at float32 precision:
 * within 4 float32 ulps (2^-21 relative). Margins come out bit-equal; the last ulps of probabilities
 * depend on the C library's expf against JavaScript's Math.exp. LightGBM sums in double: 1e-9 relative.
 */
const XGB_RTOL = 2 ** -21;
const LGB_RTOL = 1e-9;

describe("xgboost flavor: every fixture, from its folder", () => {
  const cases = boosterCases("xgb_");

  it("has the fixtures", () => {
    expect(cases.length).toBeGreaterThanOrEqual(17);
  });

  for (const c of cases) {
    it(`${c.case}: pyfunc predict, margins and the wrapper's other methods equal xgboost's`, async () => {
      const model = await xgboost.load(flavorContext(c.case, "xgboost"));
      const frame = frameOf(c);
      expect(c.pyfunc).not.toBeNull();
      expectClose(arrayOf(await model.predict(frame)), c.pyfunc!, XGB_RTOL);
      expectClose(arrayOf(await model.predict(frame, { output_margin: true })), c.margin, XGB_RTOL);
      for (const [method, expected] of Object.entries(c.methods ?? {})) {
        expectClose(arrayOf(await model.predict(frame, { predict_method: method })), expected, XGB_RTOL);
      }
    });
  }

  it("the early-stopping fixture holds more rounds than best_iteration + 1, so the wrapper's range matters", async () => {
    const model = await readXgbModel(join(BOOSTERS, "xgb_regressor_early_stop", "model.ubj"));
    expect(Number(model.attributes.best_iteration) + 1).toBeLessThan(model.iterationIndptr.length - 1);
  });

  it("a raw Booster's predict is the transformed prediction (probabilities), and it has no predict_proba", async () => {
    const c = cases.find((x) => x.case === "xgb_binary_ubj")!;
    const model = await xgboost.load(flavorContext(c.case, "xgboost"));
    expectClose(arrayOf(await model.predict(frameOf(c))), c.transformed, XGB_RTOL);
    expect(() => model.predict(frameOf(c), { predict_method: "predict_proba" })).toThrow(
      /Booster has no method "predict_proba"; it offers predict/,
    );
  });

  it("predict_proba as the model setting makes it the default method of a classifier", async () => {
    const c = cases.find((x) => x.case === "xgb_classifier_binary")!;
    const model = await xgboost.load(flavorContext(c.case, "xgboost", { predict_method: "predict_proba" }));
    expectClose(arrayOf(await model.predict(frameOf(c))), c.methods!.predict_proba, XGB_RTOL);
    expect(arrayOf(await model.predict(frameOf(c), { predict_method: "predict" })).dtype.str).toBe("<i8");
  });

  it("refuses a model setting naming a method the model does not have, at load", async () => {
    await expect(
      xgboost.load(flavorContext("xgb_reg_squared", "xgboost", { predict_method: "predict_proba" })),
    ).rejects.toThrow(/predict_method is "predict_proba", but Booster offers predict/);
  });

  it("matches columns by name as xgboost's validate_features does", async () => {
    const c = cases.find((x) => x.case === "xgb_binary_json")!;
    const model = await xgboost.load(flavorContext(c.case, "xgboost"));
    const frame = frameOf(c);
    const swapped: Frame = {
      ...frame,
      columns: [frame.columns[1], frame.columns[0], ...frame.columns.slice(2)],
    };
    expect(() => model.predict(swapped)).toThrow(/feature_names mismatch.*the same names in another order/);
    const renamed: Frame = {
      ...frame,
      columns: [{ ...frame.columns[0], name: "radius" }, ...frame.columns.slice(1)],
    };
    expect(() => model.predict(renamed)).toThrow(/missing \[mean_radius\], unexpected \[radius\]/);
    const array = { kind: "array" as const, array: frame.columns[0].values };
    expect(() => model.predict(array)).toThrow(/has feature names .* not an unnamed array/);
  });

  it("refuses a non-numeric column, naming it", async () => {
    const c = cases.find((x) => x.case === "xgb_binary_json")!;
    const model = await xgboost.load(flavorContext(c.case, "xgboost"));
    const frame = frameOf(c);
    const text = {
      dtype: { kind: "O" as const, itemsize: 8, byteorder: "|" as const, str: "|O" },
      shape: [frame.rows],
      data: new Array(frame.rows).fill("x"),
    };
    const bad: Frame = {
      ...frame,
      columns: [{ name: frame.columns[0].name, values: text }, ...frame.columns.slice(1)],
    };
    expect(() => model.predict(bad)).toThrow(/column 'mean_radius' has dtype \|O; xgboost takes numbers/);
  });

  it("rejects a non-boolean output_margin", async () => {
    const model = await xgboost.load(flavorContext("xgb_reg_squared", "xgboost"));
    const c = cases.find((x) => x.case === "xgb_reg_squared")!;
    expect(() => model.predict(frameOf(c), { output_margin: "yes" })).toThrow(
      /output_margin.*expected true or false/,
    );
  });
});

describe("lightgbm flavor: every fixture, from its folder", () => {
  const cases = boosterCases("lgb_");

  it("has the fixtures", () => {
    expect(cases.length).toBeGreaterThanOrEqual(16);
  });

  /** The booster of a case and the iterations its predictions use: a Booster file, or a wrapper's skops. */
  async function boosterOf(name: string): Promise<{ booster: LgbModel; iterations: number }> {
    const dir = join(BOOSTERS, name);
    if (existsSync(join(dir, "model.lgb")))
      return { booster: await readLgbModel(join(dir, "model.lgb")), iterations: 0 };
    const state = await readLgbSkops(join(dir, "model.skops"));
    return { booster: parseLgbModel(state.modelText, name), iterations: state.bestIteration };
  }

  for (const c of cases) {
    it(`${c.case}: pyfunc predict, raw scores and the wrapper's other methods equal LightGBM's`, async () => {
      const model = await lightgbm.load(flavorContext(c.case, "lightgbm"));
      expect(c.pyfunc).not.toBeNull();
      expectClose(arrayOf(await model.predict(frameOf(c))), c.pyfunc!, LGB_RTOL);
      for (const [method, expected] of Object.entries(c.methods ?? {})) {
        expectClose(arrayOf(await model.predict(frameOf(c), { predict_method: method })), expected, LGB_RTOL);
      }
      const { booster, iterations } = await boosterOf(c.case);
      const rows = featureRows(frameOf(c), { library: "LightGBM", count: booster.numFeature, names: null });
      const objective = lgbObjective(booster.objective, c.case);
      expectClose(predictValues(booster, objective, rows, true, iterations), c.margin, LGB_RTOL);
      expectClose(predictValues(booster, objective, rows, false, iterations), c.transformed, LGB_RTOL);
    });
  }

  it("the wrapper fixtures cover labels as objects, as int64, and early stopping", async () => {
    expect(readCase("lgb_classifier_labels").pyfunc!.dtype).toBe("|O");
    expect(readCase("lgb_classifier_binary").pyfunc!.dtype).toBe("<i8");
    // early stopping happened, and LightGBM kept only the trees up to best_iteration
    const { booster, iterations } = await boosterOf("lgb_regressor_early_stop");
    expect(iterations).toBeGreaterThan(0);
    expect(iterations).toBeLessThan(30);
    expect(booster.trees.length).toBe(iterations);
  });

  it("refuses a wrapper that mlflow pickled (cloudpickle), though mlflow serves it", async () => {
    expect(readCase("lgb_classifier_cloudpickle").pyfunc).not.toBeNull();
    await expect(lightgbm.load(flavorContext("lgb_classifier_cloudpickle", "lightgbm"))).rejects.toThrow(
      /LGBMClassifier saved as 'cloudpickle' is a Python pickle, which is not supported; save it with serialization_format="skops"/,
    );
  });

  it("predicts a 2-D array as it predicts the same rows given as a frame", async () => {
    const c = cases.find((x) => x.case === "lgb_multiclass")!;
    const model = await lightgbm.load(flavorContext(c.case, "lightgbm"));
    const frame = frameOf(c);
    const data = new Float64Array(frame.rows * frame.columns.length);
    frame.columns.forEach((col, j) => {
      (col.values.data as Float64Array).forEach((v, i) => {
        data[i * frame.columns.length + j] = v;
      });
    });
    const array = { dtype: frame.columns[0].values.dtype, shape: [frame.rows, frame.columns.length], data };
    expectClose(arrayOf(await model.predict({ kind: "array", array })), c.pyfunc!, LGB_RTOL);
  });

  it("reads columns by position and checks their count", async () => {
    const c = cases.find((x) => x.case === "lgb_regression")!;
    const model = await lightgbm.load(flavorContext(c.case, "lightgbm"));
    const frame = frameOf(c);
    const renamed: Frame = { ...frame, columns: frame.columns.map((col, i) => ({ ...col, name: `f${i}` })) };
    expectClose(arrayOf(await model.predict(renamed)), c.pyfunc!, LGB_RTOL);
    const short: Frame = { ...frame, columns: frame.columns.slice(1) };
    expect(() => model.predict(short)).toThrow(
      /the LightGBM model reads 10 features, the input has 9 columns/,
    );
  });

  it("a Booster offers predict only (its predict already answers probabilities)", async () => {
    const c = cases.find((x) => x.case === "lgb_binary")!;
    const model = await lightgbm.load(flavorContext(c.case, "lightgbm"));
    expect(() => model.predict(frameOf(c), { predict_method: "predict_proba" })).toThrow(
      /parameter 'predict_method': a LightGBM Booster has no method "predict_proba"; it offers predict/,
    );
    await expect(
      lightgbm.load(flavorContext(c.case, "lightgbm", { predict_method: "predict_proba" })),
    ).rejects.toThrow(
      /the model setting predict_method is "predict_proba", but a LightGBM Booster offers predict/,
    );
  });

  it("refuses a 'data' entry that leaves the model folder", async () => {
    const context = flavorContext("lgb_binary", "lightgbm");
    await expect(
      lightgbm.load({ ...context, conf: { ...context.conf, data: "../lgb_rf/model.lgb" } }),
    ).rejects.toThrow(/'data' must name the model file inside the folder/);
  });

  it("the linear-tree fixture does use linear leaves", () => {
    expect(readFileSync(join(BOOSTERS, "lgb_linear_tree", "model.lgb"), "utf8")).toMatch(/^leaf_coeff=-?\d/m);
  });
});
