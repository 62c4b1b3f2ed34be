import type { NDArray } from "../../../pickle/values.js";
import { FLOAT32, FLOAT64 } from "../../../sklearn/common/dtypes.js";
import { int32Array, int64Array } from "../../../sklearn/common/ndarray.js";
import { argmax } from "../argmax.js";
import { UnsupportedBoosterError } from "../errors.js";
import type { FeatureRows } from "../features.js";
import type { XgbModel } from "./model.js";
import { softmaxInPlace, type XgbObjective, xgbObjective } from "./objectives.js";
import { type IterationRange, marginArray, predictMargin, transformMargin } from "./predict.js";

/**
 * What an mlflow xgboost model predicts, by its `model_class`: a raw Booster answers Booster.predict
 * (probabilities, values); the scikit-learn wrappers (XGBClassifier, XGBRegressor, …) answer their own
 * `predict` (class labels for classifiers, over the early-stopping best iteration) and, for classifiers,
 * `predict_proba`. Each method follows xgboost/sklearn.py of xgboost 3.2.
 */

export type XgbMethod = "predict" | "predict_proba";

type Role = "booster" | "classifier" | "regressor" | "ranker";

const ROLES: Readonly<Record<string, Role>> = {
  "xgboost.core.Booster": "booster",
  "xgboost.sklearn.XGBClassifier": "classifier",
  "xgboost.sklearn.XGBRFClassifier": "classifier",
  "xgboost.sklearn.XGBRegressor": "regressor",
  "xgboost.sklearn.XGBRFRegressor": "regressor",
  "xgboost.sklearn.XGBModel": "regressor",
  "xgboost.sklearn.XGBRanker": "ranker",
};

/** The estimator type xgboost's sklearn load_model checks against the `scikit_learn` attribute. */
const ESTIMATOR_TYPES: Readonly<Record<Role, string | undefined>> = {
  booster: undefined,
  classifier: "classifier",
  regressor: "regressor",
  ranker: "ranker",
};

export class XgbEstimator {
  readonly methods: ReadonlySet<XgbMethod>;
  private readonly objective: XgbObjective;
  private readonly range: IterationRange;

  constructor(
    readonly model: XgbModel,
    readonly modelClass: string,
    private readonly role: Role,
    file: string,
  ) {
    this.objective = xgbObjective(model.objective, file);
    this.methods = new Set<XgbMethod>(role === "classifier" ? ["predict", "predict_proba"] : ["predict"]);
    // the wrappers predict up to best_iteration when early stopping recorded one; a Booster uses every round
    const best = model.attributes.best_iteration;
    this.range = role !== "booster" && best !== undefined ? [0, Number(best) + 1] : [0, 0];
  }

  /** xgboost's n_classes_: num_class, and 2 for binary objectives (num_class 0). */
  private get classCount(): number {
    return Math.max(this.model.numClass, 2);
  }

  predict(x: FeatureRows, method: XgbMethod, outputMargin: boolean): NDArray {
    const margin = predictMargin(this.model, this.objective, x, this.range);
    if (outputMargin) return marginArray(this.model, margin, x.rows);
    if (method === "predict_proba") return this.probabilities(margin, x.rows);
    const values = transformMargin(this.model, this.objective, margin, x.rows);
    return this.role === "classifier" ? this.labels(values) : values;
  }

  private labels(values: NDArray): NDArray {
    const data = values.data as Float32Array;
    const rows = values.shape[0];
    if (values.shape.length === 2 && this.classCount !== 2) {
      const cols = values.shape[1];
      return int64Array(
        Array.from({ length: rows }, (_, i) => argmax(data.subarray(i * cols, (i + 1) * cols))),
      );
    }
    if (values.shape.length === 2) {
      // multi-label: a float64 0/1 matrix (numpy.zeros)
      return { dtype: FLOAT64, shape: values.shape, data: Float64Array.from(data, (p) => (p > 0.5 ? 1 : 0)) };
    }
    if (this.model.objective === "multi:softmax") return int32Array(data);
    return int64Array(Array.from(data, (p) => (p > 0.5 ? 1 : 0)));
  }

  private probabilities(margin: Float32Array, rows: number): NDArray {
    if (this.model.objective === "multi:softmax") {
      // scipy.special.softmax of the float32 margins
      const out = margin.slice();
      const k = this.model.numGroup;
      for (let i = 0; i < rows; i++) softmaxInPlace(out.subarray(i * k, (i + 1) * k));
      return { dtype: FLOAT32, shape: [rows, k], data: out };
    }
    const values = transformMargin(this.model, this.objective, margin, rows);
    if (values.shape.length === 2) return values;
    const p = values.data as Float32Array;
    const out = new Float32Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      out[2 * i] = 1 - p[i];
      out[2 * i + 1] = p[i];
    }
    return { dtype: FLOAT32, shape: [rows, 2], data: out };
  }
}

export function xgbEstimator(model: XgbModel, modelClass: string, file: string): XgbEstimator {
  const role = ROLES[modelClass];
  if (role === undefined) {
    throw new UnsupportedBoosterError(
      `${file}: xgboost model_class '${modelClass}' is not supported; supported: ${Object.keys(ROLES).join(", ")}`,
    );
  }
  const meta = model.attributes.scikit_learn;
  const expected = ESTIMATOR_TYPES[role];
  if (meta !== undefined && expected !== undefined) {
    let saved: unknown;
    try {
      saved = (JSON.parse(meta) as { _estimator_type?: unknown })._estimator_type;
    } catch {
      saved = undefined;
    }
    if (saved !== undefined && saved !== expected) {
      throw new UnsupportedBoosterError(
        `${file}: MLmodel says ${modelClass} (a ${expected}), but the model was saved by a ${String(saved)}`,
      );
    }
  }
  return new XgbEstimator(model, modelClass, role, file);
}
