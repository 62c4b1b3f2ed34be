import { basename } from "node:path";
import { featureRows } from "../boosters/features.js";
import { boosterFile, defaultMethod, requestedMethod } from "../boosters/flavor-support.js";
import { type XgbEstimator, type XgbMethod, xgbEstimator } from "../boosters/xgboost/estimator.js";
import { readXgbModel } from "../boosters/xgboost/read.js";
import { ParamsError } from "../errors.js";
import type { PyfuncInput, PyfuncOutput, PyfuncParams } from "../pyfunc.js";
import type { Flavor, FlavorContext, FlavorModel } from "./flavor.js";

/**
 * The `xgboost` flavor (loader_module mlflow.xgboost): the JSON or UBJSON model evaluated in TypeScript,
 * predicting as mlflow's _XGBModelWrapper does: Booster.predict for a raw Booster (probabilities or
 * values), the estimator's `predict` for the scikit-learn wrappers (labels for classifiers), with
 * `predict_method: predict_proba` for classifiers. Like the wrapper, it passes `output_margin` on to
 * predict and ignores other params.
 */

const OUTPUT_MARGIN = "output_margin";

function outputMargin(params: PyfuncParams | undefined): boolean {
  const value = params?.[OUTPUT_MARGIN];
  if (value === undefined) return false;
  if (typeof value !== "boolean")
    throw new ParamsError(OUTPUT_MARGIN, `expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

class XgbFlavorModel implements FlavorModel {
  private readonly what: string;
  private readonly defaultMethod: XgbMethod;

  constructor(
    private readonly estimator: XgbEstimator,
    context: FlavorContext,
  ) {
    this.what = estimator.modelClass.slice(estimator.modelClass.lastIndexOf(".") + 1);
    this.defaultMethod = defaultMethod(estimator.methods, context, this.what);
  }

  predict(input: PyfuncInput, params?: PyfuncParams): PyfuncOutput {
    const method = requestedMethod(this.estimator.methods, params, this.defaultMethod, this.what);
    const { model } = this.estimator;
    const rows = featureRows(input, {
      library: "xgboost",
      count: model.numFeature,
      names: model.featureNames,
    });
    return { kind: "array", array: this.estimator.predict(rows, method, outputMargin(params)) };
  }
}

export const flavor: Flavor = {
  name: "xgboost",
  async load(context: FlavorContext): Promise<FlavorModel> {
    const path = boosterFile(context, "xgboost");
    const modelClass = context.conf.model_class ?? "xgboost.core.Booster";
    const model = await readXgbModel(path);
    return new XgbFlavorModel(xgbEstimator(model, String(modelClass), basename(path)), context);
  },
};
