import type { NDArray } from "../../../pickle/values.js";
import { ClassLabels } from "../../../sklearn/common/labels.js";
import { float64Array } from "../../../sklearn/common/ndarray.js";
import { argmax } from "../argmax.js";
import type { FeatureRows } from "../features.js";
import type { LgbModel } from "./model.js";
import type { LgbObjective } from "./objectives.js";
import { predictValues } from "./predict.js";
import type { LgbWrapperState } from "./skops.js";

/**
 * What an mlflow lightgbm model predicts: a Booster answers Booster.predict (probabilities or values);
 * the scikit-learn wrappers answer their own methods (lightgbm/sklearn.py of LightGBM 4.7): a classifier's
 * `predict` is the label of the most probable class and its `predict_proba` has one column per class,
 * the binary case included; both use the booster's best iteration.
 */

export type LgbMethod = "predict" | "predict_proba";

export interface LgbPredictor {
  readonly methods: ReadonlySet<LgbMethod>;
  /** names the model in messages: "a LightGBM Booster", "LGBMClassifier" */
  readonly what: string;
  predict(x: FeatureRows, method: LgbMethod): NDArray;
}

export function boosterPredictor(model: LgbModel, objective: LgbObjective): LgbPredictor {
  return {
    methods: new Set(["predict"]),
    what: "a LightGBM Booster",
    predict: (x) => predictValues(model, objective, x, false),
  };
}

export function wrapperPredictor(
  model: LgbModel,
  objective: LgbObjective,
  state: LgbWrapperState,
): LgbPredictor {
  const values = (x: FeatureRows): NDArray => predictValues(model, objective, x, false, state.bestIteration);
  if (state.classes === null) return { methods: new Set(["predict"]), what: state.cls, predict: values };
  const classes = new ClassLabels(state.classes, state.cls);
  const probabilities = (x: FeatureRows): NDArray => {
    const p = values(x);
    if (p.shape.length === 2) return p;
    // binary: LightGBM answers P(class 1); the wrapper stacks [1 - p, p]
    const one = p.data as Float64Array;
    const both = new Float64Array(one.length * 2);
    one.forEach((v, i) => {
      both[2 * i] = 1 - v;
      both[2 * i + 1] = v;
    });
    return float64Array(both, [one.length, 2]);
  };
  return {
    methods: new Set(["predict", "predict_proba"]),
    what: state.cls,
    predict(x, method) {
      const p = probabilities(x);
      if (method === "predict_proba") return p;
      const k = p.shape[1];
      const data = p.data as Float64Array;
      return classes.take(
        Array.from({ length: x.rows }, (_, i) => argmax(data.subarray(i * k, (i + 1) * k))),
      );
    },
  };
}
