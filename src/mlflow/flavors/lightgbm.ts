import { featureRows } from "../boosters/features.js";
import { boosterFile, defaultMethod, requestedMethod } from "../boosters/flavor-support.js";
import {
  boosterPredictor,
  type LgbMethod,
  type LgbPredictor,
  wrapperPredictor,
} from "../boosters/lightgbm/estimator.js";
import { parseLgbModel } from "../boosters/lightgbm/model.js";
import { lgbObjective } from "../boosters/lightgbm/objectives.js";
import { readLgbModel } from "../boosters/lightgbm/read.js";
import { readLgbSkops, WRAPPER_CLASSES } from "../boosters/lightgbm/skops.js";
import { UnsupportedFlavorError } from "../errors.js";
import type { PyfuncInput, PyfuncOutput, PyfuncParams } from "../pyfunc.js";
import type { Flavor, FlavorContext, FlavorModel } from "./flavor.js";

/**
 * The `lightgbm` flavor (loader_module mlflow.lightgbm): the text model evaluated in TypeScript,
 * predicting as mlflow's _LGBModelWrapper does: Booster.predict for a Booster (probabilities for
 * classification, values for regression), the wrapper's `predict` for LGBMClassifier/LGBMRegressor/…
 * saved with skops (labels for classifiers, `predict_method: predict_proba` for probabilities). Other
 * params are ignored, as the wrapper ignores them. Wrappers saved as a pickle are refused.
 */

const BOOSTER_CLASS = "lightgbm.basic.Booster";

class LgbFlavorModel implements FlavorModel {
  private readonly defaultMethod: LgbMethod;

  constructor(
    private readonly predictor: LgbPredictor,
    private readonly numFeature: number,
    context: FlavorContext,
  ) {
    this.defaultMethod = defaultMethod(predictor.methods, context, predictor.what);
  }

  predict(input: PyfuncInput, params?: PyfuncParams): PyfuncOutput {
    const method = requestedMethod(this.predictor.methods, params, this.defaultMethod, this.predictor.what);
    const rows = featureRows(input, { library: "LightGBM", count: this.numFeature, names: null });
    return { kind: "array", array: this.predictor.predict(rows, method) };
  }
}

async function loadWrapper(context: FlavorContext, modelClass: string): Promise<LgbFlavorModel> {
  const format = context.conf.serialization_format ?? "cloudpickle";
  if (format !== "skops") {
    throw new UnsupportedFlavorError(
      `${context.dir}: a LightGBM ${modelClass} saved as '${String(format)}' is a Python pickle, which is not supported; save it with serialization_format="skops" (mlflow's default) or log its booster: mlflow.lightgbm.log_model(model.booster_, ...)`,
      { flavor: "lightgbm", model_class: modelClass, serialization_format: format },
    );
  }
  const path = boosterFile(context, "lightgbm");
  const state = await readLgbSkops(path);
  if (modelClass !== `lightgbm.sklearn.${state.cls}`) {
    throw new UnsupportedFlavorError(
      `${context.dir}: MLmodel says ${modelClass}, but ${path} holds a ${state.cls}`,
    );
  }
  const model = parseLgbModel(state.modelText, `${path}:_Booster`);
  const predictor = wrapperPredictor(model, lgbObjective(model.objective, path), state);
  return new LgbFlavorModel(predictor, model.numFeature, context);
}

export const flavor: Flavor = {
  name: "lightgbm",
  async load(context: FlavorContext): Promise<FlavorModel> {
    const modelClass = String(context.conf.model_class ?? BOOSTER_CLASS);
    if (WRAPPER_CLASSES.some((cls) => modelClass === `lightgbm.sklearn.${cls}`))
      return loadWrapper(context, modelClass);
    if (modelClass !== BOOSTER_CLASS) {
      throw new UnsupportedFlavorError(
        `${context.dir}: LightGBM model_class '${modelClass}' is not supported (${BOOSTER_CLASS} and lightgbm.sklearn.${WRAPPER_CLASSES.join("/")} are)`,
        { flavor: "lightgbm", model_class: modelClass },
      );
    }
    const path = boosterFile(context, "lightgbm");
    const model = await readLgbModel(path);
    return new LgbFlavorModel(
      boosterPredictor(model, lgbObjective(model.objective, path)),
      model.numFeature,
      context,
    );
  },
};
