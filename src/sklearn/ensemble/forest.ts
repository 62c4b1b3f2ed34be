import type { PyObject } from "../../pickle/values.js";
import {
  EstimatorStateError,
  float64Array,
  type Matrix,
  type MatrixMethod,
  numericEstimator,
  rowArgmax,
  State,
  matrix as toMatrix,
} from "../common/index.js";
import { unfittedEstimator } from "../common/meta.js";
import { type Estimator, registerClass } from "../estimator.js";
import { logOf, treeModelOf } from "../tree/classes.js";
import { classesPerOutput, labelsFor, type TreeModel } from "../tree/model.js";
import { predictPack } from "./parallel.js";
import { buildPack, type PackedTree, type TreePack } from "./tree_pack.js";

/** The fitted trees of an ensemble (`estimators_`), as TreeModels; `what` names the attribute in errors. */
export function treeModels(list: unknown, what: string): TreeModel[] {
  const items = Array.isArray(list) ? list : [];
  if (items.length === 0) throw new EstimatorStateError(`${what} holds no fitted trees`);
  return items.map((e, i) => {
    const m = treeModelOf(e);
    if (m === undefined) throw new EstimatorStateError(`${what}[${i}] is not a fitted decision tree`);
    return m;
  });
}

/** True when every tree knows where NaN goes (scikit-learn >= 1.3 trees). */
export function treesRouteNaN(trees: readonly TreeModel[]): boolean {
  return trees.every((t) => t.tree.missingGoLeft !== undefined);
}

/**
 * The forest's trees in one TreePack (made at the first predict, not at load): each leaf adds its tree's
 * class probabilities (classifiers) or values (regressors) to the row.
 */
function forestPack(trees: readonly TreeModel[], classifier: boolean): () => TreePack {
  let pack: TreePack | undefined;
  return () => {
    if (pack !== undefined) return pack;
    const width = classifier ? trees[0].probaWidth : trees[0].nOutputs;
    const packed = trees.map(
      (t): PackedTree => ({
        packed: t.tree.packed,
        threshold: t.tree.threshold,
        column: 0,
        leafValues: classifier
          ? (n, into, at) => into.set(t.proba.subarray(n * width, (n + 1) * width), at)
          : (n, into, at) => into.set(t.tree.values.subarray(n * width, (n + 1) * width), at),
      }),
    );
    pack = buildPack(packed, { width, stride: width, round32: true }, "shared");
    return pack;
  };
}

/** Mean of the trees' predict_proba or predictions, summed tree after tree then divided, as scikit-learn does. */
function meanOverTrees(pack: TreePack, X: Matrix): Float64Array {
  const out = predictPack(pack, X.data, X.rows, X.cols);
  const n = pack.column.length;
  for (let i = 0; i < out.length; i++) out[i] /= n;
  return out;
}

function classifierMethods(trees: TreeModel[], state: State): Partial<Record<string, MatrixMethod>> {
  const pack = forestPack(trees, true);
  const meanProba = (X: Matrix) => meanOverTrees(pack(), X);
  const classes = classesPerOutput(state.get("classes_"), state.owner);
  const width = trees[0].probaWidth;
  if (trees.some((t) => t.probaWidth !== width)) {
    throw new EstimatorStateError(`${state.owner}.estimators_ disagree on the number of classes`);
  }
  const offsets = trees[0].probaOffsets;
  const predict: MatrixMethod = (X) => {
    const proba = meanProba(X);
    const idx = new Int32Array(X.rows * classes.length);
    classes.forEach((c, k) => {
      const part = toMatrix(X.rows, c.shape[0], sliceColumns(proba, width, offsets[k], c.shape[0]));
      rowArgmax(part).forEach((v, i) => {
        idx[i * classes.length + k] = v;
      });
    });
    return labelsFor(classes, idx, X.rows);
  };
  if (classes.length !== 1) return { predict };
  return {
    predict,
    predict_proba: (X) => float64Array(meanProba(X), [X.rows, width]),
    predict_log_proba: (X) => float64Array(logOf(meanProba(X)), [X.rows, width]),
  };
}

/** Columns [from, from+n) of a row-major matrix with `width` columns. */
function sliceColumns(data: Float64Array, width: number, from: number, n: number): Float64Array {
  if (from === 0 && n === width) return data;
  const rows = data.length / width;
  const out = new Float64Array(rows * n);
  for (let i = 0; i < rows; i++) out.set(data.subarray(i * width + from, i * width + from + n), i * n);
  return out;
}

function buildForest(obj: PyObject): Estimator {
  const state = new State(obj);
  if (!state.has("estimators_")) return unfittedEstimator(obj);
  const trees = treeModels(state.get("estimators_"), `${state.owner}.estimators_`);
  const classifier = state.has("classes_");
  const nOut = trees[0].nOutputs;
  const regressorPack = classifier ? undefined : forestPack(trees, false);
  return numericEstimator(obj, state, {
    methods:
      regressorPack === undefined
        ? classifierMethods(trees, state)
        : {
            predict: (X) =>
              float64Array(meanOverTrees(regressorPack(), X), nOut === 1 ? [X.rows] : [X.rows, nOut]),
          },
    allowNaN: treesRouteNaN(trees),
    unavailable: classifier && nOut > 1 ? { predict_proba: "multi-output: one array per output" } : {},
  });
}

for (const name of [
  "RandomForestClassifier",
  "RandomForestRegressor",
  "ExtraTreesClassifier",
  "ExtraTreesRegressor",
]) {
  registerClass(name, buildForest);
}
