import type { NDArray } from "../../pickle/values.js";
import {
  FLOAT64,
  float64Array,
  InvalidInputError,
  State,
  UnsupportedEstimatorError,
} from "../common/index.js";
import { callFloat, memberEstimator } from "../common/meta.js";
import { type Estimator, type Input, type Method, pickledFormOf } from "../estimator.js";
import { registerFitted } from "../preprocessing/transformer.js";
import { elementwise } from "../preprocessing/ufuncs.js";

/** `inverse_transform` of the target transformers TransformedTargetRegressor uses, from their fitted state. */
function inverseOf(transformer: unknown): (y: number, j: number) => number {
  const form = pickledFormOf(transformer);
  if (form === undefined)
    throw new UnsupportedEstimatorError(
      "TransformedTargetRegressor.transformer_ is not a fitted transformer",
    );
  const s = new State(form);
  switch (s.owner) {
    case "FunctionTransformer": {
      const f = elementwise(s.opt("inverse_func"), "TransformedTargetRegressor inverse_func");
      return (y) => f(y);
    }
    case "StandardScaler": {
      const mean = s.boolean("with_mean") ? s.f64("mean_") : undefined;
      const scale = s.has("scale_") ? s.f64("scale_") : undefined;
      return (y, j) => (scale === undefined ? y : y * scale[j]) + (mean === undefined ? 0 : mean[j]);
    }
    case "MinMaxScaler": {
      const scale = s.f64("scale_");
      const min = s.f64("min_");
      return (y, j) => (y - min[j]) / scale[j];
    }
    case "MaxAbsScaler": {
      const scale = s.f64("scale_");
      return (y, j) => y * scale[j];
    }
    case "RobustScaler": {
      const center = s.has("center_") ? s.f64("center_") : undefined;
      const scale = s.has("scale_") ? s.f64("scale_") : undefined;
      return (y, j) => (scale === undefined ? y : y * scale[j]) + (center === undefined ? 0 : center[j]);
    }
    default:
      throw new UnsupportedEstimatorError(
        `TransformedTargetRegressor with a ${s.owner} target transformer is not supported (supported: FunctionTransformer, StandardScaler, MinMaxScaler, MaxAbsScaler, RobustScaler)`,
      );
  }
}

registerFitted("TransformedTargetRegressor", (obj): Estimator => {
  const s = new State(obj);
  const regressor = memberEstimator(s.get("regressor_"), "TransformedTargetRegressor.regressor_");
  const inverse = inverseOf(s.get("transformer_"));
  const trainingDim = s.numberOr("_training_dim", 1);
  return {
    cls: obj.cls,
    methods: new Set<Method>(["predict"]),
    nFeaturesIn: regressor.nFeaturesIn,
    featureNamesIn: regressor.featureNamesIn,
    call(method: Method, X: Input): NDArray {
      if (method !== "predict")
        throw new InvalidInputError(
          `TransformedTargetRegressor has no method ${method}; it supports: predict`,
        );
      const pred = callFloat(regressor, "predict", X);
      const cols = pred.shape.length === 1 ? 1 : pred.shape[1];
      const out = pred.data.map((v, i) => inverse(v, i % cols));
      const squeeze = trainingDim === 1 && cols === 1;
      return squeeze ? float64Array(out) : { dtype: FLOAT64, shape: [pred.shape[0], cols], data: out };
    },
  };
});
