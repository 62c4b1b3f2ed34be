import type { NDArray, PyObject } from "../pickle/values.js";
import { EstimatorStateError } from "./common/errors.js";
import { unfittedEstimator } from "./common/meta.js";

/**
 * The contract every TypeScript scikit-learn estimator implements, and the registry that maps the class
 * names found in pickles to them. The registry is also the pickle allow-list for scikit-learn classes:
 * a class that no module registered is refused by the reader with an error naming it.
 */

/** The methods scikit-learn exposes that we serve; the V2 output is named after the method (MLServer). */
export type Method =
  | "predict"
  | "predict_proba"
  | "predict_log_proba"
  | "decision_function"
  | "transform"
  | "score_samples";

/**
 * Model input. A numeric 2-D array (rows × features, row-major) or a table of named columns
 * (pandas-style, what ColumnTransformer by name, encoders and vectorizers need). A 1-D input of strings
 * (for a text vectorizer) is a Table with one column.
 */
export type Input = NDArray | Table;

export interface Table {
  readonly kind: "table";
  readonly rows: number;
  readonly columns: ReadonlyArray<{
    readonly name: string;
    readonly values: Float64Array | readonly unknown[];
  }>;
}

export interface Estimator {
  /** Fully qualified class name as pickled, e.g. "sklearn.ensemble._forest.RandomForestClassifier". */
  readonly cls: string;
  /** The methods this fitted instance supports (e.g. SVC without probability=True has no predict_proba). */
  readonly methods: ReadonlySet<Method>;
  /** Run one method; outputs keep scikit-learn's dtype (class labels keep their original type). */
  call(method: Method, X: Input): NDArray;
  /** Number of input features when known (n_features_in_), for metadata. */
  readonly nFeaturesIn?: number;
  /** Column names seen at fit (feature_names_in_), when the model was fitted on a DataFrame. */
  readonly featureNamesIn?: readonly string[];
}

/** Builds an estimator from its pickled form; `hydrate` turns nested PyObjects (pipeline steps…) into estimators. */
export type EstimatorFactory = (obj: PyObject, hydrate: (value: unknown) => unknown) => unknown;

const factories = new Map<string, EstimatorFactory>();
/** classes that are never an estimator's unfitted template (see buildOrTemplate) */
const dataClasses = new Set<string>();

/**
 * Register the factory for a class. `name` is the class's simple name ("LogisticRegression"); it matches any
 * module path under `sklearn.` because scikit-learn moves classes between private modules across releases.
 * Helper classes that are only data (Tree, _BinMapper, loss objects, KDTree…) register a factory too; with
 * `data: true` a bad state of theirs fails the load with its own message, where an estimator without fitted
 * attributes would load as an unfitted template.
 */
export function registerClass(name: string, factory: EstimatorFactory, options?: { data: boolean }): void {
  if (factories.has(name)) throw new Error(`duplicate sklearn class registration: ${name}`);
  factories.set(name, factory);
  if (options?.data) dataClasses.add(name);
}

/**
 * The pickled form each built object came from. Meta-estimators read fitted attributes of their members
 * that the member's TypeScript form does not expose (SelectFromModel reads `coef_` or a tree's nodes).
 */
const pickledForms = new WeakMap<object, PyObject>();

export function factoryFor(cls: string): EstimatorFactory | undefined {
  if (!cls.startsWith("sklearn.")) return undefined;
  const name = cls.slice(cls.lastIndexOf(".") + 1);
  const factory = factories.get(name);
  if (factory === undefined) return undefined;
  const data = dataClasses.has(name);
  return (obj, hydrate) => {
    const built = data ? factory(obj, hydrate) : buildOrTemplate(factory, obj, hydrate);
    if (typeof built === "object" && built !== null) pickledForms.set(built, obj);
    return built;
  };
}

/** scikit-learn's `check_is_fitted` rule: a fitted estimator has an attribute whose name ends in "_". */
function looksFitted(obj: PyObject): boolean {
  if (!(obj.state instanceof Map)) return true;
  for (const k of obj.state.keys())
    if (typeof k === "string" && k.endsWith("_") && !k.startsWith("__")) return true;
  return false;
}

/**
 * Meta-estimators pickle unfitted templates of their members (`estimator`, `transformers`, `regressor`).
 * When a factory cannot build such a template for lack of fitted attributes, the template loads as an
 * estimator that refuses to run, so the fitted model around it still loads.
 */
function buildOrTemplate(
  factory: EstimatorFactory,
  obj: PyObject,
  hydrate: (value: unknown) => unknown,
): unknown {
  try {
    return factory(obj, hydrate);
  } catch (e) {
    if (e instanceof EstimatorStateError && !looksFitted(obj)) return unfittedEstimator(obj);
    throw e;
  }
}

/** The PyObject (state already hydrated) that `built` was made from by a registered factory. */
export function pickledFormOf(built: unknown): PyObject | undefined {
  return typeof built === "object" && built !== null ? pickledForms.get(built) : undefined;
}

export function registeredClassNames(): string[] {
  return [...factories.keys()].sort();
}
