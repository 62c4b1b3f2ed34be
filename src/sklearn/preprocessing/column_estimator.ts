import type { NDArray, PyObject } from "../../pickle/values.js";
import { type Columns, inputColumns } from "../common/columns.js";
import { featureNamesIn, InvalidInputError, State } from "../common/index.js";
import type { Estimator, Input, Method } from "../estimator.js";
import { registerFitted } from "./transformer.js";

/**
 * Estimators that read the raw values of each column (strings, numbers, missing values) rather than a
 * float matrix: encoders and the string-capable imputer. `transform` gets the input's columns, matched to
 * `feature_names_in_` by name when the model was fitted on a DataFrame.
 */
export function registerColumnTransformer(
  name: string,
  build: (state: State, obj: PyObject) => (cols: Columns) => NDArray,
): void {
  registerFitted(name, (obj) => {
    const state = new State(obj);
    const transform = build(state, obj);
    return columnEstimator(obj, state, transform);
  });
}

function columnEstimator(obj: PyObject, state: State, transform: (cols: Columns) => NDArray): Estimator {
  return inputEstimator(obj, state, (X, opts) => transform(inputColumns(X, opts)));
}

/** A transformer over the raw request input; `opts` says what inputColumns should check. */
export function inputEstimator(
  obj: PyObject,
  state: State,
  transform: (X: Input, opts: { estimator: string; nFeatures?: number; featureNames?: string[] }) => NDArray,
): Estimator {
  const nFeaturesIn = state.has("n_features_in_") ? state.number("n_features_in_") : undefined;
  const featureNames = featureNamesIn(state);
  const owner = state.owner;
  return {
    cls: obj.cls,
    methods: new Set<Method>(["transform"]),
    nFeaturesIn,
    featureNamesIn: featureNames,
    call(method: Method, X: Input): NDArray {
      if (method !== "transform") {
        throw new InvalidInputError(`${owner} has no method ${method}; it supports: transform`);
      }
      return transform(X, { estimator: owner, nFeatures: nFeaturesIn, featureNames });
    },
  };
}
