import type { PyObject } from "../../pickle/values.js";
import {
  EstimatorStateError,
  float64Array,
  type Matrix,
  type MatrixMethod,
  numericEstimator,
  State,
} from "../common/index.js";
import { unfittedEstimator } from "../common/meta.js";
import { type Estimator, registerClass } from "../estimator.js";
import { FlatTree } from "./flat_tree.js";
import { classesPerOutput, labelsFor, TreeModel } from "./model.js";
import { type KernelRows, withKernelRows } from "./walk_kernel.js";

/**
 * DecisionTree{Classifier,Regressor} and ExtraTree{Classifier,Regressor}: they differ only in how they
 * were grown, so one implementation predicts for all four.
 */

const TREE_MODEL = Symbol("TreeModel");

/** The TreeModel behind one of our tree estimators (ensembles walk it directly), if `est` is one. */
export function treeModelOf(est: unknown): TreeModel | undefined {
  return typeof est === "object" && est !== null
    ? (est as { [TREE_MODEL]?: TreeModel })[TREE_MODEL]
    : undefined;
}

/** `log` of every value, as numpy's `np.log(proba)` (zero gives -inf). */
export function logOf(p: Float64Array): Float64Array {
  return p.map(Math.log);
}

/** fn on X's rows in the tree kernel, as trees read them (float32). */
export function onRows<T>(X: Matrix, fn: (input: KernelRows) => T): T {
  return withKernelRows(X.data, X.rows, X.cols, true, fn);
}

function classifierMethods(model: TreeModel): Partial<Record<string, MatrixMethod>> {
  const { classes } = model;
  const predict: MatrixMethod = (X) =>
    labelsFor(
      classes,
      onRows(X, (input) => model.classIndices(input)),
      X.rows,
    );
  if (model.nOutputs !== 1) return { predict };
  const proba = (X: Matrix) => {
    const out = new Float64Array(X.rows * model.probaWidth);
    onRows(X, (input) => model.addProba(input, out));
    return out;
  };
  return {
    predict,
    predict_proba: (X) => float64Array(proba(X), [X.rows, model.probaWidth]),
    predict_log_proba: (X) => float64Array(logOf(proba(X)), [X.rows, model.probaWidth]),
  };
}

function regressorMethods(model: TreeModel): Partial<Record<string, MatrixMethod>> {
  return {
    predict: (X) => {
      const out = new Float64Array(X.rows * model.nOutputs);
      onRows(X, (input) => model.addValue(input, out));
      return float64Array(out, model.nOutputs === 1 ? [X.rows] : [X.rows, model.nOutputs]);
    },
  };
}

function buildTreeEstimator(obj: PyObject): Estimator {
  const state = new State(obj);
  if (!state.has("tree_")) return unfittedEstimator(obj);
  const tree = state.get("tree_");
  if (!(tree instanceof FlatTree)) throw state.typeError("tree_", tree, "a sklearn.tree._tree.Tree");
  const classifier = state.has("classes_");
  const model = new TreeModel(
    tree,
    classifier ? classesPerOutput(state.get("classes_"), state.owner) : undefined,
  );
  if (state.has("n_features_in_") && state.number("n_features_in_") !== tree.nFeatures) {
    throw new EstimatorStateError(
      `${state.owner}.tree_ has ${tree.nFeatures} features, n_features_in_ differs`,
    );
  }
  const est = numericEstimator(obj, state, {
    methods: classifier ? classifierMethods(model) : regressorMethods(model),
    allowNaN: tree.missingGoLeft !== undefined,
    unavailable:
      classifier && model.nOutputs > 1 ? { predict_proba: "multi-output: one array per output" } : {},
  });
  return Object.assign(est, { [TREE_MODEL]: model });
}

for (const name of [
  "DecisionTreeClassifier",
  "DecisionTreeRegressor",
  "ExtraTreeClassifier",
  "ExtraTreeRegressor",
]) {
  registerClass(name, buildTreeEstimator);
}
