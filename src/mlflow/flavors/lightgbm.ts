import { featureRows } from "../boosters/features.js";
import { boosterFile, defaultMethod, requestedMethod } from "../boosters/flavor-support.js";
import type { LgbModel } from "../boosters/lightgbm/model.js";
import { type LgbObjective, lgbObjective } from "../boosters/lightgbm/objectives.js";
import { predictValues } from "../boosters/lightgbm/predict.js";
import { readLgbModel } from "../boosters/lightgbm/read.js";
import { UnsupportedFlavorError } from "../errors.js";
import type { PyfuncInput, PyfuncOutput, PyfuncParams } from "../pyfunc.js";
import type { Flavor, FlavorContext, FlavorModel } from "./flavor.js";

/**
 * The `lightgbm` flavor (loader_module mlflow.lightgbm) for models logged as a Booster: the text model
 * evaluated in TypeScript, predicting as mlflow's _LGBModelWrapper does (Booster.predict: probabilities
 * for classification, values for regression; params are ignored, as the wrapper ignores them).
 * The scikit-learn wrappers (LGBMClassifier, …) are stored pickled and are refused.
 */

const BOOSTER_CLASS = "lightgbm.basic.Booster";
const METHODS: ReadonlySet<"predict"> = new Set(["predict"]);
const WHAT = "a LightGBM Booster";

class LgbFlavorModel implements FlavorModel {
  constructor(
    private readonly model: LgbModel,
    private readonly objective: LgbObjective,
    context: FlavorContext,
  ) {
    // a setting or request may only name predict: a Booster has no other method
    defaultMethod(METHODS, context, WHAT);
  }

  predict(input: PyfuncInput, params?: PyfuncParams): PyfuncOutput {
    requestedMethod(METHODS, params, "predict", WHAT);
    const rows = featureRows(input, { library: "LightGBM", count: this.model.numFeature, names: null });
    return { kind: "array", array: predictValues(this.model, this.objective, rows, false) };
  }
}

export const flavor: Flavor = {
  name: "lightgbm",
  async load(context: FlavorContext): Promise<FlavorModel> {
    const modelClass = context.conf.model_class ?? BOOSTER_CLASS;
    if (modelClass !== BOOSTER_CLASS) {
      throw new UnsupportedFlavorError(
        `${context.dir}: a LightGBM ${String(modelClass)} is stored as a Python pickle, which is not supported; log its booster instead: mlflow.lightgbm.log_model(model.booster_, ...)`,
        { flavor: "lightgbm", model_class: modelClass },
      );
    }
    const path = boosterFile(context, "lightgbm");
    const model = await readLgbModel(path);
    return new LgbFlavorModel(model, lgbObjective(model.objective, path), context);
  },
};
