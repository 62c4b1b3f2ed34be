import type { NDArray, PyObject } from "../../pickle/values.js";
import { type Estimator, type Input, type Method, registerClass } from "../estimator.js";
import { InvalidInputError } from "./errors.js";
import { inputMatrix } from "./input.js";
import type { Matrix } from "./ndarray.js";
import { State } from "./state.js";

/** A method of a numeric estimator: X already validated as a float64 matrix. */
export type MatrixMethod = (X: Matrix) => NDArray;

export interface NumericEstimatorSpec {
  readonly methods: Partial<Record<Method, MatrixMethod>>;
  /** NaN reaches the methods instead of being refused (estimators with native missing-value support) */
  readonly allowNaN?: boolean;
  /** the methods check X's finiteness themselves (InputOptions.finiteCheckedByMethod) */
  readonly finiteCheckedByMethod?: boolean;
  /** why a method scikit-learn has is absent on this instance, e.g. predict_proba without probability=True */
  readonly unavailable?: Partial<Record<Method, string>>;
}

/** The feature names an estimator saw at fit (`feature_names_in_`), when it was fitted on a DataFrame. */
export function featureNamesIn(state: State): string[] | undefined {
  if (!state.has("feature_names_in_")) return undefined;
  const a = state.array("feature_names_in_");
  return Array.from(a.data as ArrayLike<unknown>, String);
}

/**
 * An Estimator over numeric input: validates X (feature count, names, finiteness) the way scikit-learn's
 * `_validate_data` does, then runs the method.
 */
export function numericEstimator(obj: PyObject, state: State, spec: NumericEstimatorSpec): Estimator {
  const nFeaturesIn = state.has("n_features_in_") ? state.number("n_features_in_") : undefined;
  const featureNames = featureNamesIn(state);
  const name = state.owner;
  const methods = new Set(Object.keys(spec.methods) as Method[]);
  return {
    cls: obj.cls,
    methods,
    nFeaturesIn,
    featureNamesIn: featureNames,
    call(method: Method, X: Input): NDArray {
      const fn = spec.methods[method];
      if (fn === undefined) {
        const why = spec.unavailable?.[method];
        throw new InvalidInputError(
          `${name} has no method ${method}${why ? ` (${why})` : ""}; it supports: ${[...methods].join(", ")}`,
        );
      }
      return fn(
        inputMatrix(X, {
          estimator: name,
          nFeatures: nFeaturesIn,
          featureNames,
          allowNaN: spec.allowNaN,
          finiteCheckedByMethod: spec.finiteCheckedByMethod,
        }),
      );
    },
  };
}

/** Register a numeric estimator class; `build` reads the fitted state once, at load time. */
export function registerNumericEstimator(
  name: string,
  build: (state: State, obj: PyObject, hydrate: (value: unknown) => unknown) => NumericEstimatorSpec,
): void {
  registerClass(name, (obj, hydrate) => {
    const state = new State(obj);
    return numericEstimator(obj, state, build(state, obj, hydrate));
  });
}

const dataClasses = new Set<string>();

/**
 * Register a helper class that is only data inside another estimator's pickle (KDTree, loss objects,
 * LabelBinarizer...). Several estimator groups may need the same one, so registering it again is a no-op.
 */
export function registerDataClass(name: string): void {
  if (dataClasses.has(name)) return;
  registerClass(name, (obj) => obj);
  dataClasses.add(name);
}
